"""The convenant for people: matrix of the version in force (everyone), versions, diff (FG)."""

from __future__ import annotations

from flask import abort, render_template, request

from zorgtafel.convenant import operations
from zorgtafel.convenant.compare import diff
from zorgtafel.convenant.document import Convenant, Direction
from zorgtafel.convenant.models import ConvenantVersion
from zorgtafel.core.db import db


def in_force() -> str:
    version = operations.version_in_force()
    return _matrix_page(version, in_force=True)


def version(version_id: int) -> str:
    stored = db.session.get(ConvenantVersion, version_id)
    if stored is None:
        abort(404)
    return _matrix_page(stored, in_force=False)


def versions() -> str:
    return render_template(
        "convenant/versions.html",
        versions=operations.versions(),
        current=operations.version_in_force(),
    )


def compare() -> str:
    stored = operations.versions()
    old = _pick(stored, request.args.get("oud", type=int), default=-2)
    new = _pick(stored, request.args.get("nieuw", type=int), default=-1)
    change = None
    if old is not None and new is not None and old.id != new.id:
        change = diff(operations.convenant_of(old), operations.convenant_of(new))
    return render_template("convenant/diff.html", versions=stored, old=old, new=new, change=change)


def _pick(stored: list[ConvenantVersion], wanted: int | None, default: int):  # type: ignore[no-untyped-def]
    if wanted is not None:
        match = next((version for version in stored if version.id == wanted), None)
        if match is None:
            abort(404)
        return match
    return stored[default] if len(stored) >= abs(default) else None


def _matrix_page(stored: ConvenantVersion | None, *, in_force: bool) -> str:
    convenant = operations.convenant_of(stored) if stored is not None else None
    return render_template(
        "convenant/matrix.html",
        stored=stored,
        convenant=convenant,
        in_force=in_force,
        cells=_cells(convenant) if convenant else {},
    )


def _cells(convenant: Convenant) -> dict[tuple[str, str], dict[str, object]]:
    """Per partner and category: the provide and receive rights and any consent rule."""
    cells: dict[tuple[str, str], dict[str, object]] = {}
    for partner in convenant.partners:
        for category in convenant.categories:
            cells[(partner.code, category.code)] = {
                "provide": convenant.right(partner.code, category.code, Direction.PROVIDE),
                "receive": convenant.right(partner.code, category.code, Direction.RECEIVE),
                "consent": convenant.consent_requirement(partner.code, category.code),
            }
    return cells
