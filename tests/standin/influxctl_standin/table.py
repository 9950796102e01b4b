"""`influxctl table create|list|delete|rename|undelete` over the documented table routes (`table iceberg` is not
played).

Flags and arguments are those of the reference pages (content/shared/influxctl/table/*.md); what the release
notes (content/shared/influxctl/release-notes.md) date:
  create                  v2.5.0 ("introduces the `table` subcommand that lets users manually create tables")
  list, delete            v2.10.2 ("Add new table management commands")
  rename                  2.10.3 ("Add `influxctl table rename` command")
  undelete                2.10.4 ("Add the `influxctl table undelete` command")
  list --filter-status    2.10.4
`table undelete` takes the table's id (its page: "The ID of the table to undelete", found with
`table list --filter-status=deleted`). The docs are silent on the JSON `table list --format json` prints (here
id, name and partition_template in the API's form) and on what create, delete, rename and undelete print (a
line of text here). The documented HTTP API lists no tables, so the list comes from the local server's
/inventory extension (provider/influxdb3_local_api/inventory_routes.py).
"""

from __future__ import annotations

import argparse
from typing import Any

from .common import (
    documented,
    emit,
    faults_after_create,
    faults_before_create,
    name_in_path,
    partition_template,
    refuse_flag,
    release,
    template_flags,
    unknown_command,
)

SINCE = {"list": (2, 10, 2), "delete": (2, 10, 2), "rename": (2, 10, 3), "undelete": (2, 10, 4)}


def add_parser(commands: Any) -> None:
    family = commands.add_parser("table").add_subparsers(dest="action", required=True)
    create = family.add_parser("create")
    template_flags(create)
    create.add_argument("database")
    create.add_argument("name")
    listing = family.add_parser("list")
    listing.add_argument("--format", choices=["table", "json"], default="table")
    listing.add_argument("--filter-status", choices=["active", "deleted"], default="active")
    listing.add_argument("database")
    delete = family.add_parser("delete")
    delete.add_argument("database")
    delete.add_argument("name")
    rename = family.add_parser("rename")
    rename.add_argument("--format", choices=["table", "json"], default="table")
    rename.add_argument("database")
    rename.add_argument("name")
    rename.add_argument("new_name")
    undelete = family.add_parser("undelete")
    undelete.add_argument("database")
    undelete.add_argument("table_id", type=int)


def check_release(action: str, argv: list[str]) -> None:
    if action in SINCE and release() < SINCE[action]:
        unknown_command(f"table {action}", action)
    if action == "list" and release() < (2, 10, 4) and any(a.startswith("--filter-status") for a in argv):
        refuse_flag("filter-status")


def listed(table: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"id": table["id"], "name": table["name"]}
    if table.get("partitionTemplate"):
        out["partition_template"] = table["partitionTemplate"]
    return out


def run(args: argparse.Namespace, profile: dict[str, Any]) -> None:
    tables = f"/databases/{name_in_path(args.database)}/tables"
    if args.action == "list":
        status = args.filter_status
        emit([listed(t) for t in documented(profile, "GET", f"/inventory{tables}?status={status}")])
    elif args.action == "create":
        body: dict[str, Any] = {"name": args.name}
        template = partition_template(args)
        if template is not None:
            body["partitionTemplate"] = template
        faults_before_create(getattr(args, "timeout", None))
        documented(profile, "POST", tables, body)
        faults_after_create()
        print(f"table {args.name} created in database {args.database}")
    elif args.action == "delete":
        documented(profile, "DELETE", f"{tables}/{name_in_path(args.name)}")
        print(f"table {args.name} deleted from database {args.database}")
    elif args.action == "rename":
        renamed = documented(profile, "PUT", f"{tables}/{name_in_path(args.name)}/rename", {"name": args.new_name})
        emit(listed(renamed))
    elif args.action == "undelete":
        documented(profile, "PUT", f"{tables}/{args.table_id}/undelete")
        print(f"table {args.table_id} undeleted in database {args.database}")
