"""SQLite storage for accounts, clusters, management tokens and idempotency keys (the documented API's
databases, tables and database tokens: catalog.py, in the same file).

One file, `DATA_DIR/management.db`, in WAL mode with `synchronous=FULL` and one commit per
write, so every acknowledged write survives a crash or `kill -9`. A single connection is
shared by all threads behind a lock. Token strings are stored only as salted hashes plus
their non-secret prefix.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .catalog_schema import CATALOG_SCHEMA
from .timefmt import format_rfc3339, parse_rfc3339
from .tokens import DEFAULT_HASH_COST, hash_token, new_access_token, new_salt, token_matches, token_prefix

DB_FILENAME = "management.db"
_DB_SIDE_FILES = ("-wal", "-shm", "-journal")

_HASH_COST_COLUMN = f"hash_cost INTEGER NOT NULL DEFAULT {DEFAULT_HASH_COST}"  # older data directories get it too

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS accounts (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS clusters (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS management_tokens (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    cluster_id TEXT NOT NULL REFERENCES clusters(id),
    description TEXT NOT NULL,
    token_prefix TEXT NOT NULL,
    token_hash BLOB NOT NULL,
    salt BLOB NOT NULL,
    {_HASH_COST_COLUMN},
    created_at TEXT NOT NULL,
    expires_at TEXT,
    revoked_at TEXT,
    created_by TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS management_tokens_prefix ON management_tokens(token_prefix);
CREATE INDEX IF NOT EXISTS management_tokens_scope ON management_tokens(account_id, cluster_id);
CREATE TABLE IF NOT EXISTS idempotency_keys (
    account_id TEXT NOT NULL,
    cluster_id TEXT NOT NULL,
    caller_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    token_id TEXT NOT NULL REFERENCES management_tokens(id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (account_id, cluster_id, caller_id, idempotency_key)
);
"""

_TOKEN_COLUMNS = "id, account_id, cluster_id, description, token_prefix, created_at, expires_at, revoked_at, created_by"


