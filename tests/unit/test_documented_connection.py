"""The connection of a resource of InfluxData's documented Management API (Database, DatabaseToken).

Documented facts held here:
- api-docs/influxdb3/cloud-dedicated/management/openapi.yml: `servers: https://{baseurl}/api/v0`, baseurl
  `console.influxdata.com` (its only value), paths under `/accounts/{accountId}/clusters/{clusterId}/`; security
  `bearerAuthManagementToken` (a management token in the Authorization header).
- api-docs/influxdb3/clustered/management/openapi.yml: the same operations under `/databases` and `/tokens` with no
  account or cluster in the path; a Clustered cluster serves them on its own host.
- content/influxdb3/{cloud-dedicated,clustered}/reference/cli/influxctl/_index.md: a `[[profile]]` has `product`
  ("Choose from "clustered" or "dedicated""), and `account_id`/`cluster_id` are "Dedicated Specific Options".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pulumi_influxdb3_tokens.core.errors import ConfigurationError
from pulumi_influxdb3_tokens.dynamic.connections import connection_config, resolve
from pulumi_influxdb3_tokens.settings import resolve_connection, resolve_documented_connection
from support.influxctl import isolate, stack_config

IDS = {"accountId": "acc", "clusterId": "clu"}
TOKEN = "M.V1.a-secret-token-value"


def profile_file(home: Path, body: str) -> Path:
    """influxctl's default config file on Linux (reference/cli/influxctl: ~/.config/influxctl/config.toml)."""
    path = home / ".config" / "influxctl" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body)
    path.chmod(0o600)
    return path


def test_cloud_dedicated_goes_to_influxdatas_api_over_https_by_default(monkeypatch, tmp_path):
    isolate(monkeypatch, tmp_path, standin_on_path=True)
    connection = resolve_documented_connection(stack_config(managementToken=TOKEN, **IDS))
    assert (connection.api_url, connection.product, connection.transport) == (
        "https://console.influxdata.com",
        "dedicated",
        "http",
    )
    assert (connection.account_id, connection.cluster_id) == ("acc", "clu")
    assert connection.management_token.get_secret_value() == TOKEN


def test_transport_influxctl_carries_databases_and_database_tokens_over_influxctl(monkeypatch, tmp_path):
    # Issue 33: teams that may not mint management tokens reach databases through influxctl (the influxctl
    # reference's database/ and token/ commands), resolved exactly as a management token's connection; the
    # resource's own management_token input is the explicit credential.
    isolate(monkeypatch, tmp_path, standin_on_path=True)
    config = stack_config(transport="influxctl", managementToken=TOKEN, **IDS)
    assert resolve_documented_connection(config) == resolve_connection(config)
    assert resolve_documented_connection(config).transport == "influxctl"
    given = resolve_documented_connection(stack_config(transport="influxctl", **IDS), credential=TOKEN)
    assert (given.transport, given.management_token.get_secret_value()) == ("influxctl", TOKEN)


def test_a_stack_that_sets_no_transport_keeps_the_documented_api_over_http(monkeypatch, tmp_path):
    # Only an explicit transport moves these resources: with influxctl merely installed (the management tokens'
    # automatic choice) they stay on the documented HTTP API, as before issue 33.
    isolate(monkeypatch, tmp_path, standin_on_path=True)
    config = stack_config(managementToken=TOKEN, **IDS)
    assert resolve_connection(config).transport == "influxctl"
    documented = resolve_documented_connection(config)
    assert (documented.transport, documented.api_url) == ("http", "https://console.influxdata.com")


