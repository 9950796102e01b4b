"""`influxctl token create|list|get|update|revoke` (database tokens) over the documented `/tokens` routes.

Flags and arguments are those of the reference pages (content/influxdb3/cloud-dedicated/reference/cli/influxctl/
token/*.md); `--read-database` and `--write-database` are repeatable and take `*` (create.md, update.md).
What the release notes (content/shared/influxctl/release-notes.md) date:
  v2.10.0  "Rename `influxctl token delete` command to `influxctl token revoke`" (revoke.md keeps `delete` as
           an alias); "Add `--include-revoked` flag to ... token list, token get"; "Add `--expires-at` flag to
           the token create command"
  2.11.0   create prints "table output as well as the token string" (common.print_created)
`token update` "replaces" the permissions with the flags given (update.md) and has no flag for a description or
an expiry. The docs are silent on: the JSON of `token list|get --format json` (here id, description,
permissions [{action, resource}], created_at, expires_at and revoked_at as protobuf timestamps, unset ones left
out, or before 2.9 expires_at as the epoch and revoked_at null, as `management list` prints them), whether a
release before 2.10.0 lists revoked tokens (not here: its command was called delete), what update and revoke
print (a line of text here), and what revoking a revoked token prints (a refusal here).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from .common import (
    documented,
    emit,
    fail,
    faults_after_create,
    faults_before_create,
    name_in_path,
    print_created,
    proto_time,
    refuse_flag,
    release,
    unknown_command,
)

SINCE_2_10 = (2, 10, 0)


def add_parser(commands: Any) -> None:
    family = commands.add_parser("token").add_subparsers(dest="action", required=True)
    create = family.add_parser("create")
    permission_flags(create)
    create.add_argument("--expires-at")
    create.add_argument("--format", choices=["table", "json"], default="table")
    create.add_argument("description")
    listing = family.add_parser("list")
    listing.add_argument("--format", choices=["table", "json"], default="table")
    listing.add_argument("--sort", choices=["id", "description"], default="id")
    listing.add_argument("--include-revoked", action="store_true")
    get = family.add_parser("get")
    get.add_argument("--format", choices=["table", "json"], default="table")
    get.add_argument("--include-revoked", action="store_true")
    get.add_argument("id")
    update = family.add_parser("update")
    permission_flags(update)
    update.add_argument("id")
    # 2.10.0 renamed delete to revoke; revoke.md lists `delete` as its alias, so both parse from 2.10.0 on.
    for name in ("revoke", "delete"):
        revoke = family.add_parser(name)
        revoke.add_argument("--force", action="store_true")
        revoke.add_argument("ids", nargs="+")


def permission_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--read-database", action="append", default=[])
    parser.add_argument("--write-database", action="append", default=[])


def check_release(action: str, argv: list[str]) -> None:
    if release() >= SINCE_2_10:
        return
    if action == "revoke":
        unknown_command("token revoke", "revoke")
    if action == "create" and any(a.startswith("--expires-at") for a in argv):
        refuse_flag("expires-at")
    if action in ("list", "get") and "--include-revoked" in argv:
        refuse_flag("include-revoked")


def listed(token: dict[str, Any]) -> dict[str, Any]:
    old = release() < (2, 9, 0)
    out: dict[str, Any] = {"id": token["id"], "description": token.get("description", "")}
    if token.get("accountId"):
        out["account_id"] = token["accountId"]
    if token.get("clusterId"):
        out["cluster_id"] = token["clusterId"]
    out["permissions"] = [{"action": p["action"], "resource": p["resource"]} for p in token.get("permissions", [])]
    for field, key in (("created_at", "createdAt"), ("expires_at", "expiresAt"), ("revoked_at", "revokedAt")):
        if token.get(key):
            out[field] = proto_time(token[key])
        elif old:
            out[field] = {"seconds": 0} if field == "expires_at" else None
    return out


def permissions(args: argparse.Namespace) -> list[dict[str, str]]:
    return [{"action": "read", "resource": db} for db in args.read_database] + [
        {"action": "write", "resource": db} for db in args.write_database
    ]


def shows_revoked(args: argparse.Namespace) -> bool:
    return release() >= SINCE_2_10 and bool(args.include_revoked)


def run(args: argparse.Namespace, profile: dict[str, Any]) -> None:
    if args.action == "list":
        tokens = documented(profile, "GET", "/tokens")
        shown = [t for t in tokens if shows_revoked(args) or not t.get("revokedAt")]
        key = (lambda t: t.get("description", "")) if args.sort == "description" else (lambda t: t["id"])
        emit([listed(t) for t in sorted(shown, key=key)])
    elif args.action == "get":
        token = documented(profile, "GET", f"/tokens/{name_in_path(args.id)}")
        if token.get("revokedAt") and not shows_revoked(args):
            fail("NotFound", f"token {args.id} not found")
        emit(listed(token))
    elif args.action == "create":
        body: dict[str, Any] = {"description": args.description, "permissions": permissions(args)}
        if args.expires_at:
            body["expirationType"] = "datetime"
            body["expiresAt"] = args.expires_at
        else:
            body["expirationType"] = "noExpiration"  # create.md: "If you don't specify a token expiration, ..."
        faults_before_create(getattr(args, "timeout", None))
        created = documented(profile, "POST", "/tokens", body)
        if faults_after_create():
            emit(None, garbage=True)
        elif os.environ.get("INFLUXCTL_STANDIN_FAULT") == "create-mint-no-token":
            emit(listed(created))
        else:
            print_created(listed(created), created["accessToken"], "database_token")
    elif args.action == "update":
        documented(profile, "PATCH", f"/tokens/{name_in_path(args.id)}", {"permissions": permissions(args)})
        print(f"Successfully updated database token {args.id}")
    elif args.action in ("revoke", "delete"):
        if not args.force and not os.isatty(0):
            print("Error: refusing to prompt for confirmation without a terminal; pass --force", file=sys.stderr)
            sys.exit(1)
        for token_id in args.ids:
            if (documented(profile, "GET", f"/tokens/{name_in_path(token_id)}") or {}).get("revokedAt"):
                fail("FailedPrecondition", f"database token {token_id} is already revoked")
            documented(profile, "DELETE", f"/tokens/{name_in_path(token_id)}")
        print(f"Successfully revoked {len(args.ids)} database token(s)")