@dataclass(frozen=True)
class TokenRecord:
    """A stored management token, without any secret material."""

    id: str
    account_id: str
    cluster_id: str
    description: str
    token_prefix: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    created_by: str

    def is_active(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


@dataclass(frozen=True)
class IdempotencyKey:
    """An Idempotency-Key scoped to account, cluster and the calling token."""

    account_id: str
    cluster_id: str
    caller_id: str
    key: str


@dataclass(frozen=True)
class IdempotencyEntry:
    token_id: str
    request_hash: str


class ConflictError(Exception):
    """A write contradicts what is already stored."""


def _optional_time(value: str | None) -> datetime | None:
    return None if value is None else parse_rfc3339(value)


def _record(row: sqlite3.Row) -> TokenRecord:
    return TokenRecord(
        id=row["id"],
        account_id=row["account_id"],
        cluster_id=row["cluster_id"],
        description=row["description"],
        token_prefix=row["token_prefix"],
        created_at=parse_rfc3339(row["created_at"]),
        expires_at=_optional_time(row["expires_at"]),
        revoked_at=_optional_time(row["revoked_at"]),
        created_by=row["created_by"],
    )


def _make_private(data_dir: Path, db_path: Path) -> None:
    """Owner-only access to the data directory and the database, whatever umask or earlier runs left.

    SQLite creates the -wal and -shm files with the mode of the database file, so a 0600 database
    keeps them private too; ones an earlier version left readable are tightened here.
    """
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    data_dir.chmod(0o700)
    os.close(os.open(db_path, os.O_RDWR | os.O_CREAT, 0o600))
    for path in (db_path, *(db_path.with_name(db_path.name + side) for side in _DB_SIDE_FILES)):
        if path.exists():
            path.chmod(0o600)


class Store:
    """Thread-safe access to `management.db`."""

    def __init__(self, data_dir: Path, hash_cost: int = DEFAULT_HASH_COST) -> None:
        self.path = Path(data_dir) / DB_FILENAME
        self.hash_cost = hash_cost  # for tokens stored from now on
        _make_private(Path(data_dir), self.path)
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        with self._lock:
            # CREATE ... IF NOT EXISTS: a data directory from before the documented API gets its tables here.
            self._conn.executescript(f"BEGIN IMMEDIATE; {_SCHEMA} {CATALOG_SCHEMA} COMMIT;")
            columns = {row["name"] for row in self._conn.execute("PRAGMA table_info(management_tokens)")}
            if "hash_cost" not in columns:  # a data directory from before the cost was stored: all at the default
                self._conn.execute(f"ALTER TABLE management_tokens ADD COLUMN {_HASH_COST_COLUMN}")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Hold the lock and run one immediate transaction, committed on success."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def query(self, sql: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    # Accounts and clusters

    def is_empty(self) -> bool:
        return not self.query("SELECT 1 FROM accounts LIMIT 1")

    def account_exists(self, account_id: str) -> bool:
        return bool(self.query("SELECT 1 FROM accounts WHERE id = ?", (account_id,)))

    def cluster_account(self, cluster_id: str) -> str | None:
        """The account owning a cluster, or None if the cluster is unknown."""
        rows = self.query("SELECT account_id FROM clusters WHERE id = ?", (cluster_id,))
        return rows[0]["account_id"] if rows else None

    def ensure_cluster(self, account_id: str, cluster_id: str, now: datetime) -> None:
        """Create the account and cluster if missing; fail if the cluster belongs elsewhere."""
        created = format_rfc3339(now)
        with self.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO accounts (id, created_at) VALUES (?, ?)", (account_id, created))
            row = conn.execute("SELECT account_id FROM clusters WHERE id = ?", (cluster_id,)).fetchone()
            if row is None:
                conn.execute(
                    "INSERT INTO clusters (id, account_id, created_at) VALUES (?, ?, ?)",
                    (cluster_id, account_id, created),
                )
            elif row["account_id"] != account_id:
                raise ConflictError(f"cluster {cluster_id} already belongs to account {row['account_id']}")

    def bootstrap_scope(self) -> tuple[str, str] | None:
        """Account and cluster of the first bootstrap admin token, if the store was bootstrapped."""
        rows = self.query(
            "SELECT account_id, cluster_id FROM management_tokens WHERE created_by = 'bootstrap' "
            "ORDER BY created_at, rowid LIMIT 1"
        )
        return (rows[0]["account_id"], rows[0]["cluster_id"]) if rows else None

    # Management tokens

    def create_token(
        self,
        *,
        account_id: str,
        cluster_id: str,
        description: str,
        expires_at: datetime | None,
        created_by: str,
        now: datetime,
        access_token: str | None = None,
        idempotency: tuple[IdempotencyKey, str] | None = None,
    ) -> tuple[TokenRecord, str]:
        """Store a new token and return it with its plaintext, which is not kept anywhere.

        `access_token` imports a given token string instead of generating one.
        `idempotency` (key, request hash) is recorded in the same transaction.
        """
        plaintext = access_token if access_token is not None else new_access_token()
        salt = new_salt()
        record = TokenRecord(
            id=str(uuid.uuid4()),
            account_id=account_id,
            cluster_id=cluster_id,
            description=description,
            token_prefix=token_prefix(plaintext),
            created_at=now,
            expires_at=expires_at,
            revoked_at=None,
            created_by=created_by,
        )
        token_hash = hash_token(plaintext, salt, self.hash_cost)
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO management_tokens (id, account_id, cluster_id, description, token_prefix, "
                "token_hash, salt, hash_cost, created_at, expires_at, revoked_at, created_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
                (
                    record.id,
                    account_id,
                    cluster_id,
                    description,
                    record.token_prefix,
                    token_hash,
                    salt,
                    self.hash_cost,
                    format_rfc3339(now),
                    None if expires_at is None else format_rfc3339(expires_at),
                    created_by,
                ),
            )
            if idempotency is not None:
                key, request_hash = idempotency
                conn.execute(
                    "INSERT INTO idempotency_keys (account_id, cluster_id, caller_id, idempotency_key, "
                    "request_hash, token_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        key.account_id,
                        key.cluster_id,
                        key.caller_id,
                        key.key,
                        request_hash,
                        record.id,
                        format_rfc3339(now),
                    ),
                )
        return record, plaintext

    def prefix_used_in(self, table: str, access_token: str) -> bool:
        """Whether a token of `table` shares the prefix: only then can the scrypt check succeed."""
        rows = self.query(f"SELECT 1 FROM {table} WHERE token_prefix = ? LIMIT 1", (token_prefix(access_token),))
        return bool(rows)

    def secret_row(self, table: str, columns: str, access_token: str) -> sqlite3.Row | None:
        """The row of `table` (management or database tokens) whose salted hash matches: the scrypt check."""
        rows = self.query(
            f"SELECT {columns}, token_hash, salt, hash_cost FROM {table} WHERE token_prefix = ?",
            (token_prefix(access_token),),
        )
        for row in rows:
            if token_matches(access_token, row["salt"], row["token_hash"], row["hash_cost"]):
                return row
        return None

    def prefix_in_use(self, access_token: str) -> bool:
        return self.prefix_used_in("management_tokens", access_token)

    def find_by_secret(self, access_token: str) -> TokenRecord | None:
        """The token whose hash matches `access_token`, whatever its state (revoked, expired)."""
        row = self.secret_row("management_tokens", _TOKEN_COLUMNS, access_token)
        return None if row is None else _record(row)

    def get_token_by_id(self, token_id: str) -> TokenRecord | None:
        """The token with this id in any scope, whatever its state (revoked, expired)."""
        rows = self.query(f"SELECT {_TOKEN_COLUMNS} FROM management_tokens WHERE id = ?", (token_id,))
        return _record(rows[0]) if rows else None

    def get_token(self, account_id: str, cluster_id: str, token_id: str) -> TokenRecord | None:
        rows = self.query(
            f"SELECT {_TOKEN_COLUMNS} FROM management_tokens WHERE id = ? AND account_id = ? AND cluster_id = ?",
            (token_id, account_id, cluster_id),
        )
        return _record(rows[0]) if rows else None

    def list_tokens(self, account_id: str, cluster_id: str) -> list[TokenRecord]:
        rows = self.query(
            f"SELECT {_TOKEN_COLUMNS} FROM management_tokens WHERE account_id = ? AND cluster_id = ? "
            "ORDER BY created_at, rowid",
            (account_id, cluster_id),
        )
        return [_record(row) for row in rows]

    def revoke_token(self, account_id: str, cluster_id: str, token_id: str, now: datetime) -> TokenRecord | None:
        """Set `revoked_at` unless already set; None if the token is unknown in this scope."""
        self.mark_revoked("management_tokens", account_id, cluster_id, token_id, now)
        return self.get_token(account_id, cluster_id, token_id)

    def mark_revoked(self, table: str, account_id: str, cluster_id: str, token_id: str, now: datetime) -> None:
        """Revoke a token of `table` (management or database tokens) in its scope, keeping a first revokedAt."""
        with self.transaction() as conn:
            conn.execute(
                f"UPDATE {table} SET revoked_at = ? "
                "WHERE id = ? AND account_id = ? AND cluster_id = ? AND revoked_at IS NULL",
                (format_rfc3339(now), token_id, account_id, cluster_id),
            )

    # Idempotency keys

    def find_idempotency_key(self, key: IdempotencyKey) -> IdempotencyEntry | None:
        rows = self.query(
            "SELECT token_id, request_hash FROM idempotency_keys "
            "WHERE account_id = ? AND cluster_id = ? AND caller_id = ? AND idempotency_key = ?",
            (key.account_id, key.cluster_id, key.caller_id, key.key),
        )
        return IdempotencyEntry(rows[0]["token_id"], rows[0]["request_hash"]) if rows else None
