"""The reads of one provider process share one list of the management tokens (``GET .../managementTokens``).

A ``refresh`` of N tokens reads each of them: N GETs, each a round trip, a credential check on the server and an
answer to parse. Our server's extension lists every token of the cluster, revoked ones included, in one answer;
so from a connection's second read on, the reads share one list, on the machinery of the influxctl road
(``clients/list_cache.py``: single flight, an answer serves reads for a few seconds after its list started, and
every create or revoke of this process ends it). The first read of a connection is a GET, so a command that
reads one token never lists a whole account.

Only a refresh's read (``HttpTokenClient.read``, the lifecycle's ``read``) takes the list. What the list does not
show is read with a GET: a token is only ever "gone" on the server's own 404, and one made after the list (by
someone else) is still found. Adoption, import and the client's proofs (a replayed create's token read back live,
an earlier create's token asked for before a new one is minted) never use the shared list: they GET, as before.
"""

from __future__ import annotations

import hashlib
import threading

from ...settings import Connection
from ..list_cache import Key, ListCache

# The one shared list of this provider process's HTTP reads, per connection key.
SHARED = ListCache()

_READS_SEEN: set[Key] = set()
_LOCK = threading.Lock()


def key_of(connection: Connection) -> Key:
    """What picks the server, the cluster and the identity a list runs as. The credential only as a digest."""
    secret = connection.management_token.get_secret_value()
    return (
        "http",
        connection.api_url,
        connection.account_id,
        connection.cluster_id,
        hashlib.sha256(secret.encode()).hexdigest() if secret else "",
    )


def shares_list(key: Key) -> bool:
    """Whether a read on this connection takes the shared list: not the process's first read on it."""
    with _LOCK:
        if key in _READS_SEEN:
            return True
        _READS_SEEN.add(key)
        return False
