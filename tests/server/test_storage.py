"""Token strings are stored only as salted hashes."""

from __future__ import annotations

import sqlite3

import httpx

from support.local_api import LocalApi, create_token
from support.secrets_scan import check


def all_values(db_path: str) -> list[object]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        assert {"accounts", "clusters", "management_tokens", "idempotency_keys"} <= set(tables)
        return [value for table in tables for row in conn.execute(f'SELECT * FROM "{table}"') for value in row]
    finally:
        conn.close()


def appears_in(secret: str, value: object) -> bool:
    if isinstance(value, bytes):
        return secret.encode() in value
    return secret in str(value)


def test_no_plaintext_token_in_database_or_data_files(server: LocalApi, admin: httpx.Client) -> None:
    created = [
        create_token(admin, server, description="storage check"),
        admin.post(server.tokens_path, json={}, headers={"Idempotency-Key": "storage-check"}).json(),
    ]
    secrets = [token["accessToken"] for token in created]
    bootstrap_token = server.admin_token

    values = all_values(str(server.data_dir / "management.db"))
    for token in created:
        assert token["tokenPrefix"] in values  # the prefix is stored, for lookups
    for secret in [*secrets, bootstrap_token]:
        leaked = any(appears_in(secret, value) for value in values)
        check(not leaked, "a plaintext token is stored in management.db")
        # Everything after the stored prefix is secret.
        check(not any(appears_in(secret[12:], value) for value in values), "a token suffix is stored")

    files = [path for path in server.data_dir.iterdir() if path.is_file()]
    assert any(path.name == "management.db-wal" for path in files)
    for path in files:
        raw = path.read_bytes()
        check(not any(secret.encode() in raw for secret in secrets), f"a created token is in {path.name}")
        if path.name != "bootstrap.json":
            check(bootstrap_token.encode() not in raw, f"the bootstrap token is in {path.name}")
