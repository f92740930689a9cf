"""The main menu per role. Each domain registers its entries when its blueprint is imported."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, g, url_for
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
    """The menu of ``user``'s role, built once per request (the layout and the start page
    both show it)."""
    built: dict[Role, list[NavItem]] = g.setdefault("nav_items", {})
    if user.role not in built:
        built[user.role] = [
            NavItem(url_for(entry.endpoint), str(entry.label), str(entry.description))
            for entry in _ENTRIES
            if user.role in entry.roles
        ]
    return built[user.role]


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
