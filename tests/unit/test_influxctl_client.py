"""The influxctl transport against the stand-in influxctl (tests/standin) and the local server."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any, Iterator

import pytest

from pulumi_influxdb3_tokens import timeutil
from pulumi_influxdb3_tokens.client import InfluxctlTokenClient, client_for
from pulumi_influxdb3_tokens.errors import ConfigurationError, ManagementApiError, TokenNotFoundError
from pulumi_influxdb3_tokens.models import CreatedToken, RecoveredToken
from pulumi_influxdb3_tokens.settings import resolve_connection
from support.influxctl import isolate, stack_config
from support.local_api import LocalApi, start_local_api
from support.times import moment_in_days

OTHER_ACCOUNT, OTHER_CLUSTER = str(uuid.uuid4()), str(uuid.uuid4())


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalApi]:
    api = start_local_api(tmp_path_factory.mktemp("server"), "--extra-account", f"{OTHER_ACCOUNT}:{OTHER_CLUSTER}")
    yield api
    api.stop()


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, server: LocalApi) -> Path:
    """The stand-in on PATH, talking to the server, recording each run; returns the record file."""
    isolate(monkeypatch, tmp_path, standin_on_path=True)
    monkeypatch.setenv("INFLUXCTL_STANDIN_API_URL", server.url)
    record = tmp_path / "calls.jsonl"
    monkeypatch.setenv("INFLUXCTL_STANDIN_RECORD", str(record))
    return record


def connect(server: LocalApi, **settings: Any) -> InfluxctlTokenClient:
    values = {"accountId": server.account_id, "clusterId": server.cluster_id, "managementToken": server.admin_token}
    values.update(settings)
    client = client_for(resolve_connection(stack_config(**values)))
    assert isinstance(client, InfluxctlTokenClient)
    return client


def recorded(record: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in record.read_text().splitlines()]


def unique(what: str) -> str:
    return f"{what} {uuid.uuid4().hex[:8]}"



def server_tokens(server: LocalApi, description: str) -> list[dict[str, Any]]:
    return [t for t in server.list_tokens() if t["description"] == description]


# --- the four operations ---------------------------------------------------------------------------


def test_create_list_get_revoke_through_influxctl(calls, server):
    client = connect(server)
    description, expiry = unique("deployer"), moment_in_days(3)

    created = client.create(description, expiry, idempotency_key="unused")
    assert isinstance(created, CreatedToken)
    assert server.authenticates(created.access_token.get_secret_value())
    assert created.token_prefix and created.access_token.get_secret_value().startswith(created.token_prefix)
    assert (created.description, created.expires_at) == (description, expiry)
    assert (created.account_id, created.cluster_id) == (server.account_id, server.cluster_id)

    never = client.create(unique("forever"), None, idempotency_key="unused")
    assert never.expires_at is None and client.get(never.id).expires_at is None

    listed = {t.id: t for t in client.list()}
    assert listed[created.id].description == description and listed[created.id].expires_at == expiry
    assert client.get(created.id).is_live()

    assert client.revoke(created.id) is True
    assert client.get(created.id).revoked_at is not None  # revoked tokens stay listed
    assert client.revoke(created.id) is True  # revoking twice succeeds
    assert client.revoke(str(uuid.uuid4())) is False
    with pytest.raises(TokenNotFoundError, match="does not exist"):
        client.get(str(uuid.uuid4()))


def test_the_token_travels_in_a_private_temporary_profile_never_in_argv(calls, server):
    client = connect(server)
    created = client.create(unique("argv"), moment_in_days(1), idempotency_key="unused")
    client.list()
    client.revoke(created.id)

    runs = [run for run in recorded(calls) if run["argv"][0] != "version"]
    assert len(runs) == 3
    for run in runs:
        assert server.admin_token not in json.dumps(run["argv"])
        assert run["argv"][:4] == ["--config", run["config"], "--profile", "pulumi-influxdb3-tokens"]
        assert run["config_exists"] and run["config_mode"] == "0o600"  # while influxctl ran
        assert not Path(run["config"]).exists() and not Path(run["config"]).parent.exists()  # removed after


def test_a_named_profile_is_passed_as_is_and_nothing_is_written(calls, server, tmp_path):
    config = tmp_path / "mine.toml"
    config.write_text(
        f'[[profile]]\nname = "ci"\nproduct = "dedicated"\naccount_id = "{server.account_id}"\n'
        f'cluster_id = "{server.cluster_id}"\nmgmt_token = "{server.admin_token}"\n'
    )
    client = connect(server, managementToken=None, influxctlConfig=str(config), influxctlProfile="ci")
    created = client.create(unique("own profile"), None, idempotency_key="unused")
    assert server.authenticates(created.access_token.get_secret_value())
    [run] = [run for run in recorded(calls) if run["argv"][0] != "version"]
    assert run["argv"][:4] == ["--config", str(config), "--profile", "ci"]


# --- the version -------------------------------------------------------------------------------------


@pytest.mark.parametrize("printed", ["influxctl v2.9.9 (linux/amd64)", "influxctl 2.10.1", "influxctl v2.6.0"])
def test_supported_versions_are_accepted(calls, server, monkeypatch, printed):
    monkeypatch.setenv("INFLUXCTL_STANDIN_VERSION", printed)
    assert connect(server).list()


@pytest.mark.parametrize(
    ("printed", "complaint"),
    [
        ("influxctl v3.0.0 (linux/amd64)", "is influxctl 3.0.0, which this provider does not support"),
        ("influxctl v2.5.2", "is influxctl 2.5.2, which this provider does not support"),
        ("a tool of some other kind", "printed 'a tool of some other kind', which names no version"),
    ],
)
def test_an_unknown_version_is_one_clear_error(calls, server, monkeypatch, printed, complaint):
    monkeypatch.setenv("INFLUXCTL_STANDIN_VERSION", printed)
    with pytest.raises(ConfigurationError) as caught:
        connect(server)
    message = str(caught.value)
    assert complaint in message
    assert message.endswith("INFLUXDB3_INFLUXCTL_PATH at one.") and message.count(". ") == 0


# --- output and stderr -------------------------------------------------------------------------------


def test_unparsable_list_output_is_one_clear_error(calls, server, monkeypatch):
    client = connect(server)
    monkeypatch.setenv("INFLUXCTL_STANDIN_FAULT", "garbage")
    with pytest.raises(ManagementApiError) as caught:
        client.list()
    assert "`influxctl management list --format json` printed output that is not the JSON it documents" in str(caught.value)


def test_a_rejected_token_is_an_authentication_sentence_without_the_token(calls, server):
    wrong = "M.V1.definitely-not-a-valid-token"
    with pytest.raises(ManagementApiError) as caught:
        connect(server, managementToken=wrong).list()
    message = str(caught.value)
    assert message == (
        "Could not list management tokens with influxctl: the management token was rejected (missing, unknown, "
        "revoked or expired); check influxdb3:managementToken or INFLUXDB3_MANAGEMENT_TOKEN."
    )
    assert caught.value.status == 401 and wrong not in message


def test_a_foreign_account_is_a_permission_sentence(calls, server):
    with pytest.raises(ManagementApiError) as caught:
        connect(server, accountId=OTHER_ACCOUNT, clusterId=OTHER_CLUSTER).list()
    assert caught.value.status == 403
    assert f"may not act on account {OTHER_ACCOUNT} / cluster {OTHER_CLUSTER}" in str(caught.value)


def test_an_unknown_cluster_is_a_not_found_sentence(calls, server):
    with pytest.raises(ManagementApiError) as caught:
        connect(server, clusterId=str(uuid.uuid4())).create(unique("nowhere"), None, idempotency_key="unused")
    assert caught.value.status == 404
    assert str(caught.value).endswith(
        "the account or cluster does not exist; check influxdb3:accountId and influxdb3:clusterId."
    )


def test_an_unreachable_service_is_a_network_sentence(calls, server, monkeypatch):
    monkeypatch.setenv("INFLUXCTL_STANDIN_API_URL", "http://127.0.0.1:1")
    with pytest.raises(ManagementApiError) as caught:
        connect(server, retryTimeout="1").revoke(str(uuid.uuid4()))
    message = str(caught.value)
    assert message.startswith("Could not revoke management token")
    assert "influxctl cannot reach the cluster's management service" in message
    assert message.endswith("check the network and retry.") and server.admin_token not in message


# --- a create whose outcome is unknown is never run again --------------------------------------------


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("create-mint-then-fail", "exited with status 1"),
        ("create-mint-then-hang", "gave no answer within 3 s and was stopped"),
        ("create-mint-then-garbage", "printed output that is not the JSON it documents"),
    ],
)
def test_an_interrupted_create_adopts_the_token_it_minted(calls, server, monkeypatch, capsys, fault, reason):
    client = connect(server, requestTimeout="3")
    description, expiry = unique("interrupted"), moment_in_days(7)
    monkeypatch.setenv("INFLUXCTL_STANDIN_FAULT", fault)

    recovered = client.create(description, expiry, idempotency_key="unused")

    assert isinstance(recovered, RecoveredToken)
    [minted] = server_tokens(server, description)  # exactly one: no duplicate was minted
    assert recovered.id == minted["id"] and recovered.expires_at == expiry
    creates = [run for run in recorded(calls) if run["argv"][4:6] == ["management", "create"]]
    assert len(creates) == 1  # the create ran once
    warning = capsys.readouterr().err
    assert f"influxctl management create {reason}; adopted token {minted['id']}" in warning


def test_a_create_that_failed_before_minting_says_nothing_was_created(calls, server, monkeypatch):
    client = connect(server)
    description = unique("never minted")
    monkeypatch.setenv("INFLUXCTL_STANDIN_FAULT", "create-fail-before-mint")
    with pytest.raises(ManagementApiError) as caught:
        client.create(description, None, idempotency_key="unused")
    assert str(caught.value) == (
        "influxctl management create exited with status 1, and no token it could have minted is listed, "
        "so nothing was created; run the update again."
    )
    assert server_tokens(server, description) == []


def test_several_candidates_are_named_instead_of_guessing(calls, server, monkeypatch):
    client = connect(server)
    description, expiry = unique("twins"), moment_in_days(5)
    earlier = server.mint(description, timeutil.format_rfc3339(expiry))
    monkeypatch.setenv("INFLUXCTL_STANDIN_FAULT", "create-mint-then-fail")
    with pytest.raises(ManagementApiError) as caught:
        client.create(description, expiry, idempotency_key="unused")
    ids = sorted(t["id"] for t in server_tokens(server, description))
    assert earlier["id"] in ids and len(ids) == 2
    assert f"2 tokens it could have minted are listed ({', '.join(ids)}); adopt the right one with adopt_token_id" in str(
        caught.value
    )


def test_a_token_this_process_already_holds_is_never_adopted_again(calls, server, monkeypatch):
    client = connect(server)
    description = unique("held")
    held = client.create(description, None, idempotency_key="unused")
    monkeypatch.setenv("INFLUXCTL_STANDIN_FAULT", "create-fail-before-mint")
    with pytest.raises(ManagementApiError, match="no token it could have minted is listed"):
        client.create(description, None, idempotency_key="unused")
    assert [t["id"] for t in server_tokens(server, description)] == [held.id]


def test_a_create_refused_outright_is_not_recovered(calls, server):
    with pytest.raises(ManagementApiError) as caught:
        connect(server, managementToken="M.V1.not-a-real-one-at-all").create(unique("refused"), None, "unused")
    assert caught.value.status == 401 and "Could not create a management token with influxctl" in str(caught.value)
