"""Orphans: live tokens on the cluster that no ManagementToken in the given stack states holds.

A create whose answer was lost for good (the server went away past influxdb3:retryTimeout, the
engine was killed mid-create) may leave a token nobody knows the string of. Only ids and plain
facts (description, creator, account and cluster) are read from ``pulumi stack export`` output,
which holds secrets encrypted; nothing secret is needed.

An account is shared: other people's tokens, other stacks' and the credential in use are listed
too. Only a token provably minted by this provider for one of the given stacks is an orphan (see
``Orphans``); every other unheld one is reported as unattributed and never revoked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Optional

from pydantic import BaseModel, ConfigDict, ValidationError

from ..clients.credential import Credential
from ..core import timeutil
from ..core.errors import InfluxDB3TokensError
from ..core.management_token.models import TokenRecord
from ..core.management_token.overlap import current_token_id, retiring
from ..resources import MANAGEMENT_TOKEN, to_snake


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _StateResource(_Loose):
    urn: str = ""
    type: str = ""
    id: Optional[str] = None
    inputs: Optional[dict[str, Any]] = None
    outputs: Optional[dict[str, Any]] = None


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


class StackTokens(BaseModel):
    """What one stack state says about the tokens this provider minted for it.

    ``creators``: who minted the tokens it holds (adopted, imported and recovered ones left out: only
    a token whose string the state keeps was surely minted by the provider), with the account and
    cluster they are on. ``pending``: how many creates of each description an interrupted update left
    pending (``pending_operations`` of type ``creating``): the only evidence that a create of this stack
    may have minted a token no state holds. A held token's description is no such evidence: another
    stack, or a person, may well use the same description with the same admin credential.
    """

    model_config = ConfigDict(frozen=True)

    name: str
    creators: frozenset[tuple[str, str, str]]  # (account id, cluster id, created_by)
    pending: dict[str, int]  # description -> creates left pending with it


class HeldTokens(BaseModel):
    """Token ids the stack states hold, how many creates they record as pending, and each stack's facts."""

    ids: frozenset[str]
    pending_creates: int
    stacks: tuple[StackTokens, ...] = ()
    urns: dict[str, str] = {}  # held token id -> the URN of the resource that holds it (for exemptions)
    retiring: dict[str, str] = {}  # held token id -> when its overlap ends (a replaced token kept valid)


def _value(bag: Optional[dict[str, Any]], name: str) -> Optional[str]:
    """A plain string property of a state's inputs or outputs, under either face's spelling."""
    for key, value in (bag or {}).items():
        if to_snake(key) == name and isinstance(value, str):
            return value
    return None


def _stack_tokens(name: str, deployment: _Deployment) -> StackTokens:
    creators: set[tuple[str, str, str]] = set()
    pending: dict[str, int] = {}
    tokens = [r for r in deployment.resources or [] if r.type in MANAGEMENT_TOKEN.types]
    for op in _minting(deployment):
        # An update's pending state has the new inputs beside the old outputs: the inputs name what it mints.
        bags = (op.resource.inputs, op.resource.outputs)
        first, then = bags if op.type == "updating" else bags[::-1]
        description = _value(first, "description") or _value(then, "description")
        if description is not None:
            pending[description] = pending.get(description, 0) + 1
    for resource in tokens:
        # Minted by the provider: it has the string a create shows once (encrypted in the export) and
        # adopted nothing. An imported token has no string, an adopted one names adopt_token_id.
        outputs = resource.outputs or {}
        minted = outputs.get("token") is not None and not _value(outputs, "adopt_token_id")
        creator = _value(outputs, "created_by")
        account, cluster = _value(outputs, "account_id"), _value(outputs, "cluster_id")
        if not minted or not creator or not account or not cluster:
            continue
        creators.add((account, cluster, creator))
    return StackTokens(name=name, creators=frozenset(creators), pending=pending)


