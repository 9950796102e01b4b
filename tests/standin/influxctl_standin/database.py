"""`influxctl database create|list|update|delete|rename|undelete` over the documented database routes.

Flags and arguments are those of the reference pages (content/shared/influxctl/database/*.md, shared by Cloud
Dedicated and Clustered); what the release notes (content/shared/influxctl/release-notes.md) date:
  rename, undelete                 "Add new database management commands" in v2.10.2
  list --filter-status             2.10.4 ("Add `--filter-status` flag to ... database list")
  list's `id`                      2.10.3 ("Add `id` column to the output of ... database list")
  update of one limit alone        2.10.4 ("Allow changing only maxTables or maxColumns individually"); before
                                   it the stand-in resets the limit not given to its default (the fixed bug's
                                   effect is not documented; this is one that a client must survive)
  --template-timeformat            required with --template-tag from 2.10.3 (common.partition_template)
The docs are silent on: the JSON `database list --format json` prints (here the API's fields in snake_case:
name, max_tables, max_columns_per_table, retention_period in nanoseconds, partition_template in the API's
form, and from 2.10.3 id), and on what create, update, delete, rename and undelete print (a line of text
here, never parsed). `database undelete` takes a name (its page) while the API takes an id: the stand-in
finds the id in the server's /inventory extension, as it lists deleted databases and ids.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from typing import Any

from .common import (
    documented,
    emit,
    fail,
    faults_after_create,
    faults_before_create,
    name_in_path,
    partition_template,
    refuse_flag,
    release,
    template_flags,
    unknown_command,
)

# database/update.md, "Valid durations units": m, h, d, w, mo (30 days), y; "30d30d" and "2.5d" are valid.
# create.md's default "0s" adds seconds. A year is not defined there: 365 days here.
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400, "mo": 30 * 86400, "y": 365 * 86400}
_PART = re.compile(r"(\d+(?:\.\d+)?)(mo|[smhdwy])")
NANOS = 1_000_000_000
DEFAULT_MAX_TABLES = 500  # create.md: "default is 500, `0` uses default"
DEFAULT_MAX_COLUMNS = 250  # create.md: "default is 250, `0` uses default"


def retention_nanos(text: str) -> int:
    position, total = 0, 0.0
    for match in _PART.finditer(text):
        if match.start() != position:
            break
        total += float(match[1]) * _UNITS[match[2]]
        position = match.end()
    if position != len(text) or not text:
        fail("InvalidArgument", f"invalid retention period {text!r}")
    return int(total * NANOS)


def add_parser(commands: Any) -> None:
    family = commands.add_parser("database").add_subparsers(dest="action", required=True)
    create = family.add_parser("create")
    limits(create)
    template_flags(create)
    create.add_argument("name")
    listing = family.add_parser("list")
    listing.add_argument("--format", choices=["table", "json"], default="table")
    listing.add_argument("--filter-status", choices=["active", "deleted"], default="active")
    update = family.add_parser("update")
    limits(update)
    update.add_argument("name")
    delete = family.add_parser("delete")
    delete.add_argument("--force", action="store_true")
    delete.add_argument("names", nargs="+")
    rename = family.add_parser("rename")
    rename.add_argument("name")
    rename.add_argument("new_name")
    undelete = family.add_parser("undelete")
    undelete.add_argument("name")


def limits(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--retention-period")
    parser.add_argument("--max-tables", type=int)
    parser.add_argument("--max-columns", type=int)


def check_release(action: str, argv: list[str]) -> None:
    """What this release lacks, refused before anything runs."""
    if action in ("rename", "undelete") and release() < (2, 10, 2):
        unknown_command(f"database {action}", action)
    if action == "list" and release() < (2, 10, 4) and any(a.startswith("--filter-status") for a in argv):
        refuse_flag("filter-status")


def listed(record: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": record["name"],
        "max_tables": record["maxTables"],
        "max_columns_per_table": record["maxColumnsPerTable"],
        "retention_period": record["retentionPeriod"],
    }
    if record.get("partitionTemplate"):
        out["partition_template"] = record["partitionTemplate"]
    if release() >= (2, 10, 3):
        out["id"] = record["id"]
    return out


def run(args: argparse.Namespace, profile: dict[str, Any]) -> None:
    if args.action == "list":
        emit([listed(r) for r in documented(profile, "GET", f"/inventory/databases?status={args.filter_status}")])
    elif args.action == "create":
        body: dict[str, Any] = {
            "name": args.name,
            "maxTables": args.max_tables or DEFAULT_MAX_TABLES,
            "maxColumnsPerTable": args.max_columns or DEFAULT_MAX_COLUMNS,
            "retentionPeriod": retention_nanos(args.retention_period or "0s"),
        }
        template = partition_template(args)
        if template is not None:
            body["partitionTemplate"] = template
        faults_before_create(getattr(args, "timeout", None))
        documented(profile, "POST", "/databases", body)
        faults_after_create()
        print(f"database {args.name} created")
    elif args.action == "update":
        changes: dict[str, Any] = {}
        if args.retention_period is not None:
            changes["retentionPeriod"] = retention_nanos(args.retention_period)
        if args.max_tables is not None:
            changes["maxTables"] = args.max_tables or DEFAULT_MAX_TABLES
        if args.max_columns is not None:
            changes["maxColumnsPerTable"] = args.max_columns or DEFAULT_MAX_COLUMNS
        if release() < (2, 10, 4) and ("maxTables" in changes) != ("maxColumnsPerTable" in changes):
            changes.setdefault("maxTables", DEFAULT_MAX_TABLES)
            changes.setdefault("maxColumnsPerTable", DEFAULT_MAX_COLUMNS)
        if not changes:
            print("Error: nothing to update: pass --retention-period, --max-tables or --max-columns", file=sys.stderr)
            sys.exit(1)
        documented(profile, "PATCH", f"/databases/{name_in_path(args.name)}", changes)
        print(f"database {args.name} updated")
    elif args.action == "delete":
        if not args.force and not os.isatty(0):
            print("Error: refusing to prompt for confirmation without a terminal; pass --force", file=sys.stderr)
            sys.exit(1)
        for name in args.names:
            documented(profile, "DELETE", f"/databases/{name_in_path(name)}")
        print(f"Successfully deleted {len(args.names)} database(s)")
    elif args.action == "rename":
        documented(profile, "PUT", f"/databases/{name_in_path(args.name)}/rename", {"name": args.new_name})
        print(f"database {args.name} renamed to {args.new_name}")
    elif args.action == "undelete":
        deleted = documented(profile, "GET", "/inventory/databases?status=deleted")
        ids = [r["id"] for r in deleted if r["name"] == args.name]
        if not ids:
            fail("NotFound", f"no deleted database named {args.name}")
        documented(profile, "PUT", f"/databases/{max(ids)}/undelete")
        print(f"database {args.name} undeleted")
