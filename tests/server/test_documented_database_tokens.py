"""Database tokens over InfluxData's documented Management API, on both products' paths, and who may call it.

Facts from the OpenAPI files (api-docs/influxdb3/{cloud-dedicated,clustered}/management/openapi.yml, "the
files") and content/influxdb3/cloud-dedicated/admin/tokens/database/.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from server.documented_api import Documented, unique
from support.secrets_scan import check

READ_FIELDS = {"id", "description", "permissions", "createdAt"}
RFC3339_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def in_a_day() -> str:
    return (datetime.now(timezone.utc) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_create_answers_200_with_the_access_token_only_there(documented: Documented) -> None:
    """Files, CreateDatabaseToken: 200 with accountId, clusterId (Cloud Dedicated), id (UUID), description,
    permissions, createdAt and accessToken ("The access token ... is only returned once when the token is
    created"; DatabaseTokenAccessToken examples `apiv1_` + 64 characters, "minLength: 64"). GetDatabaseToken
    and GetDatabaseTokens never show it."""
    permissions = [{"action": "read", "resource": "DatabaseOne"}, {"action": "write", "resource": "*"}]
    created = documented.create_token(permissions, "Limited Access Token")
    token = created.pop("accessToken")
    check(re.fullmatch(r"apiv1_[0-9a-f]{64}", token) is not None, "accessToken has not the documented shape")
    assert set(created) == READ_FIELDS | set(documented.ids())
    assert created["description"] == "Limited Access Token" and created["permissions"] == permissions
    assert RFC3339_Z.match(created["createdAt"]) and "expiresAt" not in created and "revokedAt" not in created
    http = documented.client()
    got = http.get(documented.path("tokens", created["id"]))
    assert got.status_code == 200 and got.json() == created
    listing = http.get(documented.path("tokens"))
    assert created in listing.json()
    check(token not in got.text and token not in listing.text, "a read showed the access token")


def test_the_access_token_is_stored_only_as_a_hash(documented: Documented) -> None:
    """Files, CreateDatabaseToken: token strings "aren't stored by InfluxDB"; this server keeps a salted scrypt
    hash, as for management tokens."""
    created = documented.create_token([{"action": "read", "resource": "*"}])
    with sqlite3.connect(documented.server.data_dir / "management.db") as db:
        rows = db.execute("SELECT * FROM database_tokens WHERE id = ?", (created["id"],)).fetchall()
        dump = "\n".join(db.iterdump())
    assert len(rows) == 1
    check(created["accessToken"] not in dump, "the database token string is stored in plaintext")


def test_create_with_an_expiry_and_the_documented_expiration_type(documented: Documented) -> None:
    """admin/tokens/database/create.md: `expirationType` "datetime" or "noExpiration"; "expiresAt is only
    required when expirationType is datetime"."""
    expires = in_a_day()
    http = documented.client()
    dated = http.post(
        documented.path("tokens"), json={"description": "d", "expirationType": "datetime", "expiresAt": expires}
    )
    assert dated.status_code == 200 and dated.json()["expiresAt"] == expires
    never = http.post(documented.path("tokens"), json={"description": "n", "expirationType": "noExpiration"})
    assert never.status_code == 200 and "expiresAt" not in never.json()
    missing = http.post(documented.path("tokens"), json={"description": "m", "expirationType": "datetime"})
    assert missing.status_code == 400
    assert missing.json() == {
        "code": 400,
        "message": "Invalid request body: expiresAt is required when expirationType is datetime.",
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"permissions": []}, "description"),  # CreateDatabaseToken: "required: description"
        ({"description": "x", "permissions": [{"action": "delete", "resource": "db"}]}, "permissions.0.action"),
        ({"description": "x", "permissions": [{"action": "read", "resource": "bad name"}]}, "permissions.0.resource"),
        ({"description": "x", "expiresAt": "2001-01-01T00:00:00Z"}, "expiresAt"),
    ],
)
def test_invalid_create_is_400(documented: Documented, body: dict[str, object], field: str) -> None:
    """Files: 400 BadRequest. admin/tokens/database/create.md: `"action"`: "Specify read or write";
    `"resource"`: a database name (ClusterDatabaseName) or `*`."""
    response = documented.client().post(documented.path("tokens"), json=body)
    assert response.status_code == 400
    assert response.json()["code"] == 400 and f"'{field}'" in response.json()["message"]


