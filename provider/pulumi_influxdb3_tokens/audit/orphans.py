"""Orphans: live tokens on the cluster that no token resource in the given stack states holds.

Every token kind is judged by the same rule: management tokens against the ManagementToken resources of the
states, database tokens against their DatabaseToken resources (``held_in(states, resource)``).

A create whose answer was lost for good (the server went away past influxdb3:retryTimeout, the
engine was killed mid-create) may leave a token nobody knows the string of. Only ids and plain
facts (description, creator, account and cluster) are read from ``pulumi stack export`` output,
which holds secrets encrypted; nothing secret is needed.

An account is shared: other people's tokens, other stacks' and the credential in use are listed
too. Only a token provably minted by this provider for one of the given stacks is an orphan (see
``Orphans``); every other unheld one is reported as unattributed and never revoked. The proof is the
create marker (core/tokens/marker.py): a token whose description carries the marker that a
create or rotation left pending in exactly one given state names. A description, creator, expiry or
count of pending creates proves nothing: a colleague with the same admin secret can match them all.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Iterable, Optional, Protocol

from pydantic import BaseModel, ConfigDict, ValidationError

from ..clients.credential import Credential
from ..core import timeutil
from ..core.errors import InfluxDB3TokensError
from ..core.management_token.models import TokenRecord
from ..core.tokens import marker
from ..core.tokens.overlap import current_token_id, retiring
from ..core.tokens.props import Listed
from ..resources import MANAGEMENT_TOKEN, Resource, to_snake


class ListedToken(Listed, Protocol):
    """What the judge reads of a listed token of any kind (``TokenRecord``, ``DatabaseTokenRecord``)."""

    def is_live(self, at: Optional[datetime] = None) -> bool: ...


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _StateResource(_Loose):
    urn: str = ""
    type: str = ""
    id: Optional[str] = None
    inputs: Optional[dict[str, Any]] = None
    outputs: Optional[dict[str, Any]] = None
    delete: bool = False  # a replaced resource the engine has yet to delete


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


# How far a token's lifetime may be from a pending create's expires_in: the provider reckons the expiry on its
# clock just before it sends the create, the server stamps created_at on its own.
EXPIRY_SLACK = timedelta(minutes=5)


class PendingMint(BaseModel):
    """A create (or rotation with overlap) an interrupted update left pending: what it would have minted."""

    model_config = ConfigDict(frozen=True)

    marker: str
    description: str
    expires_at: Optional[str] = None
    expires_in: Optional[str] = None

    def made(self, record: ListedToken) -> bool:
        """Whether ``record`` is what this create minted: it carries the marker, the description and an expiry
        that fits the inputs."""
        if record.description != marker.marked(self.description, self.marker):
            return False
        if self.expires_at is not None:
            try:
                wanted = timeutil.parse_rfc3339(self.expires_at)
            except timeutil.TimeFormatError:
                return False
            return record.expires_at is not None and int(record.expires_at.timestamp()) == int(wanted.timestamp())
        if self.expires_in is not None:
            try:
                lifetime = timeutil.parse_duration(self.expires_in)
            except timeutil.TimeFormatError:
                return False
            if record.expires_at is None:
                return False
            return abs((record.expires_at - record.created_at) - lifetime) <= EXPIRY_SLACK
        return record.expires_at is None


class StackTokens(BaseModel):
    """What one stack state says about the tokens this provider minted for it.

    ``pending``: the creates an interrupted update left pending (``pending_operations`` of type ``creating``,
    and ``updating`` of a token with ``overlap``) that name a create marker: the only evidence that a create
    of this stack may have minted a token no state holds. ``markers``: every marker the state names, held
    resources' included, so that a marker two given states share (a copied state) proves nothing.
    """

    model_config = ConfigDict(frozen=True)

    name: str
    pending: tuple[PendingMint, ...]
    markers: frozenset[str]


class HeldTokens(BaseModel):
    """Token ids the stack states hold, how many creates they record as pending, and each stack's facts."""

    ids: frozenset[str]
    pending_creates: int
    stacks: tuple[StackTokens, ...] = ()
    urns: dict[str, str] = {}  # held token id -> the URN of the resource that holds it (for exemptions)
    retiring: dict[str, str] = {}  # held token id -> when its overlap ends (a replaced token kept valid)


