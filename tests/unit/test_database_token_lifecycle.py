"""A DatabaseToken's decisions and lifecycle (core/database_token/): in place, rotate, or replace, and in what order
an update calls the cluster, on a recording client.

Documented facts (InfluxData's docs-v2, api-docs/influxdb3/cloud-dedicated/management/openapi.yml and Clustered's):
UpdateDatabaseToken "Update[s] the description and permissions of a database token" (PATCH; no expiry in its body),
so a new expiry needs a new token; CreateDatabaseToken's ``accessToken`` is shown only then ("Token strings are
viewable only on token creation"); DeleteDatabaseToken answers 204. content/influxdb3/cloud-dedicated/admin/tokens/
database/update.md: "Existing permissions are replaced on update".
"""

from __future__ import annotations

import builtins
from datetime import timedelta
from typing import Any, Collection, Optional

import pytest
from pulumi.runtime import rpc
from pydantic import SecretStr

from pulumi_influxdb3_tokens.core import timeutil
from pulumi_influxdb3_tokens.core.bags import plain
from pulumi_influxdb3_tokens.core.database_token import lifecycle
from pulumi_influxdb3_tokens.core.database_token.diff import DESCRIPTION_NOT_IN_PLACE
from pulumi_influxdb3_tokens.core.database_token.models import (
    CreatedDatabaseToken,
    DatabaseTokenInputs,
    DatabaseTokenRecord,
    Permission,
)
from pulumi_influxdb3_tokens.core.errors import AdoptionError, ConfigurationError, TokenNotFoundError
from pulumi_influxdb3_tokens.core.notices import told_to
from support.fixtures import FIXED_NOW
from support.times import in_days as iso

NOW = timeutil.parse_rfc3339(FIXED_NOW)
pytestmark = pytest.mark.usefixtures("fixed_clock")
MARKER = "0123456789"
SECRET = "apiv1_Zq8xN2pLr5Tv9Kw3Hy7Bm4Cd6Fg1Js0Qa"
WRITE_SENSORS = [{"action": "write", "resource": "sensors"}]


def news(**kw: Any) -> dict[str, Any]:
    """Checked inputs: what ``check`` hands diff and update."""
    base: dict[str, Any] = dict.fromkeys(("expires_at", "rotate_before", "overlap", "mark_description"))
    base.update(description="ingest", permissions=WRITE_SENSORS, expires_in="10d", create_marker=MARKER)
    return {**base, **kw}


def olds(**kw: Any) -> dict[str, Any]:
    """A token minted a day before NOW with news()' inputs, as its outputs hold it."""
    base = news(token_id="tok-1", expires_at=iso(9), created_at=iso(-1), revoked_at=None, retiring=[])
    return {**base, **kw}


class Recorder:
    """A DatabaseTokenClient that records its calls; ``gone`` ids answer 404."""

    def __init__(self, gone: Collection[str] = (), updates_description: bool = True) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.gone = set(gone)
        self.updates_description = updates_description  # False: as influxctl's client

    def mint(self, inputs: DatabaseTokenInputs, held: Collection[str] = ()) -> CreatedDatabaseToken:
        self.calls.append(("mint", inputs.description_to_send(), tuple(held)))
        return CreatedDatabaseToken(
            id="tok-new",
            description=inputs.description_to_send(),
            permissions=[Permission(**p) for p in inputs.permissions_to_send()],
            created_at=NOW,
            expires_at=inputs.expiry_for_new_token(),
            access_token=SecretStr(SECRET),
        )

    def read(self, token_id: str) -> DatabaseTokenRecord:
        """A refresh's read (DatabaseTokenClient.read): the same record, recorded as a get."""
        return self.get(token_id)

    def get(self, token_id: str) -> DatabaseTokenRecord:
        self.calls.append(("get", token_id))
        if token_id in self.gone:
            raise TokenNotFoundError("gone", status=404)
        return self.record(token_id)

    def list(self) -> builtins.list[DatabaseTokenRecord]:
        raise AssertionError("the lifecycle never lists")

    def update(
        self, token_id: str, description: Optional[str], permissions: builtins.list[dict[str, str]]
    ) -> DatabaseTokenRecord:
        self.calls.append(
            ("update", token_id, description, tuple(p["resource"] + ":" + p["action"] for p in permissions))
        )
        if token_id in self.gone:
            raise TokenNotFoundError(f"Could not update database token {token_id}: it no longer exists.", status=404)
        if description is None:
            return self.record(token_id, permissions=permissions)
        return self.record(token_id, description, permissions)

    def revoke(self, token_id: str) -> bool:
        self.calls.append(("revoke", token_id))
        return token_id not in self.gone

    @staticmethod
    def record(
        token_id: str,
        description: str = f"ingest [pulumi:{MARKER}]",
        permissions: Optional[list[dict[str, str]]] = None,
    ) -> DatabaseTokenRecord:
        return DatabaseTokenRecord(
            id=token_id,
            account_id="a",
            cluster_id="c",
            description=description,
            permissions=[Permission(**p) for p in (WRITE_SENSORS if permissions is None else permissions)],
            created_at=NOW - timedelta(days=1),
            expires_at=NOW + timedelta(days=9),
        )


