"""A ManagementToken over HTTP to InfluxData's own service is refused before any call.

Documented fact held here: InfluxData's Management API (api-docs/influxdb3/cloud-dedicated/management/openapi.yml,
served at https://console.influxdata.com/api/v0) has paths for databases, tables and database tokens
(`/accounts/{accountId}/clusters/{clusterId}/tokens` are database tokens) and none for management tokens;
content/influxdb3/cloud-dedicated/admin/tokens/management/create.md makes them with `influxctl management create` or the
Admin UI.
"""

from __future__ import annotations

import httpx
import pytest

from pulumi_influxdb3_tokens.clients import client_for
from pulumi_influxdb3_tokens.clients.http import HttpTokenClient
from pulumi_influxdb3_tokens.core.errors import ConfigurationError
from pulumi_influxdb3_tokens.settings import resolve_connection
from support.influxctl import isolate, stack_config

SETTINGS = {"accountId": "acc", "clusterId": "clu", "managementToken": "M.V1.a-secret-token-value"}
REFUSAL = (
    "InfluxData's Management API at console.influxdata.com has no management-token endpoints (only influxctl and the "
    "Admin UI make management tokens), so a ManagementToken cannot go over http there; set influxdb3:transport / "
    "INFLUXDB3_TRANSPORT to influxctl (databases and database tokens still use influxdb3:apiUrl)."
)


@pytest.mark.parametrize(
    "url",
    [
        "https://console.influxdata.com",
        "https://CONSOLE.influxdata.com:443/api/v0",
        "http://console.influxdata.com.:8080",
    ],
)
def test_a_management_token_at_influxdatas_api_is_refused_before_any_request(monkeypatch, tmp_path, url):
    isolate(monkeypatch, tmp_path, standin_on_path=False)
    connection = resolve_connection(stack_config(apiUrl=url, allowInsecureHttp="true", **SETTINGS))
    with pytest.raises(ConfigurationError) as refused:
        client_for(connection)
    assert str(refused.value) == REFUSAL
    sent: list[httpx.Request] = []
    with pytest.raises(ConfigurationError):
        HttpTokenClient(
            connection, transport=httpx.MockTransport(lambda request: sent.append(request) or httpx.Response(500))
        )
    assert sent == []


def test_another_host_of_the_same_domain_is_not_influxdatas_api(monkeypatch, tmp_path):
    isolate(monkeypatch, tmp_path, standin_on_path=False)
    connection = resolve_connection(stack_config(apiUrl="https://mgmt.influxdata.com.example.org", **SETTINGS))
    assert isinstance(client_for(connection), HttpTokenClient)
