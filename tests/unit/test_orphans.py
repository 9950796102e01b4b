"""Orphans: live tokens minted for a given stack that no ManagementToken in the stack states holds."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from pydantic import SecretStr

from pulumi_influxdb3_tokens.audit.orphans import StackStateError, held_tokens, judge_orphans
from pulumi_influxdb3_tokens.clients.credential import Credential
from pulumi_influxdb3_tokens.core.management_token.models import TokenRecord

TYPE = "pulumi-python:dynamic/influxdb3:ManagementToken"
NOW = datetime.now(timezone.utc)


def record(token_id: str, prefix: str, created_by: str, revoked: bool = False, description: str = "d") -> TokenRecord:
    return TokenRecord(
        id=token_id,
        account_id="a",
        cluster_id="c",
        description=description,
        token_prefix=prefix,
        created_at=NOW - timedelta(hours=1),
        revoked_at=NOW if revoked else None,
        created_by=created_by,
    )


def export(tmp_path: Path, name: str, resources: list[dict], pending: list[dict] | None = None) -> Path:
    path = tmp_path / name
    deployment: dict = {"manifest": {}, "resources": resources}
    if pending is not None:
        deployment["pending_operations"] = pending
    path.write_text(json.dumps({"version": 3, "deployment": deployment}))
    return path


def test_held_ids_come_from_managementtokens_of_every_state(tmp_path: Path):
    one = export(
        tmp_path,
        "one.json",
        [
            {"urn": "u1", "type": "pulumi:pulumi:Stack"},
            {
                "urn": "u2",
                "type": TYPE,
                "id": "t1",
                "outputs": {
                    "token": {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "x"}
                },
            },
            {"urn": "u3", "type": "pulumi:providers:other", "id": "not-a-token"},
        ],
    )
    two = export(
        tmp_path,
        "two.json",
        [{"urn": "u4", "type": TYPE, "id": "t2"}],
        pending=[{"resource": {"urn": "u5", "type": TYPE}, "type": "creating"}],
    )
    held = held_tokens([one, two])
    assert (held.ids, held.pending_creates) == (frozenset({"t1", "t2"}), 1)


def test_the_current_and_the_retiring_tokens_are_held_and_a_pending_rotation_may_have_minted(tmp_path: Path):
    """After a rotation with overlap the resource id names the first token; token_id the current one."""
    retiring = [{"id": "t-old", "prefix": "M.V1.o", "until": "2030-01-02T00:00:00Z"}]
    state = export(
        tmp_path,
        "state.json",
        [{"urn": "u1", "type": TYPE, "id": "t-first", "outputs": {"token_id": "t-new", "retiring": retiring}}],
        pending=[
            {
                "resource": {
                    "urn": "u1",
                    "type": TYPE,
                    "inputs": {"description": "ci", "overlap": "1d", "create_marker": "00112233aa"},
                },
                "type": "updating",
            },
            {
                "resource": {"urn": "u2", "type": TYPE, "inputs": {"description": "ci", "create_marker": "44556677bb"}},
                "type": "updating",
            },
        ],
    )
    plugin = export(
        tmp_path,
        "plugin.json",
        [{"urn": "u3", "type": "influxdb3:index:ManagementToken", "id": "p-first", "outputs": {"tokenId": "p-new"}}],
    )
    held = held_tokens([state, plugin])
    assert held.ids == frozenset({"t-new", "t-old", "p-new"})
    assert held.retiring == {"t-old": "2030-01-02T00:00:00Z"} and held.urns["t-old"] == "u1"
    # An update of a token with overlap may mint (a rotation); one without overlap never does.
    assert held.pending_creates == 1 and [p.marker for p in held.stacks[0].pending] == ["00112233aa"]


def test_orphans_are_live_tokens_minted_for_the_stack_held_by_no_state(tmp_path: Path):
    # Until issue 17 an unlisted credential made every unheld live token an orphan (someone else's
    # included); now only tokens an interrupted create of a given stack accounts for are, and an unlisted
    # credential means the audit cannot tell which token is its own.
    state = export(
        tmp_path,
        "state.json",
        [
            {
                "type": TYPE,
                "id": "held",
                "outputs": {
                    "description": "d",
                    "token": {},
                    "created_by": "admin",
                    "account_id": "a",
                    "cluster_id": "c",
                },
            }
        ],
        pending=[
            {
                "resource": {"urn": "u9", "type": TYPE, "inputs": {"description": "d", "create_marker": "8899aabbcc"}},
                "type": "creating",
            }
        ],
    )
    records = [
        record("admin", "M.V1.admin00", "bootstrap"),
        record("held", "M.V1.held000", "admin"),
        record("lost", "M.V1.lost000", "admin", description="d [pulumi:8899aabbcc]"),
        record("revoked", "M.V1.revoke0", "admin", revoked=True),
        record("someone-else", "M.V1.other00", "another-admin"),
    ]
    held = held_tokens([state])
    verdict = judge_orphans(records, held, Credential(SecretStr("M.V1.admin00-and-the-rest"), "t"))
    assert (verdict.orphans, verdict.unattributed, verdict.credential_id) == (["lost"], ["someone-else"], "admin")
    unlisted = judge_orphans(records, held, Credential(SecretStr("M.V1.unlisted-credential"), "t"))
    assert not unlisted.credential_known and unlisted.orphans == []
    assert unlisted.unattributed == ["admin", "lost", "someone-else"]


def test_tokens_of_the_plugin_type_are_held_too(tmp_path: Path):
    state = export(
        tmp_path,
        "yaml.json",
        [
            {"urn": "u1", "type": "influxdb3:index:ManagementToken", "id": "t-plugin"},
            {"urn": "u2", "type": "pulumi:providers:influxdb3", "id": "provider-id"},
        ],
        pending=[{"resource": {"urn": "u3", "type": "influxdb3:index:ManagementToken"}, "type": "creating"}],
    )
    held = held_tokens([state])
    assert (held.ids, held.pending_creates) == (frozenset({"t-plugin"}), 1)


@pytest.mark.parametrize("content", ["not json", json.dumps({"version": 3})], ids=["not-json", "no-deployment"])
def test_a_file_that_is_no_stack_export_is_one_sentence(tmp_path: Path, content: str):
    path = tmp_path / "state.json"
    path.write_text(content)
    with pytest.raises(StackStateError) as raised:
        held_tokens([path])
    assert (
        str(raised.value)
        == f"--stack-state {path} is not the JSON `pulumi stack export` prints; export the stack again."
    )


def test_a_missing_file_is_one_sentence(tmp_path: Path):
    with pytest.raises(
        StackStateError, match=r"^Cannot read --stack-state .*missing.json: No such file or directory\.$"
    ):
        held_tokens([tmp_path / "missing.json"])


def test_each_kind_of_token_is_held_by_its_own_resource_type(tmp_path: Path):
    """A ManagementToken holds management tokens and a DatabaseToken database tokens (either face's type, the
    plugin's spelling its outputs in camelCase): the ids of one kind never hide an unheld token of the other."""
    from pulumi_influxdb3_tokens.resources import DATABASE_TOKEN

    state = export(
        tmp_path,
        "both.json",
        [
            {"urn": "m", "type": TYPE, "id": "mgmt-1", "outputs": {"token_id": "mgmt-1"}},
            {
                "urn": "d",
                "type": "influxdb3:index:DatabaseToken",
                "id": "res-1",
                "outputs": {"tokenId": "db-2", "retiring": [{"id": "db-1", "until": "2099-01-01T00:00:00Z"}]},
            },
        ],
    )
    assert held_tokens([state]).ids == {"mgmt-1"}
    database = held_tokens([state], DATABASE_TOKEN)
    assert database.ids == {"db-2", "db-1"} and database.retiring == {"db-1": "2099-01-01T00:00:00Z"}
    assert database.urns == {"db-2": "d", "db-1": "d"}
