"""Strict loader: a convenant TOML file becomes a frozen :class:`.model.Convenant`.

Every problem in a file is collected and raised together as one :class:`ConvenantError`,
one line per problem: ``PATH:LINE: dotted.key: reason``. Nothing else escapes, whatever the
input: a convenant decides who may see a victim's data, so a half-read file must never count.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import os
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from .document import (
    Category,
    ConsentRequirement,
    Convenant,
    Direction,
    Partner,
    Retention,
    Right,
    Special,
)
from .lines import KeyPath, LineIndex

#: Files larger than this are refused before they are read or parsed.
MAX_FILE_BYTES = 1024 * 1024

PARTNER_KINDS = (
    "gemeente",
    "politie",
    "justitie",
    "veilig-thuis",
    "jeugdbescherming",
    "jeugdhulp",
    "zorg",
    "opvang",
    "maatschappelijk-werk",
    "onderwijs",
    "landelijk",
    "overig",
)

_CODE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_VERSION = re.compile(r"^[0-9]+(?:\.[0-9]+){0,2}$")
_TOML_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")
_MAX_TEXT = 10_000


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a convenant file."""

    path: str
    line: int | None
    #: dotted key such as ``partners[2].code``; empty for file-level problems
    key: str
    reason: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.key}: {self.reason}" if self.key else f"{where}: {self.reason}"


class ConvenantError(Exception):
    """A convenant file (or set of files) is not valid; ``problems`` lists every reason."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


def content_hash(data: bytes) -> str:
    """sha256 hex digest of a convenant file's raw bytes (what audit events may cite)."""
    return hashlib.sha256(data).hexdigest()


def load_convenant(path: str | os.PathLike[str]) -> Convenant:
    """Read and validate one convenant file; raise :class:`ConvenantError` if it is not valid."""
    name = os.fspath(path)
    try:
        size = os.stat(name).st_size
        data = b""
        if size <= MAX_FILE_BYTES:
            with open(name, "rb") as handle:
                # One byte past the limit: the file may have grown since stat().
                data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        reason = f"cannot read file: {exc.strerror or type(exc).__name__}"
        raise ConvenantError([Problem(name, None, "", reason)]) from None
    if size > MAX_FILE_BYTES:
        raise ConvenantError([_too_large(name, size)])
    return parse_convenant(data, name)


def load_directory(directory: str | os.PathLike[str]) -> tuple[Convenant, ...]:
    """Load every ``*.toml`` in ``directory``, sorted by id and effective date.

    Besides each file's own problems, versions of one convenant id must not repeat a
    version number nor overlap in time: a meeting must be bound to exactly one version.
    """
    problems: list[Problem] = []
    loaded: list[Convenant] = []
    for file in sorted(Path(directory).glob("*.toml")):
        try:
            loaded.append(load_convenant(file))
        except ConvenantError as exc:
            problems.extend(exc.problems)
    loaded.sort(key=lambda c: (c.id, c.effective_from))
    for before, after in itertools.pairwise(loaded):
        if before.id != after.id:
            continue
        if before.version == after.version:
            problems.append(
                Problem(
                    after.source,
                    None,
                    "convenant.version",
                    f"version {after.version} also in {before.source}",
                )
            )
        if before.effective_until is None or before.effective_until >= after.effective_from:
            problems.append(
                Problem(
                    after.source,
                    None,
                    "convenant.effective_from",
                    f"overlaps {before.source} (version {before.version}); that version must end "
                    f"before {after.effective_from.isoformat()}",
                )
            )
    if problems:
        raise ConvenantError(problems)
    return tuple(loaded)


def parse_convenant(text: str | bytes, path: str) -> Convenant:
    """Validate a convenant given as text or raw bytes; ``path`` names it in messages."""
    raw = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    if len(raw) > MAX_FILE_BYTES:
        raise ConvenantError([_too_large(path, len(raw))])
    source = _decode(raw, path) if isinstance(text, bytes) else text.removeprefix("\ufeff")
    try:
        document = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise ConvenantError([_syntax_problem(path, source, str(exc))]) from None
    except (ValueError, RecursionError) as exc:
        # tomllib lets some of these through (huge integers, deep nesting).
        reason = "nested too deeply" if isinstance(exc, RecursionError) else _clip(str(exc))
        raise ConvenantError([Problem(path, None, "", f"invalid TOML: {reason}")]) from None
    reader = _Reader(path, source)
    convenant = reader.convenant(document, source=path, digest=content_hash(raw))
    if reader.problems or convenant is None:
        # In file order; problems without a line (missing tables) first.
        raise ConvenantError(
            sorted(reader.problems, key=lambda p: (p.line is not None, p.line or 0))
        )
    return convenant


