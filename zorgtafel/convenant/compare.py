"""Views of a convenant for people: the partner x category matrix and the diff of two versions."""

from __future__ import annotations

from dataclasses import dataclass

from .document import Category, Convenant, Direction, Partner, Right

#: Matrix marks, Dutch as at the table: L = levert (provides), O = ontvangt (receives).
PROVIDE_MARK = "L"
RECEIVE_MARK = "O"


@dataclass(frozen=True, slots=True)
class MatrixRow:
    """One partner's marks, one per category in the convenant's order."""

    partner: Partner
    #: "L", "O", "LO" or ""
    marks: tuple[str, ...]


def matrix(convenant: Convenant) -> tuple[MatrixRow, ...]:
    """Partner x category: for each partner, what it may provide (L) and receive (O)."""
    return tuple(
        MatrixRow(
            partner, tuple(_mark(convenant, partner.code, c.code) for c in convenant.categories)
        )
        for partner in convenant.partners
    )


def _mark(convenant: Convenant, partner: str, category: str) -> str:
    mark = ""
    if convenant.right(partner, category, Direction.PROVIDE):
        mark += PROVIDE_MARK
    if convenant.right(partner, category, Direction.RECEIVE):
        mark += RECEIVE_MARK
    return mark


def render_matrix_text(convenant: Convenant) -> str:
    """The matrix as plain text for a terminal; ``*`` marks receipt that needs consent."""
    categories = convenant.categories
    width = max(len(p.code) for p in convenant.partners)
    head = " " * width + " " + " ".join(f"{i:>3}" for i in range(1, len(categories) + 1))
    lines = [_title(convenant), "", head]
    for row in matrix(convenant):
        cells = []
        for category, mark in zip(categories, row.marks, strict=True):
            star = "*" if convenant.consent_requirement(row.partner.code, category.code) else ""
            cells.append(f"{mark + star:>3}")
        lines.append(f"{row.partner.code:<{width}} {' '.join(cells)}".rstrip())
    lines += ["", "L = levert (provides), O = ontvangt (receives), * = only with recorded consent"]
    lines += [
        f"{i:>3} {c.code}: {c.label}{_special_note(c)}" for i, c in enumerate(categories, start=1)
    ]
    return "\n".join(lines) + "\n"


def _title(convenant: Convenant) -> str:
    until = convenant.effective_until.isoformat() if convenant.effective_until else "..."
    return f"{convenant.id} {convenant.version} ({convenant.effective_from.isoformat()} - {until})"


def _special_note(category: Category) -> str:
    return {"art9": " (AVG art. 9)", "art10": " (AVG art. 10)"}.get(category.special.value, "")


@dataclass(frozen=True, slots=True)
class RightChange:
    """The same right in both versions, with a different article or ground."""

    old: Right
    new: Right


@dataclass(frozen=True, slots=True)
class PartnerDiff:
    """How one partner's rights differ between two versions."""

    partner: str
    added: tuple[Right, ...]
    removed: tuple[Right, ...]
    changed: tuple[RightChange, ...]
    #: categories for which receipt newly needs, or no longer needs, recorded consent
    consent_added: tuple[str, ...]
    consent_removed: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ConvenantDiff:
    """Everything that differs between two versions of a convenant."""

    old: Convenant
    new: Convenant
    partners_added: tuple[str, ...]
    partners_removed: tuple[str, ...]
    categories_added: tuple[str, ...]
    categories_removed: tuple[str, ...]
    #: convenant-level fields that differ: (name, old value, new value)
    fields_changed: tuple[tuple[str, str, str], ...]
    partners: tuple[PartnerDiff, ...]

    @property
    def is_empty(self) -> bool:
        """True when the two versions grant the same rights under the same terms."""
        return not (
            self.partners_added
            or self.partners_removed
            or self.categories_added
            or self.categories_removed
            or self.fields_changed
            or self.partners
        )


_COMPARED_FIELDS = (
    "id",
    "title",
    "effective_from",
    "effective_until",
    "purpose",
    "access_days_after_meeting",
    "retention",
)


