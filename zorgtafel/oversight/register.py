"""The processing register (AVG art. 30), generated from a convenant version: purposes,
categories of subjects and data, recipients, legal grounds, retention terms, security measures.

One list of lines (section, item, detail) serves the page, the CSV, the PDF and the difference
between two versions. The security measures and the categories of subjects describe this
software and the zorgtafel itself, not a convenant version, so they are written here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from zorgtafel.convenant.document import Convenant, Direction

#: the register's sections, in order (code, heading)
SECTIONS = (
    ("controllers", _l("Verwerkingsverantwoordelijken")),
    ("purpose", _l("Doel van de verwerking")),
    ("subjects", _l("Categorieën betrokkenen")),
    ("data", _l("Categorieën persoonsgegevens")),
    ("recipients", _l("Ontvangers")),
    ("grounds", _l("Rechtsgronden")),
    ("retention", _l("Bewaartermijnen")),
    ("transfers", _l("Doorgifte buiten de EER")),
    ("security", _l("Beveiligingsmaatregelen")),
)
SUBJECTS = (
    _l("(Vermoedelijke) slachtoffers van loverboys en jeugdmensenhandel (de betrokkene)"),
    _l("Gezinsleden en netwerk van de betrokkene"),
    _l("(Vermoedelijke) daders"),
    _l("Medewerkers van de ketenpartners (gebruikers; in het auditlog)"),
)
SECURITY = (
    _l("Versleuteling in rust per casus (AES-256-GCM), sleutels buiten de database"),
    _l("Pseudonimisering van vrije tekst bij invoer; identiteit alleen na vastgelegde handeling"),
    _l("Need-to-know per casus en per categorie volgens het convenant; weigeren is de standaard"),
    _l("Onveranderbaar auditlog met hashketen en ondertekende checkpoints (NEN 7513)"),
    _l("Tweestapsverificatie (TOTP) voor iedereen; sessies op de server met time-out"),
    _l("Vernietiging na de bewaartermijn door het wissen van de datasleutel (crypto-shredding)"),
)


@dataclass(frozen=True)
class RegisterLine:
    section: str
    item: str
    detail: str

    @property
    def heading(self) -> str:
        return str(dict(SECTIONS)[self.section])


def register(convenant: Convenant) -> list[RegisterLine]:
    """The register of ``convenant``, in the request's language where the text is ours."""
    lines = [RegisterLine("controllers", p.name, p.kind) for p in convenant.partners]
    lines.append(RegisterLine("purpose", convenant.title, convenant.purpose))
    lines += [RegisterLine("subjects", str(subject), "") for subject in SUBJECTS]
    lines += [
        RegisterLine("data", c.label, _special(c.special.value)) for c in convenant.categories
    ]
    lines += _recipients(convenant)
    lines += _grounds(convenant)
    retention = convenant.retention
    years = (
        (
            _("Casusgegevens"),
            _("%(n)s jaar na afsluiting", n=retention.case_data_years_after_closure),
        ),
        (_("Notulen"), _("%(n)s jaar na de vergadering", n=retention.minutes_years_after_meeting)),
        (_("Auditlog"), _("%(n)s jaar", n=retention.audit_log_years)),
    )
    lines += [RegisterLine("retention", item, detail) for item, detail in years]
    lines.append(RegisterLine("transfers", _("Geen"), ""))
    lines += [RegisterLine("security", str(measure), "") for measure in SECURITY]
    return lines


def _special(value: str) -> str:
    return {"art9": "AVG art. 9", "art10": "AVG art. 10"}.get(value, "")


def _recipients(convenant: Convenant) -> list[RegisterLine]:
    names = {p.code: p.name for p in convenant.partners}
    lines = []
    for category in convenant.categories:
        receiving = [
            r for r in convenant.rights
            if r.category == category.code and r.direction is Direction.RECEIVE
        ]  # fmt: skip
        for right in sorted(receiving, key=lambda r: names.get(r.partner, r.partner)):
            consent = convenant.consent_requirement(right.partner, category.code)
            detail = right.article + (
                f"; {_('met toestemming')} ({consent.article})" if consent else ""
            )
            lines.append(
                RegisterLine(
                    "recipients",
                    f"{category.label}: {names.get(right.partner, right.partner)}",
                    detail,
                )
            )
    return lines


def _grounds(convenant: Convenant) -> list[RegisterLine]:
    grounds: dict[str, set[str]] = {}
    for right in convenant.rights:
        for ground in filter(None, (right.legal_ground, right.special_ground)):
            grounds.setdefault(ground, set()).add(right.article)
    return [
        RegisterLine("grounds", ground, ", ".join(sorted(articles)))
        for ground, articles in sorted(grounds.items())
    ]


def difference(
    old: Sequence[RegisterLine], new: Sequence[RegisterLine]
) -> tuple[list[RegisterLine], list[RegisterLine]]:
    """(lines only in ``new``, lines only in ``old``), each in its register's order."""
    old_set, new_set = set(old), set(new)
    return [line for line in new if line not in old_set], [
        line for line in old if line not in new_set
    ]
