"""No template shows a code where a person reads words: an enum's ``.value`` printed as text is
Dutch-ish code ("melding", "in_session") in every language. Labels go through the helpers
(``stage_label``, ``status_label``, ...). In an attribute (a CSS class, a form value) or as a
key into a dict of labels, a value is fine."""

from __future__ import annotations

import re

from zorgtafel import ROOT

#: ``{{ something.value }}``, possibly filtered, printed as it is
PRINTED_VALUE = re.compile(r"\{\{-?\s*[\w.()\[\]'\"]+\.value\s*(\|[^}]*)?-?\}\}")


def _inside_attribute(line: str, start: int) -> bool:
    """Whether ``start`` lies within a tag's quoted attribute value."""
    tag = line.rfind("<", 0, start)
    return tag > line.rfind(">", 0, start) and line.count('"', tag, start) % 2 == 1


def printed_values(text: str) -> list[str]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in PRINTED_VALUE.finditer(line):
            if not _inside_attribute(line, match.start()):
                found.append(f"{number}: {match.group(0)}")
    return found


def test_the_check_finds_a_printed_value_and_lets_attributes_be() -> None:
    assert printed_values("<td>{{ line.case.stage.value }}</td>") == [
        "1: {{ line.case.stage.value }}"
    ]
    assert printed_values('<mark class="status-{{ meeting.status.value }}">') == []
    assert printed_values('{{ {"a": _("b")}[kind.value] }}') == []


def test_no_template_prints_an_enum_value_as_text() -> None:
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in sorted((ROOT / "templates").rglob("*.html"))
        if (found := printed_values(path.read_text()))
    }
    assert offenders == {}
