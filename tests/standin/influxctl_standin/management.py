"""`influxctl management create|list|revoke`: management tokens, over the local server's extension."""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any

from .common import (
    ALREADY_REVOKED,
    LOST_AFTER_SEND,
    NEVER_SENT,
    call,
    emit,
    entry,
    fail,
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
        if fault == "create-fail-before-mint":
            fail("Unavailable", "connection reset by peer")
        if fault in NEVER_SENT:
            fail("Unavailable", NEVER_SENT[fault])
        colleague = os.environ.get("INFLUXCTL_STANDIN_CONCURRENT_CREATE_TOKEN")
        if colleague:
            theirs = os.environ.get("INFLUXCTL_STANDIN_CONCURRENT_CREATE_DESCRIPTION") or body["description"]
            call({**profile, "mgmt_token": colleague}, "POST", body={**body, "description": theirs})
        if fault == "create-no-mint-deadline":
            wait_out_timeout(args.timeout)
        created = call(profile, "POST", body=body)
        if fault == "create-mint-then-fail":
            fail("Unavailable", "connection reset by peer")
        if fault == "create-mint-then-lost":
            fail("Unavailable", LOST_AFTER_SEND)
        if fault == "create-mint-then-hang":
            time.sleep(3600)
        if fault == "create-mint-then-garbage":
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
