"""Which transport a stack gets, and what each one demands of the configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulumi_influxdb3_tokens.errors import ConfigurationError
from pulumi_influxdb3_tokens.settings import resolve_connection
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
    with pytest.raises(ConfigurationError, match=r"^The Management API base URL \(e.g. http://127.0.0.1:8181\) is not configured"):
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
    assert connection.management_token.get_secret_value() == ""  # influxctl reads it from the profile

    with pytest.raises(ConfigurationError) as caught:
        resolve_connection(stack_config(influxctlConfig=str(config), influxctlProfile="ci", managementToken="M.V1.y"))
    assert "is not used when" in str(caught.value) and "M.V1.y" not in str(caught.value)
