"""The journal of pending creates: which create gets a kept key back, and when. Two creates never
send one key at once, whether they run in another process or on the threads of one provider (the
SDK serves up to 4 calls in parallel)."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

from pydantic import SecretStr

from pulumi_influxdb3_tokens.clients.pending import Journal, PendingCreate
from pulumi_influxdb3_tokens.core import timeutil
from pulumi_influxdb3_tokens.settings import Connection

CONCURRENT_CREATES = 4  # the most the SDK runs at once in one provider
ROUNDS = 150


def journal_in(directory: Path, api_url: str = "http://mgmt.test") -> Journal:
    return Journal(Connection(api_url, "a", "c", SecretStr("M.V1.admin")), directory)


def test_the_journal_hands_a_kept_create_to_one_create_at_a_time_and_drops_expired_ones(tmp_path: Path):
    journal = journal_in(tmp_path)
    expiry = timeutil.now() + timedelta(days=1)
    first = journal.begin("req", "d", expiry)
    journal.release(first)
    again = journal.begin("req", "d", expiry + timedelta(hours=1))
    assert again == first  # same key, same body as the first attempt
    other = journal.begin("req", "d", expiry)
    assert other.key != first.key  # the kept one is claimed by the create above
    assert journal.begin("another request", "x", None).key not in (first.key, other.key)
    elsewhere = journal_in(tmp_path, api_url="http://elsewhere")
    journal.release(first)
    assert elsewhere.begin("req", "d", expiry).key != first.key  # another cluster's entry is not ours

    journal.finish(other)
    stale = journal.begin("old", "d", timeutil.now() + timedelta(seconds=1))
    journal.release(stale)
    (tmp_path / f"{stale.key}.json").write_text(
        stale.model_copy(update={"expires_at": timeutil.now() - timedelta(days=1)}).model_dump_json()
    )
    assert journal.begin("old", "d", None).key != stale.key
    assert not (tmp_path / f"{stale.key}.json").exists()


def test_a_create_running_in_another_process_keeps_its_key_until_that_process_dies(tmp_path: Path):
    journal = journal_in(tmp_path)
    entry = journal.begin("req", "d", None)
    journal.release(entry)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDWR); fcntl.flock(fd, fcntl.LOCK_EX); "
            "print('held', flush=True); sys.stdin.read()",
            str(tmp_path / f"{entry.key}.json"),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        busy = journal.begin("req", "d", None)
        assert busy.key != entry.key  # never the same key in two creates at once
        journal.finish(busy)
    finally:
        holder.kill()
        holder.wait(10)
    assert journal.begin("req", "d", None) == entry  # the dead process's lock is gone


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
        missed = [
            request for request, before, now in zip(requests, lost, claimed, strict=True) if before.key != now.key
        ]
        assert not missed, f"round {round_}: {missed} minted a new key while their lost create waited"
        for entry in claimed:
            journal.finish(entry)
        assert not list(tmp_path.glob("*.json"))
