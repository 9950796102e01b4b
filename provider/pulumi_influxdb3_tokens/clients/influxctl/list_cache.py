"""One ``influxctl ... list`` answer per kind shared by the reads of one provider process (single flight).

Every read through influxctl is a whole list run: a process start, a login check and a round trip that returns
every record of the account (``management list``, ``token list``, ``database list``) or of one database (``table
list``). A ``refresh`` of N resources would start N of them, N·M records for what one list answers. Here the reads
of one process share one answer per kind, with the machinery every transport shares (``clients/list_cache.py``:
single flight, a short window, ended by our own changes, ``fresh=True`` for lost-answer recovery,
``before_create``). Each kind is a key of its own (``key_of(connection, kind)``: ``management``,
``database-tokens``, ``databases``, ``tables:<database>``), so a refresh lists once per kind, and a change of one
kind ends only that kind's answer. The key is the kind and everything that picks the account and the identity
(executable, account, cluster, the credential's digest, the influxctl config and profile).
"""

from __future__ import annotations

from ...settings import Connection
from ..list_cache import WINDOW_S, Before, Key, ListCache, Listed, credential_digest

__all__ = ["MANAGEMENT_TOKENS", "SHARED", "WINDOW_S", "Before", "Key", "ListCache", "Listed", "key_of"]

MANAGEMENT_TOKENS = "management"


def key_of(connection: Connection, kind: str = MANAGEMENT_TOKENS) -> Key:
    """What picks the list kind, the account, the cluster and the identity a list runs as. The credential only as
    a digest."""
    return (
        kind,
        connection.influxctl_path,
        connection.account_id,
        connection.cluster_id,
        credential_digest(connection),
        connection.influxctl_config or "",
        connection.influxctl_profile or "",
    )


# The one cache of this provider process's influxctl reads, every kind's.
SHARED = ListCache()
