"""The create marker: proof that a listed token was minted by one resource of one stack.

An account is shared: a colleague (or another pipeline) with the same admin secret can make a token
with the same description, expiry and creator, at the same moment. None of those facts, alone or
together, proves a token is ours. So ``check`` draws a random marker once per resource and keeps it
in the resource's inputs (the engine writes them into the state before it calls create, pending
operations included), and every token the resource mints carries it at the end of its description:
``CI deployer [pulumi:1f2e3d4c5b]``. A token whose create lost its answer (influxctl killed or timed out,
the engine stopped) is then recognised by the marker alone, and ``influxdb3-tokens audit`` finds it
from the pending operation that names the same marker. Nobody can make a token carrying a marker
before the marker exists, and nobody but this stack's state knows it. Every token kind uses it: a
management token's lost create is adopted (influxctl), a database token's revoked and minted again
(its string was only in the lost answer; clients/http/database_tokens.py). The tokens the resource
already holds (a rotation's current and retiring ones) carry the same marker and are never taken
for a lost create's.

``mark_description: false`` turns it off for one resource; its lost creates are then never adopted
or revoked automatically, only reported with the candidates' ids.
"""

from __future__ import annotations

import re
import secrets
from typing import Any, Optional

MARKER_HEX_DIGITS = 10  # 40 random bits: a chance match among a few thousand live tokens is negligible
_MARKER = re.compile(rf"[0-9a-f]{{{MARKER_HEX_DIGITS}}}")
_SUFFIX = re.compile(rf"(?:^| )\[pulumi:([0-9a-f]{{{MARKER_HEX_DIGITS}}})\]$")
# What a marked description adds to the declared one: " [pulumi:" + digits + "]".
SUFFIX_LENGTH = len(" [pulumi:]") + MARKER_HEX_DIGITS


def new_marker() -> str:
    return secrets.token_hex(MARKER_HEX_DIGITS // 2)


def is_marker(value: Any) -> bool:
    return isinstance(value, str) and _MARKER.fullmatch(value) is not None


def marked(description: str, marker: Optional[str]) -> str:
    """The description a token minted with ``marker`` carries on the server."""
    if marker is None:
        return description
    return f"{description} [pulumi:{marker}]" if description else f"[pulumi:{marker}]"


def proves(server_description: str, marker: Optional[str]) -> bool:
    """Whether a token listed with ``server_description`` is provably one minted with ``marker``: it carries that
    marker at its end. Without a marker (``mark_description: false``) nothing is proof."""
    return marker is not None and split(server_description)[1] == marker


def split(server_description: str) -> tuple[str, Optional[str]]:
    """(declared description, marker) of a description as the server lists it; (it, None) when unmarked."""
    found = _SUFFIX.search(server_description)
    if found is None:
        return server_description, None
    return server_description[: found.start()], found.group(1)
