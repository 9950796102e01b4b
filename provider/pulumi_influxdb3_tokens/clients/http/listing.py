"""The reads of one provider process share one list of the cluster's tokens, per kind.

A ``refresh`` of N tokens reads each of them: N GETs, each a round trip, a credential check on the server and an
answer to parse. One list answers them all: our server's extension lists every management token of the cluster,
revoked ones included (``GET .../managementTokens``), and the documented Management API lists the database tokens
(``GET .../tokens``, the admin docs' database tokens list.md). So from a connection's second read of a kind on, the
reads share one list, on the machinery of the influxctl road (``clients/list_cache.py``: single flight, an answer
serves reads for a few seconds after its list started, and every create, update or revoke of this process ends
it). The first read of a connection is a GET, so a command that reads one token never lists a whole account.

Only a refresh's read (the clients' ``read``, the lifecycles' ``read``) takes the list. What the list does not
show is read with a GET: a token is only ever "gone" on the server's own 404, and one made after the list (by
someone else) is still found. Adoption, import and the clients' proofs (a replayed create's token read back live,
an earlier create's token asked for before a new one is minted, a lost create looked for) never use the shared
list: they GET or list afresh, as before.
"""

from __future__ import annotations

import threading
from typing import Callable, Optional, TypeVar

from ...settings import Connection
from ..list_cache import Key, ListCache, Listed, credential_digest

# The kinds of list the HTTP clients share, by the path each lists.
MANAGEMENT_TOKENS = "managementTokens"
DATABASE_TOKENS = "tokens"

# The shared lists of this provider process's HTTP reads, per kind and connection (key_of).
SHARED = ListCache()

_R = TypeVar("_R", bound=Listed)
_READS_SEEN: set[Key] = set()
_LOCK = threading.Lock()


def key_of(connection: Connection, kind: str) -> Key:
    """What picks the server, its paths, the cluster and the identity a list of ``kind`` runs as. The credential
    only as a digest."""
    return (
        kind,
        connection.api_url,
        connection.product,
        connection.account_id,
        connection.cluster_id,
        credential_digest(connection),
    )


def shares_list(key: Key) -> bool:
    """Whether a read on this connection takes the shared list: not the process's first read of its kind on it."""
    with _LOCK:
        if key in _READS_SEEN:
            return True
        _READS_SEEN.add(key)
        return False


def read(key: Optional[Key], token_id: str, fetch: Callable[[], list[_R]], get: Callable[[str], _R]) -> _R:
    """A refresh's read of ``token_id``: from the connection's second read on (``key``: None when the client reads
    with GETs only), its record in the shared list ``fetch`` makes; else, or when the list does not show it, ``get``."""
    if key is not None and shares_list(key):
        for record in SHARED.records(key, fetch):
            if record.id == token_id:
                return record
    return get(token_id)


def changed(key: Optional[Key]) -> None:
    """The client created, updated or revoked a token (or may have): no list from before serves a later read."""
    if key is not None:
        SHARED.changed(key)
