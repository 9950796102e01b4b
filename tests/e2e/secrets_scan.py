"""Prove a secret is nowhere in plaintext: raw backend files and everything the CLI printed."""

from __future__ import annotations

from support.engine import Stack


def assert_nowhere(stack: Stack, *secrets: str) -> None:
    for secret in secrets:
        assert secret, "a secret to look for must not be empty"
        needle = secret.encode()
        for path, content in stack.raw_backend_files():
            assert needle not in content, f"a secret is in plaintext in {path.relative_to(stack.backend_dir)}"
        assert secret not in stack.all_output(), "a secret appeared in pulumi's output"
