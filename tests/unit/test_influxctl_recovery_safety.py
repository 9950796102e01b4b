"""Issues 17 (2) and 30 (2): after a lost influxctl create, adopt only the one token this very call made.

influxctl has no idempotency key, so a create whose answer is lost is recovered by listing. On a
shared account the list also holds other stacks' tokens with the same description (made by the same
admin moments earlier) and other people's, and a colleague with the same admin secret can make a
token with the same description and expiry while our create runs. Only a token that appeared during
the call (listed after, not before) carrying this create's marker (core/management_token/marker.py)
and the requested expiry may be adopted; without a marker nothing is; a create that never reached the
server adopts nothing; and no message suggests a command that would revoke a token the stack does not hold.
"""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest

from pulumi_influxdb3_tokens.clients import InfluxctlTokenClient, client_for
from pulumi_influxdb3_tokens.core import timeutil
from pulumi_influxdb3_tokens.core.errors import ManagementApiError
from pulumi_influxdb3_tokens.core.management_token.models import RecoveredToken
from pulumi_influxdb3_tokens.settings import resolve_connection
from support.influxctl import connect, recording_standin, stack_config, with_marker
from support.local_api import LocalApi
from support.times import moment_in_days

# What the stand-in prints for each (tests/standin/influxctl NEVER_SENT): a gRPC-Go client's texts
# for a connection that is never made. The case is the dial timeout.
NEVER_SENT = {
    "create-dial-timeout": "dial tcp 34.102.13.7:443: i/o timeout",
    "create-dns-failure": "no such host",
    "create-connection-refused": "connect: connection refused",
    "create-tls-failure": "authentication handshake failed",
}


@pytest.fixture
def standin(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, module_local_api: LocalApi) -> Path:
    return recording_standin(monkeypatch, tmp_path, module_local_api)


def own_profile_client(module_local_api: LocalApi, tmp_path: Path) -> InfluxctlTokenClient:
    """influxctl with the user's own profile `ci`, whose mgmt_token is the admin token."""
    config = tmp_path / "influxctl.toml"
    config.write_text(
        f'[[profile]]\nname = "ci"\nproduct = "dedicated"\naccount_id = "{module_local_api.account_id}"\n'
        f'cluster_id = "{module_local_api.cluster_id}"\nmgmt_token = "{module_local_api.admin_token}"\n'
    )
    config.chmod(0o600)
    client = client_for(resolve_connection(stack_config(influxctlProfile="ci", influxctlConfig=str(config))))
    assert isinstance(client, InfluxctlTokenClient)
    return client


def unique(what: str) -> str:
    return f"{what} {uuid.uuid4().hex[:8]}"


def tokens(module_local_api: LocalApi, description: str) -> list[dict[str, Any]]:
    return [t for t in module_local_api.list_tokens() if t["description"] == description]


def another_identity(module_local_api: LocalApi) -> str:
    """A colleague's admin token: what it mints is listed with it as created_by."""
    return str(module_local_api.mint(unique("colleague"))["accessToken"])


def assert_never_suggests_revoking(message: str) -> None:
    assert "--replace" not in message and "revoke" not in message.lower(), message


@pytest.mark.parametrize("fault", sorted(NEVER_SENT))
def test_a_create_that_never_reached_the_server_adopts_nothing(standin, module_local_api, monkeypatch, capsys, fault):
    # The case: another stack's token, same admin, same description, no expiry, made just before.
    client = connect(module_local_api)
    description = unique("deployer")
    theirs = module_local_api.mint(description)
    monkeypatch.setenv("INFLUXCTL_STANDIN_FAULT", fault)

    with pytest.raises(ManagementApiError) as caught:
        client.create(description, None)

    message = str(caught.value)
    assert message.startswith("Could not create a management token with influxctl: influxctl cannot reach")
    assert NEVER_SENT[fault] in message and theirs["id"] not in message
    assert [t["id"] for t in tokens(module_local_api, description)] == [theirs["id"]]
    assert_never_suggests_revoking(message + capsys.readouterr().err)


def test_a_lost_create_next_to_another_stacks_twin_adopts_only_the_one_it_made(
    standin, module_local_api, monkeypatch, capsys
):
    client = connect(module_local_api)
    description, expiry = unique("deployer"), moment_in_days(5)
    theirs = module_local_api.mint(description, timeutil.format_rfc3339(expiry))  # another stack's, same admin
    monkeypatch.setenv("INFLUXCTL_STANDIN_FAULT", "create-mint-then-lost")
    ours_described = with_marker(description)

    recovered = client.create(ours_described, expiry, marked=True)

    assert isinstance(recovered, RecoveredToken)
    [ours] = tokens(module_local_api, ours_described)
    assert recovered.id == ours["id"]
    notice = capsys.readouterr().err
    assert f"adopted token {ours['id']}" in notice and theirs["id"] not in notice
    assert_never_suggests_revoking(notice)


def test_a_colleagues_create_at_the_same_moment_is_not_ours(standin, module_local_api, monkeypatch, tmp_path, capsys):
    # The colleague has the same admin secret and types the same description: only the marker tells them apart.
    client = own_profile_client(module_local_api, tmp_path)
    description = unique("deployer")
    monkeypatch.setenv("INFLUXCTL_STANDIN_CONCURRENT_CREATE_TOKEN", module_local_api.admin_token)
    monkeypatch.setenv("INFLUXCTL_STANDIN_CONCURRENT_CREATE_DESCRIPTION", description)
    monkeypatch.setenv("INFLUXCTL_STANDIN_FAULT", "create-mint-then-lost")
    ours_described = with_marker(description)

    recovered = client.create(ours_described, None, marked=True)

    [ours] = tokens(module_local_api, ours_described)
    [theirs] = tokens(module_local_api, description)
    assert recovered.id == ours["id"] != theirs["id"]
    assert ours["createdBy"] == theirs["createdBy"]  # the same identity made both: creator proves nothing
    assert theirs["id"] not in capsys.readouterr().err


