"""SQLite tables of the documented Management API: databases, their tables, database tokens.

Created with IF NOT EXISTS next to the management-token tables (store.py), so a data directory from an
earlier version gains them on its next start. Deleted databases and tables stay as rows with `deleted_at`
set: InfluxData's docs let them be undeleted by id, and a new one may take the name meanwhile, hence the
partial unique indexes over the rows not deleted.
"""

CATALOG_SCHEMA = """
CREATE TABLE IF NOT EXISTS databases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id TEXT NOT NULL,
    cluster_id TEXT NOT NULL,
    name TEXT NOT NULL,
    max_tables INTEGER NOT NULL,
    max_columns_per_table INTEGER NOT NULL,
    retention_period INTEGER NOT NULL,
    partition_template TEXT,
    created_at TEXT NOT NULL,
    deleted_at TEXT,
    points_written INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX IF NOT EXISTS databases_live_name ON databases(account_id, cluster_id, name)
    WHERE deleted_at IS NULL;
CREATE TABLE IF NOT EXISTS database_tables (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    database_id INTEGER NOT NULL REFERENCES databases(id),
    name TEXT NOT NULL,
    partition_template TEXT,
    created_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS database_tables_live_name ON database_tables(database_id, name)
    WHERE deleted_at IS NULL;
CREATE TABLE IF NOT EXISTS database_tokens (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    cluster_id TEXT NOT NULL,
    description TEXT NOT NULL,
    permissions TEXT NOT NULL,
    token_prefix TEXT NOT NULL,
    token_hash BLOB NOT NULL,
    salt BLOB NOT NULL,
    hash_cost INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    revoked_at TEXT
);
CREATE INDEX IF NOT EXISTS database_tokens_prefix ON database_tokens(token_prefix);
CREATE INDEX IF NOT EXISTS database_tokens_scope ON database_tokens(account_id, cluster_id);
"""
