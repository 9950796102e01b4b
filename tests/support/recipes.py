"""Recipes in the docs, taken as written so that a test can run them.

A recipe is a fenced ``sh`` block that directly follows a line ``<!-- recipe: NAME -->`` in a Markdown file (the
comment does not render, so readers see only the commands). Its commands are the block's logical lines: a line
ending in a backslash goes on with the next, blank lines and whole-line comments are dropped, and a trailing
``# comment`` is left for the shell that runs the command to ignore. Tests run each command with ``bash -c`` in
a user's environment (``support.wheel.Installed.env``), outside the checkout, so a recipe that does not work as
printed fails its test.
"""

from __future__ import annotations

import re
from pathlib import Path

RECIPE = re.compile(r"^<!-- recipe: (?P<name>[\w.-]+) -->\n```(?:sh|bash|shell)\n(?P<body>.*?)^```", re.S | re.M)


def recipes(doc: Path) -> dict[str, list[str]]:
    """Every recipe of ``doc`` by name; a name given twice is an error in the doc."""
    found: dict[str, list[str]] = {}
    for match in RECIPE.finditer(doc.read_text(encoding="utf-8")):
        name = match.group("name")
        if name in found:
            raise ValueError(f"{doc} names recipe '{name}' twice")
        found[name] = commands(match.group("body"))
    return found


def recipe(doc: Path, name: str) -> list[str]:
    """The commands of recipe ``name`` in ``doc``."""
    found = recipes(doc)
    if name not in found:
        raise KeyError(f"{doc} has no recipe '{name}' (it has: {', '.join(sorted(found)) or 'none'})")
    return found[name]


def commands(body: str) -> list[str]:
    """The logical lines of a block, continuations joined, blank and comment-only lines dropped."""
    logical: list[str] = []
    pending = ""
    for line in body.splitlines():
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1].rstrip() + " "
            continue
        whole = (pending + line.strip()).strip()
        pending = ""
        if whole and not whole.startswith("#"):
            logical.append(whole)
    if pending.strip():
        logical.append(pending.strip())
    return logical