def plain_output(held: _StateResource, name: str) -> Optional[str]:
    """A plain string output of a state resource (``account_id`` or ``accountId``), else None."""
    return _value(held.outputs, name)


def _value(bag: Optional[dict[str, Any]], name: str) -> Optional[str]:
    """A plain string property of a state's inputs or outputs, under either face's spelling."""
    for key, value in (bag or {}).items():
        if to_snake(key) == name and isinstance(value, str):
            return value
    return None


def _stack_tokens(name: str, deployment: _Deployment, resource: Resource) -> StackTokens:
    pending = []
    for op in _minting(deployment, resource):
        # The pending state's inputs are the checked inputs the create or update was called with: marker included.
        inputs = op.resource.inputs
        create_marker = _value(inputs, "create_marker")
        if create_marker is None or not marker.is_marker(create_marker):
            continue  # no marker (written before markers, or mark_description false): nothing to prove with
        pending.append(
            PendingMint(
                marker=create_marker,
                description=_value(inputs, "description") or "",
                expires_at=_value(inputs, "expires_at"),
                expires_in=_value(inputs, "expires_in"),
            )
        )
    markers = {m.marker for m in pending}
    for held in deployment.resources or []:
        if held.type in resource.types:
            for bag in (held.inputs, held.outputs):
                found = _value(bag, "create_marker")
                if found is not None:
                    markers.add(found)
    return StackTokens(name=name, pending=tuple(pending), markers=frozenset(markers))


StackStates = tuple[tuple[str, _Deployment], ...]  # each given file's name and its deployment


def load_states(paths: Iterable[Path]) -> StackStates:
    """The ``pulumi stack export`` files, read once for every kind of token judged."""
    states = []
    for path in paths:
        try:
            raw = path.read_bytes()
        except OSError as err:
            raise StackStateError(f"Cannot read --stack-state {path}: {err.strerror or err}.") from None
        try:
            export = json.loads(raw)
        except ValueError:
            export = None
        states.append((str(path), exported_deployment(export, f"--stack-state {path}")))
    return tuple(states)


def exported_deployment(export: object, where: str) -> _Deployment:
    """The deployment of the parsed ``pulumi stack export`` output ``export``; ``where`` names it in the error."""
    try:
        return _StackExport.model_validate(export).deployment
    except ValidationError:
        raise StackStateError(
            f"{where} is not the JSON `pulumi stack export` prints; export the stack again."
        ) from None


def held_tokens(paths: Iterable[Path], resource: Resource = MANAGEMENT_TOKEN) -> HeldTokens:
    return held_in(load_states(paths), resource)


def held_in(states: StackStates, resource: Resource = MANAGEMENT_TOKEN) -> HeldTokens:
    """The tokens of ``resource``'s kind the states hold (current and retiring), and their pending creates."""
    ids: set[str] = set()
    urns: dict[str, str] = {}
    until: dict[str, str] = {}
    pending = 0
    stacks: list[StackTokens] = []
    for name, deployment in states:
        for held in deployment.resources or []:
            if held.type in resource.types and held.id:
                outputs = {to_snake(key): value for key, value in (held.outputs or {}).items()}
                for token_id in (current_token_id(held.id, outputs), *(r.id for r in retiring(outputs))):
                    ids.add(token_id)
                    urns[token_id] = held.urn
                until.update((r.id, timeutil.format_rfc3339(r.until)) for r in retiring(outputs))
        pending += len(_minting(deployment, resource))
        stacks.append(_stack_tokens(name, deployment, resource))
    return HeldTokens(ids=frozenset(ids), pending_creates=pending, stacks=tuple(stacks), urns=urns, retiring=until)


