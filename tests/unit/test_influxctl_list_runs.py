"""How many influxctl runs a command's reads, revokes and recovery cost: one shared `management list` (issue 21).

Each provider call builds its own client, as both faces do (``client_for`` per call), and the runs are
counted from the stand-in's INFLUXCTL_STANDIN_RECORD. Without the shared answer every read was a
whole `management list` run: a refresh of 20 tokens ran 20.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from pulumi_influxdb3_tokens.clients.influxctl import list_cache
from pulumi_influxdb3_tokens.core import timeutil
from pulumi_influxdb3_tokens.core.errors import ManagementApiError
from pulumi_influxdb3_tokens.core.management_token import lifecycle
from pulumi_influxdb3_tokens.core.management_token.models import RecoveredToken, TokenRecord
from support.influxctl import connect, recording_standin, with_marker
from support.local_api import LocalApi
from support.times import moment_in_days

# The engine's default --parallel on this machine's 2 cores is 8; the dynamic provider serves 4 at once.
ENGINE_PARALLEL = 8


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, module_local_api: LocalApi) -> Path:
    """The stand-in on PATH, talking to the server, recording each run; a fresh list cache (a new process)."""
    return recording_standin(monkeypatch, tmp_path, module_local_api)


def runs(record: Path, action: str) -> int:
    """How many `influxctl management <action>` (or `influxctl version`) runs the stand-in recorded."""
    if not record.exists():
        return 0
    count = 0
    for line in record.read_text().splitlines():
        argv = json.loads(line)["argv"]
        if "management" in argv:
            count += argv[argv.index("management") + 1] == action
        else:
            count += action in argv
    return count


def minted(module_local_api: LocalApi, count: int, what: str) -> list[str]:
    tag = uuid.uuid4().hex[:8]
    return [module_local_api.mint(f"{what} {tag} {i}")["id"] for i in range(count)]


def read_all(module_local_api: LocalApi, ids: list[str], workers: int = ENGINE_PARALLEL) -> dict[str, Any]:
    """What a refresh does: one lifecycle.read per token, from the engine's concurrent calls, each its own client."""
    with ThreadPoolExecutor(workers) as pool:
        found = pool.map(lambda token_id: lifecycle.read(connect(module_local_api), token_id, {}), ids)
        return dict(zip(ids, found, strict=True))


def delete_all(module_local_api: LocalApi, ids: list[str]) -> None:
    with ThreadPoolExecutor(ENGINE_PARALLEL) as pool:
        list(pool.map(lambda token_id: lifecycle.delete(connect(module_local_api), token_id), ids))


# --- counts: these ran one list per read (or per refused revoke) before the shared answer -------------------


def test_a_refresh_of_20_tokens_runs_one_list_for_all_reads(calls, module_local_api):
    ids = minted(module_local_api, 20, "refreshed")
    minted(module_local_api, 5, "someone else's")  # the account holds more than the stack

    first = read_all(module_local_api, ids)
    again = read_all(module_local_api, ids, workers=4)  # consecutive reads, as the dynamic provider's 4 threads make

    assert all(first[i] is not None and first[i][0] == i for i in ids)
    assert again == first
    assert runs(calls, "list") == 1  # was 40: one per read
    assert runs(calls, "version") == 1  # was up to 8: each of the first concurrent reads checked the version


def test_a_destroy_revokes_each_token_once_and_lists_nothing(calls, module_local_api):
    ids = minted(module_local_api, 20, "destroyed")
    delete_all(module_local_api, ids)
    assert runs(calls, "revoke") == 20
    assert runs(calls, "list") == 0
    assert all(t["revokedAt"] is not None for t in module_local_api.list_tokens() if t["id"] in ids)


def test_a_destroy_of_tokens_revoked_out_of_band_shares_one_list_to_decide(calls, module_local_api):
    # Reference .../management/revoke: revoked tokens stay listed; revoking one again is success whatever
    # influxctl prints for it, so the list decides (a revoked token stays revoked: a shared answer may say so).
    ids = minted(module_local_api, 20, "revoked elsewhere")
    for token_id in ids:
        module_local_api.revoke(token_id)

    delete_all(module_local_api, ids)

    assert runs(calls, "revoke") == 20
    assert runs(calls, "list") == 1  # was 20: one per refused revoke


