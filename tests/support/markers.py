"""What the server lists of a token the provider minted: the declared description and the create marker."""

from __future__ import annotations

import re

# core/management_token/marker.py, written out again so that the tests do not take the format from the code.
MARKED = re.compile(r"^(?P<declared>.*?) ?\[pulumi:(?P<marker>[0-9a-f]{10})\]$", re.S)


def declared(listed: str) -> str:
    """The description a program declared for a token listed with its create marker; fails on one without."""
    found = MARKED.match(listed)
    assert found is not None, f"{listed!r} carries no create marker"
    return found.group("declared")


def unmarked(listed: str) -> str:
    """The description without a create marker, if it carries one (tokens made by hand carry none)."""
    found = MARKED.match(listed)
    return found.group("declared") if found else listed
