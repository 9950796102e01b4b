"""`influxctl management create|list|revoke`: management tokens, over the local server's extension."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from .common import (
    ALREADY_REVOKED,
    call,
    emit,
    entry,
    faults_after_create,
    faults_before_create,
    print_created,
    release,
    wait_out_timeout,
)


def management(args: argparse.Namespace, profile: dict[str, Any]) -> None:
    fault = os.environ.get("INFLUXCTL_STANDIN_FAULT", "")
    if fault == "hang-until-timeout":
        wait_out_timeout(args.timeout)
    if args.action == "list":
        emit([entry(t) for t in call(profile, "GET")])
    elif args.action == "create":
        if not args.description and release() >= (2, 10, 0):
            print("Error: management token description must be a non-empty string", file=sys.stderr)
            sys.exit(1)
        body: dict[str, Any] = {"description": args.description or ""}
        if args.expires_at:
            body["expiresAt"] = args.expires_at

        def colleague_creates() -> None:
            colleague = os.environ.get("INFLUXCTL_STANDIN_CONCURRENT_CREATE_TOKEN")
            if colleague:
                theirs = os.environ.get("INFLUXCTL_STANDIN_CONCURRENT_CREATE_DESCRIPTION") or body["description"]
                call({**profile, "mgmt_token": colleague}, "POST", body={**body, "description": theirs})

        faults_before_create(args.timeout, meanwhile=colleague_creates)
        created = call(profile, "POST", body=body)
        if faults_after_create():
            emit(None, garbage=True)
        elif fault == "create-mint-no-token":
            emit(entry(created))
        else:
            print_created(entry(created), created["accessToken"], "management_token")
    elif args.action == "revoke":
        if not args.force:
            print("Error: refusing to prompt for confirmation without a terminal; pass --force", file=sys.stderr)
            sys.exit(1)
        for token_id in args.ids:
            if (call(profile, "GET", f"/{token_id}") or {}).get("revokedAt"):
                print(ALREADY_REVOKED[release()].format(id=token_id), file=sys.stderr)
                sys.exit(1)
            call(profile, "DELETE", f"/{token_id}")
        print(f"Successfully revoked {len(args.ids)} management token(s)")
