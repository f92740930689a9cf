"""The main menu per role: each blueprint module lists its entries in ``MENU``; the app factory
hands the blueprints' lists, in order, to :func:`init_app`."""

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
    #: the roles that have it in the top bar too; for the others it is a card on the start
    #: page only (the bar holds a role's few daily pages, so it stays one row)
    bar: frozenset[Role]


@dataclass(frozen=True)
class NavItem:
    url: str
    label: str
    description: str
    in_bar: bool = True


def entry(
    endpoint: str,
    label: object,
    description: object,
    *roles: Role,
    bar: tuple[Role, ...] | None = None,
) -> NavEntry:
    """A menu entry for ``roles``: a card on their start page, and in the top bar for ``bar``
    (by default all of ``roles``)."""
    shown = frozenset(roles if bar is None else bar)
    return NavEntry(endpoint, label, description, frozenset(roles), shown)  # type: ignore[arg-type]


_MENU = "zorgtafel.menu"


def init_app(app: Flask, entries: tuple[NavEntry, ...]) -> None:
    """The app's menu, in this order."""
    app.extensions[_MENU] = entries


def nav_items(user: User) -> list[NavItem]:
    """The menu of ``user``'s role in this request's language: the same for every request of
    that role and language, so built once per process."""
    key = (user.role, str(get_locale()), request.script_root)
    built: dict[tuple[Role, str, str], list[NavItem]] = current_app.extensions.setdefault(
        "zorgtafel.nav_items", {}
    )
    if key not in built:
        built[key] = [
            NavItem(
                url_for(item.endpoint),
                str(item.label),
                str(item.description),
                user.role in item.bar,
            )
            for item in current_app.extensions[_MENU]
            if user.role in item.roles
        ]
    return built[key]


def role_label(role: Role) -> str:
    labels = {
        Role.chair: _l("voorzitter / procesregisseur"),
        Role.partner: _l("ketenpartner"),
        Role.privacy: _l("functionaris gegevensbescherming"),
        Role.admin: _l("functioneel beheerder"),
        Role.policy: _l("beleidsmedewerker"),
    }
    return str(labels[role])
