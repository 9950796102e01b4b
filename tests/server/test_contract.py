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