@pytest.mark.parametrize("where", ["config", "environment", "profile"])
def test_the_product_comes_from_the_config_the_environment_or_the_influxctl_profile(monkeypatch, tmp_path, where):
    isolate(monkeypatch, tmp_path, standin_on_path=False)
    settings = {"apiUrl": "https://cluster.example.com", "managementToken": TOKEN}
    if where == "config":
        settings["product"] = "Clustered"
    elif where == "environment":
        monkeypatch.setenv("INFLUXDB3_PRODUCT", "clustered")
    else:
        path = profile_file(tmp_path, '[[profile]]\nname = "default"\nproduct = "clustered"\n')
        settings["influxctlConfig"] = str(path)
    connection = resolve_documented_connection(stack_config(**settings))
    assert (connection.product, connection.api_url, connection.account_id) == (
        "clustered",
        "https://cluster.example.com",
        "",  # Clustered paths name no account or cluster
    )


def test_any_other_product_is_refused_in_one_sentence(monkeypatch, tmp_path):
    isolate(monkeypatch, tmp_path, standin_on_path=False)
    for resolver in (resolve_documented_connection, resolve_connection):
        with pytest.raises(ConfigurationError) as refused:
            resolver(stack_config(product="serverless", apiUrl="https://x.example.com", managementToken=TOKEN, **IDS))
        assert str(refused.value) == (
            "influxdb3:product / INFLUXDB3_PRODUCT must be dedicated or clustered, got 'serverless'."
        )


def test_clustered_needs_its_own_api_url(monkeypatch, tmp_path):
    isolate(monkeypatch, tmp_path, standin_on_path=False)
    with pytest.raises(ConfigurationError) as refused:
        resolve_documented_connection(stack_config(product="clustered", managementToken=TOKEN))
    assert str(refused.value) == (
        "InfluxDB 3 Clustered serves its Management API on the cluster's own host, so influxdb3:apiUrl / "
        "INFLUXDB3_API_URL is required; set it to that host, e.g. https://cluster.example.com."
    )


def test_cloud_dedicated_needs_the_account_and_cluster_ids(monkeypatch, tmp_path):
    isolate(monkeypatch, tmp_path, standin_on_path=False)
    with pytest.raises(ConfigurationError) as refused:
        resolve_documented_connection(stack_config(managementToken=TOKEN, accountId="acc"))
    assert str(refused.value).startswith("The cluster id is not configured; set it with `pulumi config set influxdb3:")


def test_plain_http_off_this_machine_is_refused_and_loopback_is_not(monkeypatch, tmp_path):
    isolate(monkeypatch, tmp_path, standin_on_path=False)
    with pytest.raises(ConfigurationError) as refused:
        resolve_documented_connection(
            stack_config(product="clustered", apiUrl="http://10.0.0.5", managementToken=TOKEN)
        )
    assert "uses plain http:// to 10.0.0.5, which is not a literal loopback address" in str(refused.value)
    assert TOKEN not in str(refused.value)
    local = resolve_documented_connection(stack_config(apiUrl="http://127.0.0.1:8181/", managementToken=TOKEN, **IDS))
    assert local.api_url == "http://127.0.0.1:8181"


def test_a_configured_url_takes_the_token_of_its_own_source_only(monkeypatch, tmp_path):
    isolate(monkeypatch, tmp_path, standin_on_path=False)
    monkeypatch.setenv("INFLUXDB3_MANAGEMENT_TOKEN", TOKEN)
    with pytest.raises(ConfigurationError) as refused:
        resolve_documented_connection(stack_config(apiUrl="https://cluster.example.com", **IDS))
    assert str(refused.value).startswith(
        "influxdb3:apiUrl is set in the stack config but influxdb3:managementToken is not;"
    )


def test_the_mgmt_token_of_the_profile_influxctl_uses_is_sent_with_its_ids(monkeypatch, tmp_path):
    isolate(monkeypatch, tmp_path, standin_on_path=False)
    profile_file(
        tmp_path, f'[[profile]]\nname = "default"\naccount_id = "pa"\ncluster_id = "pc"\nmgmt_token = "{TOKEN}"\n'
    )
    connection = resolve_documented_connection({})
    assert (connection.account_id, connection.cluster_id) == ("pa", "pc")
    assert connection.management_token.get_secret_value() == TOKEN


