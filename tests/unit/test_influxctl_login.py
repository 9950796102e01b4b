"""The login a person already has: with the influxctl transport and no credential configured, their own
influxctl profile is used as it is, and a missing or expired login is one sentence naming `influxctl auth login`.

Public facts this holds (influxctl reference and the Cloud Dedicated admin docs): management tokens are by
default short-lived tokens the identity provider issues to a person (an Admin), `influxctl auth login`
logs in, and a profile's `mgmt_token` replaces that login for automation; influxctl's connection profiles
live in ~/.config/influxctl/config.toml on Linux. From the developers' notes: the login is cached under
~/.cache/influxctl/ for about an hour, and without one influxctl starts the device flow (RFC 8628: a
verification address and a user code) and waits for the person. The stand-in plays both (its docstring).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Optional

import pytest

from pulumi_influxdb3_tokens.clients import client_for
from pulumi_influxdb3_tokens.clients.influxctl.process import Outcome, failure_error
from pulumi_influxdb3_tokens.core.errors import ConfigurationError, ManagementApiError
from pulumi_influxdb3_tokens.settings import resolve_connection
from support.influxctl import isolate, stack_config
from support.local_api import LocalApi


@pytest.fixture
def home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, local_api: LocalApi) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    isolate(monkeypatch, home, standin_on_path=True)
    monkeypatch.setenv("INFLUXCTL_STANDIN_API_URL", local_api.url)
    # Were the login prompt not noticed, the run would wait this long: the test would hang, then fail.
    monkeypatch.setenv("INFLUXCTL_STANDIN_LOGIN_WAIT_S", "600")
    return home


def person_profile(home: Path, local_api: LocalApi, name: str = "default") -> Path:
    """A person's profile, as influxctl's docs lay it out: no mgmt_token, so influxctl logs them in."""
    config = home / ".config" / "influxctl" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        f'[[profile]]\n  name = "{name}"\n  product = "dedicated"\n'
        f'  account_id = "{local_api.account_id}"\n  cluster_id = "{local_api.cluster_id}"\n'
    )
    return config


def cached_login(home: Path, local_api: LocalApi, expires_in_s: float) -> None:
    """What `influxctl auth login` leaves behind (the stand-in's form of it): 0600, about an hour."""
    cache = home / ".cache" / "influxctl"
    cache.mkdir(parents=True, exist_ok=True)
    login = cache / "standin-login.json"
    login.write_text(json.dumps({"access_token": local_api.admin_token, "expires_at": time.time() + expires_in_s}))
    login.chmod(0o600)


def test_with_nothing_configured_the_persons_own_profile_and_login_are_used(home: Path, local_api: LocalApi):
    person_profile(home, local_api)
    cached_login(home, local_api, 3600)
    connection = resolve_connection({})
    assert connection.transport == "influxctl" and connection.influxctl_profile == "default"
    assert connection.management_token.get_secret_value() == ""  # nothing copied anywhere
    assert (connection.account_id, connection.cluster_id) == (local_api.account_id, local_api.cluster_id)

    client = client_for(connection)
    created = client.create("made at my desk", None)
    assert created.id in {r.id for r in client.list(fresh=True)}
    assert not list((home / ".config" / "influxctl").glob("*.tmp"))


@pytest.mark.parametrize("login", [None, -60.0], ids=["no login", "expired login"])
def test_a_missing_or_expired_login_is_one_sentence_before_anything_is_minted(
    home: Path, local_api: LocalApi, login: Optional[float]
):
    person_profile(home, local_api)
    if login is not None:
        cached_login(home, local_api, login)
    before = local_api.unrevoked_ids()
    client = client_for(resolve_connection(stack_config(requestTimeout="300")))
    with pytest.raises(ManagementApiError) as raised:
        client.create("made at my desk", None)
    message = str(raised.value)
    assert message.endswith(
        "influxctl profile 'default' has no valid login (it logs in through your identity provider, and the "
        "cached login is missing or expired); run `influxctl --profile default auth login`, then run the command "
        "again."
    )
    assert message.count(". ") == 0 and "Traceback" not in message
    assert local_api.unrevoked_ids() == before  # nothing was minted

    with pytest.raises(ManagementApiError, match="auth login"):
        client.list(fresh=True)


@pytest.mark.parametrize("prompt", ["stderr-two-lines", "stdout-one-line", "stdout-two-lines"])
def test_a_login_prompt_on_either_stream_or_across_lines_is_noticed_at_once(
    home: Path, local_api: LocalApi, monkeypatch: pytest.MonkeyPatch, prompt: str
):
    """RFC 8628 (3.3) has the client show the verification URI and the user code; where influxctl prints them,
    and on how many lines, is not documented (the stand-in's INFLUXCTL_STANDIN_LOGIN_PROMPT plays each way)."""
    monkeypatch.setenv("INFLUXCTL_STANDIN_LOGIN_PROMPT", prompt)
    person_profile(home, local_api)
    before = local_api.unrevoked_ids()
    client = client_for(resolve_connection(stack_config(requestTimeout="15", retryTimeout="1")))
    started = time.monotonic()
    with pytest.raises(ManagementApiError) as raised:
        client.create("made at my desk", None)
    assert "influxctl profile 'default' has no valid login" in str(raised.value)
    assert time.monotonic() - started < 10  # noticed and stopped, not waited out until requestTimeout
    assert local_api.unrevoked_ids() == before  # nothing was minted


def test_text_that_only_looks_like_a_login_prompt_is_no_login(home: Path, local_api: LocalApi):
    """influxctl's JSON answer is data (a description may name a login page), and a gRPC status with an
    address ("code = Unauthenticated") is a rejected credential: neither stops a run as a login prompt."""
    client = client_for(
        resolve_connection(
            stack_config(
                accountId=local_api.account_id, clusterId=local_api.cluster_id, managementToken=local_api.admin_token
            )
        )
    )
    assert type(client).__name__ == "InfluxctlTokenClient"
    description = "device login: open https://auth.example.invalid/activate and enter the user code"
    created = client.create(description, None)
    assert [r.description for r in client.list(fresh=True) if r.id == created.id] == [description]

    stderr = (
        'Error: Post "https://console.influxdata.invalid/api/v0/accounts": rpc error: code = Unauthenticated '
        "desc = token is expired\n"
    )
    connection = resolve_connection(stack_config(accountId="a", clusterId="c", managementToken="M.V1.some-token"))
    message = str(failure_error("list management tokens", Outcome(1, "", stderr), connection))
    assert "the management token was rejected" in message and "login" not in message


def test_without_any_influxctl_profile_the_sentence_says_how_to_log_in_or_configure(home: Path, local_api: LocalApi):
    with pytest.raises(ConfigurationError) as raised:
        resolve_connection({})
    message = str(raised.value)
    assert "No admin credential is configured for the influxctl transport" in message
    assert "`influxctl auth login`" in message and "influxdb3:managementToken" in message


def test_a_config_file_without_the_profile_is_named(home: Path, local_api: LocalApi):
    person_profile(home, local_api, name="someone-else")
    with pytest.raises(ConfigurationError, match=r"has no \[\[profile\]\] named 'default'"):
        resolve_connection({})


def test_ids_that_differ_from_the_profile_influxctl_acts_with_are_refused(home: Path, local_api: LocalApi):
    person_profile(home, local_api)
    with pytest.raises(ConfigurationError) as raised:
        resolve_connection(stack_config(clusterId="another-cluster"))
    assert "influxdb3:clusterId / INFLUXDB3_CLUSTER_ID is 'another-cluster'" in str(raised.value)
    assert f"has cluster_id '{local_api.cluster_id}'" in str(raised.value)


def test_a_configured_token_still_goes_to_a_temporary_profile(home: Path, local_api: LocalApi):
    """A pipeline's way: the token in config or the environment is used, never the person's login."""
    person_profile(home, local_api)
    connection = resolve_connection(
        stack_config(
            accountId=local_api.account_id, clusterId=local_api.cluster_id, managementToken=local_api.admin_token
        )
    )
    assert connection.influxctl_profile is None and not connection.uses_own_influxctl_profile
    assert client_for(connection).list(fresh=True)