def held_tokens(paths: Iterable[Path]) -> HeldTokens:
    ids: set[str] = set()
    urns: dict[str, str] = {}
    until: dict[str, str] = {}
    pending = 0
    stacks: list[StackTokens] = []
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
            if resource.type in MANAGEMENT_TOKEN.types and resource.id:
                outputs = {to_snake(key): value for key, value in (resource.outputs or {}).items()}
                for token_id in (current_token_id(resource.id, outputs), *(r.id for r in retiring(outputs))):
                    ids.add(token_id)
                    urns[token_id] = resource.urn
                until.update((r.id, timeutil.format_rfc3339(r.until)) for r in retiring(outputs))
        pending += len(_minting(deployment))
        stacks.append(_stack_tokens(str(path), deployment))
    return HeldTokens(ids=frozenset(ids), pending_creates=pending, stacks=tuple(stacks), urns=urns, retiring=until)


def _minting(deployment: _Deployment) -> list[_PendingOperation]:
    """Operations an interrupted update left pending that may have minted a token: creates, and updates of a
    token with ``overlap`` (a rotation with overlap mints in an update: core/overlap.py)."""
    return [
        op
        for op in deployment.pending_operations or []
        if op.resource.type in MANAGEMENT_TOKEN.types
        and (op.type == "creating" or (op.type == "updating" and _value(op.resource.inputs, "overlap")))
    ]


class Orphans(BaseModel):
    """The audit's verdict on the live tokens no given stack state holds.

    ``orphans`` are provably ours, the only ones ``--revoke-orphans`` may revoke: each was made by the
    identity that minted the tokens of a given stack, on the same account and cluster, with the
    description of a ManagementToken that stack declares. ``unattributed`` are the others: someone
    else's, another stack's, hand-made; they are reported, never revoked. The credential in use is
    neither. ``credential_known`` is False when the credential is a token the list does not show
    (or shows more than once): then the audit cannot tell which listed token is its own.
    """

    model_config = ConfigDict(frozen=True)

    orphans: list[str]
    unattributed: list[str]
    credential_id: Optional[str]
    credential_known: bool


def judge_orphans(
    records: Iterable[TokenRecord], held: HeldTokens, credential: Credential, account_id: str, cluster_id: str
) -> Orphans:
    """Orphans are the unheld live tokens a given stack's interrupted creates account for: made by that
    stack's creator on this account and cluster, with the description of a create it left pending, and
    no more of them than it left pending with that description (more would mean a twin of someone
    else's is among them, and which one cannot be told). Everything else unheld is unattributed."""
    live = [r for r in records if r.is_live()]
    own = credential.own_records(live)
    known = credential.is_login or len(own) == 1
    own_ids = {r.id for r in own}
    unheld = sorted((r for r in live if r.id not in held.ids and r.id not in own_ids), key=lambda r: r.id)
    claims: dict[str, list[tuple[str, str]]] = {}  # token id -> (stack, description) that could account for it
    for record in unheld:
        claims[record.id] = [
            (stack.name, record.description)
            for stack in held.stacks
            if known and _made_for(record, stack, account_id, cluster_id)
        ]
    wanted: dict[tuple[str, str], list[str]] = {}
    for token_id, stacks in claims.items():
        if len(stacks) == 1:
            wanted.setdefault(stacks[0], []).append(token_id)
    pending = {(stack.name, d): n for stack in held.stacks for d, n in stack.pending.items()}
    orphans = sorted(i for group, ids in wanted.items() if len(ids) <= pending.get(group, 0) for i in ids)
    return Orphans(
        orphans=orphans,
        unattributed=[r.id for r in unheld if r.id not in orphans],
        credential_id=own[0].id if len(own) == 1 else None,
        credential_known=known,
    )


def _made_for(record: TokenRecord, stack: StackTokens, account_id: str, cluster_id: str) -> bool:
    return (
        bool(record.created_by)
        and (account_id, cluster_id, record.created_by) in stack.creators
        and record.description in stack.pending
    )