# --- diff ------------------------------------------------------------------------------------


def test_nothing_changes_when_only_the_order_or_repeats_of_permissions_differ():
    """Permissions are a set (update.md: the new list replaces the old one whole, so order carries nothing)."""
    two = [{"action": "read", "resource": "a"}, {"action": "write", "resource": "b"}]
    old = olds(permissions=two)
    assert not lifecycle.diff(old, news(permissions=[two[1], two[0], two[1]])).changes


@pytest.mark.parametrize(
    "change",
    [
        {"description": "ingest, renamed"},
        {"permissions": [{"action": "read", "resource": "sensors"}]},
        {"permissions": []},
        {"mark_description": False, "create_marker": None},
    ],
)
def test_description_and_permissions_change_in_place(change: dict[str, Any]):
    """UpdateDatabaseToken edits the description and permissions: no new token."""
    decision = lifecycle.diff(olds(), news(**change))
    assert decision.changes and decision.replaces == [] and decision.rotates == []


def test_an_unknown_database_name_is_a_change_in_place():
    decision = lifecycle.diff(olds(), news(permissions=[{"action": "write", "resource": rpc.UNKNOWN}]))
    assert decision.changes and decision.replaces == []


@pytest.mark.parametrize(
    ("old", "new", "prop"),
    [
        ({}, {"expires_in": "20d"}, "expires_in"),
        ({"expires_in": None}, {"expires_in": None, "expires_at": iso(30)}, "expires_at"),
        ({"expires_at": iso(0.5)}, {"rotate_before": "1d"}, "expires_in"),
        ({"revoked_at": iso(-0.1)}, {}, "expires_in"),
    ],
)
def test_an_expiry_change_replaces_without_overlap_and_rotates_with_it(old: dict, new: dict, prop: str):
    """No API call edits a token's expiry (UpdateDatabaseToken's body has only description and permissions)."""
    replaced = lifecycle.diff(olds(**old), news(**new))
    assert replaced.replaces == [prop] and replaced.rotates == []
    rotated = lifecycle.diff(olds(**old), news(overlap="1d", **new))
    assert rotated.rotates == [prop] and rotated.replaces == [] and rotated.changes


def test_a_face_move_still_replaces_with_overlap():
    decision = lifecycle.diff(olds(), news(overlap="1d", expires_in="20d"), moves=("cluster", "another cluster"))
    assert "cluster" in decision.replaces


class _Transport:
    def __init__(self, updates_description: bool) -> None:
        self.updates_description = updates_description
        self.asked = 0

    def __call__(self, resource: Any) -> "_Transport":
        self.asked += 1
        return self


@pytest.mark.parametrize("change", [{"description": "ingest, renamed"}, {"mark_description": False}])
def test_over_influxctl_a_new_description_replaces_the_token_and_the_preview_says_why(change: dict[str, Any]):
    """influxctl's token/update.md: `token update` takes --read-database/--write-database and the token id only, and
    "the existing permissions are replaced"; nothing changes a description. UpdateDatabaseToken (HTTP) can."""
    lines: list[str] = []
    influxctl = _Transport(updates_description=False)
    with told_to(lines.append):
        decision = lifecycle.diff(olds(), news(**change), clients=influxctl)
    assert decision.replaces == ["description"]
    assert lines == [f"DatabaseToken: replace: {DESCRIPTION_NOT_IN_PLACE}."]
    http = _Transport(updates_description=True)
    in_place = lifecycle.diff(olds(), news(**change), clients=http)
    assert in_place.changes and in_place.replaces == []


