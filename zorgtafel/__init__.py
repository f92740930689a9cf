"""zorgtafel: the multi-agency case conference on youth trafficking, run on its convenant."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, g
from flask_wtf import CSRFProtect

from zorgtafel.config import Settings, instance_dir, load_settings

ROOT = Path(__file__).resolve().parent.parent
csrf = CSRFProtect()


def create_app(config: dict[str, dict[str, Any]] | Settings | None = None) -> Flask:
    """The app factory. ``config`` overrides the instance's TOML (tests pass a dict)."""
    settings = config if isinstance(config, Settings) else load_settings(config)
    app = Flask(
        __name__,
        instance_path=str(instance_dir()),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.extensions["zorgtafel.settings"] = settings
    _flask_config(app, settings)

    from zorgtafel import templating
    from zorgtafel.audit import ledger, sequencer
    from zorgtafel.core import errors, i18n, input, limiter, pipeline
    from zorgtafel.core.db import db
    from zorgtafel.privacy import vault

    db.init_app(app, settings.database_url)
    sequencer.init_app(app, settings["audit.sequencing"], app.extensions["zorgtafel.db"].engine)
    vault.init_app(app, settings)  # a wrong or missing master key stops here, before any write
    csrf.init_app(app)
    i18n.init_app(app)
    limiter.init_app(app)
    ledger.install()
    pipeline.init_app(app, keep=ledger.keep)
    errors.init_app(app)
    templating.init_app(app)
    input.init_app(app)  # the strict <int:> converter, before any rule is added
    _register_blueprints(app)
    _load_user_per_request(app)
    _proxy(app, settings)
    _commands(app)
    return app


def _commands(app: Flask) -> None:
    """Make ``flask --app zorgtafel`` offer the same commands as the ``zorgtafel`` script."""
    from zorgtafel.cli import cli

    for name, command in cli.commands.items():
        if name not in ("run", "shell", "routes"):
            app.cli.add_command(command, name)


def _flask_config(app: Flask, settings: Settings) -> None:
    https = settings["app.https"]
    app.config.update(
        SECRET_KEY=_secret_key(settings),
        SESSION_COOKIE_NAME="__Host-zorgtafel" if https else "zorgtafel",
        SESSION_COOKIE_SECURE=https,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_PATH="/",
        PERMANENT_SESSION_LIFETIME=settings["session.absolute_hours"] * 3600,
        # the cookie is written when its content changes, with the session's absolute end as
        # its expiry (auth.sessions.SessionCookie); idle and absolute limits live on the server
        SESSION_REFRESH_EACH_REQUEST=False,
        WTF_CSRF_TIME_LIMIT=None,  # bound to the session, which has its own lifetime
        WTF_CSRF_SSL_STRICT=https,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        BABEL_DEFAULT_LOCALE=settings["app.default_locale"],
        PREFERRED_URL_SCHEME="https" if https else "http",
    )


def _secret_key(settings: Settings) -> bytes:
    from zorgtafel.config import ConfigError

    if env := os.environ.get("ZORGTAFEL_SECRET_KEY"):
        if len(env) < 32:
            raise ConfigError("ZORGTAFEL_SECRET_KEY", "te kort (minstens 32 tekens)")
        return env.encode()
    path = settings.path("app.secret_key_file")
    try:
        key = path.read_bytes().strip()
    except OSError:
        raise ConfigError(
            "app.secret_key_file", f"{path} niet leesbaar; draai 'zorgtafel init'"
        ) from None
    if len(key) < 32:
        raise ConfigError("app.secret_key_file", "sleutel te kort (minstens 32 tekens)")
    return key


def _register_blueprints(app: Flask) -> None:
    """Every domain's URL table, and its menu entries in this order."""
    from zorgtafel.auth import blueprint as auth
    from zorgtafel.cases import blueprint as cases
    from zorgtafel.convenant import blueprint as convenant
    from zorgtafel.core import navigation
    from zorgtafel.figures import blueprint as figures
    from zorgtafel.home import blueprint as home
    from zorgtafel.meetings import blueprint as meetings
    from zorgtafel.minutes import blueprint as minutes
    from zorgtafel.oversight import blueprint as oversight
    from zorgtafel.retention import blueprint as retention

    domains = (home, cases, meetings, minutes, oversight, retention, figures, convenant, auth)
    for domain in domains:
        app.register_blueprint(domain.bp)
    navigation.init_app(app, tuple(item for domain in domains for item in domain.MENU))


def _load_user_per_request(app: Flask) -> None:
    from zorgtafel.auth import access, sessions

    sessions.init_app(app)  # the cookie that carries the session token
    access.init_app(app)  # Flask-Login, whose user_loader resolves that token

    @app.before_request
    def _user() -> None:
        g.user = None if _is_static() else access.current_user()

    @app.context_processor
    def _inject() -> dict[str, Any]:
        return {
            "current_user": g.get("user"),
            "demo_mode": app.extensions["zorgtafel.settings"]["app.demo"],
        }


def _is_static() -> bool:
    from flask import request

    return request.endpoint == "static"


def _proxy(app: Flask, settings: Settings) -> None:
    """Forwarded headers count only with ``app.proxy_fix``, only from ``app.trusted_proxies``."""
    from zorgtafel.core.forwarding import ForwardedHeaders, networks

    trusted = networks(settings["app.trusted_proxies"]) if settings["app.proxy_fix"] else ()
    app.wsgi_app = ForwardedHeaders(app.wsgi_app, trusted)  # type: ignore[method-assign]
