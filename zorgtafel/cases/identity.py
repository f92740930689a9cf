"""The subject's identity (betrokkene): checked at intake, sealed as one JSON value per case.

Nothing here prints what it holds: ``repr`` shows counts only. The identity is sealed by the
cases operations and opened only by the disclosure gate.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

#: a relation such as "moeder", "stiefvader", "oom", "voogd": letters, spaces and hyphens
RELATION = re.compile(r"[^\W\d_][^\W\d_ \-]{0,29}")


class IdentityError(ValueError):
    """An identity value that cannot be right; the message names the field, never the value."""


def bsn_valid(value: str) -> bool:
    """The elfproef: 9 digits d1..d9 with 9·d1 + 8·d2 + ... + 2·d8 − 1·d9 divisible by 11."""
    digits = normalise_bsn(value)
    if digits is None or digits == "000000000":
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 == 0


def normalise_bsn(value: str) -> str | None:
    """Digits only, left-padded to 9 (an 8-digit BSN lost its leading zero); None if not 8-9."""
    digits = re.sub(r"[\s.\-]", "", value or "")
    if not digits.isascii() or not digits.isdigit() or not 8 <= len(digits) <= 9:
        return None
    return digits.zfill(9)


def normalise_name(value: str) -> str:
    """Casefolded letters only, accents removed: "Van den Berg-Özil" -> "vandenbergozil"."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    return "".join(ch for ch in decomposed.casefold() if ch.isalpha() and ch.isascii())


@dataclass(frozen=True, repr=False)
class SubjectIdentity:
    """Who a case is about. All text is kept verbatim, as entered."""

    first_names: tuple[str, ...] = ()
    surname: str = ""
    aliases: tuple[str, ...] = ()
    birth_date: date | None = None
    bsn: str | None = None
    address: str = ""
    school: str = ""
    #: (relation, name) pairs, e.g. ("moeder", "Petra de Wit")
    relatives: tuple[tuple[str, str], ...] = field(default=())

    def to_json(self) -> str:
        return json.dumps(
            {
                "first_names": list(self.first_names),
                "surname": self.surname,
                "aliases": list(self.aliases),
                "birth_date": self.birth_date.isoformat() if self.birth_date else None,
                "bsn": self.bsn,
                "address": self.address,
                "school": self.school,
                "relatives": [list(pair) for pair in self.relatives],
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> SubjectIdentity:
        data: dict[str, Any] = json.loads(text)
        born = data.get("birth_date")
        return cls(
            first_names=tuple(data.get("first_names") or ()),
            surname=data.get("surname") or "",
            aliases=tuple(data.get("aliases") or ()),
            birth_date=date.fromisoformat(born) if born else None,
            bsn=data.get("bsn"),
            address=data.get("address") or "",
            school=data.get("school") or "",
            relatives=tuple((str(r), str(n)) for r, n in data.get("relatives") or ()),
        )

    @property
    def relatives_by_relation(self) -> dict[str, list[str]]:
        grouped: dict[str, list[str]] = {}
        for relation, name in self.relatives:
            grouped.setdefault(relation.casefold(), []).append(name)
        return grouped

    def __repr__(self) -> str:
        names, relatives = len(self.first_names), len(self.relatives)
        return f"<SubjectIdentity {names} voornamen, {relatives} verwanten>"

    __str__ = __repr__

    def __reduce__(self) -> object:
        raise TypeError("identity is not pickled")


def parse_relatives(text: str) -> tuple[tuple[str, str], ...]:
    """Lines ``relation: name``; IdentityError naming the line number of a malformed line."""
    pairs = []
    for number, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        relation, colon, name = line.partition(":")
        relation, name = relation.strip(), name.strip()
        if not colon or not name or not RELATION.fullmatch(relation):
            raise IdentityError(f"regel {number}: schrijf 'relatie: naam', bv. 'moeder: …'")
        pairs.append((relation.casefold(), name))
    return tuple(pairs)


def lines(text: str) -> tuple[str, ...]:
    """Non-empty lines, stripped."""
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())
