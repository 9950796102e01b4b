"""The documented operations as the server's own OpenAPI document lists them, and who may call them."""

from __future__ import annotations

import httpx

from server.documented_api import CLUSTERED, Documented
from support.local_api import ACCOUNT_A, ACCOUNT_B, CLUSTER_A2, CLUSTER_B1, LocalApi

# The operationIds of InfluxData's two OpenAPI files (the same 15 in both), with their methods and paths.
DOCUMENTED = {
    "GetClusterDatabases": ("get", "/databases"),
    "CreateClusterDatabase": ("post", "/databases"),
    "UpdateClusterDatabase": ("patch", "/databases/{databaseName}"),
    "DeleteClusterDatabase": ("delete", "/databases/{databaseName}"),
    "RenameClusterDatabase": ("put", "/databases/{databaseName}/rename"),
    "UndeleteClusterDatabase": ("put", "/databases/{databaseId}/undelete"),
    "CreateClusterDatabaseTable": ("post", "/databases/{databaseName}/tables"),
    "DeleteClusterDatabaseTable": ("delete", "/databases/{databaseName}/tables/{tableName}"),
    "RenameClusterDatabaseTable": ("put", "/databases/{databaseName}/tables/{tableName}/rename"),
    "UndeleteClusterDatabaseTable": ("put", "/databases/{databaseName}/tables/{tableId}/undelete"),
    "GetDatabaseTokens": ("get", "/tokens"),
    "CreateDatabaseToken": ("post", "/tokens"),
    "GetDatabaseToken": ("get", "/tokens/{tokenId}"),
    "UpdateDatabaseToken": ("patch", "/tokens/{tokenId}"),
    "DeleteDatabaseToken": ("delete", "/tokens/{tokenId}"),
}


def test_the_openapi_document_lists_the_15_documented_operations_at_the_products_paths(
    documented: Documented,
) -> None:
    """Files: Cloud Dedicated's `paths` start with /accounts/{accountId}/clusters/{clusterId}, Clustered's do
    not; both under the server URL .../api/v0."""
    prefix = "/api/v0" if documented.product == CLUSTERED else "/api/v0/accounts/{accountId}/clusters/{clusterId}"
    paths = documented.client("").get("/openapi.json").json()["paths"]
    served = {
        operation["operationId"]: (method, path)
        for path, item in paths.items()
        for method, operation in item.items()
        if operation.get("operationId") in DOCUMENTED
    }
    assert served == {op: (method, prefix + path) for op, (method, path) in DOCUMENTED.items()}
    assert "PostWrite" in {operation.get("operationId") for operation in paths["/api/v2/write"].values()}


def test_another_account_or_cluster_is_403_on_cloud_dedicated_paths(server: LocalApi, admin: httpx.Client) -> None:
    """Files: 403 Forbidden; a management token manages its own cluster only (the shared server has account A
    with clusters A1, A2 and account B)."""
    for account, cluster in ((ACCOUNT_B, CLUSTER_B1), (ACCOUNT_A, CLUSTER_A2)):
        for method, tail in (("GET", "databases"), ("POST", "databases"), ("GET", "tokens"), ("POST", "tokens")):
            response = admin.request(
                method, f"/api/v0/accounts/{account}/clusters/{cluster}/{tail}", json={"name": "x", "description": "x"}
            )
            assert response.status_code == 403, (account, cluster, method, tail)
            assert response.json()["code"] == 403
