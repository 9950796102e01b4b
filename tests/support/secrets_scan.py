"""Prove a secret is nowhere in plaintext (raw backend files, everything the CLI printed), and assert
about secrets without pytest printing them."""

from __future__ import annotations

from support.engine import Stack


def assert_nowhere(stack: Stack, *secrets: str) -> None:
    for secret in secrets:
        assert secret, "a secret to look for must not be empty"
        needle = secret.encode()
        for path, content in stack.raw_backend_files():
            assert needle not in content, f"a secret is in plaintext in {path.relative_to(stack.backend_dir)}"
        assert secret not in stack.all_output(), "a secret appeared in pulumi's output"


def check(condition: bool, message: str) -> None:
    """Assert without pytest's introspection, which would print the (possibly secret) operands."""
    if not condition:
        raise AssertionError(message)
