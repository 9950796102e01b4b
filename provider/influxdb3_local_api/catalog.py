"""Databases, tables and database tokens of the documented Management API, in the server's SQLite file.

Rows live beside the management tokens (schema: catalog_schema.py) and share the Store's one connection
and lock. A database token's string is kept only as a salted scrypt hash and its non-secret prefix, as a
management token's is (tokens.py); permissions are stored as the JSON list the API shows.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .store import Store
from .timefmt import format_rfc3339, parse_rfc3339
from .tokens import hash_token, new_database_token, new_salt, token_prefix

PartitionTemplate = list[dict[str, Any]]


class NameTaken(Exception):
    """A live database or table in the same scope already has the name."""


class NotDeleted(Exception):
    """Undelete of a database or table that is not deleted."""


@dataclass(frozen=True)
class Scope:
    """The cluster an operation acts on."""

    account_id: str
    cluster_id: str


@dataclass(frozen=True)
class DatabaseRecord:
    id: int
    account_id: str
    cluster_id: str
    name: str
    max_tables: int
    max_columns_per_table: int
    retention_period: int
    partition_template: PartitionTemplate | None
    points_written: int


@dataclass(frozen=True)
class TableRecord:
    id: int
    account_id: str
    cluster_id: str
    database_name: str
    name: str
    partition_template: PartitionTemplate | None


@dataclass(frozen=True)
class DatabaseTokenRecord:
    """A stored database token, without any secret material."""

    id: str
    account_id: str
    cluster_id: str
    description: str
    permissions: list[dict[str, str]]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    def is_active(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    def may(self, action: str, database: str) -> bool:
        """Whether a permission grants `action` on `database` by name ("*": every database)."""
        return any(p["action"] == action and p["resource"] in (database, "*") for p in self.permissions)


def _template(text: str | None) -> PartitionTemplate | None:
    return None if text is None else list(json.loads(text))


def _template_text(template: PartitionTemplate | None) -> str | None:
    return None if template is None else json.dumps(template, ensure_ascii=False)


def _time(text: str | None) -> datetime | None:
    return None if text is None else parse_rfc3339(text)


_DATABASE_COLUMNS = (
    "id, account_id, cluster_id, name, max_tables, max_columns_per_table, retention_period, "
    "partition_template, points_written"
)
_TABLE_COLUMNS = "t.id, d.account_id, d.cluster_id, d.name AS database_name, t.name, t.partition_template, t.deleted_at"
_TOKEN_COLUMNS = "id, account_id, cluster_id, description, permissions, created_at, expires_at, revoked_at"


def _database(row: sqlite3.Row) -> DatabaseRecord:
    return DatabaseRecord(
        id=row["id"],
        account_id=row["account_id"],
        cluster_id=row["cluster_id"],
        name=row["name"],
        max_tables=row["max_tables"],
        max_columns_per_table=row["max_columns_per_table"],
        retention_period=row["retention_period"],
        partition_template=_template(row["partition_template"]),
        points_written=row["points_written"],
    )


def _table(row: sqlite3.Row) -> TableRecord:
    return TableRecord(
        id=row["id"],
        account_id=row["account_id"],
        cluster_id=row["cluster_id"],
        database_name=row["database_name"],
        name=row["name"],
        partition_template=_template(row["partition_template"]),
    )


def _token(row: sqlite3.Row) -> DatabaseTokenRecord:
    return DatabaseTokenRecord(
        id=row["id"],
        account_id=row["account_id"],
        cluster_id=row["cluster_id"],
        description=row["description"],
        permissions=list(json.loads(row["permissions"])),
        created_at=parse_rfc3339(row["created_at"]),
        expires_at=_time(row["expires_at"]),
        revoked_at=_time(row["revoked_at"]),
    )


class Catalog:
    """The documented API's resources, over the Store's connection."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # Databases

    def _live_database(self, conn: sqlite3.Connection, scope: Scope, name: str) -> DatabaseRecord | None:
        row = conn.execute(
            f"SELECT {_DATABASE_COLUMNS} FROM databases "
            "WHERE account_id = ? AND cluster_id = ? AND name = ? AND deleted_at IS NULL",
            (scope.account_id, scope.cluster_id, name),
        ).fetchone()
        return None if row is None else _database(row)

    def create_database(
        self,
        scope: Scope,
        *,
        name: str,
        max_tables: int,
        max_columns_per_table: int,
        retention_period: int,
        partition_template: PartitionTemplate | None,
        now: datetime,
    ) -> DatabaseRecord:
        with self.store.transaction() as conn:
            if self._live_database(conn, scope, name) is not None:
                raise NameTaken(name)
            conn.execute(
                "INSERT INTO databases (account_id, cluster_id, name, max_tables, max_columns_per_table, "
                "retention_period, partition_template, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    scope.account_id,
                    scope.cluster_id,
                    name,
                    max_tables,
                    max_columns_per_table,
                    retention_period,
                    _template_text(partition_template),
                    format_rfc3339(now),
                ),
            )
            created = self._live_database(conn, scope, name)
        assert created is not None
        return created

    def list_databases(self, scope: Scope) -> list[DatabaseRecord]:
        rows = self.store.query(
            f"SELECT {_DATABASE_COLUMNS} FROM databases WHERE account_id = ? AND cluster_id = ? "
            "AND deleted_at IS NULL ORDER BY id",
            (scope.account_id, scope.cluster_id),
        )
        return [_database(row) for row in rows]

    def list_deleted_databases(self, scope: Scope) -> list[DatabaseRecord]:
        """Deleted databases, kept for undelete; read only by our inventory extension (inventory_routes.py)."""
        rows = self.store.query(
            f"SELECT {_DATABASE_COLUMNS} FROM databases WHERE account_id = ? AND cluster_id = ? "
            "AND deleted_at IS NOT NULL ORDER BY id",
            (scope.account_id, scope.cluster_id),
        )
        return [_database(row) for row in rows]

    def find_database(self, scope: Scope, name: str) -> DatabaseRecord | None:
        """The live (not deleted) database of that name."""
        with self.store.transaction() as conn:
            return self._live_database(conn, scope, name)

    def update_database(self, scope: Scope, name: str, changes: dict[str, int]) -> DatabaseRecord | None:
        """Set the given columns (max_tables, max_columns_per_table, retention_period); None if unknown."""
        allowed = {"max_tables", "max_columns_per_table", "retention_period"}
        assert changes and set(changes) <= allowed
        assignments = ", ".join(f"{column} = ?" for column in changes)
        with self.store.transaction() as conn:
            found = self._live_database(conn, scope, name)
            if found is None:
                return None
            conn.execute(f"UPDATE databases SET {assignments} WHERE id = ?", (*changes.values(), found.id))
            return self._live_database(conn, scope, name)

    def delete_database(self, scope: Scope, name: str, now: datetime) -> bool:
        with self.store.transaction() as conn:
            found = self._live_database(conn, scope, name)
            if found is None:
                return False
            conn.execute("UPDATE databases SET deleted_at = ? WHERE id = ?", (format_rfc3339(now), found.id))
            return True

    def rename_database(self, scope: Scope, name: str, new_name: str) -> DatabaseRecord | None:
        with self.store.transaction() as conn:
            found = self._live_database(conn, scope, name)
            if found is None:
                return None
            if self._live_database(conn, scope, new_name) is not None:
                raise NameTaken(new_name)
            conn.execute("UPDATE databases SET name = ? WHERE id = ?", (new_name, found.id))
            return self._live_database(conn, scope, new_name)

    def undelete_database(self, scope: Scope, database_id: int) -> DatabaseRecord | None:
        """Restore a deleted database by id; None if no database of this scope has that id."""
        with self.store.transaction() as conn:
            row = conn.execute(
                f"SELECT {_DATABASE_COLUMNS}, deleted_at FROM databases "
                "WHERE id = ? AND account_id = ? AND cluster_id = ?",
                (database_id, scope.account_id, scope.cluster_id),
            ).fetchone()
            if row is None:
                return None
            if row["deleted_at"] is None:
                raise NotDeleted(row["name"])
            if self._live_database(conn, scope, row["name"]) is not None:
                raise NameTaken(row["name"])
            conn.execute("UPDATE databases SET deleted_at = NULL WHERE id = ?", (database_id,))
            return self._live_database(conn, scope, row["name"])

    def count_points(self, database: DatabaseRecord, points: int) -> None:
        """Add accepted points to the database's count (the only trace a write leaves)."""
        with self.store.transaction() as conn:
            conn.execute("UPDATE databases SET points_written = points_written + ? WHERE id = ?", (points, database.id))

    # Tables

    def _table_row(self, conn: sqlite3.Connection, where: str, params: tuple[object, ...]) -> sqlite3.Row | None:
        row: sqlite3.Row | None = conn.execute(
            f"SELECT {_TABLE_COLUMNS} FROM database_tables t JOIN databases d ON d.id = t.database_id WHERE {where}",
            params,
        ).fetchone()
        return row

    def _live_table(self, conn: sqlite3.Connection, database: DatabaseRecord, name: str) -> TableRecord | None:
        row = self._table_row(conn, "t.database_id = ? AND t.name = ? AND t.deleted_at IS NULL", (database.id, name))
        return None if row is None else _table(row)

    def list_tables(self, database: DatabaseRecord, *, deleted: bool = False) -> list[TableRecord]:
        """The live (or the deleted) tables of a database; the documented API lists none, only our inventory
        extension reads this (inventory_routes.py)."""
        state = "IS NOT NULL" if deleted else "IS NULL"
        rows = self.store.query(
            f"SELECT {_TABLE_COLUMNS} FROM database_tables t JOIN databases d ON d.id = t.database_id "
            f"WHERE t.database_id = ? AND t.deleted_at {state} ORDER BY t.id",
            (database.id,),
        )
        return [_table(row) for row in rows]

    def create_table(
        self, database: DatabaseRecord, name: str, partition_template: PartitionTemplate | None, now: datetime
    ) -> TableRecord:
        with self.store.transaction() as conn:
            if self._live_table(conn, database, name) is not None:
                raise NameTaken(name)
            conn.execute(
                "INSERT INTO database_tables (database_id, name, partition_template, created_at) VALUES (?, ?, ?, ?)",
                (database.id, name, _template_text(partition_template), format_rfc3339(now)),
            )
            created = self._live_table(conn, database, name)
        assert created is not None
        return created

    def delete_table(self, database: DatabaseRecord, name: str, now: datetime) -> bool:
        with self.store.transaction() as conn:
            found = self._live_table(conn, database, name)
            if found is None:
                return False
            conn.execute("UPDATE database_tables SET deleted_at = ? WHERE id = ?", (format_rfc3339(now), found.id))
            return True

    def rename_table(self, database: DatabaseRecord, name: str, new_name: str) -> TableRecord | None:
        with self.store.transaction() as conn:
            found = self._live_table(conn, database, name)
            if found is None:
                return None
            if self._live_table(conn, database, new_name) is not None:
                raise NameTaken(new_name)
            conn.execute("UPDATE database_tables SET name = ? WHERE id = ?", (new_name, found.id))
            return self._live_table(conn, database, new_name)

    def undelete_table(self, database: DatabaseRecord, table_id: int) -> TableRecord | None:
        with self.store.transaction() as conn:
            row = self._table_row(conn, "t.id = ? AND t.database_id = ?", (table_id, database.id))
            if row is None:
                return None
            if row["deleted_at"] is None:
                raise NotDeleted(row["name"])
            if self._live_table(conn, database, row["name"]) is not None:
                raise NameTaken(row["name"])
            conn.execute("UPDATE database_tables SET deleted_at = NULL WHERE id = ?", (table_id,))
            return self._live_table(conn, database, row["name"])

    # Database tokens

    def create_token(
        self,
        scope: Scope,
        *,
        description: str,
        permissions: list[dict[str, str]],
        expires_at: datetime | None,
        now: datetime,
    ) -> tuple[DatabaseTokenRecord, str]:
        """Store a new database token; its string is returned once and kept only as a hash."""
        plaintext = new_database_token()
        salt = new_salt()
        record = DatabaseTokenRecord(
            id=str(uuid.uuid4()),
            account_id=scope.account_id,
            cluster_id=scope.cluster_id,
            description=description,
            permissions=permissions,
            created_at=now,
            expires_at=expires_at,
            revoked_at=None,
        )
        token_hash = hash_token(plaintext, salt, self.store.hash_cost)
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO database_tokens (id, account_id, cluster_id, description, permissions, token_prefix, "
                "token_hash, salt, hash_cost, created_at, expires_at, revoked_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                (
                    record.id,
                    scope.account_id,
                    scope.cluster_id,
                    description,
                    json.dumps(permissions, ensure_ascii=False),
                    token_prefix(plaintext),
                    token_hash,
                    salt,
                    self.store.hash_cost,
                    format_rfc3339(now),
                    None if expires_at is None else format_rfc3339(expires_at),
                ),
            )
        return record, plaintext

    def list_tokens(self, scope: Scope) -> list[DatabaseTokenRecord]:
        rows = self.store.query(
            f"SELECT {_TOKEN_COLUMNS} FROM database_tokens WHERE account_id = ? AND cluster_id = ? "
            "ORDER BY created_at, rowid",
            (scope.account_id, scope.cluster_id),
        )
        return [_token(row) for row in rows]

    def get_token(self, scope: Scope, token_id: str) -> DatabaseTokenRecord | None:
        rows = self.store.query(
            f"SELECT {_TOKEN_COLUMNS} FROM database_tokens WHERE id = ? AND account_id = ? AND cluster_id = ?",
            (token_id, scope.account_id, scope.cluster_id),
        )
        return _token(rows[0]) if rows else None

    def get_token_by_id(self, token_id: str) -> DatabaseTokenRecord | None:
        rows = self.store.query(f"SELECT {_TOKEN_COLUMNS} FROM database_tokens WHERE id = ?", (token_id,))
        return _token(rows[0]) if rows else None

    def update_token(
        self, scope: Scope, token_id: str, description: str | None, permissions: list[dict[str, str]] | None
    ) -> DatabaseTokenRecord | None:
        """Replace the description and/or the whole permission list; None if unknown."""
        with self.store.transaction() as conn:
            if description is not None:
                conn.execute(
                    "UPDATE database_tokens SET description = ? WHERE id = ? AND account_id = ? AND cluster_id = ?",
                    (description, token_id, scope.account_id, scope.cluster_id),
                )
            if permissions is not None:
                conn.execute(
                    "UPDATE database_tokens SET permissions = ? WHERE id = ? AND account_id = ? AND cluster_id = ?",
                    (json.dumps(permissions, ensure_ascii=False), token_id, scope.account_id, scope.cluster_id),
                )
        return self.get_token(scope, token_id)

    def revoke_token(self, scope: Scope, token_id: str, now: datetime) -> DatabaseTokenRecord | None:
        """Set `revoked_at` unless already set; None if unknown in this scope."""
        self.store.mark_revoked("database_tokens", scope.account_id, scope.cluster_id, token_id, now)
        return self.get_token(scope, token_id)

    def prefix_in_use(self, access_token: str) -> bool:
        return self.store.prefix_used_in("database_tokens", access_token)

    def find_by_secret(self, access_token: str) -> DatabaseTokenRecord | None:
        """The database token whose hash matches, whatever its state (the scrypt check)."""
        row = self.store.secret_row("database_tokens", _TOKEN_COLUMNS, access_token)
        return None if row is None else _token(row)
