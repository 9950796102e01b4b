"""`POST /api/v2/write` with database tokens, as InfluxData's data API reference documents it
(api-docs/influxdb3/cloud-dedicated/influxdb3-cloud-dedicated-openapi.yaml, PostWrite: "the write reference"),
and the activation delay of new database tokens.
"""

from __future__ import annotations

import gzip
import sqlite3
from pathlib import Path

import pytest

from server.documented_api import Documented, unique
from support.local_api import StartServer
from support.secrets_scan import check

UNAUTHORIZED = {"code": "unauthorized", "message": "unauthorized access"}
LINE = "home,room=kitchen temp=72 1641024000"


def points_written(api: Documented, database: str) -> int:
    with sqlite3.connect(api.server.data_dir / "management.db") as db:
        (count,) = db.execute(
            "SELECT points_written FROM databases WHERE name = ? AND deleted_at IS NULL", (database,)
        ).fetchone()
    return int(count)


def test_a_write_token_writes_and_gets_204(documented: Documented) -> None:
    """Write reference: "204 No Content: All data in the batch is ingested"; TokenAuthentication
    (`Authorization: Token DATABASE_TOKEN`) and BearerAuthentication ("works with all endpoints"); `org` is
    "Ignored"; the python client sends `?org=default&bucket=<db>&precision=ns`."""
    database = unique()
    documented.create_database(database)
    token = documented.create_token([{"action": "write", "resource": database}])["accessToken"]
    response = documented.write(token, database, LINE + "\n" + LINE, org="default", precision="s")
    assert response.status_code == 204 and response.content == b""
    assert documented.write(token, database, LINE, scheme="Bearer").status_code == 204
    assert points_written(documented, database) == 3


def test_a_wildcard_write_permission_reaches_every_database(documented: Documented) -> None:
    """DatabaseTokenResourceAllDatabases: "A resource value ... that refers to all databases" (`*`)."""
    database = unique()
    documented.create_database(database)
    token = documented.create_token([{"action": "write", "resource": "*"}])["accessToken"]
    assert documented.write(token, database, LINE).status_code == 204


def test_gzip_bodies_are_accepted(documented: Documented) -> None:
    """Write reference: "To send a gzip payload, pass Content-Encoding: gzip header"."""
    database = unique()
    documented.create_database(database)
    token = documented.create_token([{"action": "write", "resource": database}])["accessToken"]
    with documented.server.client("") as http:
        response = http.post(
            "/api/v2/write",
            params={"bucket": database},
            content=gzip.compress(LINE.encode()),
            headers={"Authorization": f"Token {token}", "Content-Encoding": "gzip"},
        )
    assert response.status_code == 204


def test_refused_tokens_get_401_unauthorized_access(documented: Documented) -> None:
    """Write reference, AuthorizationError: 401 `{"code": "unauthorized", "message": "unauthorized access"}` when
    "The Authorization: Token header is missing or malformed", "The API token value is missing", or "The token
    doesn't have sufficient permissions to write to ... the database"; revoked and expired tokens too
    (admin/tokens/database/revoke.md: revoking "takes place immediately"). Nothing is written."""
    database = unique()
    documented.create_database(database)
    read_only = documented.create_token([{"action": "read", "resource": database}])["accessToken"]
    other_database = documented.create_token([{"action": "write", "resource": unique()}])["accessToken"]
    revoked = documented.create_token([{"action": "write", "resource": database}])
    assert documented.client().delete(documented.path("tokens", revoked["id"])).status_code == 204
    management = documented.server.admin_token
    for token, scheme in [
        (None, "Token"),
        ("", "Token"),
        (read_only, "token"),  # "The word Token is case-sensitive."
        (read_only, "Token"),
        (other_database, "Token"),
        (revoked["accessToken"], "Token"),
        ("apiv1_" + "0" * 64, "Token"),
        (management, "Bearer"),  # a management token is not a database token
    ]:
        response = documented.write(token, database, LINE, scheme=scheme)
        assert response.status_code == 401, (token is None, scheme)
        assert response.json() == UNAUTHORIZED
        check(not token or token not in response.text, "a 401 echoed the token")
    assert points_written(documented, database) == 0


