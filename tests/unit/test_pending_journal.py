"""The journal of pending creates under concurrency: what one provider process sees when the engine
runs several creates at once (the SDK serves up to 4 calls in parallel)."""

from __future__ import annotations

import threading
from pathlib import Path

from pydantic import SecretStr

from pulumi_influxdb3_tokens.pending import Journal, PendingCreate
from pulumi_influxdb3_tokens.settings import Connection

CONCURRENT_CREATES = 4  # the most the SDK runs at once in one provider
ROUNDS = 150


def journal_in(directory: Path) -> Journal:
    return Journal(Connection("http://mgmt.test", "a", "c", SecretStr("M.V1.admin")), directory)


def begin_all_at_once(journal: Journal, requests: list[str]) -> list[PendingCreate]:
    """Every request's create starts at the same moment, each on its own thread."""
    start = threading.Barrier(len(requests))
    claimed: list[PendingCreate | None] = [None] * len(requests)

    def create(index: int) -> None:
        start.wait()
        claimed[index] = journal.begin(requests[index], requests[index], None)

    threads = [threading.Thread(target=create, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert all(entry is not None for entry in claimed)
    return [entry for entry in claimed if entry is not None]


def test_concurrent_creates_of_different_requests_each_get_back_their_own_lost_create(tmp_path: Path):
    """The next `up` after lost answers re-creates every resource at once; each must ask again with
    the key its lost create used, or the token that create made is left live in no state."""
    journal = journal_in(tmp_path)
    requests = [f"token {i}" for i in range(CONCURRENT_CREATES)]
    for round_ in range(ROUNDS):
        lost = [journal.begin(request, request, None) for request in requests]
        for entry in lost:
            journal.release(entry)  # the up ended with these outcomes unknown
        claimed = begin_all_at_once(journal, requests)
        missed = [request for request, before, now in zip(requests, lost, claimed) if before.key != now.key]
        assert not missed, f"round {round_}: {missed} minted a new key while their lost create waited"
        for entry in claimed:
            journal.finish(entry)
        assert not list(tmp_path.glob("*.json"))
