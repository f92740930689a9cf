"""Generic error pages: a status, a Dutch sentence, never a stack trace or request content."""

from __future__ import annotations

import logging
import traceback

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)


class Hidden(LookupError):
    """Something the user may not see: answered as 404, exactly like a page that does not exist
    (the disclosure gate's refusals are one)."""


def init_app(app: Flask) -> None:
    app.register_error_handler(Hidden, _hidden)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(Exception, _unexpected)


def _messages() -> dict[int, str]:
    return {
        400: _("Het verzoek kon niet worden verwerkt."),
        403: _("U heeft geen toegang tot deze pagina."),
        404: _("Deze pagina bestaat niet of u heeft er geen toegang toe."),
        405: _("Deze handeling is hier niet toegestaan."),
        429: _("Te veel pogingen. Wacht even en probeer het opnieuw."),
        500: _("Er ging iets mis. De fout is vastgelegd; er is niets opgeslagen."),
    }


def render_error(code: int, message: str | None = None):  # type: ignore[no-untyped-def]
    """The generic error page with this status and sentence (the status's own by default)."""
    message = message or _messages().get(code) or _messages()[500]
    try:
        return render_template(
            "errors/error.html", code=code, message=message, error_page=True
        ), code
    except Exception as exc:
        log.error("error page failed: %s", type(exc).__name__)
        return f"{code}", code, {"Content-Type": "text/plain; charset=utf-8"}


def _http_error(exc: HTTPException):  # type: ignore[no-untyped-def]
    code = exc.code or 500
    response = render_error(code)
    if code == 405 and exc.get_response().headers.get("Allow"):
        body, status = response
        return body, status, {"Allow": exc.get_response().headers["Allow"]}
    return response


def _hidden(_exc: Hidden):  # type: ignore[no-untyped-def]
    return render_error(404)


def _csrf_error(_exc: CSRFError):  # type: ignore[no-untyped-def]
    return render_error(400, _("Het formulier is verlopen of ongeldig. Laad de pagina opnieuw."))


def _unexpected(exc: Exception):  # type: ignore[no-untyped-def]
    if isinstance(exc, HTTPException):
        return _http_error(exc)
    # type and frames only: exception messages (e.g. SQL parameters) may carry personal data
    # frames as file:line only, without source lines, which may quote values
    frames = "\n".join(
        f"  {frame.filename}:{frame.lineno} in {frame.name}"
        for frame in traceback.extract_tb(exc.__traceback__)
    )
    log.error("unhandled %s\n%s", type(exc).__name__, frames)
    return render_error(500)


__all__ = ["Hidden", "InternalServerError", "init_app", "render_error"]
