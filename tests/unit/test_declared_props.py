"""What a Python program declares: a resource's secret inputs leave the program as Pulumi secrets, on either face
(core/declared.py, shared by every resource's classes)."""

from __future__ import annotations

import asyncio

import pulumi

from pulumi_influxdb3_tokens.core.management_token.declared import token_props


def test_an_adopted_tokens_string_is_a_secret_from_the_program_on():
    """Pulumi's docs: an input marked secret is encrypted in state and never shown; the program marks adopt_token
    itself, so a plain string given by the user is never stored in plaintext."""

    async def declare() -> tuple[dict[str, object], bool]:
        props = token_props("ci", None, "30d", None, "token-id", "M.V1.adopted-string", None, None)
        adopted = props["adopt_token"]
        assert isinstance(adopted, pulumi.Output)
        return props, await adopted.is_secret()

    props, secret = asyncio.run(declare())
    assert secret is True
    assert props["description"] == "ci" and props["token"] is None  # outputs are declared, unset
