"""The served OpenAPI contract and the health probe."""

from __future__ import annotations

from support.local_api import LocalApi

TOKENS = "/api/v0/accounts/{accountId}/clusters/{clusterId}/managementTokens"


def test_openapi_describes_management_token_routes(server: LocalApi) -> None:
    response = server.client("").get("/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "InfluxDB 3 Management API (local)"
    paths = schema["paths"]
    assert set(paths[TOKENS]) == {"get", "post"}
    assert set(paths[TOKENS + "/{tokenId}"]) == {"get", "delete"}
    create = paths[TOKENS]["post"]
    assert create["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/CreatedManagementToken"
    )
    body_schema = create["requestBody"]["content"]["application/json"]["schema"]
    assert set(body_schema["properties"]) == {"description", "expiresAt"}
    assert "HTTPValidationError" not in schema["components"]["schemas"]


def test_health_needs_no_auth(server: LocalApi) -> None:
    response = server.client("").get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_openapi_states_where_the_contract_is_stricter_or_differs_from_generic_rest(server: LocalApi) -> None:
    # schemathesis reads this document (tests/server/test_schemathesis.py); what its checks cannot
    # infer from a schema is written down here, and configured per check in schemathesis.toml.
    paths = server.client("").get("/openapi.json").json()["paths"]
    create = paths[TOKENS]["post"]
    expires_at = create["requestBody"]["content"]["application/json"]["schema"]["properties"]["expiresAt"]
    assert "strictly in the future" in expires_at["description"] and "400" in expires_at["description"]
    assert "not in the future" in create["responses"]["400"]["description"]
    assert "413" in create["responses"]
    [key] = [p for p in create["parameters"] if p["name"] == "Idempotency-Key"]
    assert key["schema"]["pattern"] == "^[ -~]{1,255}$"  # what the server accepts, no more, no less
    assert "revoked token stays readable" in paths[TOKENS + "/{tokenId}"]["get"]["description"]
