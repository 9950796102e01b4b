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


def run_audit(*args: str, env: Mapping[str, str]) -> Ran:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("INFLUXDB3_")}
    clean["HOME"] = "/nonexistent-home"  # no ~/.config/influxctl profile of the machine's user leaks in
    done = subprocess.run(
        [AUDIT, "audit", *args], env={**clean, **env}, capture_output=True, text=True, timeout=120, check=False
    )
    return Ran(done.returncode, done.stdout, done.stderr)