def _too_large(path: str, size: int) -> Problem:
    return Problem(path, None, "", f"file is {size} bytes; the limit is {MAX_FILE_BYTES} (1 MB)")


def _decode(raw: bytes, path: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        byte = raw[exc.start]
        raise ConvenantError(
            [Problem(path, line, "", f"not valid UTF-8 (byte 0x{byte:02x})")]
        ) from None
    return text.removeprefix("\ufeff")


def _syntax_problem(path: str, source: str, message: str) -> Problem:
    match = _TOML_POSITION.search(message)
    reason = _TOML_POSITION.sub("", message)
    if match is None:
        return Problem(path, None, "", f"invalid TOML: {reason}")
    if match.group(1) is None:  # "at end of document"
        return Problem(
            path, max(1, len(source.splitlines())), "", f"invalid TOML: {reason} (at end of file)"
        )
    return Problem(
        path, int(match.group(1)), "", f"invalid TOML: {reason} (column {match.group(2)})"
    )


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _dotted(path: KeyPath) -> str:
    """``("rules", 3, "partner")`` -> ``rules[3].partner``; odd keys quoted, never raw."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
            continue
        # A key may hold anything, even line breaks; quote it so a problem stays one line.
        name = part if _BARE_KEY.fullmatch(part) else _clip(repr(part), 40)
        out += f".{name}" if out else name
    return out


def _type_name(value: object) -> str:
    # Order matters: bool is an int, datetime is a date.
    for kind, name in (
        (bool, "boolean"),
        (int, "integer"),
        (float, "float"),
        (str, "string"),
        (datetime, "datetime"),
        (date, "date"),
        (time, "time"),
        (list, "array"),
        (dict, "table"),
    ):
        if isinstance(value, kind):
            return name
    return type(value).__name__


class _Bad:
    """Marker for a value that failed its check (the problem is already recorded)."""


_BAD: Any = _Bad()

Check = Callable[[Any, KeyPath], Any]


class _Reader:
    """Walks the parsed document, checks it and records every problem with its line."""

    def __init__(self, path: str, source: str) -> None:
        self.path = path
        self.source = source
        self._lines: LineIndex | None = None
        self.problems: list[Problem] = []
        #: keys whose value failed its check, so later checks can tell "bad" from "absent"
        self.bad_keys: set[KeyPath] = set()
        #: False once a rule is unusable; consent checks against rights are then skipped
        self.rules_complete = True

    def problem(
        self, key: KeyPath, reason: str, *, at: KeyPath | None = None, needle: str | None = None
    ) -> None:
        if self._lines is None:  # built only when there is something to place
            self._lines = LineIndex(self.source)
        line = self._lines.line_of(key if at is None else at, needle)
        self.problems.append(Problem(self.path, line, _dotted(key), reason))

    # -- the document ------------------------------------------------------------------------

    def convenant(self, document: dict[str, Any], *, source: str, digest: str) -> Convenant | None:
        top = self.table(
            document,
            (),
            {
                "convenant": (True, self.meta_table),
                "retention": (True, self.retention_table),
                "partners": (True, self.array_of_tables(self.partner_table)),
                "categories": (True, self.array_of_tables(self.category_table)),
                "rules": (True, self.array_of_tables(self.rule_table)),
                "consent": (False, self.array_of_tables(self.consent_table)),
            },
        )
        if top is _BAD:
            return None
        partners = self.unique(top.get("partners"), "partners", "partner")
        categories = self.unique(top.get("categories"), "categories", "category")
        rights = self.rights(top.get("rules"), partners, categories)
        consent = self.consent(top.get("consent", []), partners, categories, rights)
        meta, retention = top.get("convenant"), top.get("retention")
        if self.problems or _BAD in (meta, retention, partners, categories, rights, consent):
            return None
        return Convenant(
            id=meta["id"],
            title=meta["title"],
            version=meta["version"],
            effective_from=meta["effective_from"],
            effective_until=meta.get("effective_until"),
            purpose=meta["purpose"],
            example=meta.get("example", False),
            access_days_after_meeting=meta["access_days_after_meeting"],
            retention=Retention(**retention),
            partners=tuple(Partner(**p) for p in partners.values()),
            categories=tuple(
                Category(c["code"], c["label"], c["description"], Special(c["special"]))
                for c in categories.values()
            ),
            rights=rights,
            consent=consent,
            source=source,
            content_hash=digest,
        )

    def meta_table(self, value: Any, key: KeyPath) -> Any:
        meta = self.table(
            value,
            key,
            {
                "id": (True, self.code),
                "title": (True, self.text),
                "version": (True, self.version),
                "effective_from": (True, self.date),
                "effective_until": (False, self.date),
                "purpose": (True, self.text),
                "example": (False, self.boolean),
                "access_days_after_meeting": (True, self.integer(0, 365)),
            },
        )
        if meta is _BAD:
            return _BAD
        start, end = meta.get("effective_from"), meta.get("effective_until")
        if isinstance(start, date) and isinstance(end, date) and end < start:
            self.problem(
                (*key, "effective_until"),
                f"{end.isoformat()} is before effective_from {start.isoformat()}",
            )
        return meta

    def retention_table(self, value: Any, key: KeyPath) -> Any:
        years = self.integer(1, 100)
        return self.table(
            value,
            key,
            {
                "case_data_years_after_closure": (True, years),
                "minutes_years_after_meeting": (True, years),
                "audit_log_years": (True, years),
            },
        )

    def partner_table(self, value: Any, key: KeyPath) -> Any:
        return self.table(
            value,
            key,
            {
                "code": (True, self.code),
                "name": (True, self.text),
                "kind": (True, self.choice(PARTNER_KINDS)),
            },
        )

    def category_table(self, value: Any, key: KeyPath) -> Any:
        return self.table(
            value,
            key,
            {
                "code": (True, self.code),
                "label": (True, self.text),
                "description": (True, self.text),
                "special": (True, self.choice(tuple(s.value for s in Special))),
            },
        )

    def rule_table(self, value: Any, key: KeyPath) -> Any:
        return self.table(
            value,
            key,
            {
                "partner": (True, self.code),
                "direction": (True, self.choice(tuple(d.value for d in Direction))),
                "categories": (True, self.code_list),
                "article": (True, self.text),
                "legal_ground": (True, self.text),
                "special_ground": (False, self.text),
            },
        )

    def consent_table(self, value: Any, key: KeyPath) -> Any:
        return self.table(
            value,
            key,
            {
                "recipients": (True, self.code_list),
                "categories": (True, self.code_list),
                "article": (True, self.text),
                "description": (False, self.text),
            },
        )

    # -- cross-references --------------------------------------------------------------------
    # These see only the values that passed their own checks; a missing value skips the
    # check that needs it rather than report a knock-on problem.

    def unique(self, items: Any, name: str, noun: str) -> Any:
        """Index the items by code; a repeated code is a problem."""
        if items is None or items is _BAD:
            return _BAD
        by_code: dict[str, dict[str, Any]] = {}
        first: dict[str, int] = {}
        for index, item in enumerate(items):
            code = item.get("code") if isinstance(item, dict) else None
            if code is None:
                continue
            if code in first:
                self.problem(
                    (name, index, "code"),
                    f"duplicate {noun} code {code!r} (first at {name}[{first[code]}])",
                )
                continue
            first[code] = index
            by_code[code] = item
        return by_code

    def rights(self, rules: Any, partners: Any, categories: Any) -> Any:
        if rules is None or _BAD in (rules, partners, categories):
            return _BAD
        rights: dict[tuple[str, str, str], Right] = {}
        origin: dict[tuple[str, str, str], int] = {}
        for index, rule in enumerate(rules):
            if rule is _BAD:
                self.rules_complete = False
                continue
            key: KeyPath = ("rules", index)
            partner, direction = rule.get("partner"), rule.get("direction")
            if partner is not None and partner not in partners:
                self.problem((*key, "partner"), f"unknown partner {partner!r}")
                partner = None
            codes = rule.get("categories")
            known = self.known_categories(codes, key, categories)
            self.check_special_ground(
                rule,
                key,
                [categories[c] for c in known],
                complete=codes is not None and len(known) == len(codes),
            )
            if None in (partner, direction, codes) or len(known) != len(codes):
                # The rights are incomplete, so whether consent fits a right is unknowable.
                self.rules_complete = False
            if None in (partner, direction):
                continue
            for code in known:
                ident = (partner, code, direction)
                if ident in origin:
                    self.problem(
                        (*key, "categories"),
                        f"partner {partner!r} may already {direction} {code!r} "
                        f"under rules[{origin[ident]}]",
                        needle=code,
                    )
                    continue
                origin[ident] = index
                rights[ident] = Right(
                    partner=partner,
                    category=code,
                    direction=Direction(direction),
                    article=rule.get("article", ""),
                    legal_ground=rule.get("legal_ground", ""),
                    special_ground=(
                        rule.get("special_ground")
                        if categories[code].get("special") != "none"
                        else None
                    ),
                )
        return tuple(rights.values())

    def check_special_ground(
        self, rule: dict[str, Any], key: KeyPath, named: list[dict[str, Any]], *, complete: bool
    ) -> None:
        """Special categories need a special_ground; other rules must not have one."""
        if any("special" not in c for c in named):
            return  # a category's own problem is reported; don't guess what it meant
        specials = [c for c in named if c["special"] != Special.NONE.value]
        if (*key, "special_ground") in self.bad_keys:
            return
        if "special_ground" not in rule:
            verb = "receives" if rule.get("direction") == Direction.RECEIVE.value else "provides"
            for category in specials:
                art = category["special"].removeprefix("art")
                self.problem(
                    (*key, "special_ground"),
                    f"rule {verb} {category.get('code')!r} (AVG art. {art}) but has no "
                    "special_ground",
                    at=key,
                )
        elif rule.get("special_ground") is not None and complete and not specials:
            self.problem(
                (*key, "special_ground"),
                "given, but none of the rule's categories is AVG art. 9 or art. 10",
            )

    def known_categories(self, codes: Any, key: KeyPath, categories: dict[str, Any]) -> list[str]:
        """The codes that name a category; each unknown one is a problem."""
        if codes is None:
            return []
        known = []
        for position, code in enumerate(codes):
            if code in categories:
                known.append(code)
            else:
                self.problem(
                    (*key, "categories", position),
                    f"unknown category {code!r}",
                    at=(*key, "categories"),
                    needle=code,
                )
        return known

    def consent(self, rules: Any, partners: Any, categories: Any, rights: Any) -> Any:
        if _BAD in (rules, partners, categories, rights):
            return _BAD
        receivable = {(r.partner, r.category) for r in rights if r.direction is Direction.RECEIVE}
        found: dict[tuple[str, str], ConsentRequirement] = {}
        for index, rule in enumerate(rules):
            if rule is _BAD:
                continue
            key: KeyPath = ("consent", index)
            recipients = []
            for position, code in enumerate(rule.get("recipients", [])):
                if code in partners:
                    recipients.append(code)
                else:
                    self.problem(
                        (*key, "recipients", position),
                        f"unknown partner {code!r}",
                        at=(*key, "recipients"),
                        needle=code,
                    )
            known = self.known_categories(rule.get("categories"), key, categories)
            for recipient in recipients:
                for code in known:
                    if (recipient, code) not in receivable and self.rules_complete:
                        self.problem(
                            key,
                            f"no rule lets {recipient!r} receive {code!r}; "
                            "consent cannot make it disclosable",
                            at=(*key, "recipients"),
                            needle=recipient,
                        )
                    elif (recipient, code) in found:
                        self.problem(
                            key,
                            f"consent for {code!r} to {recipient!r} is already "
                            "required by an earlier consent rule",
                            at=(*key, "recipients"),
                            needle=recipient,
                        )
                    else:
                        found[recipient, code] = ConsentRequirement(
                            recipient, code, rule.get("article", ""), rule.get("description", "")
                        )
        return tuple(found.values())

    # -- shapes ------------------------------------------------------------------------------

    def table(self, value: Any, key: KeyPath, fields: dict[str, tuple[bool, Check]]) -> Any:
        """Check a table's keys against ``fields`` (name -> (required, check)).

        Returns the keys that passed, so cross-checks can still run on a partly bad table
        without reporting knock-on problems; _BAD only if ``value`` is no table at all.
        """
        if not isinstance(value, dict):
            self.problem(key, f"expected a table, got {_type_name(value)}")
            return _BAD
        result: dict[str, Any] = {}
        for name, item in value.items():
            if name not in fields:
                hint = difflib.get_close_matches(name, list(fields), n=1)
                suffix = f"; did you mean {hint[0]!r}?" if hint else ""
                self.problem((*key, name), f"unknown key{suffix}")
                continue
            checked = fields[name][1](item, (*key, name))
            if checked is _BAD:
                self.bad_keys.add((*key, name))
            else:
                result[name] = checked
        for name, (required, _) in fields.items():
            if required and name not in value:
                self.problem((*key, name), "required key is missing")
        return result

    def array_of_tables(self, check: Check) -> Check:
        def run(value: Any, key: KeyPath) -> Any:
            if not isinstance(value, list):
                self.problem(
                    key,
                    f"expected an array of tables ([[{_dotted(key)}]]), got {_type_name(value)}",
                )
                return _BAD
            # Items that fail stay in place as _BAD so that indexes match the file.
            return [check(item, (*key, index)) for index, item in enumerate(value)]

        return run

    def text(self, value: Any, key: KeyPath) -> Any:
        if not isinstance(value, str):
            self.problem(key, f"expected a string, got {_type_name(value)}")
            return _BAD
        if not value.strip():
            self.problem(key, "must not be empty")
            return _BAD
        if len(value) > _MAX_TEXT:
            self.problem(key, f"longer than {_MAX_TEXT} characters")
            return _BAD
        return value.strip()

    def code(self, value: Any, key: KeyPath) -> Any:
        if not isinstance(value, str):
            self.problem(key, f"expected a string, got {_type_name(value)}")
            return _BAD
        if len(value) > 40 or not _CODE.fullmatch(value):
            self.problem(
                key,
                f"{_clip(value)!r} is not a code (lowercase letters, digits and "
                "single hyphens, at most 40)",
            )
            return _BAD
        return value

    def code_list(self, value: Any, key: KeyPath) -> Any:
        if not isinstance(value, list):
            self.problem(key, f"expected an array of codes, got {_type_name(value)}")
            return _BAD
        if not value:
            self.problem(key, "must not be empty")
            return _BAD
        codes: list[str] = []
        for position, item in enumerate(value):
            code = self.code(item, (*key, position))
            if code is _BAD:
                return _BAD
            if code in codes:
                self.problem((*key, position), f"{code!r} is listed twice", at=key, needle=code)
                return _BAD
            codes.append(code)
        return codes

    def version(self, value: Any, key: KeyPath) -> Any:
        if not isinstance(value, str):
            self.problem(key, f'expected a string such as "1.0", got {_type_name(value)}')
            return _BAD
        if not _VERSION.fullmatch(value):
            self.problem(key, f'{_clip(value)!r} is not a version such as "1.0" or "2.1.3"')
            return _BAD
        return value

    def date(self, value: Any, key: KeyPath) -> Any:
        if isinstance(value, datetime) or not isinstance(value, date):
            self.problem(key, f"expected a date such as 2026-01-01, got {_type_name(value)}")
            return _BAD
        return value

    def boolean(self, value: Any, key: KeyPath) -> Any:
        if not isinstance(value, bool):
            self.problem(key, f"expected true or false, got {_type_name(value)}")
            return _BAD
        return value

    def integer(self, low: int, high: int) -> Check:
        def run(value: Any, key: KeyPath) -> Any:
            if isinstance(value, bool) or not isinstance(value, int):
                self.problem(key, f"expected an integer, got {_type_name(value)}")
                return _BAD
            if not low <= value <= high:
                self.problem(key, f"must be between {low} and {high}")
                return _BAD
            return value

        return run

    def choice(self, options: tuple[str, ...]) -> Check:
        def run(value: Any, key: KeyPath) -> Any:
            if not isinstance(value, str):
                self.problem(key, f"expected a string, got {_type_name(value)}")
                return _BAD
            if value not in options:
                self.problem(key, f"{_clip(value)!r} is not one of: {', '.join(options)}")
                return _BAD
            return value

        return run
