"""Server text as a terminal may show it: what every section of the audit's table prints through."""

from __future__ import annotations

import unicodedata
from typing import Sequence

from ..core.errors import scrub_then_cut

_UNSAFE_CATEGORIES = ("Cc", "Cf", "Zl", "Zp")  # controls (ESC, BEL, CR, C1), format (bidi), line breaks
_SHORT_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(char: str) -> str:
    code = ord(char)
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: str) -> str:
    """Text from the server as a terminal shows it safely: control and bidi characters written as escapes."""
    return "".join(_escape(c) if unicodedata.category(c) in _UNSAFE_CATEGORIES else c for c in text)


def clip(text: str, width: int) -> str:
    """Server text for a column: a token pasted into it is masked before the cut, which would hide its shape."""
    return scrub_then_cut(" ".join(printable(text).split()), width, ellipsis="…")


def columns(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    """A header and rows as left-aligned columns two spaces apart."""
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in (header, *rows)]