def test_recovery_lists_afresh_and_the_reads_around_it_share_lists(calls, module_local_api, monkeypatch, capsys):
    ids = minted(module_local_api, 10, "around recovery")
    read_all(module_local_api, ids)  # the shared answer, from before the create
    description, expiry = with_marker(f"interrupted {uuid.uuid4().hex[:8]}"), moment_in_days(7)

    monkeypatch.setenv("INFLUXCTL_STANDIN_FAULT", "create-mint-then-fail")
    recovered = connect(module_local_api).create(description, expiry, marked=True)
    monkeypatch.delenv("INFLUXCTL_STANDIN_FAULT")
    after = read_all(module_local_api, [*ids, recovered.id])

    # Recovery found the token its create minted, which the shared answer (from before it) does not hold.
    assert isinstance(recovered, RecoveredToken)
    assert [t["id"] for t in module_local_api.list_tokens() if t["description"] == description] == [recovered.id]
    assert after[recovered.id] is not None
    assert "adopted token" in capsys.readouterr().err
    # One list for the reads before, which also is what the create compares with (it ended before the create
    # started, moments ago); one fresh list for recovery, started after the create, whose answer then also
    # serves the reads after it.
    assert (runs(calls, "create"), runs(calls, "list")) == (1, 2)  # lists were 10 + 1 + 11


def test_an_up_of_20_new_tokens_runs_20_creates_and_one_list(calls, module_local_api):
    # What `up` of a new stack does: one create per token, from the engine's concurrent calls, each its own
    # client. Each compares with the list from before it, which the creates share while they follow each other.
    tag = uuid.uuid4().hex[:8]
    with ThreadPoolExecutor(ENGINE_PARALLEL) as pool:
        made = list(pool.map(lambda i: connect(module_local_api).create(f"up {tag} {i}", None), range(20)))

    assert len({token.id for token in made}) == 20
    # One list (a second only if the machine stalled for WINDOW_S between two answers): was 20 creates, 20 lists.
    assert runs(calls, "create") == 20 and runs(calls, "list") <= 2


# --- correctness: the shared answer never hides a change it must show ----------------------------------------


def test_a_create_or_revoke_of_this_process_ends_the_shared_answer(calls, module_local_api):
    [kept] = minted(module_local_api, 1, "kept")
    assert lifecycle.read(connect(module_local_api), kept, {}) is not None
    created = connect(module_local_api).create(f"new {uuid.uuid4().hex[:8]}", None)
    assert connect(module_local_api).get(created.id).id == created.id  # not from the answer listed before the create
    connect(module_local_api).revoke(kept)
    assert lifecycle.read(connect(module_local_api), kept, {}) is None  # not from the answer listed before the revoke
    assert runs(calls, "list") == 3  # three reads; the create compared with the first read's list


def test_revoke_decides_with_a_fresh_list_when_the_shared_one_shows_the_token_live(calls, module_local_api):
    [token_id] = minted(module_local_api, 1, "raced")
    assert lifecycle.read(connect(module_local_api), token_id, {}) is not None  # shared answer: live
    module_local_api.revoke(token_id)  # someone else revokes it in the meantime
    assert (
        connect(module_local_api).revoke(token_id) is True
    )  # influxctl refuses ("has been revoked"); a fresh list says so
    assert runs(calls, "list") == 2


def test_a_token_revoked_out_of_band_is_dropped_by_the_next_command(calls, module_local_api, monkeypatch):
    ids = minted(module_local_api, 3, "next command")
    assert all(found is not None for found in read_all(module_local_api, ids).values())
    module_local_api.revoke(ids[0])

    # The next pulumi command runs in a new provider process, with nothing shared from this one.
    monkeypatch.setattr(list_cache, "SHARED", list_cache.ListCache())
    after = read_all(module_local_api, ids)

    assert after[ids[0]] is None  # the resource leaves the state
    assert after[ids[1]] is not None and after[ids[2]] is not None
    assert runs(calls, "list") == 2


