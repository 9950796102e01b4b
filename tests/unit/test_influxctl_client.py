"""The influxctl transport against the stand-in influxctl (tests/standin) and the local server."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any, Iterator

import pytest

from pulumi_influxdb3_tokens.clients import client_for
from pulumi_influxdb3_tokens.core import timeutil
from pulumi_influxdb3_tokens.core.errors import (
    ConfigurationError,
    InfluxDB3TokensError,
    ManagementApiError,
    TokenNotFoundError,
)
from pulumi_influxdb3_tokens.core.management_token.models import CreatedToken, RecoveredToken
from pulumi_influxdb3_tokens.settings import resolve_connection
from support.fixtures import running_local_api
from support.influxctl import connect, recording_standin, stack_config, with_marker
from support.local_api import LocalApi
from support.times import moment_in_days

OTHER_ACCOUNT, OTHER_CLUSTER = str(uuid.uuid4()), str(uuid.uuid4())
# The releases the stand-in can behave as (tests/standin/influxctl); 2.7.0 is the supported floor.
RELEASES = ["2.7.1", "2.9.6", "2.10.5", "2.12.0"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalApi]:
    """One server for the module, with a second account besides the one its admin token belongs to."""
    extra = f"{OTHER_ACCOUNT}:{OTHER_CLUSTER}"
    with running_local_api(tmp_path_factory.mktemp("server"), "--extra-account", extra) as api:
        yield api


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, server: LocalApi) -> Path:
    """The stand-in on PATH, talking to the server, recording each run; returns the record file."""
    return recording_standin(monkeypatch, tmp_path, server)


def recorded(record: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in record.read_text().splitlines()]


def unique(what: str) -> str:
    return f"{what} {uuid.uuid4().hex[:8]}"


def server_tokens(server: LocalApi, description: str) -> list[dict[str, Any]]:
    return [t for t in server.list_tokens() if t["description"] == description]


# --- the four operations ---------------------------------------------------------------------------


@pytest.mark.parametrize("release", RELEASES)
def test_create_list_get_revoke_through_influxctl(calls, server, monkeypatch, release):
    # Docs (admin/tokens/management/list, reference .../management/list): timestamps are {"seconds", "nanos"}
    # with zero nanos left out; unset expires_at/revoked_at are left out (the table shows the epoch: 2.7.1
    # here prints epoch and null). Release notes 2.11.0: create's output changed; the create JSON is not
    # documented, so each release here puts the token string elsewhere. Reference .../management/revoke:
    # revoked tokens stay listed; revoking one again is success whatever influxctl prints for it.
    monkeypatch.setenv("INFLUXCTL_STANDIN_RELEASE", release)
    client = connect(server)
    description, expiry = unique("deployer"), moment_in_days(3)

    created = client.create(description, expiry)
    assert isinstance(created, CreatedToken)
    assert server.authenticates(created.access_token.get_secret_value())
    assert created.token_prefix and created.access_token.get_secret_value().startswith(created.token_prefix)
    assert (created.description, created.expires_at) == (description, expiry)
    assert (created.account_id, created.cluster_id) == (server.account_id, server.cluster_id)

    never = client.create(unique("forever"), None)
    assert never.expires_at is None and client.get(never.id).expires_at is None

    listed = {t.id: t for t in client.list()}
    assert listed[created.id].description == description and listed[created.id].expires_at == expiry
    assert client.get(created.id).is_live()

    assert client.revoke(created.id) is True
    assert client.get(created.id).revoked_at is not None  # revoked tokens stay listed
    assert client.revoke(created.id) is True  # revoking twice succeeds, though influxctl exits 1
    # "--" ends the flags (Go flag package docs: parsing stops "after the terminator --"; urfave/cli, which
    # influxctl is built with, parses with it), so an id is never read as a flag.
    revokes = [run for run in recorded(calls) if run["argv"][-4:] == ["revoke", "--force", "--", created.id]]
    assert len(revokes) == 2
    assert client.revoke(str(uuid.uuid4())) is False
    with pytest.raises(TokenNotFoundError, match="does not exist"):
        client.get(str(uuid.uuid4()))


def test_the_token_travels_in_a_private_temporary_profile_never_in_argv(calls, server):
    client = connect(server)
    created = client.create(unique("argv"), moment_in_days(1))
    client.list()
    client.revoke(created.id)

    runs = [run for run in recorded(calls) if run["argv"][0] != "version"]
    assert len(runs) == 4  # create lists the tokens first (issue 17), then list and revoke
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
    created = client.create(unique("own profile"), None)
    assert server.authenticates(created.access_token.get_secret_value())
    runs = [run for run in recorded(calls) if run["argv"][0] != "version"]
    assert len(runs) == 2  # the list before the create (issue 17), and the create
    for run in runs:
        assert run["argv"][:4] == ["--config", str(config), "--profile", "ci"]


# --- the version -------------------------------------------------------------------------------------


# Docs (reference/cli/influxctl/version): `influxctl version` "outputs the current version and
# architecture"; the exact text is not documented, so any x.y.z is taken.
@pytest.mark.parametrize(
    "printed",
    [
        "influxctl v2.9.9 (linux/amd64)",
        "influxctl 2.10.1",
        "2.12.0 (linux/amd64)",
        "v2.12.0 darwin/arm64",
        "influxctl version 2.7.0, built with go1.22.1",
    ],
)
def test_supported_versions_are_accepted(calls, server, monkeypatch, capsys, printed):
    monkeypatch.setenv("INFLUXCTL_STANDIN_VERSION", printed)
    assert connect(server).list() is not None
    assert "ManagementToken:" not in capsys.readouterr().err


# Release notes: 2.6.0 added the management commands, 2.7.0 "fixes a nil pointer issue when listing
# management tokens": 2.7.0 is the floor.
@pytest.mark.parametrize("printed", ["influxctl v2.6.0 (linux/amd64)", "2.5.2"])
def test_a_version_below_the_floor_is_one_clear_error(calls, server, monkeypatch, printed):
    monkeypatch.setenv("INFLUXCTL_STANDIN_VERSION", printed)
    with pytest.raises(ConfigurationError) as caught:
        connect(server).list()  # the check runs from the client's making; its refusal comes with the first command
    message = str(caught.value)
    assert "which this provider does not support; install influxctl 2.7.0 or later" in message
    assert message.endswith("INFLUXDB3_INFLUXCTL_PATH at one.") and message.count(". ") == 0


@pytest.mark.parametrize(
    ("printed", "warning"),
    [
        ("a tool of some other kind", "printed 'a tool of some other kind', which names no version; going on"),
        ("influxctl v3.0.0 (linux/amd64)", "is influxctl 3.0.0, newer than the 2.x releases this provider knows"),
    ],
)
def test_an_unknown_version_is_warned_about_once_and_used(calls, server, monkeypatch, capsys, printed, warning):
    monkeypatch.setenv("INFLUXCTL_STANDIN_VERSION", printed)
    connect(server).list()
    connect(server).list()
    assert capsys.readouterr().err.count(warning) == 1
    assert len([run for run in recorded(calls) if run["argv"] == ["version"]]) == 1


# --- what each release is given ----------------------------------------------------------------------


# Release notes 2.9.7: "Add global --timeout flag" (reference/cli/influxctl: default 1m0s). Older releases
# would refuse the flag, so only releases that have it get it, shorter than our own kill timeout.
@pytest.mark.parametrize(("release", "flag"), [("2.9.6", None), ("2.10.5", "--timeout=48000ms")])
def test_the_timeout_flag_goes_only_to_releases_that_have_it(calls, server, monkeypatch, release, flag):
    monkeypatch.setenv("INFLUXCTL_STANDIN_RELEASE", release)
    client = connect(server, requestTimeout="60")
    client.list()  # may run beside the version check, before the release is known: then without the flag
    client.list(fresh=True)  # the release is known
    first, known = [run for run in recorded(calls) if run["argv"][-2:] == ["--format", "json"]]
    assert [arg for arg in known["argv"] if arg.startswith("--timeout")] == ([flag] if flag else [])
    assert [arg for arg in first["argv"] if arg.startswith("--timeout")] in ([], [flag] if flag else [])


def test_influxctl_reports_its_own_timeout_before_we_would_kill_it(calls, server, monkeypatch):
    client = connect(server, requestTimeout="10", retryTimeout="1")  # influxctl gives up at 8 s
    client.list()  # the release is known from here on: the runs get --timeout
    monkeypatch.setenv("INFLUXCTL_STANDIN_FAULT", "hang-until-timeout")
    with pytest.raises(ManagementApiError) as caught:
        client.list(fresh=True)
    message = str(caught.value)
    assert "influxctl cannot reach the cluster's management service (rpc error: code = DeadlineExceeded" in message
    assert "was stopped" not in message  # influxctl gave up by itself; we did not have to kill it


# Release notes 2.10.0: "Ensure the management token description is a non-empty string".
@pytest.mark.parametrize("release", ["2.10.5", "2.12.0"])
def test_an_undescribed_token_is_refused_before_influxctl_runs(calls, server, monkeypatch, release):
    monkeypatch.setenv("INFLUXCTL_STANDIN_RELEASE", release)
    client = connect(server)
    before = len(server.list_tokens())
    with pytest.raises(InfluxDB3TokensError) as caught:
        client.create("", None)
    assert str(caught.value) == (
        "A management token created with influxctl 2.10.0 or later needs a description (influxctl refuses an "
        "empty one): set `description` on the resource; nothing was created."
    )
    assert not [run for run in recorded(calls) if "create" in run["argv"]]
    assert len(server.list_tokens()) == before


def test_an_undescribed_token_is_created_without_the_flag_before_2_10(calls, server, monkeypatch):
    monkeypatch.setenv("INFLUXCTL_STANDIN_RELEASE", "2.9.6")
    created = connect(server).create("", None)
    assert isinstance(created, CreatedToken) and created.description == ""
    [run] = [run for run in recorded(calls) if "create" in run["argv"]]
    assert not [arg for arg in run["argv"] if arg.startswith("--description")]


# Issue 10 (9): influxctl gets what it needs, never INFLUXDB3_MANAGEMENT_TOKEN or the CI's other secrets.
def test_influxctl_gets_none_of_our_credentials_from_the_environment(calls, server, monkeypatch):
    monkeypatch.setenv("INFLUXDB3_MANAGEMENT_TOKEN", server.admin_token)
    monkeypatch.setenv("INFLUXDB3_ACCOUNT_ID", server.account_id)
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "not for influxctl")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not for influxctl either")
    client = client_for(resolve_connection(stack_config(clusterId=server.cluster_id)))
    client.list()
    for run in recorded(calls):
        assert {"PATH", "HOME", "INFLUXCTL_STANDIN_API_URL"} <= set(run["env"])
        leaked = {"PULUMI_CONFIG_PASSPHRASE", "AWS_SECRET_ACCESS_KEY"} & set(run["env"])
        assert not leaked and not [name for name in run["env"] if name.startswith("INFLUXDB3_")]


# Docs (reference/cli/influxctl): the default config.toml is ~/.config/influxctl/config.toml on Linux;
# release notes 2.10.1: the profile name can come from an environment variable (INFLUXCTL_PROFILE, 2.10.2).
def test_influxctls_profile_variable_names_the_profile_we_read_and_pass(calls, server, monkeypatch, tmp_path):
    config = tmp_path / ".config" / "influxctl" / "config.toml"  # HOME is tmp_path
    config.parent.mkdir(parents=True)
    config.write_text(
        f'[[profile]]\nname = "default"\nproduct = "dedicated"\naccount_id = "{OTHER_ACCOUNT}"\n'
        f'cluster_id = "{OTHER_CLUSTER}"\nmgmt_token = "M.V1.not-this-one"\n'
        f'[[profile]]\nname = "ci"\nproduct = "dedicated"\naccount_id = "{server.account_id}"\n'
        f'cluster_id = "{server.cluster_id}"\nmgmt_token = "{server.admin_token}"\n'
    )
    monkeypatch.setenv("INFLUXCTL_PROFILE", "ci")
    client = client_for(resolve_connection({}))
    assert client.list() is not None  # the "default" profile would be refused: another account
    [run] = [run for run in recorded(calls) if run["argv"][-2:] == ["--format", "json"]]
    assert run["argv"][:4] == ["--config", str(config), "--profile", "ci"]
    assert "INFLUXCTL_PROFILE" not in run["env"]


# --- output and stderr -------------------------------------------------------------------------------


def test_unparsable_list_output_is_one_clear_error(calls, server, monkeypatch):
    client = connect(server)
    monkeypatch.setenv("INFLUXCTL_STANDIN_FAULT", "garbage")
    with pytest.raises(ManagementApiError) as caught:
        client.list()
    assert "`influxctl management list --format json` printed output that is not the JSON it documents" in str(
        caught.value
    )


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
        connect(server, clusterId=str(uuid.uuid4())).create(unique("nowhere"), None)
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
    ],
)
def test_an_interrupted_create_adopts_the_token_it_minted(calls, server, monkeypatch, capsys, fault, reason):
    client = connect(server, requestTimeout="3")
    description, expiry = with_marker(unique("interrupted")), moment_in_days(7)
    monkeypatch.setenv("INFLUXCTL_STANDIN_FAULT", fault)

    recovered = client.create(description, expiry, marked=True)

    assert isinstance(recovered, RecoveredToken)
    [minted] = server_tokens(server, description)  # exactly one: no duplicate was minted
    assert recovered.id == minted["id"] and recovered.expires_at == expiry
    creates = [run for run in recorded(calls) if "create" in run["argv"]]
    assert len(creates) == 1  # the create ran once
    warning = capsys.readouterr().err
    assert f"influxctl management create {reason}; adopted token {minted['id']}" in warning


# Issue 10 (5): a create that succeeded but printed no token string never leaves a token nobody holds.
@pytest.mark.parametrize(
    ("fault", "shape"),
    [
        (
            "create-mint-no-token",
            "a JSON object with keys account_id, created_at, created_by, description, expires_at, id, token_prefix",
        ),
        ("create-mint-then-garbage", "1 line of other text"),
    ],
)
def test_a_create_answer_without_the_token_string_is_revoked_and_refused(calls, server, monkeypatch, fault, shape):
    client = connect(server)
    description = with_marker(unique("tokenless"))
    monkeypatch.setenv("INFLUXCTL_STANDIN_FAULT", fault)
    with pytest.raises(ManagementApiError) as caught:
        client.create(description, moment_in_days(2), marked=True)
    [minted] = server_tokens(server, description)
    assert minted["revokedAt"] is not None
    assert str(caught.value) == (
        f"`influxctl management create --format json` succeeded but printed {shape}, with no string starting "
        f"with the listed prefix of token {minted['id']}, so it was revoked and nothing was created; check "
        f"that influxctl is 2.7.0 or later."
    )


def test_a_create_that_failed_before_minting_says_nothing_was_created(calls, server, monkeypatch):
    client = connect(server)
    description = unique("never minted")
    monkeypatch.setenv("INFLUXCTL_STANDIN_FAULT", "create-fail-before-mint")
    with pytest.raises(ManagementApiError) as caught:
        client.create(description, None)
    assert str(caught.value) == (
        "influxctl management create exited with status 1, and no token with this description and expiry "
        "appeared while it ran, so nothing was created; run the update again."
    )
    assert server_tokens(server, description) == []


def test_a_twin_listed_before_the_create_is_never_a_candidate(calls, server, monkeypatch):
    # Until issue 17 an earlier token with the same description and expiry (another stack's) made two
    # candidates, and with the user's own profile or a lost create beside it, the wrong one could be
    # adopted; now only a token that appeared during the call counts.
    client = connect(server)
    # The earlier token may carry the same marker: the resource's previous token, being replaced.
    description, expiry = with_marker(unique("twins")), moment_in_days(5)
    earlier = server.mint(description, timeutil.format_rfc3339(expiry))
    monkeypatch.setenv("INFLUXCTL_STANDIN_FAULT", "create-mint-then-fail")
    recovered = client.create(description, expiry, marked=True)
    ids = {t["id"] for t in server_tokens(server, description)}
    assert len(ids) == 2 and recovered.id in ids and recovered.id != earlier["id"]


def test_a_token_this_process_already_holds_is_never_adopted_again(calls, server, monkeypatch):
    client = connect(server)
    description = unique("held")
    held = client.create(description, None)
    monkeypatch.setenv("INFLUXCTL_STANDIN_FAULT", "create-fail-before-mint")
    with pytest.raises(ManagementApiError, match="no token with this description and expiry appeared"):
        client.create(description, None)
    assert [t["id"] for t in server_tokens(server, description)] == [held.id]


def test_a_create_refused_outright_is_not_recovered(calls, server):
    with pytest.raises(ManagementApiError) as caught:
        connect(server, managementToken="M.V1.not-a-real-one-at-all").create(unique("refused"), None)
    assert caught.value.status == 401 and "Could not create a management token with influxctl" in str(caught.value)
