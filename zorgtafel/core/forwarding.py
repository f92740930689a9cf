"""Which forwarded headers count: only with ``app.proxy_fix``, and only from a configured proxy.

A reverse proxy that terminates TLS tells the app the client's scheme, host and address in
``X-Forwarded-*`` headers. Anyone else can send the same headers, so they are believed only
from an address in ``app.trusted_proxies``; from anywhere else they are removed before the
app sees the request. gunicorn applies ``X-Forwarded-Proto`` itself for the addresses in its
``forwarded_allow_ips`` (127.0.0.1 by default, so a local client could have the app send HSTS
over plain http): ``zorgtafel serve`` sets that list from the same setting, and whatever
gunicorn decided, the scheme here starts from the connection's own.
"""

from __future__ import annotations

import ipaddress
import ssl
from collections.abc import Iterable
from typing import Any

from werkzeug.middleware.proxy_fix import ProxyFix

#: the forwarding headers of werkzeug's ProxyFix and gunicorn's secure_scheme_headers, and
#: the proxy's request id (which the audit log records)
FORWARDED = (
    "HTTP_X_REQUEST_ID",
    "HTTP_FORWARDED",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_PREFIX",
    "HTTP_X_FORWARDED_PROTOCOL",
    "HTTP_X_FORWARDED_SSL",
)
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def networks(addresses: Iterable[str]) -> tuple[Network, ...]:
    """Parse ``app.trusted_proxies``; ValueError names a bad entry."""
    return tuple(ipaddress.ip_network(address.strip()) for address in addresses)


def gunicorn_allow_ips(proxy_fix: bool, trusted: Iterable[str]) -> str:
    """gunicorn's ``--forwarded-allow-ips``: the configured proxies, or nobody."""
    return ",".join(str(network) for network in networks(trusted)) if proxy_fix else ""


class ForwardedHeaders:
    """WSGI middleware: ProxyFix for requests from a trusted proxy, forwarded headers removed
    from every other request."""

    def __init__(self, app: Any, trusted: tuple[Network, ...]) -> None:
        self.direct = app
        self.trusted = trusted
        self.proxied = ProxyFix(app, x_for=1, x_proto=1, x_host=1) if trusted else None

    def from_trusted_proxy(self, environ: dict[str, Any]) -> bool:
        try:
            peer = ipaddress.ip_address(environ.get("REMOTE_ADDR") or "")
        except ValueError:
            return False
        return any(peer in network for network in self.trusted)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        connection = environ.get("gunicorn.socket")
        if connection is not None:
            # gunicorn may have taken the scheme from a header: start from the connection's
            tls = isinstance(connection, ssl.SSLSocket)
            environ["wsgi.url_scheme"] = "https" if tls else "http"
        if self.proxied is not None and self.from_trusted_proxy(environ):
            return self.proxied(environ, start_response)
        for header in FORWARDED:
            environ.pop(header, None)
        return self.direct(environ, start_response)
