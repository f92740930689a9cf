"""The main menu per role. Each domain registers its entries when its blueprint is imported."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from zorgtafel.auth.models import Role, User


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    label: Callable[[], str] | str
    description: Callable[[], str] | str
    roles: frozenset[Role]


@dataclass(frozen=True)
class NavItem:
    url: str
    label: str
    description: str


_ENTRIES: list[NavEntry] = []


def register(endpoint: str, label: object, description: object, *roles: Role) -> None:
    """Add a menu entry for ``roles`` (idempotent per endpoint)."""
    if any(entry.endpoint == endpoint for entry in _ENTRIES):
        return
    _ENTRIES.append(NavEntry(endpoint, label, description, frozenset(roles)))  # type: ignore[arg-type]


def nav_items(user: User) -> list[NavItem]:
    """The menu of ``user``'s role in this request's language: the same for every request of
    that role and language, so built once per process (the entries register at import)."""
    key = (user.role, str(get_locale()), request.script_root)
    built: dict[tuple[Role, str, str], list[NavItem]] = current_app.extensions.setdefault(
        "zorgtafel.nav_items", {}
    )
    if key not in built:
        built[key] = [
            NavItem(url_for(entry.endpoint), str(entry.label), str(entry.description))
            for entry in _ENTRIES
            if user.role in entry.roles
        ]
    return built[key]


def role_label(role: Role) -> str:
    labels = {
        Role.chair: _l("voorzitter / procesregisseur"),
        Role.partner: _l("ketenpartner"),
        Role.privacy: _l("functionaris gegevensbescherming"),
        Role.admin: _l("functioneel beheerder"),
    }
    return str(labels[role])


def init_app(app: Flask) -> None:
    app.jinja_env.globals["nav_items"] = nav_items
    app.jinja_env.globals["role_label"] = role_label