def diff(old: Convenant, new: Convenant) -> ConvenantDiff:
    """Compare two versions: partners, categories, terms, and per partner the rights."""
    old_partners = [p.code for p in old.partners]
    new_partners = [p.code for p in new.partners]
    old_categories = [c.code for c in old.categories]
    new_categories = [c.code for c in new.categories]
    fields = tuple(
        (name, _show(getattr(old, name)), _show(getattr(new, name)))
        for name in _COMPARED_FIELDS
        if getattr(old, name) != getattr(new, name)
    )
    old_categories_by_code = {c.code: c for c in old.categories}
    fields += tuple(
        (f"categories.{c.code}", _describe(old_categories_by_code[c.code]), _describe(c))
        for c in new.categories
        if c.code in old_categories_by_code and old_categories_by_code[c.code] != c
    )
    partner_diffs = []
    for code in dict.fromkeys(old_partners + new_partners):
        partner_diff = _partner_diff(old, new, code)
        if partner_diff is not None:
            partner_diffs.append(partner_diff)
    return ConvenantDiff(
        old=old,
        new=new,
        partners_added=tuple(c for c in new_partners if c not in old_partners),
        partners_removed=tuple(c for c in old_partners if c not in new_partners),
        categories_added=tuple(c for c in new_categories if c not in old_categories),
        categories_removed=tuple(c for c in old_categories if c not in new_categories),
        fields_changed=fields,
        partners=tuple(partner_diffs),
    )


def _show(value: object) -> str:
    return "(none)" if value is None else str(value)


def _describe(category: Category) -> str:
    return f"{category.label} [{category.special.value}]"


def _rights_of(convenant: Convenant, partner: str) -> dict[tuple[str, Direction], Right]:
    return {(r.category, r.direction): r for r in convenant.rights if r.partner == partner}


def _consent_of(convenant: Convenant, partner: str) -> set[str]:
    return {c.category for c in convenant.consent if c.recipient == partner}


def _partner_diff(old: Convenant, new: Convenant, partner: str) -> PartnerDiff | None:
    before, after = _rights_of(old, partner), _rights_of(new, partner)
    consent_before, consent_after = _consent_of(old, partner), _consent_of(new, partner)
    order = {c.code: i for i, c in enumerate((*old.categories, *new.categories))}

    def ordered(keys: set[tuple[str, Direction]]) -> list[tuple[str, Direction]]:
        return sorted(keys, key=lambda k: (order[k[0]], k[1].value))

    result = PartnerDiff(
        partner=partner,
        added=tuple(after[k] for k in ordered(after.keys() - before.keys())),
        removed=tuple(before[k] for k in ordered(before.keys() - after.keys())),
        changed=tuple(
            RightChange(before[k], after[k])
            for k in ordered(before.keys() & after.keys())
            if before[k] != after[k]
        ),
        consent_added=tuple(sorted(consent_after - consent_before, key=order.__getitem__)),
        consent_removed=tuple(sorted(consent_before - consent_after, key=order.__getitem__)),
    )
    if (
        result.added
        or result.removed
        or result.changed
        or result.consent_added
        or result.consent_removed
    ):
        return result
    return None


def render_diff_text(change: ConvenantDiff) -> str:
    """The diff as plain text: ``+`` added, ``-`` removed, ``~`` changed."""
    lines = [f"--- {_title(change.old)}", f"+++ {_title(change.new)}"]
    lines += [f"~ {name}: {old!r} -> {new!r}" for name, old, new in change.fields_changed]
    lines += [f"+ partner {code}" for code in change.partners_added]
    lines += [f"- partner {code}" for code in change.partners_removed]
    lines += [f"+ category {code}" for code in change.categories_added]
    lines += [f"- category {code}" for code in change.categories_removed]
    for partner in change.partners:
        lines.append(f"{partner.partner}:")
        lines += [
            f"  + {_verb(r)} {r.category} ({r.article}; {r.legal_ground})" for r in partner.added
        ]
        lines += [f"  - {_verb(r)} {r.category} ({r.article})" for r in partner.removed]
        for c in partner.changed:
            lines.append(f"  ~ {_verb(c.new)} {c.new.category}: {_what_changed(c)}")
        lines += [f"  + consent needed to receive {code}" for code in partner.consent_added]
        lines += [
            f"  - consent no longer needed to receive {code}" for code in partner.consent_removed
        ]
    if change.is_empty:
        lines.append("(no differences)")
    return "\n".join(lines) + "\n"


def _verb(right: Right) -> str:
    return "provides" if right.direction is Direction.PROVIDE else "receives"


def _what_changed(change: RightChange) -> str:
    parts = []
    for name in ("article", "legal_ground", "special_ground"):
        before, after = getattr(change.old, name), getattr(change.new, name)
        if before != after:
            parts.append(f"{name} {before!r} -> {after!r}")
    return "; ".join(parts)
