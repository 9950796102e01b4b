"""Run the `influxdb3-tokens audit` console script as a user would, with only the settings given."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

AUDIT = str(Path(sys.executable).parent / "influxdb3-tokens")


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


# The local server these tests start serves management tokens only: the documented Management API's database
# tokens and databases come with its issue-31 routes (branch i31-server). Until then every run audits management
# tokens only; tests/unit/test_audit_database_tokens.py holds the database-token audit over a mock of that API.
MANAGEMENT_TOKENS_ONLY = ("--management-tokens-only",)


def run_audit(*args: str, env: Mapping[str, str]) -> Ran:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("INFLUXDB3_")}
    clean["HOME"] = "/nonexistent-home"  # no ~/.config/influxctl profile of the machine's user leaks in
    done = subprocess.run(
        [AUDIT, "audit", *MANAGEMENT_TOKENS_ONLY, *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return Ran(done.returncode, done.stdout, done.stderr)
