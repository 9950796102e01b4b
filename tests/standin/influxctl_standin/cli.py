"""The command line: global flags, the release's differences in them, and dispatch to a command family."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from .common import DEFAULT_CONFIG, RELEASES, load_profile, logged_in, record, release
from .management import management


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
    return root


def main(argv: list[str]) -> None:
    version = release()
    if version < (2, 9, 7) and any(arg.startswith("--timeout") for arg in argv):
        print("Incorrect Usage: flag provided but not defined: -timeout", file=sys.stderr)
        sys.exit(1)
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
    management(args, logged_in(load_profile(config, args.profile)))
