"""The two faces of ManagementToken as the `tokens` test program (tests/e2e/programs/tokens) declares them."""

from __future__ import annotations

from typing import Any

FACES = ("dynamic", "plugin")
# A ``face`` of its own: every token declared once per face, side by side in one stack.
BOTH_IN_ONE_STACK = "both"


def spec_defaults(face: str) -> dict[str, Any]:
    """What spec.json says about faces, for a stack of ``face``."""
    return {"faces": list(FACES)} if face == BOTH_IN_ONE_STACK else {"face": face}


def declared(face: str) -> list[tuple[str, str]]:
    """Each face a stack of ``face`` declares, with the prefix of its outputs' names."""
    return [(each, f"{each}/") for each in FACES] if face == BOTH_IN_ONE_STACK else [(face, "")]


def spelled(face: str, name: str) -> str:
    """A property as the face's user writes it: the plugin's schema camelCases."""
    head, *rest = name.split("_")
    return name if face == "dynamic" else head + "".join(part.title() for part in rest)
