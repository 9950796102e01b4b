"""A minimal line protocol check for the write endpoint: each line needs a measurement, at least one field
(key=value) and, optionally, an integer timestamp (reference/syntax/line-protocol in InfluxData's docs).

It finds the points a real write would reject for their shape; it does not check types across lines,
the column limit, or timestamps against the precision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FIELD_VALUE = re.compile(
    r'^(?:"(?:[^"\\]|\\.)*"'  # string
    r"|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"  # float
    r"|[-+]?\d+i|\d+u"  # integer, unsigned integer
    r"|t|T|true|True|TRUE|f|F|false|False|FALSE)$"  # boolean
)
_TIMESTAMP = re.compile(r"^-?\d{1,19}$")


@dataclass(frozen=True)
class Rejected:
    line: int  # 1-based
    reason: str


def _split_unescaped(text: str, separator: str, *, quotes: bool) -> list[str]:
    """Split on `separator` outside backslash escapes (and, for the field set, outside double quotes)."""
    parts, current, escaped, quoted = [], [], False, False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            current.append(char)
            escaped = True
        elif quotes and char == '"':
            current.append(char)
            quoted = not quoted
        elif char == separator and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _check_line(line: str) -> str | None:
    sections = [part for part in _split_unescaped(line, " ", quotes=True) if part != ""]
    if len(sections) < 2:
        return "missing fields"
    if len(sections) > 3:
        return "unexpected text after the timestamp"
    series, fields = sections[0], sections[1]
    measurement, *tags = _split_unescaped(series, ",", quotes=False)
    if not measurement:
        return "missing measurement"
    for tag in tags:
        key, sep, value = tag.partition("=")
        if not sep or not key or not value:
            return "invalid tag set"
    for field in _split_unescaped(fields, ",", quotes=True):
        key, sep, value = field.partition("=")
        if not sep or not key or not _FIELD_VALUE.match(value):
            return "invalid field"
    if len(sections) == 3 and not _TIMESTAMP.match(sections[2]):
        return "invalid timestamp"
    return None


def check(body: str) -> tuple[int, list[Rejected]]:
    """The number of points in `body` and the lines rejected (blank lines and `#` comments skipped)."""
    points, rejected = 0, []
    for number, raw in enumerate(body.split("\n"), start=1):
        line = raw.rstrip("\r").strip()
        if not line or line.startswith("#"):
            continue
        reason = _check_line(line)
        if reason is None:
            points += 1
        else:
            rejected.append(Rejected(number, reason))
    return points, rejected
