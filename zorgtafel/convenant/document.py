"""Frozen objects for one version of a convenant, as produced by :mod:`.loader`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Special(StrEnum):
    """Whether a category holds special personal data under the AVG."""

    NONE = "none"
    #: AVG art. 9: health, sex life, ... (bijzondere persoonsgegevens)
    ART9 = "art9"
    #: AVG art. 10: criminal convictions and offences (strafrechtelijke gegevens)
    ART10 = "art10"


class Direction(StrEnum):
    """Which way data flows for a partner: it provides (levert) or receives (ontvangt)."""

    PROVIDE = "provide"
    RECEIVE = "receive"


@dataclass(frozen=True, slots=True)
class Partner:
    """A party to the convenant (ketenpartner): an organisation, never a person."""

    code: str
    name: str
    kind: str


@dataclass(frozen=True, slots=True)
class Category:
    """A data category (gegevenscategorie) such as identiteit or gezondheid."""

    code: str
    label: str
    description: str
    special: Special

    @property
    def is_special(self) -> bool:
        """True for AVG art. 9 and art. 10 categories."""
        return self.special is not Special.NONE


@dataclass(frozen=True, slots=True)
class Right:
    """One partner may provide or receive one category, under a convenant article."""

    partner: str
    category: str
    direction: Direction
    #: the article of the convenant, e.g. "art. 7.2"
    article: str
    #: the lawful basis (AVG art. 6 and the sector law)
    legal_ground: str
    #: the art. 9 exception or art. 10 basis; set only for special categories
    special_ground: str | None = None


@dataclass(frozen=True, slots=True)
class ConsentRequirement:
    """Disclosing ``category`` to ``recipient`` needs the subject's recorded consent."""

    recipient: str
    category: str
    article: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Retention:
    """Retention terms, in whole years."""

    case_data_years_after_closure: int
    minutes_years_after_meeting: int
    audit_log_years: int


@dataclass(frozen=True, slots=True, repr=False)
class Convenant:
    """One version of the convenant. Build it with :func:`.loader.parse_convenant`."""

    id: str
    title: str
    version: str
    effective_from: date
    effective_until: date | None
    purpose: str
    #: True when the file is an example and not a signed agreement
    example: bool
    #: days a partner at the table keeps access to a case after the meeting
    access_days_after_meeting: int
    retention: Retention
    partners: tuple[Partner, ...]
    categories: tuple[Category, ...]
    rights: tuple[Right, ...]
    consent: tuple[ConsentRequirement, ...]
    #: the file it came from, as given to the loader
    source: str
    #: sha256 hex digest of the file's raw bytes
    content_hash: str
    _partners: dict[str, Partner] = field(init=False, compare=False, default_factory=dict)
    _categories: dict[str, Category] = field(init=False, compare=False, default_factory=dict)
    _rights: dict[tuple[str, str, Direction], Right] = field(
        init=False, compare=False, default_factory=dict
    )
    _consent: dict[tuple[str, str], ConsentRequirement] = field(
        init=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        # Lookup tables; the loader has already refused duplicates, so nothing is shadowed.
        self._partners.update((p.code, p) for p in self.partners)
        self._categories.update((c.code, c) for c in self.categories)
        self._rights.update(((r.partner, r.category, r.direction), r) for r in self.rights)
        self._consent.update(((c.recipient, c.category), c) for c in self.consent)

    def __repr__(self) -> str:
        return f"<Convenant {self.id} {self.version} sha256={self.content_hash[:12]}>"

    def partner(self, code: str) -> Partner:
        """The partner with this code; KeyError if the convenant has none."""
        try:
            return self._partners[code]
        except KeyError:
            raise KeyError(f"convenant {self.id} {self.version} has no partner {code!r}") from None

    def category(self, code: str) -> Category:
        """The category with this code; KeyError if the convenant has none."""
        try:
            return self._categories[code]
        except KeyError:
            raise KeyError(f"convenant {self.id} {self.version} has no category {code!r}") from None

    def has_partner(self, code: str) -> bool:
        """True if a partner with this code is party to this version."""
        return code in self._partners

    def has_category(self, code: str) -> bool:
        """True if this version defines the category."""
        return code in self._categories

    def right(self, partner: str, category: str, direction: Direction) -> Right | None:
        """The right for this partner, category and direction, or None if there is none."""
        return self._rights.get((partner, category, Direction(direction)))

    def consent_requirement(self, recipient: str, category: str) -> ConsentRequirement | None:
        """The consent rule for disclosing ``category`` to ``recipient``, if any."""
        return self._consent.get((recipient, category))

    def in_force_on(self, day: date) -> bool:
        """True if ``day`` falls within the effective period (both ends inclusive)."""
        if day < self.effective_from:
            return False
        return self.effective_until is None or day <= self.effective_until
