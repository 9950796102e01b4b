"""Which transport a stack gets, and what each one demands of the configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulumi_influxdb3_tokens import settings
from pulumi_influxdb3_tokens.core.errors import ConfigurationError
from pulumi_influxdb3_tokens.settings import influxctl_profile, resolve_connection
from support.influxctl import STANDIN_DIR, isolate, stack_config

IDS = {"accountId": "acc", "clusterId": "clu", "managementToken": "M.V1.a-secret-token-value"}


def test_api_url_means_http_even_with_influxctl_on_path(monkeypatch, tmp_path):
    isolate(monkeypatch, tmp_path, standin_on_path=True)
    connection = resolve_connection(stack_config(apiUrl="http://127.0.0.1:8181", **IDS))
    assert connection.transport == "http" and connection.api_url == "http://127.0.0.1:8181"
    assert connection.request_timeout == 10.0


def test_no_api_url_and_influxctl_on_path_means_influxctl(monkeypatch, tmp_path):
    isolate(monkeypatch, tmp_path, standin_on_path=True)
    connection = resolve_connection(stack_config(**IDS))
    assert connection.transport == "influxctl"
    assert Path(connection.influxctl_path) == STANDIN_DIR / "influxctl"
    assert connection.api_url == "" and connection.request_timeout == 60.0
    assert not connection.uses_own_influxctl_profile


def test_no_api_url_and_no_influxctl_asks_for_the_api_url(monkeypatch, tmp_path):
    isolate(monkeypatch, tmp_path, standin_on_path=False)
    with pytest.raises(ConfigurationError, match="influxdb3:apiUrl"):
        resolve_connection(stack_config(**IDS))


def test_transport_from_the_environment_wins_over_the_default(monkeypatch, tmp_path):
    isolate(monkeypatch, tmp_path, standin_on_path=True)
    monkeypatch.setenv("INFLUXDB3_TRANSPORT", "http")
    with pytest.raises(
        ConfigurationError, match=r"^The Management API base URL \(e.g. http://127.0.0.1:8181\) is not configured"
    ):
        resolve_connection(stack_config(**IDS))


def test_influxctl_transport_without_the_executable_names_the_setting(monkeypatch, tmp_path):
    isolate(monkeypatch, tmp_path, standin_on_path=False)
    with pytest.raises(ConfigurationError) as caught:
        resolve_connection(stack_config(transport="influxctl", **IDS))
    assert "'influxctl' is not found" in str(caught.value)
    assert "influxdb3:influxctlPath / INFLUXDB3_INFLUXCTL_PATH" in str(caught.value)


def test_influxctl_path_setting_picks_the_executable(monkeypatch, tmp_path):
    isolate(monkeypatch, tmp_path, standin_on_path=False)
    connection = resolve_connection(stack_config(influxctlPath=str(STANDIN_DIR / "influxctl"), **IDS))
    assert connection.transport == "influxctl"


def test_unknown_transport_is_refused(monkeypatch, tmp_path):
    isolate(monkeypatch, tmp_path, standin_on_path=True)
    with pytest.raises(ConfigurationError, match=r"must be http or influxctl, got 'grpc'\."):
        resolve_connection(stack_config(transport="grpc", **IDS))


def test_influxctl_still_needs_the_management_token_when_no_profile_is_named(monkeypatch, tmp_path):
    isolate(monkeypatch, tmp_path, standin_on_path=True)
    with pytest.raises(ConfigurationError, match="influxdb3:managementToken"):
        resolve_connection(stack_config(accountId="acc", clusterId="clu"))


def test_a_named_profile_carries_its_own_credential(monkeypatch, tmp_path):
    isolate(monkeypatch, tmp_path, standin_on_path=True)
    config = tmp_path / "mine.toml"
    config.write_text('[[profile]]\nname = "ci"\naccount_id = "acc"\ncluster_id = "clu"\nmgmt_token = "M.V1.x"\n')
    connection = resolve_connection(stack_config(influxctlConfig=str(config), influxctlProfile="ci"))
    assert connection.uses_own_influxctl_profile
    assert (connection.account_id, connection.cluster_id) == ("acc", "clu")
    # influxctl reads it from the profile; the provider knows it only to scrub it and recognise its own token
    assert connection.management_token.get_secret_value() == "M.V1.x"
    assert connection.influxctl_config == str(config)  # so nothing writes it into a temporary profile

    with pytest.raises(ConfigurationError) as caught:
        resolve_connection(stack_config(influxctlConfig=str(config), influxctlProfile="ci", managementToken="M.V1.y"))
    assert "is not used when" in str(caught.value) and "M.V1.y" not in str(caught.value)


# Docs (reference/cli/influxctl, "Default connection profile store location"): Linux
# ~/.config/influxctl/config.toml, macOS ~/Library/Application Support/influxctl/config.toml (Windows has one
# too, but the package refuses Windows at import: tests/unit/test_platforms.py).
@pytest.mark.parametrize(
    ("platform", "expected"),
    [
        ("linux", ".config/influxctl/config.toml"),
        ("darwin", "Library/Application Support/influxctl/config.toml"),
    ],
)
def test_the_default_influxctl_config_depends_on_the_os(monkeypatch, tmp_path, platform, expected):
    isolate(monkeypatch, tmp_path, standin_on_path=True)
    monkeypatch.setattr(influxctl_profile.sys, "platform", platform)
    assert str(settings.default_influxctl_config()).endswith(expected)
    assert settings.default_influxctl_config().is_relative_to(tmp_path)  # under HOME
    config = settings.default_influxctl_config()
    config.parent.mkdir(parents=True)
    config.write_text('[[profile]]\nname = "default"\naccount_id = "from-default-file"\n')
    assert settings.load_influxctl_profile({})["account_id"] == "from-default-file"


# Release notes 2.10.1/2.10.2: influxctl reads the profile name from INFLUXCTL_PROFILE. We honour it when
# our own setting is absent, and pass the name we resolved with --profile, so both read the same profile.
def test_influxctls_profile_variable_is_honoured_below_our_setting(monkeypatch, tmp_path):
    isolate(monkeypatch, tmp_path, standin_on_path=True)
    config = tmp_path / "influxctl.toml"
    config.write_text(
        '[[profile]]\nname = "theirs"\naccount_id = "a1"\ncluster_id = "c1"\nmgmt_token = "M.V1.x"\n'
        '[[profile]]\nname = "ours"\naccount_id = "a2"\ncluster_id = "c2"\nmgmt_token = "M.V1.y"\n'
    )
    monkeypatch.setenv("INFLUXCTL_PROFILE", "theirs")
    theirs = resolve_connection(stack_config(influxctlConfig=str(config)))
    assert (theirs.influxctl_profile, theirs.account_id) == ("theirs", "a1")
    ours = resolve_connection(stack_config(influxctlConfig=str(config), influxctlProfile="ours"))
    assert (ours.influxctl_profile, ours.account_id, ours.influxctl_config) == ("ours", "a2", str(config))

    monkeypatch.setenv("INFLUXCTL_PROFILE", "nowhere")
    with pytest.raises(ConfigurationError, match=r"has no \[\[profile\]\] named 'nowhere'.*INFLUXCTL_PROFILE"):
        resolve_connection(stack_config(influxctlConfig=str(config)))


def test_a_named_profile_always_travels_with_its_config_file(monkeypatch, tmp_path):
    """A profile named without a file is read from the OS default file, and that file is passed too."""
    isolate(monkeypatch, tmp_path, standin_on_path=True)
    config = tmp_path / ".config" / "influxctl" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[[profile]]\nname = "ci"\naccount_id = "a"\ncluster_id = "c"\nmgmt_token = "M.V1.z"\n')
    connection = resolve_connection(stack_config(influxctlProfile="ci"))
    assert (connection.influxctl_config, connection.influxctl_profile) == (str(config), "ci")


def test_a_profile_named_without_any_config_file_is_one_clear_error(monkeypatch, tmp_path):
    isolate(monkeypatch, tmp_path, standin_on_path=True)
    monkeypatch.setenv("INFLUXCTL_PROFILE", "ci")
    with pytest.raises(ConfigurationError) as caught:
        resolve_connection(stack_config(accountId="a", clusterId="c"))
    assert str(caught.value) == (
        f"The influxctl profile 'ci' cannot be read: there is no config file {tmp_path}/.config/influxctl/config.toml; "
        "create it or set influxdb3:influxctlConfig / INFLUXDB3_INFLUXCTL_CONFIG."
    )


@pytest.mark.parametrize("url", ["http://10.0.0.5:8181", "http://mgmt.example.com", "http://127.0.0.1.nip.io:8181"])
def test_plain_http_to_a_host_off_this_machine_is_refused_unless_allowed(monkeypatch, tmp_path, url):
    # The admin token rides in every request's Authorization header: over http:// it crosses the network in clear.
    isolate(monkeypatch, tmp_path, standin_on_path=False)
    with pytest.raises(ConfigurationError) as refused:
        resolve_connection(stack_config(apiUrl=url, **IDS))
    message = str(refused.value)
    assert "influxdb3:apiUrl" in message and "https://" in message and "influxdb3:allowInsecureHttp" in message
    assert IDS["managementToken"] not in message
    allowed = resolve_connection(stack_config(apiUrl=url, allowInsecureHttp="true", **IDS))
    assert allowed.api_url == url
    monkeypatch.setenv("INFLUXDB3_ALLOW_INSECURE_HTTP", "true")
    assert resolve_connection(stack_config(apiUrl=url, **IDS)).api_url == url


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8181",
        "http://127.8.9.10",
        "http://[::1]:8181",
        "https://mgmt.example.com",
    ],
)
def test_loopback_http_and_any_https_need_no_opt_in(monkeypatch, tmp_path, url):
    isolate(monkeypatch, tmp_path, standin_on_path=False)
    assert resolve_connection(stack_config(apiUrl=url, **IDS)).api_url == url


@pytest.mark.parametrize("host", ["evil.localhost", "localhost"])
def test_a_loopback_name_is_not_proof_of_loopback(monkeypatch, tmp_path, host):
    """Issue 30: only a literal loopback address (127.0.0.0/8, ::1) proves the token stays on this machine.
    A name is whatever the resolver answers: RFC 6761 section 6.3 asks resolvers to answer loopback for
    `localhost` and `*.localhost`, but an /etc/hosts line or a resolver that does not follow it can send
    either name elsewhere."""
    isolate(monkeypatch, tmp_path, standin_on_path=False)
    with pytest.raises(ConfigurationError) as refused:
        resolve_connection(stack_config(apiUrl=f"http://{host}:8181", **IDS))
    assert str(refused.value) == (
        f"influxdb3:apiUrl / INFLUXDB3_API_URL uses plain http:// to {host}, which is not a literal loopback "
        "address (127.x.x.x or [::1]), so the admin token could cross the network in clear; use https://, "
        "or set influxdb3:allowInsecureHttp / INFLUXDB3_ALLOW_INSECURE_HTTP to true if that network is trusted."
    )
