"""Best-effort line numbers for keys in a TOML text.

``tomllib`` reports no positions for values, so a problem found after parsing is placed by
scanning the raw text: table headers (``[convenant]``, the n-th ``[[partners]]``) and
``key =`` lines within them. It understands enough TOML to skip multi-line strings and
arrays; anything it cannot place falls back to the nearest enclosing table, or to no line.
"""

from __future__ import annotations

import re
import tomllib

KeyPath = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*(\]\]?)\s*(#.*)?$")
_SIMPLE_KEY = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
_KEY = re.compile(rf"^\s*({_SIMPLE_KEY}(?:\s*\.\s*{_SIMPLE_KEY})*)\s*=(.*)$")


def _split_dotted(name: str) -> tuple[str, ...]:
    parts = re.findall(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""", name)
    return tuple(_unquote(p) for p in parts)


def _unquote(part: str) -> str:
    if part[:1] == "'":
        return part[1:-1]
    if part[:1] == '"':
        # A basic-string key may hold escapes (\n, \u00e9); let tomllib decode them.
        try:
            return next(iter(tomllib.loads(f"{part} = 0")))
        except (tomllib.TOMLDecodeError, StopIteration):
            return part[1:-1]
    return part


def _bracket_depth(value: str) -> int:
    """Net count of open brackets/braces in ``value``, ignoring strings and comments."""
    depth = 0
    quote = ""
    i = 0
    while i < len(value):
        ch = value[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            break
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        i += 1
    return depth


class LineIndex:
    """Maps key paths such as ``("partners", 2, "code")`` to 1-based line numbers."""

    def __init__(self, text: str) -> None:
        self._lines = text.splitlines()
        self._where: dict[KeyPath, int] = {}
        self._span_end: dict[KeyPath, int] = {}
        self._scan()

    def _scan(self) -> None:
        table: KeyPath = ()
        counts: dict[tuple[str, ...], int] = {}
        ml_delim = ""
        open_array: KeyPath | None = None
        depth = 0
        for number, line in enumerate(self._lines, start=1):
            if ml_delim:
                if ml_delim in line:
                    ml_delim = ""
                continue
            if open_array is not None:
                depth += _bracket_depth(line)
                if depth <= 0:
                    self._span_end[open_array] = number
                    open_array = None
                continue
            header = _HEADER.match(line)
            if header and len(header.group(1)) == len(header.group(3)):
                name = _split_dotted(header.group(2))
                if header.group(1) == "[[":
                    index = counts.get(name, 0)
                    counts[name] = index + 1
                    table = (*name, index)
                else:
                    table = name
                self._where.setdefault(table, number)
                continue
            key = _KEY.match(line)
            if not key:
                continue
            path = (*table, *_split_dotted(key.group(1)))
            self._where.setdefault(path, number)
            value = key.group(2).strip()
            for delim in ('"""', "'''"):
                if value.startswith(delim) and delim not in value[3:]:
                    ml_delim = delim
            if not ml_delim:
                depth = _bracket_depth(value)
                if depth > 0:
                    open_array = path

    def line_of(self, path: KeyPath, needle: str | None = None) -> int | None:
        """The line of ``path``, or of its nearest located ancestor; None if nothing fits.

        With ``needle`` (a string value inside a multi-line array at ``path``), the line of
        that value is returned when it can be found.
        """
        for end in range(len(path), 0, -1):
            prefix = path[:end]
            if prefix in self._where:
                start = self._where[prefix]
                if needle is not None and end == len(path):
                    return self._find_needle(start, self._span_end.get(prefix, start), needle)
                return start
        return None

    def _find_needle(self, start: int, stop: int, needle: str) -> int:
        for quoted in (f'"{needle}"', f"'{needle}'"):
            for number in range(start, stop + 1):
                if quoted in self._lines[number - 1]:
                    return number
        return start
