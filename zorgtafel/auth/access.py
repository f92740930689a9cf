"""Who may open what: the current user, and decorators that deny by default."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, g, redirect, request, url_for

from zorgtafel.auth.models import Role, User

F = TypeVar("F", bound=Callable[..., Any])


def current_user() -> User | None:
    return g.get("user")


def login_required(view: F) -> F:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            return redirect(url_for("auth.login", next=_local_next()))
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Logged in with one of ``roles``; anyone else gets a 404, as if the page did not exist."""
    if not roles or not all(isinstance(role, Role) for role in roles):
        raise ValueError("roles_required needs one or more Role members")

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return redirect(url_for("auth.login", next=_local_next()))
            if user.role not in roles:
                abort(404)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def _local_next() -> str | None:
    # only a path, never a URL with a query: queries could carry search terms
    return request.path if request.method == "GET" and request.path != "/" else None


def safe_next(target: str | None) -> str:
    """A redirect target after login: a local path only."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("home.index")
