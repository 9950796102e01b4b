"""One ``influxctl management list`` answer shared by the reads of one provider process (single flight).

Every read through influxctl is a whole ``management list`` run: a process start, a login check
and a round trip that returns every token of the account. A ``refresh`` of N tokens would start N
of them, N·M records for what one list answers. Here the reads of one process share one answer, with the
machinery every transport shares (``clients/list_cache.py``: single flight, a short window, ended by our own
changes, ``fresh=True`` for lost-answer recovery, ``before_create``). The cache is keyed by everything that
picks the account and the identity (executable, account, cluster, the credential's digest, the influxctl config
and profile).
"""

from __future__ import annotations

import hashlib
from typing import Callable

from ...core.management_token.models import TokenRecord
from ...settings import Connection
from ..list_cache import WINDOW_S, Before, Key, ListCache

__all__ = ["SHARED", "WINDOW_S", "Before", "Fetch", "Key", "ListCache", "key_of"]

Fetch = Callable[[], list[TokenRecord]]


def key_of(connection: Connection) -> Key:
    """What picks the account, the cluster and the identity a list runs as. The credential only as a digest."""
    secret = connection.management_token.get_secret_value()
    return (
        connection.influxctl_path,
        connection.account_id,
        connection.cluster_id,
        hashlib.sha256(secret.encode()).hexdigest() if secret else "",
        connection.influxctl_config or "",
        connection.influxctl_profile or "",
    )


# The one cache of this provider process's influxctl reads.
SHARED: ListCache[TokenRecord] = ListCache()
