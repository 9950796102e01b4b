"""Read a Pulumi stack through the ``pulumi`` CLI on PATH, as ``profile write`` does: JSON answers on a pipe.

Nothing here asks for ``--show-secrets`` unless its caller does (only the token itself is read that way,
profile_token.py), and no answer is ever printed; a failed command is one sentence naming the command, not its
output (which may quote a value).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Optional

from ..core.errors import ConfigurationError


def pulumi_cli() -> str:
    """The pulumi CLI on PATH, or one sentence saying that --stack-output needs it."""
    pulumi = shutil.which("pulumi")
    if pulumi is None:
        raise ConfigurationError("--stack-output needs the pulumi CLI on PATH.")
    return pulumi


def read_json(pulumi: str, args: list[str], stack: Optional[str], cwd: Optional[Path], hint: str) -> object:
    """The JSON that ``pulumi ARGS --non-interactive [--stack STACK]`` prints in ``cwd`` (ARGS ask for JSON)."""
    command = [pulumi, *args, "--non-interactive"]
    if stack:
        command += ["--stack", stack]
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL)
    named = " ".join(a for a in args if a not in ("--show-secrets", "--json"))
    if done.returncode != 0:
        raise ConfigurationError(f"`pulumi {named}` failed (exit {done.returncode}); {hint}.")
    try:
        return json.loads(done.stdout)
    except ValueError:
        shown = " ".join(a for a in args if a != "--show-secrets")
        raise ConfigurationError(f"`pulumi {shown}` printed no JSON.") from None