def test_a_token_loses_write_access_when_its_permissions_change(documented: Documented) -> None:
    """admin/tokens/database/update.md: "the existing permissions are replaced by the new permissions"."""
    database = unique()
    documented.create_database(database)
    created = documented.create_token([{"action": "write", "resource": database}])
    assert documented.write(created["accessToken"], database, LINE).status_code == 204
    patched = documented.client().patch(
        documented.path("tokens", created["id"]), json={"permissions": [{"action": "read", "resource": database}]}
    )
    assert patched.status_code == 200
    assert documented.write(created["accessToken"], database, LINE).status_code == 401


def test_an_unknown_database_is_404_not_found(documented: Documented) -> None:
    """Write reference, ResourceNotFoundError example bucket-not-found: `{"code": "not found", "message":
    "database \\"air_sensor\\" not found"}`. admin/databases/rename.md: after a rename, tokens for the old name
    reach nothing (they "reference the old database name")."""
    token = documented.create_token([{"action": "write", "resource": "*"}])["accessToken"]
    response = documented.write(token, "air_sensor", LINE)
    assert response.status_code == 404
    assert response.json() == {"code": "not found", "message": 'database "air_sensor" not found'}
    database = unique()
    documented.create_database(database)
    renamed = documented.client().put(documented.path("databases", database, "rename"), json={"name": database + "_2"})
    assert renamed.status_code == 200
    assert documented.write(token, database, LINE).status_code == 404


@pytest.mark.parametrize(
    ("body", "line", "reason"),
    [
        ("home temp=72\nhome", 2, "missing fields"),
        ("home,room=kitchen", 1, "missing fields"),
        ("home temp=", 1, "invalid field"),
        ("home temp=72 notatime", 1, "invalid timestamp"),
        ("home temp=72\n,room=x temp=1", 2, "missing measurement"),
    ],
)
def test_rejected_points_are_400_invalid_naming_the_line(
    documented: Documented, body: str, line: int, reason: str
) -> None:
    """Write reference: "400 Bad Request: ... all of the data has been rejected" (no partial writes), a
    LineProtocolError body: `code` "invalid", `line` "First line in the request body that contains malformed
    data", a message "failed to parse line protocol: errors encountered on line(s): ...". Nothing is written."""
    database = unique()
    documented.create_database(database)
    token = documented.create_token([{"action": "write", "resource": database}])["accessToken"]
    response = documented.write(token, database, body)
    assert response.status_code == 400
    answer = response.json()
    assert answer["code"] == "invalid" and answer["line"] == line
    assert answer["message"] == f"failed to parse line protocol: errors encountered on line(s): line {line}: {reason}"
    assert points_written(documented, database) == 0


def test_bad_parameters_are_400(documented: Documented) -> None:
    """Write reference: `bucket` is required; `precision` is a WritePrecision (ms, s, us, ns)."""
    database = unique()
    documented.create_database(database)
    token = documented.create_token([{"action": "write", "resource": database}])["accessToken"]
    missing = documented.write(token, None, LINE)
    assert missing.status_code == 400 and missing.json()["code"] == "invalid"
    precision = documented.write(token, database, LINE, precision="h")
    assert precision.status_code == 400
    assert precision.json() == {"code": "invalid", "message": "invalid precision: use ns, us, ms or s"}


def test_a_new_token_waits_for_the_activation_delay(start: StartServer, tmp_path: Path) -> None:
    """CreateDatabaseToken, "Notable behaviors": "InfluxDB might take some time--from a few seconds to a few
    minutes--to activate ... new tokens. If a new database token doesn't immediately work (you receive a 401
    Unauthorized error) ... wait and then try your request again." With --database-token-activation-delay a new
    token answers 401 on writes; without it, the same write succeeds at once."""
    for delay, expected in (("3600", 401), ("0", 204)):
        server = start(tmp_path / f"data-{delay}", "--database-token-activation-delay", delay)
        api = Documented(server, "dedicated")
        database = unique()
        api.create_database(database)
        token = api.create_token([{"action": "write", "resource": database}])["accessToken"]
        response = api.write(token, database, LINE)
        assert response.status_code == expected, delay
        if expected == 401:
            assert response.json() == UNAUTHORIZED
        server.stop()
