"""What an adversarial review of the local server found (issue 11): each request here once got a 500,
a reset connection, an oversized buffer, a Host-built redirect or a wrong header."""

from __future__ import annotations

import stat
from pathlib import Path

import httpx
import pytest

from support.local_api import LocalApi, StartServer, admin_token_file, create_token, refused_start
from support.secrets_scan import check


def test_deeply_nested_json_body_is_400_and_leaves_no_traceback(server: LocalApi, admin: httpx.Client) -> None:
    # Python's json module recurses per nesting level and raises RecursionError near 1,000 levels.
    for body in ('{"description": ' + "[" * 1000 + "]" * 1000 + "}", "[" * 50_000):
        response = admin.post(server.tokens_path, content=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 400, response.text
        assert response.json() == {"code": 400, "message": "The request body nests too deeply."}
    assert admin.get(server.tokens_path).status_code == 200  # the server is still there
    assert "Traceback" not in server.stderr


@pytest.mark.parametrize(
    "expires_at",
    ["9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00", "9999-12-31T23:00:00-23:59"],
)
def test_expiry_beyond_the_representable_range_is_400_naming_the_field(
    server: LocalApi, admin: httpx.Client, expires_at: str
) -> None:
    # Each is valid RFC3339 whose instant in UTC falls outside years 1..9999 (datetime's range).
    response = admin.post(server.tokens_path, json={"expiresAt": expires_at})
    assert response.status_code == 400, response.text
    assert response.json()["message"].startswith("Invalid value for field 'expiresAt': ")
    assert "Traceback" not in server.stderr


def test_latest_representable_expiry_is_accepted(server: LocalApi, admin: httpx.Client) -> None:
    created = create_token(admin, server, expiresAt="9999-12-31T22:59:59-01:00")
    assert created["expiresAt"] == "9999-12-31T23:59:59Z"


def test_oversized_body_is_413_before_it_is_buffered(server: LocalApi, admin: httpx.Client) -> None:
    big = b'{"description": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    response = admin.post(server.tokens_path, content=big, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["code"] == 413 and "64 KiB" in response.json()["message"]

    def chunks():  # no Content-Length: the limit must hold for a streamed body too
        yield b'{"description": "'
        for _ in range(200):
            yield b"x" * 1024
        yield b'"}'

    streamed = admin.post(server.tokens_path, content=chunks(), headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413
    # The largest legitimate body (1,024 description characters, each a \\u-escaped surrogate pair) fits.
    widest = '{"description": "' + "\\ud83d\\ude00" * 1024 + '"}'
    assert admin.post(server.tokens_path, content=widest).status_code == 201


def test_trailing_slash_is_not_redirected_to_the_host_header(server: LocalApi, admin: httpx.Client) -> None:
    response = admin.get(server.tokens_path + "/", headers={"Host": "attacker.example"})
    assert response.status_code == 404
    assert "location" not in response.headers


def test_responses_that_carry_a_token_are_not_cacheable(server: LocalApi, admin: httpx.Client) -> None:
    created = admin.post(server.tokens_path, json={}, headers={"Idempotency-Key": "no-store-check"})
    replayed = admin.post(server.tokens_path, json={}, headers={"Idempotency-Key": "no-store-check"})
    for response in (created, replayed):
        assert response.status_code == 201 and "accessToken" in response.json()
        assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("method", "suffix", "allowed"),
    [("DELETE", "", {"GET", "POST"}), ("PUT", "", {"GET", "POST"}), ("POST", "/x", {"GET", "DELETE"})],
)
def test_405_allow_header_lists_every_method_of_the_path(
    server: LocalApi, admin: httpx.Client, method: str, suffix: str, allowed: set[str]
) -> None:
    # RFC 9110 section 15.5.6: a 405 response MUST carry an Allow header with the target's methods.
    response = admin.request(method, server.tokens_path + suffix)
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["Allow"].split(",")} == allowed
    assert response.json()["code"] == 405


def _cmdline(server: LocalApi) -> str:
    """The server's argv as ``ps`` shows it (the server was exec'd, so this is its own command line)."""
    assert server.process is not None
    cmdline = Path(f"/proc/{server.process.pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    assert "-m influxdb3_local_api " in cmdline, cmdline
    return cmdline


def test_admin_token_from_a_file_or_the_environment_stays_out_of_argv(
    start: StartServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from_file = "M.V1.admin-token-read-from-a-file-0123456789"
    first = start(tmp_path / "by-file", "--admin-token-file", admin_token_file(tmp_path, from_file), exec_argv=True)
    check(from_file not in _cmdline(first), "the admin token is in the server's argv")
    check(first.admin_token == from_file, "bootstrap.json must hold the token read from the file")
    assert first.client(from_file).get(first.tokens_path).status_code == 200

    from_env = "M.V1.admin-token-read-from-the-environment-42"
    monkeypatch.setenv("INFLUXDB3_LOCAL_ADMIN_TOKEN", from_env)
    second = start(tmp_path / "by-env", exec_argv=True)
    check(from_env not in _cmdline(second), "the admin token is in the server's argv")
    check(second.admin_token == from_env, "bootstrap.json must hold the token from the environment")


def test_data_directory_and_database_files_are_private(start: StartServer, tmp_path: Path) -> None:
    data_dir = tmp_path / "shared-looking"
    data_dir.mkdir(mode=0o755)
    data_dir.chmod(0o755)
    server = start(data_dir)
    create_token(server.client(), server, description="makes the WAL")
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    files = sorted(p.name for p in data_dir.iterdir())
    assert {"management.db", "management.db-wal", "management.db-shm", "bootstrap.json"} <= set(files)
    for path in data_dir.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_an_unreadable_admin_token_file_is_one_sentence_naming_the_option(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-token-file"
    done = refused_start(tmp_path / "data", "--admin-token-file", str(missing))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == f"influxdb3-local-api: cannot read --admin-token-file {missing}: No such file or directory\n"