@pytest.mark.parametrize("change", [{"description": "ingest, renamed"}, {"mark_description": False}])
def test_over_influxctl_a_new_description_with_overlap_rotates_and_the_preview_says_until_when(change: dict[str, Any]):
    """As a new expiry (UpdateDatabaseToken has no expiry), a description influxctl cannot change (token/update.md)
    mints a new token: with overlap a rotation in place, the old token valid for the overlap, not a replacement."""
    lines: list[str] = []
    with told_to(lines.append):
        decision = lifecycle.diff(olds(), news(overlap="2d", **change), clients=_Transport(updates_description=False))
    assert decision.changes and decision.replaces == [] and decision.rotates == ["description"]
    assert lines == [
        f"DatabaseToken: rotate: {DESCRIPTION_NOT_IN_PLACE}; the previous token stays valid until {iso(2)}, revoked "
        f"by the first up after that."
    ]


def test_a_connection_not_yet_resolvable_keeps_the_description_change_in_place():
    """A credential another resource makes is unknown in a preview: the diff does not fail on it, and plans the
    change as before transports differed (the documented API's UpdateDatabaseToken changes a description)."""

    def unresolvable(resource: Any) -> Any:
        raise ConfigurationError("influxdb3:managementToken is not known yet.")

    decision = lifecycle.diff(olds(), news(description="ingest, renamed"), clients=unresolvable)
    assert decision.changes and decision.replaces == []


def test_over_influxctl_permissions_change_in_place_without_asking_the_transport():
    """token/update.md replaces the permissions in place; only a description change needs the transport's word."""
    influxctl = _Transport(updates_description=False)
    decision = lifecycle.diff(olds(), news(permissions=[{"action": "read", "resource": "x"}]), clients=influxctl)
    assert decision.changes and decision.replaces == [] and influxctl.asked == 0


def test_diff_tells_the_user_as_a_database_token():
    lines: list[str] = []
    with told_to(lines.append):
        lifecycle.diff(olds(), news(expires_in="20d"))
    assert lines == ["DatabaseToken: replace: expires_in changed from 10d to 20d."]


# --- create, read, import, delete --------------------------------------------------------------


def test_create_sends_the_marked_description_and_keeps_the_string_as_a_secret():
    """accessToken is in the create's answer only: it becomes the secret ``token`` output."""
    client = Recorder()
    created = lifecycle.create(client, news())
    assert client.calls == [("mint", f"ingest [pulumi:{MARKER}]", ())]
    assert created.id == "tok-new" and rpc.is_rpc_secret(created.outputs["token"])
    assert plain(created.outputs["token"]) == SECRET
    assert created.outputs["description"] == "ingest" and created.outputs["create_marker"] == MARKER
    assert created.outputs["permissions"] == WRITE_SENSORS and created.outputs["retiring"] == []


def test_read_of_a_revoked_or_missing_token_is_gone_unless_tokens_retire():
    """A revoked token can never be used again; while tokens retire the resource stays, marked revoked."""
    assert lifecycle.read(Recorder(gone={"tok-1"}), "tok-1", olds()) is None
    retiring = [{"id": "tok-0", "until": iso(0.5)}]
    found = lifecycle.read(Recorder(gone={"tok-1"}), "tok-0", olds(retiring=retiring))
    assert found is not None and found[1]["revoked_at"] == timeutil.format_rfc3339(NOW)
    assert found[1]["retiring"] == retiring


def test_read_keeps_our_token_string_and_takes_the_servers_facts():
    token = rpc.wrap_rpc_secret(SECRET)
    found = lifecycle.read(Recorder(), "tok-1", olds(token=token, description="old words"))
    assert found is not None
    outs = found[1]
    assert outs["token"] is token and outs["description"] == "ingest" and outs["permissions"] == WRITE_SENSORS


def test_import_by_id_leaves_the_string_unknown():
    imported = lifecycle.import_token(Recorder(), "tok-9")
    assert imported.outputs["token"] is None and imported.outputs["token_id"] == "tok-9"
    assert imported.inputs == {"description": "ingest", "permissions": WRITE_SENSORS, "expires_at": iso(9)}
    with pytest.raises(AdoptionError, match=r"^Cannot import database token tok-x: the server does not know it\.$"):
        lifecycle.import_token(Recorder(gone={"tok-x"}), "tok-x")


def test_delete_revokes_the_current_and_every_retiring_token():
    """DeleteDatabaseToken: 204; one already gone (404) is success."""
    client = Recorder(gone={"tok-0"})
    lifecycle.delete(client, "tok-0", olds(retiring=[{"id": "tok-0", "until": iso(0.5)}]))
    assert client.calls == [("revoke", "tok-1"), ("revoke", "tok-0")]


# --- update --------------------------------------------------------------------------------------


