"""Run `influxdb3-tokens profile write` as a user would, and a stand-in `pulumi` for its --stack-output.

The stand-in answers `pulumi stack output NAME --json [--show-secrets]` as pulumi v3.274.1 does (checked
against a local stack of a YAML program with `fn::secret` outputs): without --show-secrets a secret output
prints the JSON string "[secret]" whatever its type (a secret number too), a plain one prints its JSON value;
with --show-secrets every value prints as JSON; an unknown output exits 1 with
"error: current stack does not have output property 'NAME'" on stderr. `pulumi stack export` prints the
given export (`{"version": 3, "deployment": {...}}`), and `pulumi config --json` the given config, shaped as
v3.274.1 prints it: `{"influxdb3:accountId": {"value": "...", "secret": false}}`, a secret without its value.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any, Mapping, Optional

import pytest

from pulumi_influxdb3_tokens.audit.command import main

_FAKE_PULUMI = """#!{python}
import json, sys
args = sys.argv[1:]
with open({record!r}, "a") as handle:
    handle.write(" ".join(args) + "\\n")
outputs = json.load(open({outputs!r}))
if args[:2] == ["stack", "export"] or args[:1] == ["config"]:
    print(json.dumps(json.load(open({answers!r}))["export" if args[0] == "stack" else "config"], indent=4))
    sys.exit(0)
name = args[2]
if name not in outputs:
    print(f"error: current stack does not have output property '{{name}}'", file=sys.stderr)
    sys.exit(1)
value, secret = outputs[name]["value"], outputs[name]["secret"]
print(json.dumps("[secret]" if secret and "--show-secrets" not in args else value, indent=2))
"""


def fake_pulumi(
    folder: Path,
    outputs: Mapping[str, tuple[Any, bool]],
    resources: Optional[list[dict[str, Any]]] = None,
    config: Optional[Mapping[str, Any]] = None,
) -> tuple[Path, Path]:
    """A `pulumi` in ``folder/bin`` with these outputs (value, is it secret), the export's ``resources`` and the
    stack's ``config`` (`pulumi config --json`); its bin folder and argv record."""
    bin_dir = folder / "bin"
    bin_dir.mkdir(exist_ok=True)
    record = folder / "pulumi-argv.txt"
    table = folder / "pulumi-outputs.json"
    table.write_text(json.dumps({k: {"value": v, "secret": s} for k, (v, s) in outputs.items()}), encoding="utf-8")
    answers = folder / "pulumi-answers.json"
    export = {"version": 3, "deployment": {"manifest": {}, "resources": resources or []}}
    answers.write_text(json.dumps({"export": export, "config": dict(config or {})}), encoding="utf-8")
    fake = bin_dir / "pulumi"
    script = _FAKE_PULUMI.format(python=sys.executable, record=str(record), outputs=str(table), answers=str(answers))
    fake.write_text(script, "utf-8")
    fake.chmod(0o755)
    return bin_dir, record


def write(config: Path, *args: str, stdin: str, monkeypatch: pytest.MonkeyPatch) -> int:
    """`influxdb3-tokens profile write ARGS --config CONFIG` in this process, ``stdin`` piped in."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin + "\n"))
    return main(["profile", "write", *args, "--config", str(config)])


def profiles(config: Path) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in tomllib.loads(config.read_text(encoding="utf-8")).get("profile", [])}


def run_cli(*args: str, env: dict[str, str], stdin: Optional[str] = None) -> subprocess.CompletedProcess[str]:
    """`influxdb3-tokens ARGS` as its own process (stdin closed unless given), as a pipeline step runs it."""
    return subprocess.run(
        [sys.executable, "-m", "pulumi_influxdb3_tokens.audit.command", *args],
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