def test_a_lost_create_next_to_a_colleagues_twin_adopts_nothing_and_says_what_to_do(
    standin, module_local_api, monkeypatch
):
    """Issue 30 (2): influxctl's create mints nothing, waits out its timeout and exits with DeadlineExceeded;
    meanwhile a colleague with the same admin secret makes a token with the same description and fixed expiry.
    On 2e07e1d it was adopted ("the one token with this description and expiry that this credential made") and
    a later destroy revoked it."""
    client = connect(module_local_api, requestTimeout="3")
    description, expiry = unique("CI deployer"), moment_in_days(5)
    monkeypatch.setenv("INFLUXCTL_STANDIN_CONCURRENT_CREATE_TOKEN", module_local_api.admin_token)
    monkeypatch.setenv("INFLUXCTL_STANDIN_CONCURRENT_CREATE_DESCRIPTION", description)
    monkeypatch.setenv("INFLUXCTL_STANDIN_FAULT", "create-no-mint-deadline")

    with pytest.raises(ManagementApiError) as caught:
        client.create(with_marker(description), expiry, marked=True)

    [theirs] = tokens(module_local_api, description)
    assert str(caught.value) == (
        "influxctl management create exited with status 1, and no token carrying this create's marker appeared "
        "while it ran, so nothing was created; run the update again."
    )
    assert theirs["revokedAt"] is None and theirs["id"] not in str(caught.value)


def test_without_a_marker_nothing_is_adopted_and_the_candidates_are_named(standin, module_local_api, monkeypatch):
    """mark_description: false: a token with the description and expiry appearing during the call may be a
    colleague's as well as ours, so none is adopted; the sentence names it and adopt_token_id."""
    client = connect(module_local_api)
    description = unique("deployer")
    monkeypatch.setenv("INFLUXCTL_STANDIN_FAULT", "create-mint-then-lost")

    with pytest.raises(ManagementApiError) as caught:
        client.create(description, None)

    [made] = tokens(module_local_api, description)
    assert str(caught.value) == (
        "influxctl management create exited with status 1, and 1 token with this description and expiry "
        f"appeared while it ran ({made['id']}), and without a create marker (mark_description is false) nothing "
        "proves it is this create's, not a colleague's, so none was adopted: check with `influxctl management "
        "list` whether one is this create's and, if so, declare it with adopt_token_id; then run the update again."
    )
    assert made["revokedAt"] is None


def test_several_tokens_carrying_the_marker_are_named_and_none_adopted(standin, module_local_api, monkeypatch):
    client = connect(module_local_api)
    description, expiry = with_marker(unique("twins")), moment_in_days(5)
    # Two creates sending the same marked description at once (a copy of the stack's state running an `up`).
    monkeypatch.setenv("INFLUXCTL_STANDIN_CONCURRENT_CREATE_TOKEN", module_local_api.admin_token)
    monkeypatch.setenv("INFLUXCTL_STANDIN_FAULT", "create-mint-then-lost")
    with pytest.raises(ManagementApiError) as caught:
        client.create(description, expiry, marked=True)
    ids = sorted(t["id"] for t in tokens(module_local_api, description))
    assert len(ids) == 2
    assert str(caught.value) == (
        "influxctl management create exited with status 1, and 2 tokens carrying this create's marker appeared "
        f"while it ran ({', '.join(ids)}) and which one it made cannot be told, so none was adopted: check with "
        "`influxctl management list` whether one is this create's and, if so, declare it with adopt_token_id; "
        "then run the update again."
    )
    assert_never_suggests_revoking(str(caught.value))


def test_the_tokens_are_listed_before_the_create_runs(standin, module_local_api):
    connect(module_local_api).create(unique("plain"), None)
    runs = [json.loads(line)["argv"] for line in standin.read_text().splitlines()]
    actions = [argv[argv.index("management") + 1] for argv in runs if "management" in argv]
    assert actions == ["list", "create"]


def test_the_standin_lists_another_identitys_token_as_documented(standin, module_local_api, monkeypatch, tmp_path):
    # Docs (reference/cli/influxctl/management/list): `--format json` prints snake_case entries with
    # created_by and {"seconds", "nanos"} timestamps, whoever made the token.
    colleague = another_identity(module_local_api)
    with module_local_api.client(colleague) as http:
        made = http.post(module_local_api.tokens_path, json={"description": unique("theirs")}).raise_for_status().json()
    config = tmp_path / "influxctl.toml"
    config.write_text(
        f'[[profile]]\nname = "me"\naccount_id = "{module_local_api.account_id}"\n'
        f'cluster_id = "{module_local_api.cluster_id}"\n'
        f'mgmt_token = "{module_local_api.admin_token}"\n'
    )
    listed = subprocess.run(
        ["influxctl", "--config", str(config), "--profile", "me", "management", "list", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    [entry] = [e for e in json.loads(listed.stdout) if e["id"] == made["id"]]
    colleague_id = next(t["id"] for t in module_local_api.list_tokens() if colleague.startswith(t["tokenPrefix"]))
    assert entry["created_by"] == colleague_id != made["id"]
    assert set(entry) == {"id", "account_id", "token_prefix", "created_at", "description", "created_by"}
    assert set(entry["created_at"]) <= {"seconds", "nanos"}