def test_a_profile_that_logs_a_person_in_is_refused_saying_how_to_give_a_token(monkeypatch, tmp_path):
    isolate(monkeypatch, tmp_path, standin_on_path=False)
    path = profile_file(tmp_path, '[[profile]]\nname = "default"\naccount_id = "pa"\ncluster_id = "pc"\n')
    with pytest.raises(ConfigurationError) as refused:
        resolve_documented_connection({})
    assert str(refused.value) == (
        f"The influxctl profile 'default' in {path} logs a person in through the identity provider and has no "
        "mgmt_token, which InfluxData's Management API needs; create a management token (`influxctl management "
        "create`) and set it with `pulumi config set --secret influxdb3:managementToken` (or "
        "INFLUXDB3_MANAGEMENT_TOKEN), give the resource one in its management_token input, or set "
        "influxdb3:transport to influxctl, which uses this login itself."
    )


def test_no_credential_anywhere_is_one_sentence(monkeypatch, tmp_path):
    isolate(monkeypatch, tmp_path, standin_on_path=False)
    with pytest.raises(ConfigurationError) as refused:
        resolve_documented_connection(stack_config(**IDS))
    assert str(refused.value) == (
        "No management token is configured for InfluxData's Management API; set one with `pulumi config set "
        "--secret influxdb3:managementToken` (or INFLUXDB3_MANAGEMENT_TOKEN), give the resource one in its "
        "management_token input, or name an influxctl profile that has a mgmt_token."
    )


def test_the_resources_own_credential_wins_and_is_checked_without_being_shown(monkeypatch, tmp_path):
    isolate(monkeypatch, tmp_path, standin_on_path=False)
    config = stack_config(apiUrl="https://cluster.example.com", managementToken=TOKEN, **IDS)
    given = resolve_documented_connection(config, credential="M.V1.minted-by-this-stack")
    assert given.management_token.get_secret_value() == "M.V1.minted-by-this-stack"
    with pytest.raises(ConfigurationError) as refused:
        resolve_documented_connection(config, credential="M.V1.two words")
    assert "the resource's management_token input" in str(refused.value) and "two words" not in str(refused.value)


def test_a_misspelt_transport_is_refused_even_though_these_resources_ignore_it(monkeypatch, tmp_path):
    isolate(monkeypatch, tmp_path, standin_on_path=False)
    with pytest.raises(ConfigurationError, match=r"must be http or influxctl, got 'grpc'\."):
        resolve_documented_connection(stack_config(transport="grpc", managementToken=TOKEN, **IDS))


def test_a_named_connection_for_the_documented_api_needs_no_url_on_dedicated_and_no_ids_on_clustered(
    monkeypatch, tmp_path
):
    isolate(monkeypatch, tmp_path, standin_on_path=False)
    config = {
        "staging:accountId": "sa",
        "staging:clusterId": "sc",
        "staging:managementToken": TOKEN,
        "onprem:product": "clustered",
        "onprem:apiUrl": "https://onprem.example.com",
        "onprem:managementToken": TOKEN,
        "bare:accountId": "ba",
        "bare:clusterId": "bc",
    }
    staging = resolve(config.get, "staging", documented=True)
    assert (staging.api_url, staging.account_id) == ("https://console.influxdata.com", "sa")
    onprem = resolve(config.get, "onprem", documented=True)
    assert (onprem.product, onprem.api_url, onprem.cluster_id) == ("clustered", "https://onprem.example.com", "")
    with pytest.raises(ConfigurationError) as refused:
        connection_config(config.get, "bare", documented=True)
    assert str(refused.value) == (
        "Connection 'bare' has no bare:managementToken; set it with "
        "`pulumi config set --secret bare:managementToken ...`."
    )
    # ...unless the resource brings its own credential
    assert resolve(config.get, "bare", documented=True, credential=TOKEN).account_id == "ba"
    monkeypatch.setenv("INFLUXDB3_PRODUCT", "clustered")  # the default connection's, never a named one's
    assert resolve(config.get, "staging", documented=True).product == "dedicated"
