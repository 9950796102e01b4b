"""The token ``profile write`` puts into a profile: read from a secret stack output or standard input, and
refused unless it looks like a management token (never printed, never in argv).

A stack output is read twice: first without ``--show-secrets``, where pulumi prints a secret output as the
JSON string ``"[secret]"`` whatever its value (checked against pulumi v3.274.1), so a plain output, which
would have kept the token in clear in the state and shown it in every ``pulumi stack output``, is refused
before its value is ever read; then with ``--show-secrets`` for the value itself.
"""

from __future__ import annotations

import getpass
import re
import sys
from pathlib import Path
from typing import Optional

from ..core.errors import ConfigurationError
from ..settings.credential import CREDENTIAL_SHAPE
from . import stack_cli

SECRET_MARK = "[secret]"  # what `pulumi stack output NAME --json` prints for a secret without --show-secrets
MIN_LENGTH = 16  # far below any minted token (M.V1. and 43 characters locally); catches a truncated or wrong value
# A token id (the resource's id and `token_id` output) is a UUID; the token itself is never one.
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def checked(value: object, where: str) -> str:
    """``value`` if it can be a management token; else one sentence naming ``where`` (never the value)."""
    if not isinstance(value, str):
        raise ConfigurationError(f"{where} is not a string, so it is not a management token.")
    if not CREDENTIAL_SHAPE.fullmatch(value):
        raise ConfigurationError(
            f"{where} contains a space, a line break or a character that is not ASCII, which no management token has."
        )
    if _UUID.fullmatch(value):
        raise ConfigurationError(f"{where} looks like a token id (a UUID), not the token itself; use the token.")
    if len(value) < MIN_LENGTH:
        raise ConfigurationError(f"{where} is too short to be a management token.")
    return value


def _stack_output(pulumi: str, output: str, stack: Optional[str], cwd: Optional[Path], show: bool) -> object:
    args = ["stack", "output", output, *(["--show-secrets"] if show else []), "--json"]
    return stack_cli.read_json(pulumi, args, stack, cwd, "check the output name, --stack and --cwd")


def from_stack(output: str, stack: Optional[str], cwd: Optional[Path]) -> str:
    pulumi = stack_cli.pulumi_cli()
    where = f"The stack output '{output}'"
    if _stack_output(pulumi, output, stack, cwd, show=False) != SECRET_MARK:
        raise ConfigurationError(
            f"{where} is not a Pulumi secret, so the token in it is in clear in the stack; make it a secret output "
            "(pulumi.Output.secret, fn::secret) first."
        )
    return checked(_stack_output(pulumi, output, stack, cwd, show=True), where)


def from_stdin() -> str:
    value = getpass.getpass("management token: ") if sys.stdin.isatty() else sys.stdin.readline()
    if not value.strip():
        raise ConfigurationError("No token on standard input; pipe it in, or use --stack-output.")
    return checked(value.strip(), "The token on standard input")