def test_update_replaces_the_description_and_the_whole_permission_list(documented: Documented) -> None:
    """Files, UpdateDatabaseToken: "Update the description and permissions of a database token",
    "minProperties: 1" (examples descriptionOnly, permissionsOnly, removeAllPermissions). admin/tokens/database/
    update.md: "the existing permissions are replaced by the new permissions"."""
    created = documented.create_token([{"action": "read", "resource": "a"}, {"action": "write", "resource": "b"}])
    url, http = documented.path("tokens", created["id"]), documented.client()
    described = http.patch(url, json={"description": "Updated Limited Access Token"})
    assert described.status_code == 200
    assert described.json()["description"] == "Updated Limited Access Token"
    assert described.json()["permissions"] == created["permissions"]
    replaced = http.patch(url, json={"permissions": [{"action": "write", "resource": "c"}]})
    assert replaced.json()["permissions"] == [{"action": "write", "resource": "c"}]
    emptied = http.patch(url, json={"permissions": []})
    assert emptied.json()["permissions"] == [] and emptied.json()["description"] == "Updated Limited Access Token"
    assert http.get(url).json() == emptied.json()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Invalid request body: give description, permissions or both."),
        (
            {"expiresAt": "2099-01-01T00:00:00Z"},
            "Invalid request body: expiresAt cannot be updated; create a new token instead.",
        ),
        ({"accessToken": "x"}, "Unknown field 'accessToken' is not allowed."),
    ],
)
def test_update_refuses_anything_but_description_and_permissions(
    documented: Documented, body: dict[str, object], message: str
) -> None:
    """Files, UpdateDatabaseToken: the body has description and permissions only ("minProperties: 1"); an
    expiry cannot be changed."""
    created = documented.create_token([])
    response = documented.client().patch(documented.path("tokens", created["id"]), json=body)
    assert response.status_code == 400 and response.json() == {"code": 400, "message": message}


def test_delete_revokes_and_the_token_stays_readable(documented: Documented) -> None:
    """Files, DeleteDatabaseToken: 204; DatabaseTokenRevokedAt: "The date and time that the database token was
    revoked". admin/tokens/database/revoke.md: revoking "cannot be undone". A later get answers with revokedAt;
    a second delete changes nothing; an update of a revoked token is refused (409, documented for PATCH)."""
    created = documented.create_token([{"action": "write", "resource": "*"}])
    url, http = documented.path("tokens", created["id"]), documented.client()
    deleted = http.delete(url)
    assert deleted.status_code == 204 and deleted.content == b""
    got = http.get(url)
    assert got.status_code == 200 and RFC3339_Z.match(got.json()["revokedAt"])
    assert http.delete(url).status_code == 204
    assert http.get(url).json()["revokedAt"] == got.json()["revokedAt"]
    refused = http.patch(url, json={"description": "again"})
    assert refused.status_code == 409
    assert refused.json() == {"code": 409, "message": "The database token has been revoked and cannot be updated."}


def test_unknown_token_is_404(documented: Documented) -> None:
    """Files: 404 NotFound for GetDatabaseToken, UpdateDatabaseToken and DeleteDatabaseToken."""
    url, http = documented.path("tokens", "6f1d3c1e-2222-4000-8000-000000000000"), documented.client()
    for response in (http.get(url), http.patch(url, json={"description": "x"}), http.delete(url)):
        assert response.status_code == 404
        assert response.json() == {"code": 404, "message": "Database token not found."}


def test_a_database_token_cannot_call_the_management_api(documented: Documented) -> None:
    """Files: `security: bearerAuthManagementToken` (a management token, or a JWT) on every operation, 401
    Unauthorized otherwise; database tokens "authorize read and write access to ... databases" only."""
    token = documented.create_token([{"action": "write", "resource": "*"}, {"action": "read", "resource": "*"}])
    as_database_token = documented.client(token["accessToken"])
    for method, url in [
        ("GET", documented.path("databases")),
        ("POST", documented.path("databases")),
        ("GET", documented.path("tokens")),
        ("POST", documented.path("tokens")),
        ("GET", documented.path("tokens", token["id"])),
        ("DELETE", documented.path("tokens", token["id"])),
        ("POST", documented.path("databases", "x", "tables")),
    ]:
        response = as_database_token.request(method, url, json={"name": unique(), "description": "x"})
        assert response.status_code == 401, (method, url)
        assert response.json() == {"code": 401, "message": "The bearer token is not a valid management token."}
        check(token["accessToken"] not in response.text, "a 401 echoed the database token")
    assert documented.client().get(documented.path("tokens", token["id"])).json().get("revokedAt") is None


def test_no_credentials_is_401_before_anything_else(documented: Documented) -> None:
    """Files: 401 Unauthorized; who you are is checked before the body and the path (a malformed body and an
    unknown database still answer 401)."""
    anonymous = documented.client("")
    for method, url, content in [
        ("GET", documented.path("databases"), None),
        ("POST", documented.path("databases"), b"{not json"),
        ("PATCH", documented.path("databases", unique()), b"{}"),
        ("PUT", documented.path("databases", "1", "undelete"), None),
        ("POST", documented.path("tokens"), b"[]"),
    ]:
        response = anonymous.request(method, url, content=content)
        assert response.status_code == 401 and response.json()["code"] == 401, (method, url)