def named_urns(states: StackStates, resource: Resource, name: str) -> dict[str, str]:
    """``resource``'s plain property ``name`` (a database's name) -> the URN of the state resource that has it."""
    found: dict[str, str] = {}
    for _, deployment in states:
        for held in deployment.resources or []:
            value = _value(held.outputs, name) or _value(held.inputs, name)
            if held.type in resource.types and value is not None:
                found[value] = held.urn
    return found


def _minting(deployment: _Deployment, resource: Resource) -> list[_PendingOperation]:
    """Operations an interrupted update left pending that may have minted a token of ``resource``'s kind: creates,
    and updates of a token with ``overlap`` (a rotation with overlap mints in an update: core/tokens/overlap.py)."""
    return [
        op
        for op in deployment.pending_operations or []
        if op.resource.type in resource.types
        and (op.type == "creating" or (op.type == "updating" and _value(op.resource.inputs, "overlap")))
    ]


class Orphans(BaseModel):
    """The audit's verdict on the live tokens no given stack state holds.

    ``orphans`` are provably ours, the only ones ``--revoke-orphans`` may revoke: each carries the create
    marker of a create that exactly one given stack left pending, with that create's description and an
    expiry that fits its inputs. ``unattributed`` are the others: someone else's, another stack's,
    hand-made; they are reported, never revoked, and ``why_not`` says for each why it is no orphan. The
    credential in use is neither. ``credential_known`` is False when the credential is a token the list
    does not show (or shows more than once): then the audit cannot tell which listed token is its own,
    and nothing is an orphan.
    """

    model_config = ConfigDict(frozen=True)

    orphans: list[str]
    unattributed: list[str]
    credential_id: Optional[str]
    credential_known: bool
    why_not: dict[str, str] = {}  # unattributed token id -> why it is no orphan, in words for the user


UNKNOWN_CREDENTIAL = (
    "the credential in use is not listed once among the tokens, so the audit cannot tell which token is its own "
    "and judges none an orphan"
)


def judge_orphans(records: Iterable[ListedToken], held: HeldTokens, credential: Optional[Credential]) -> Orphans:
    """Orphans are the unheld live tokens that a given stack's interrupted creates provably minted (the marker);
    everything else unheld is unattributed. No account or cluster is compared: a marker is unique to one
    resource of one stack, and a management token acts on the whole account, whichever cluster lists it.

    ``credential``: the management credential in use, to leave it alone; None for a kind of token it can never
    be (database tokens: the Management API takes only management tokens)."""
    live = [r for r in records if r.is_live()]
    management = [r for r in live if isinstance(r, TokenRecord)]  # the only kind a credential can be
    own = credential.own_records(management) if credential is not None else []
    known = credential is None or credential.is_login or len(own) == 1
    own_ids = {r.id for r in own}
    unheld = sorted((r for r in live if r.id not in held.ids and r.id not in own_ids), key=lambda r: r.id)
    why_not = {r.id: UNKNOWN_CREDENTIAL if not known else _why_not(r, held.stacks) for r in unheld}
    orphans = [token_id for token_id, why in why_not.items() if why is None]
    return Orphans(
        orphans=orphans,
        unattributed=[r.id for r in unheld if r.id not in orphans],
        credential_id=own[0].id if len(own) == 1 else None,
        credential_known=known,
        why_not={token_id: why for token_id, why in why_not.items() if why is not None},
    )


def _why_not(record: ListedToken, stacks: Iterable[StackTokens]) -> Optional[str]:
    """None when exactly one given stack names the token's marker and a create it left pending made this token;
    else why the token is no provable orphan."""
    _, found = marker.split(record.description)
    if found is None:
        return "its description carries no create marker, so nothing proves a given stack made it"
    naming = [stack for stack in stacks if found in stack.markers]
    if not naming:
        return f"no given stack state names its create marker {found}"
    if len(naming) > 1:
        return (
            f"{len(naming)} given stack states name its create marker {found} (a copied state), so which stack "
            f"made it cannot be told"
        )
    if not any(pending.made(record) for pending in naming[0].pending):
        return (
            f"the stack state naming its create marker {found} left no pending create with its description and expiry"
        )
    return None
