"""Kept for old import paths (audit, clients, tests): the create marker is every token's (core/tokens/marker.py)."""

from __future__ import annotations

from ..tokens.marker import MARKER_HEX_DIGITS, SUFFIX_LENGTH, is_marker, marked, new_marker, proves, split

__all__ = ["MARKER_HEX_DIGITS", "SUFFIX_LENGTH", "is_marker", "marked", "new_marker", "proves", "split"]