def test_within_a_command_an_answer_serves_reads_for_a_bounded_window(calls, module_local_api, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(list_cache, "SHARED", list_cache.ListCache(clock=lambda: now[0]))
    [token_id] = minted(module_local_api, 1, "windowed")
    assert lifecycle.read(connect(module_local_api), token_id, {}) is not None
    module_local_api.revoke(token_id)

    now[0] += list_cache.WINDOW_S - 0.5
    assert (
        lifecycle.read(connect(module_local_api), token_id, {}) is not None
    )  # shared: as a read a moment earlier saw it
    now[0] += 1.0
    assert lifecycle.read(connect(module_local_api), token_id, {}) is None  # the window since the list started is over
    assert runs(calls, "list") == 2


def _fake_clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [1000.0]
    monkeypatch.setattr(list_cache, "SHARED", list_cache.ListCache(clock=lambda: now[0]))
    return now


def test_a_twin_made_before_our_last_create_is_not_taken_for_a_lost_ones(calls, module_local_api, monkeypatch, capsys):
    # Issue 17: a lost create adopts only a token made after it started. Here the list the create compares
    # with is older than another stack's twin (same admin, description and expiry), but this process's create
    # answered after the twin: a token listed as created before ours predates the lost create, so only the lost
    # create's own token is a candidate.
    now = _fake_clock(monkeypatch)
    # The twin carries the same marker (the resource's previous token): only timing tells them apart.
    description, expiry = with_marker(f"twinned {uuid.uuid4().hex[:8]}"), moment_in_days(5)
    connect(module_local_api).create(f"first {uuid.uuid4().hex[:8]}", None)  # lists, creates
    twin = module_local_api.mint(description, timeutil.format_rfc3339(expiry))  # another stack's, after our list
    # The server keeps created_at to the second, and a tie never excludes a token (the safe side): let the
    # wall clock pass into the next second, so that our next create is listed as made after the twin.
    time.sleep(1.05 - time.time() % 1)
    now[0] += 1.0
    connect(module_local_api).create(f"second {uuid.uuid4().hex[:8]}", None)  # answered after it
    now[0] += 1.0

    monkeypatch.setenv("INFLUXCTL_STANDIN_FAULT", "create-mint-then-lost")
    recovered = connect(module_local_api).create(description, expiry, marked=True)

    [ours] = [
        t["id"] for t in module_local_api.list_tokens() if t["description"] == description and t["id"] != twin["id"]
    ]
    assert isinstance(recovered, RecoveredToken) and recovered.id == ours
    assert twin["id"] not in capsys.readouterr().err
    assert runs(calls, "list") == 2  # the first create's list, and recovery's fresh one


def test_a_create_lists_again_once_the_evidence_of_what_appeared_is_old(calls, module_local_api, monkeypatch, capsys):
    # After WINDOW_S without a list or an answered create, tokens others made since are unknown: list again,
    # so a twin made in that time is seen as there before the create and never adopted.
    now = _fake_clock(monkeypatch)
    description, expiry = with_marker(f"later {uuid.uuid4().hex[:8]}"), moment_in_days(5)
    connect(module_local_api).create(f"earlier {uuid.uuid4().hex[:8]}", None)
    now[0] += list_cache.WINDOW_S + 1.0
    twin = module_local_api.mint(description, timeutil.format_rfc3339(expiry))

    monkeypatch.setenv("INFLUXCTL_STANDIN_FAULT", "create-mint-then-lost")
    recovered = connect(module_local_api).create(description, expiry, marked=True)

    assert isinstance(recovered, RecoveredToken) and recovered.id != twin["id"]
    assert twin["id"] not in capsys.readouterr().err
    assert runs(calls, "list") == 3  # the first create's, the second's (the evidence was old), recovery's


# --- the cache on its own ----------------------------------------------------------------------------------


def _record(token_id: str) -> TokenRecord:
    return TokenRecord(id=token_id, account_id="a", cluster_id="c", token_prefix="p", created_at=timeutil.now())


def test_a_failed_list_is_not_kept_for_later_reads():
    cache = list_cache.ListCache()

    def failing() -> list[TokenRecord]:
        raise ManagementApiError("Could not list management tokens with influxctl: the service is unreachable.")

    with pytest.raises(ManagementApiError, match="the service is unreachable"):
        cache.records(("k",), failing)
    assert [r.id for r in cache.records(("k",), lambda: [_record("later")])] == ["later"]


def test_concurrent_reads_share_one_run():
    cache, entered, release = list_cache.ListCache(), threading.Event(), threading.Event()
    fetched: list[str] = []

    def slow() -> list[TokenRecord]:
        fetched.append("run")
        entered.set()
        release.wait(10)
        return [_record("shared")]

    with ThreadPoolExecutor(2) as pool:
        leader = pool.submit(cache.records, ("k",), slow)
        assert entered.wait(10)
        follower = pool.submit(cache.records, ("k",), slow)  # joins the run in flight, or reuses its answer
        release.set()
        answers = [[r.id for r in f.result(10)] for f in (leader, follower)]
    assert answers == [["shared"], ["shared"]] and fetched == ["run"]


def test_fresh_always_runs_a_new_list_and_its_answer_serves_later_reads():
    cache = list_cache.ListCache()
    cache.records(("k",), lambda: [_record("old")])
    assert [r.id for r in cache.records(("k",), lambda: [_record("new")], fresh=True)] == ["new"]
    assert [r.id for r in cache.records(("k",), lambda: [_record("unused")])] == ["new"]
    cache.changed(("k",))
    assert [r.id for r in cache.records(("k",), lambda: [_record("after")])] == ["after"]
