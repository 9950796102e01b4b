"""Orphans: live tokens on the cluster that no ManagementToken in the given stack states holds.

A create whose answer was lost for good (the server went away past influxdb3:retryTimeout, the
engine was killed mid-create) may leave a token nobody knows the string of. Only ids are read from
``pulumi stack export`` output, which holds secrets encrypted; nothing secret is needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Optional

from pydantic import BaseModel, ConfigDict, ValidationError

from .. import rules
from ..core.errors import InfluxDB3TokensError
from ..core.models import TokenRecord


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _StateResource(_Loose):
    type: str = ""
    id: Optional[str] = None


class _PendingOperation(_Loose):
    resource: _StateResource
    type: str = ""


class _Deployment(_Loose):
    resources: Optional[list[_StateResource]] = None
    pending_operations: Optional[list[_PendingOperation]] = None


class _StackExport(_Loose):
    deployment: _Deployment


class StackStateError(InfluxDB3TokensError):
    """A --stack-state file is missing or is not `pulumi stack export` output."""


class HeldTokens(BaseModel):
    """Token ids the stack states hold, and how many creates they record as pending."""

    ids: frozenset[str]
    pending_creates: int


def held_tokens(paths: Iterable[Path]) -> HeldTokens:
    ids: set[str] = set()
    pending = 0
    for path in paths:
        try:
            export = _StackExport.model_validate_json(path.read_bytes())
        except OSError as err:
            raise StackStateError(f"Cannot read --stack-state {path}: {err.strerror or err}.") from None
        except ValidationError:
            raise StackStateError(
                f"--stack-state {path} is not the JSON `pulumi stack export` prints; export the stack again."
            ) from None
        deployment = export.deployment
        for resource in deployment.resources or []:
            if resource.type in rules.TOKEN_TYPES and resource.id:
                ids.add(resource.id)
        pending += sum(
            1
            for op in deployment.pending_operations or []
            if op.type == "creating" and op.resource.type in rules.TOKEN_TYPES
        )
    return HeldTokens(ids=frozenset(ids), pending_creates=pending)


def find_orphans(records: Iterable[TokenRecord], held: HeldTokens, credential: str) -> list[str]:
    """Ids of live tokens held by no state. When the credential's own token is listed, only tokens it
    created count (hand-made tokens of other people are not the stacks' orphans), and never itself."""
    records = [r for r in records if r.is_live()]
    own = next((r for r in records if credential and r.token_prefix and credential.startswith(r.token_prefix)), None)
    return sorted(
        r.id for r in records if r.id not in held.ids and (own is None or (r.created_by == own.id and r.id != own.id))
    )
