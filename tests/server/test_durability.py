"""Bootstrap, restarts and crash (SIGKILL) durability."""

from __future__ import annotations

import secrets
import stat
import uuid
from pathlib import Path

from support.local_api import LocalApi, StartServer, admin_token_file, create_token, refused_start
from support.secrets_scan import check

BOOTSTRAP_KEYS = {"apiUrl", "accountId", "clusterId", "managementToken"}


def test_bootstrap_file_is_private_and_complete(start: StartServer) -> None:
    server: LocalApi = start()
    path = server.data_dir / "bootstrap.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    boot = server.bootstrap
    assert set(boot) == BOOTSTRAP_KEYS
    assert boot["apiUrl"] == server.url and server.url.startswith("http://127.0.0.1:")
    assert uuid.UUID(boot["accountId"]) and uuid.UUID(boot["clusterId"])
    assert [line for line in server.startup_lines if "credentials written" in line] == [
        f"influxdb3-local-api: bootstrap credentials written to {path}"
    ]
    check(
        not any(boot["managementToken"] in line for line in server.startup_lines),
        "the generated bootstrap token was printed; it belongs only in bootstrap.json",
    )
    assert f"influxdb3-local-api: generated a bootstrap admin management token; read it from {path}" in [
        line.strip() for line in server.startup_lines
    ]
    response = server.client().get(server.tokens_path)
    assert response.status_code == 200
    [token] = response.json()
    assert token["description"] == "bootstrap admin token"
    assert token["createdBy"] == "bootstrap" and token["expiresAt"] is None


def test_restart_keeps_tokens_and_adds_admin_token(start: StartServer, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = start(data_dir)
    generated = first.admin_token
    admin = first.client()
    created = create_token(admin, first, description="survives restart")
    key = str(uuid.uuid4())
    keyed = admin.post(first.tokens_path, json={}, headers={"Idempotency-Key": key})
    assert keyed.status_code == 201
    keyed_id = keyed.json()["id"]
    first.stop()

    extra_admin = "local-admin-" + secrets.token_urlsafe(24)
    second = start(data_dir, "--admin-token-file", admin_token_file(tmp_path, extra_admin))
    assert not any("bootstrap" in line for line in second.startup_lines)
    check(not any(extra_admin in line for line in second.startup_lines), "the admin token was printed")
    boot = second.bootstrap
    assert boot["apiUrl"] == second.url != first.url
    check(boot["managementToken"] == generated, "bootstrap.json lost the generated token")

    admin = second.client()
    assert admin.get(f"{second.tokens_path}/{created['id']}").json()["description"] == "survives restart"
    assert second.client(created["accessToken"]).get(second.tokens_path).status_code == 200
    assert second.client(extra_admin).get(second.tokens_path).status_code == 200

    response = admin.post(second.tokens_path, json={}, headers={"Idempotency-Key": key})
    assert response.status_code == 409
    assert response.json() == {
        "code": 409,
        "message": f"Idempotency-Key {key} was already used for token {keyed_id}; "
        "its access token cannot be shown again.",
        "tokenId": keyed_id,
    }


def test_token_survives_sigkill_right_after_create(start: StartServer, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    given_admin = "given-admin-" + secrets.token_urlsafe(24)
    first = start(data_dir, "--admin-token-file", admin_token_file(tmp_path, given_admin))
    check(not any(given_admin in line for line in first.startup_lines), "the admin token was printed")
    check(first.admin_token == given_admin, "bootstrap.json must hold the given admin token")
    created = create_token(first.client(), first, description="crash test")
    first.kill()

    second = start(data_dir)
    response = second.client().get(f"{second.tokens_path}/{created['id']}")
    assert response.status_code == 200
    assert response.json()["description"] == "crash test"
    assert second.client(created["accessToken"]).get(second.tokens_path).status_code == 200


def test_conflicting_account_id_on_restart_fails_clearly(start: StartServer, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    start(data_dir).stop()
    other = str(uuid.uuid4())
    result = refused_start(data_dir, "--account-id", other)
    assert result.returncode == 2
    assert f"not {other}" in result.stderr
