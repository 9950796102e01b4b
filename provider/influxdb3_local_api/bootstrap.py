"""First-start setup: the account, the cluster, a bootstrap admin token and `bootstrap.json`.

On later starts the existing data is reused; `bootstrap.json` gets the current `apiUrl`
and keeps the token it already holds (a generated token cannot be recovered from hashes).
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .store import ConflictError, Store
from .timefmt import utc_now
from .tokens import new_access_token

BOOTSTRAP_FILENAME = "bootstrap.json"
BOOTSTRAP_DESCRIPTION = "bootstrap admin token"
BOOTSTRAP_CREATOR = "bootstrap"
MIN_ADMIN_TOKEN_LENGTH = 24  # the first 12 characters are stored in clear as the prefix


class BootstrapError(Exception):
    """The options contradict the existing data directory or are unusable."""


@dataclass(frozen=True)
class BootstrapOptions:
    account_id: str | None = None
    cluster_id: str | None = None
    admin_token: str | None = None
    extra_clusters: Sequence[tuple[str, str]] = ()


@dataclass(frozen=True)
class BootstrapResult:
    account_id: str
    cluster_id: str
    path: Path
    first_start: bool
    generated_token: str | None  # set only on the first start, when the token was generated


def write_bootstrap_file(path: Path, content: dict[str, Any]) -> None:
    """Atomically replace `path` with `content`, readable by the owner only (0600)."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(content, handle, indent=2)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def _read_bootstrap_file(path: Path) -> dict[str, Any]:
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return content if isinstance(content, dict) else {}


def _check_admin_token(token: str | None) -> None:
    if token is not None and len(token) < MIN_ADMIN_TOKEN_LENGTH:
        raise BootstrapError(f"the admin token must be at least {MIN_ADMIN_TOKEN_LENGTH} characters long")


def _first_start(store: Store, path: Path, api_url: str, options: BootstrapOptions) -> BootstrapResult:
    account_id = options.account_id or str(uuid.uuid4())
    cluster_id = options.cluster_id or str(uuid.uuid4())
    token = options.admin_token or new_access_token()
    # The file goes first: a crash before the DB write just means a fresh bootstrap next time,
    # whereas the reverse order could lose a generated token for good.
    write_bootstrap_file(
        path, {"apiUrl": api_url, "accountId": account_id, "clusterId": cluster_id, "managementToken": token}
    )
    now = utc_now()
    store.ensure_cluster(account_id, cluster_id, now)
    _add_admin_token(store, account_id, cluster_id, token, now)
    generated = None if options.admin_token else token
    return BootstrapResult(account_id, cluster_id, path, first_start=True, generated_token=generated)


def _add_admin_token(store: Store, account_id: str, cluster_id: str, token: str, now: datetime) -> None:
    """An admin management token that never expires, as the bootstrap creates it."""
    store.create_token(
        account_id=account_id,
        cluster_id=cluster_id,
        description=BOOTSTRAP_DESCRIPTION,
        expires_at=None,
        created_by=BOOTSTRAP_CREATOR,
        now=now,
        access_token=token,
    )


def _later_start(
    store: Store, path: Path, api_url: str, options: BootstrapOptions, scope: tuple[str, str]
) -> BootstrapResult:
    account_id, cluster_id = scope
    if options.account_id and options.account_id != account_id:
        raise BootstrapError(f"the data directory belongs to account {account_id}, not {options.account_id}")
    if options.cluster_id and options.cluster_id != cluster_id:
        raise BootstrapError(f"the data directory belongs to cluster {cluster_id}, not {options.cluster_id}")
    if options.admin_token:
        known = store.find_by_secret(options.admin_token)
        now = utc_now()
        if known is None:
            _add_admin_token(store, account_id, cluster_id, options.admin_token, now)
        elif not known.is_active(now):
            raise BootstrapError("the admin token matches a management token that was revoked or has expired")
    previous = _read_bootstrap_file(path)
    token = previous.get("managementToken") or options.admin_token
    write_bootstrap_file(
        path, {"apiUrl": api_url, "accountId": account_id, "clusterId": cluster_id, "managementToken": token}
    )
    return BootstrapResult(account_id, cluster_id, path, first_start=False, generated_token=None)


def bootstrap(store: Store, data_dir: Path, api_url: str, options: BootstrapOptions) -> BootstrapResult:
    """Bootstrap an empty store or reconcile an existing one with the options."""
    _check_admin_token(options.admin_token)
    path = Path(data_dir) / BOOTSTRAP_FILENAME
    try:
        scope = store.bootstrap_scope()
        if scope is None:
            result = _first_start(store, path, api_url, options)
        else:
            result = _later_start(store, path, api_url, options, scope)
        for account_id, cluster_id in options.extra_clusters:
            store.ensure_cluster(account_id, cluster_id, utc_now())
    except ConflictError as exc:
        raise BootstrapError(str(exc)) from None
    return result
