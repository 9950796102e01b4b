"""The command line: global flags, the release's differences in them, and dispatch to a command family."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from . import database, table, token
from .common import DEFAULT_CONFIG, RELEASES, load_profile, logged_in, record, release, wait_out_timeout
from .management import management

# The command families beside `management`, each a module: its parser, what its release lacks, and its run.
FAMILIES = {"database": database, "table": table, "token": token}


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="influxctl")
    root.add_argument("--config", type=Path)
    root.add_argument("--profile")
    if release() >= (2, 9, 7):
        root.add_argument("--timeout")
    else:
        root.set_defaults(timeout=None)
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser("version")
    tokens = commands.add_parser("management").add_subparsers(dest="action", required=True)
    create = tokens.add_parser("create")
    create.add_argument("--format", choices=["table", "json"], default="table")
    create.add_argument("--description")
    create.add_argument("--expires-at")
    listing = tokens.add_parser("list")
    listing.add_argument("--format", choices=["table", "json"], default="table")
    revoke = tokens.add_parser("revoke")
    revoke.add_argument("--force", action="store_true")
    revoke.add_argument("ids", nargs="+")
    for family in FAMILIES.values():
        family.add_parser(commands)
    return root


def command_words(argv: list[str]) -> tuple[str, str]:
    """The command and its action after the global flags (--config, --profile, --timeout, each with a value)."""
    at = 0
    while at < len(argv) and argv[at].startswith("-"):
        at += 1 if "=" in argv[at] else 2
    words = [*argv[at : at + 2], "", ""]
    return words[0], words[1]


def main(argv: list[str]) -> None:
    version = release()
    if version < (2, 9, 7) and any(arg.startswith("--timeout") for arg in argv):
        print("Incorrect Usage: flag provided but not defined: -timeout", file=sys.stderr)
        sys.exit(1)
    command, action = command_words(argv)
    if command in FAMILIES:
        FAMILIES[command].check_release(action, argv)
    args = parser().parse_args(argv)
    config = args.config or DEFAULT_CONFIG
    record(argv, config)
    if args.command == "version":
        print(os.environ.get("INFLUXCTL_STANDIN_VERSION", RELEASES[version]))
        return
    delay_ms = float(os.environ.get("INFLUXCTL_STANDIN_DELAY_MS") or 0)
    if delay_ms > 0:
        time.sleep(delay_ms / 1000)
    if args.profile is None:
        own = os.environ.get("INFLUXCTL_PROFILE") if version >= (2, 10, 1) else None
        args.profile = own or "default"
    if getattr(args, "format", "json") != "json":
        print("Error: the stand-in prints JSON only; pass --format json", file=sys.stderr)
        sys.exit(2)
    profile = logged_in(load_profile(config, args.profile))
    family = FAMILIES.get(args.command)
    if family is None:
        management(args, profile)
        return
    if os.environ.get("INFLUXCTL_STANDIN_FAULT") == "hang-until-timeout":
        wait_out_timeout(args.timeout)
    family.run(args, profile)