def test_an_in_place_update_patches_the_current_token_and_the_retiring_ones():
    """The declared permissions bound every live token the resource holds: a retiring one is narrowed too."""
    client = Recorder()
    retiring = [{"id": "tok-0", "until": iso(0.5)}]
    read_only = [{"action": "read", "resource": "sensors"}]
    outs = lifecycle.update(lambda: client, "tok-0", olds(retiring=retiring), news(permissions=read_only))
    assert client.calls == [
        ("update", "tok-1", f"ingest [pulumi:{MARKER}]", ("sensors:read",)),
        ("update", "tok-0", f"ingest [pulumi:{MARKER}]", ("sensors:read",)),
    ]
    assert outs["permissions"] == read_only and outs["retiring"] == retiring and outs["token_id"] == "tok-1"


def test_an_update_of_other_inputs_calls_nothing():
    client = Recorder()
    outs = lifecycle.update(lambda: client, "tok-1", olds(), news(rotate_before="1d"))
    assert client.calls == [] and outs["rotate_before"] == "1d"


def test_dropping_the_marker_patches_the_description_without_it():
    client = Recorder()
    outs = lifecycle.update(lambda: client, "tok-1", olds(), news(mark_description=False, create_marker=None))
    assert client.calls == [("update", "tok-1", "ingest", ("sensors:write",))]
    assert outs["create_marker"] is None and outs["description"] == "ingest"


def test_a_rotation_with_overlap_keeps_the_old_token_retiring_and_mints_last():
    """With overlap the old token stays valid for it (never past its own expiry), as for management tokens."""
    client = Recorder()
    changed = news(overlap="2d", expires_in="20d", description="ingest v2")
    outs = lifecycle.update(lambda: client, "tok-1", olds(), changed)
    assert client.calls == [
        ("update", "tok-1", f"ingest v2 [pulumi:{MARKER}]", ("sensors:write",)),
        ("mint", f"ingest v2 [pulumi:{MARKER}]", ("tok-1",)),
    ]
    assert outs["token_id"] == "tok-new" and plain(outs["token"]) == SECRET
    assert outs["retiring"] == [{"id": "tok-1", "until": iso(2)}]


def test_a_retiring_token_whose_overlap_ended_is_revoked_by_the_next_update():
    client = Recorder()
    outs = lifecycle.update(lambda: client, "tok-0", olds(retiring=[{"id": "tok-0", "until": iso(-0.1)}]), news())
    assert client.calls == [("revoke", "tok-0")] and outs["retiring"] == []


def test_a_patch_of_a_vanished_current_token_fails_in_one_sentence():
    with pytest.raises(TokenNotFoundError, match=r"^Could not update database token tok-1: it no longer exists\.$"):
        lifecycle.update(lambda: Recorder(gone={"tok-1"}), "tok-1", olds(), news(description="x"))


def test_over_influxctl_a_new_description_with_overlap_mints_last_and_the_old_token_retires_as_it_is():
    """token/update.md changes permissions only: the new description reaches only the token the rotation mints; the
    old one stays valid for the overlap (never revoked in this update), keeping its own description."""
    client = Recorder(updates_description=False)
    outs = lifecycle.update(lambda: client, "tok-1", olds(), news(overlap="2d", description="ingest v2"))
    assert client.calls == [("mint", f"ingest v2 [pulumi:{MARKER}]", ("tok-1",))]
    assert outs["token_id"] == "tok-new" and outs["description"] == "ingest v2" and plain(outs["token"]) == SECRET
    assert outs["retiring"] == [{"id": "tok-1", "until": iso(2)}]


def test_over_influxctl_new_permissions_reach_every_token_each_keeping_its_own_description():
    """update.md: "Existing permissions are replaced on update", and nothing changes a description: narrowed
    permissions bound the retiring tokens too, whatever description each carries (None leaves it)."""
    client = Recorder(updates_description=False)
    read_only = [{"action": "read", "resource": "sensors"}]
    retiring = [{"id": "tok-0", "until": iso(0.5)}]
    changed = news(overlap="2d", description="ingest v2", permissions=read_only)
    outs = lifecycle.update(lambda: client, "tok-0", olds(retiring=retiring), changed)
    assert client.calls == [
        ("update", "tok-1", None, ("sensors:read",)),
        ("update", "tok-0", None, ("sensors:read",)),
        ("mint", f"ingest v2 [pulumi:{MARKER}]", ("tok-1", "tok-0")),
    ]
    assert outs["retiring"] == [*retiring, {"id": "tok-1", "until": iso(2)}]
    client.calls.clear()
    lifecycle.update(lambda: client, "tok-0", {**olds(retiring=retiring), "description": "ingest v2"}, changed)
    assert client.calls == [("update", "tok-1", None, ("sensors:read",)), ("update", "tok-0", None, ("sensors:read",))]
