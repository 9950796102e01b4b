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


# The audit also reads database tokens over InfluxData's documented Management API, resolved as a DatabaseToken's
# connection: without an API URL (the influxctl transport) that is InfluxData's own https://console.influxdata.com,
# which no test may reach. So runs audit management tokens only unless a test asks for the documented API
# (``documented=True``) with settings that point it at the local server.
MANAGEMENT_TOKENS_ONLY = ("--management-tokens-only",)


def run_audit(*args: str, env: Mapping[str, str], documented: bool = False) -> Ran:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("INFLUXDB3_")}
    clean["HOME"] = "/nonexistent-home"  # no ~/.config/influxctl profile of the machine's user leaks in
    done = subprocess.run(
        [AUDIT, "audit", *(() if documented else MANAGEMENT_TOKENS_ONLY), *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return Ran(done.returncode, done.stdout, done.stderr)
