"""Database and DatabaseToken through the real engine against the local server's documented Management API.

Facts held (InfluxData's OpenAPI files, influxdata/docs-v2 api-docs/influxdb3/{cloud-dedicated,clustered}/management/
openapi.yml, and content/influxdb3/cloud-dedicated/admin/): Cloud Dedicated serves databases and database tokens under
/api/v0/accounts/{accountId}/clusters/{clusterId}/, Clustered under /api/v0/ alone; only a token's create answer
carries its accessToken; update changes a token's description and permissions, never its expiry; a deleted token is
revoked (a get still answers, with revokedAt); a database's limits and retention change in place, a rename keeps
its data, and its partition template is fixed at create.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from support.engine import Stack
from support.faces import BOTH_IN_ONE_STACK, FACES, declared
from support.fixtures import admin_token_of_this_process, running_local_api
from support.local_api import LocalApi
from support.secrets_scan import assert_nowhere

PRODUCTS = ("dedicated", "clustered")


@pytest.fixture(params=PRODUCTS)
def product(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def server(tmp_path: Path, product: str) -> Iterator[LocalApi]:
    with running_local_api(
        tmp_path / "server-data", "--product", product, admin_token=admin_token_of_this_process("local_api")
    ) as api:
        yield api


def make_stack(tmp_path: Path, server: LocalApi, product: str, spec: dict[str, Any], face: str) -> Stack:
    defaults = {"faces": list(FACES)} if face == BOTH_IN_ONE_STACK else {"face": face}
    stack = Stack.create("databases", tmp_path, spec_defaults=defaults)
    stack.write_spec(spec)
    stack.connect_to(server, plain={"influxdb3:retryTimeout": "20", "influxdb3:product": product})
    return stack


def documented(server: LocalApi, product: str, *parts: str) -> str:
    prefix = (
        "/api/v0" if product == "clustered" else f"/api/v0/accounts/{server.account_id}/clusters/{server.cluster_id}"
    )
    return "/".join((prefix, *parts))


def test_a_database_and_a_token_are_made_read_back_unchanged_and_destroyed(
    tmp_path: Path, server: LocalApi, product: str
) -> None:
    spec = {
        "databases": {"metrics": {"name": "metrics-{face}", "retention_period": "30d", "max_tables": 100}},
        "tokens": {
            "reader": {
                "description": "dashboards",
                "permissions": [{"action": "read", "resource": "metrics-{face}"}],
                "expires_in": "30d",
            },
        },
    }
    stack = make_stack(tmp_path, server, product, spec, BOTH_IN_ONE_STACK)
    stack.up().ok()
    shown, secrets = stack.outputs(), stack.secret_outputs()
    with server.client() as http:
        databases = http.get(documented(server, product, "databases")).json()
        tokens = {t["id"]: t for t in http.get(documented(server, product, "tokens")).json()}
    assert sorted(d["name"] for d in databases) == [f"metrics-{face}" for face in sorted(FACES)]
    for face, at in declared(BOTH_IN_ONE_STACK):
        assert shown[f"{at}metrics.retention_period_ns"] == 30 * 86400 * 10**9
        assert shown[f"{at}reader.token"] == "[secret]"
        token = tokens[shown[f"{at}reader.token_id"]]
        assert token["permissions"] == [{"action": "read", "resource": f"metrics-{face}"}]
        assert token["description"].startswith("dashboards [pulumi:")
    stack.preview("--expect-no-changes").ok()
    assert_nowhere(stack, *(secrets[f"{at}reader.token"] for _, at in declared(BOTH_IN_ONE_STACK)), server.admin_token)
    stack.destroy().ok()
    with server.client() as http:
        assert http.get(documented(server, product, "databases")).json() == []
        assert all(t.get("revokedAt") for t in http.get(documented(server, product, "tokens")).json())
