"""What may run before `influxctl version` has passed (issue 21): the first list beside it, never a create or revoke.

The check runs in the background from the client's making, so that a refresh's first `management list`
does not wait for it. These tests hold the check's run at a gate and record the order in which the
stand-in's runs start and end (each command still really runs the stand-in against the local server).
"""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Callable, TypeVar

import pytest

from pulumi_influxdb3_tokens.clients.influxctl import runner as runner_module
from pulumi_influxdb3_tokens.clients.influxctl import version as version_module
from pulumi_influxdb3_tokens.clients.influxctl.database_tokens import InfluxctlDatabaseTokenClient
from pulumi_influxdb3_tokens.clients.influxctl.databases import InfluxctlDatabaseClient
from pulumi_influxdb3_tokens.clients.influxctl.process import Outcome, run
from pulumi_influxdb3_tokens.clients.influxctl.tables import InfluxctlTableClient
from pulumi_influxdb3_tokens.core.errors import ConfigurationError
from support.influxctl import connect, connection_of, recording_standin
from support.local_api import LocalApi

WAIT_S = 60.0  # only a bound on a hung test; no outcome depends on it
REFUSAL = "which this provider does not support; install influxctl 2.7.0 or later"


class Runs:
    """The runs in the order they started and ended; `influxctl version` held until ``release``."""

    def __init__(self) -> None:
        self.events: list[str] = []
        self.argvs: list[list[str]] = []
        self.gate = threading.Event()
        self.list_ended = threading.Event()
        self._lock = threading.Lock()

    def name(self, argv: list[str]) -> str:
        """``version``, or the subcommand after its kind's word (``list`` for ``<kind> list``)."""
        kind = next((word for word in ("management", "token", "database", "table") if word in argv), None)
        return argv[argv.index(kind) + 1] if kind else "version"

    def note(self, event: str) -> None:
        with self._lock:
            self.events.append(event)

    def run(self, argv: list[str], timeout: float) -> Outcome:
        what = self.name(argv)
        self.argvs.append(argv)
        if what == "version":
            assert self.gate.wait(WAIT_S)
        self.note(f"{what} started")
        outcome = run(argv, timeout)
        self.note(f"{what} ended")
        if what == "list":
            self.list_ended.set()
        return outcome

    def index(self, event: str) -> int:
        return self.events.index(event)


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, module_local_api: LocalApi) -> Runs:
    recording_standin(monkeypatch, tmp_path, module_local_api)
    runs = Runs()
    monkeypatch.setattr(runner_module, "run", runs.run)  # every client runs influxctl through runner.py
    monkeypatch.setattr(version_module, "run", runs.run)
    return runs


T = TypeVar("T")


def in_thread(call: Callable[[], T]) -> Future[T]:
    pool = ThreadPoolExecutor(1)
    future = pool.submit(call)
    pool.shutdown(wait=False)
    return future


def test_the_first_list_runs_beside_the_version_check_and_waits_for_its_verdict(runs, module_local_api):
    [token_id] = [module_local_api.mint(f"listed {uuid.uuid4().hex[:8]}")["id"]]
    listing = in_thread(lambda: connect(module_local_api).list())

    assert runs.list_ended.wait(WAIT_S)  # the list ran while `influxctl version` had not even started
    assert not listing.done()  # its answer waits for the check's verdict
    runs.gate.set()

    assert token_id in {record.id for record in listing.result(WAIT_S)}
    assert runs.index("list ended") < runs.index("version ended")


def test_a_create_and_a_revoke_run_only_once_the_version_check_has_passed(runs, module_local_api):
    [token_id] = [module_local_api.mint(f"revoked {uuid.uuid4().hex[:8]}")["id"]]
    creating = in_thread(lambda: connect(module_local_api).create(f"made {uuid.uuid4().hex[:8]}", None))
    revoking = in_thread(lambda: connect(module_local_api).revoke(token_id))

    assert runs.list_ended.wait(WAIT_S)  # the create's "before" list may run beside the check
    runs.gate.set()
    creating.result(WAIT_S)
    assert revoking.result(WAIT_S) is True

    passed = runs.index("version ended")
    assert runs.index("create started") > passed and runs.index("revoke started") > passed


@pytest.mark.parametrize("printed", ["influxctl v2.6.0 (linux/amd64)", "2.5.2"])
def test_a_refused_release_is_the_same_sentence_when_the_list_ran_beside_the_check(
    runs, module_local_api, monkeypatch, printed
):
    monkeypatch.setenv("INFLUXCTL_STANDIN_VERSION", printed)
    listing = in_thread(lambda: connect(module_local_api).list())

    assert runs.list_ended.wait(WAIT_S)  # the list ran, and answered
    runs.gate.set()

    with pytest.raises(ConfigurationError) as caught:
        listing.result(WAIT_S)  # its answer is dropped: the refusal is what the caller gets
    message = str(caught.value)
    assert REFUSAL in message
    assert message.endswith("INFLUXDB3_INFLUXCTL_PATH at one.") and message.count(". ") == 0


def test_a_refused_release_is_told_even_when_the_list_beside_it_failed(runs, module_local_api, monkeypatch):
    # An influxctl older than 2.6.0 has no `management` commands: its list fails, and the user is told why.
    monkeypatch.setenv("INFLUXCTL_STANDIN_VERSION", "influxctl v2.5.0 (linux/amd64)")
    monkeypatch.setenv("INFLUXCTL_STANDIN_FAULT", "garbage")  # the list's own failure, had it been told
    runs.gate.set()
    with pytest.raises(ConfigurationError, match=REFUSAL):
        connect(module_local_api).list()


def test_a_refused_release_runs_no_create_and_no_revoke(runs, module_local_api, monkeypatch):
    monkeypatch.setenv("INFLUXCTL_STANDIN_VERSION", "2.5.2")
    [token_id] = [module_local_api.mint(f"kept {uuid.uuid4().hex[:8]}")["id"]]
    runs.gate.set()

    with pytest.raises(ConfigurationError, match=REFUSAL):
        connect(module_local_api).create(f"never made {uuid.uuid4().hex[:8]}", None)
    with pytest.raises(ConfigurationError, match=REFUSAL):
        connect(module_local_api).revoke(token_id)

    assert not [event for event in runs.events if event.startswith(("create", "revoke"))]
    assert token_id in module_local_api.live_ids()


def lists(runs: Runs, kind: str) -> list[list[str]]:
    return [argv for argv in runs.argvs if kind in argv and "list" in argv]


def test_a_database_list_runs_beside_the_version_check_and_waits_for_its_verdict(runs, module_local_api):
    # database/list.md: `database list --format json` takes the same flags in every release we support (2.7.1 on).
    listing = in_thread(lambda: InfluxctlDatabaseClient(connection_of(module_local_api)).list())

    assert runs.list_ended.wait(WAIT_S)
    assert not listing.done()
    runs.gate.set()

    assert isinstance(listing.result(WAIT_S), list)
    assert runs.index("list ended") < runs.index("version ended")


def test_a_table_list_runs_beside_the_version_check_and_waits_for_its_verdict(runs, module_local_api):
    # table/list.md: `table list --format json DATABASE` has no flag that depends on the release, so a refresh's
    # first list of a database's tables does not wait for `influxctl version` either. The database is made over
    # HTTP: an influxctl create would wait for the check this test holds.
    database = f"tables_{uuid.uuid4().hex[:8]}"
    prefix = module_local_api.tokens_path.rsplit("/", 1)[0]
    with module_local_api.client() as http:
        http.post(f"{prefix}/databases", json={"name": database}).raise_for_status()
    listing = in_thread(lambda: InfluxctlTableClient(connection_of(module_local_api)).list(database))

    assert runs.list_ended.wait(WAIT_S)
    assert not listing.done()
    runs.gate.set()

    assert listing.result(WAIT_S) == []
    assert runs.index("list ended") < runs.index("version ended")


def test_on_a_release_without_table_list_the_list_beside_the_check_ends_in_that_releases_sentence(
    runs, module_local_api, monkeypatch
):
    # Release notes v2.10.2: "Add new table management commands: table list, table delete". On 2.9.6 the list that
    # ran beside the held check failed (the stand-in refuses the command), and the user is told the release.
    monkeypatch.setenv("INFLUXCTL_STANDIN_RELEASE", "2.9.6")
    listing = in_thread(lambda: InfluxctlTableClient(connection_of(module_local_api)).list("db"))
    assert runs.list_ended.wait(WAIT_S)  # it ran while `influxctl version` had not started
    assert not listing.done()
    runs.gate.set()
    with pytest.raises(ConfigurationError) as refused:
        listing.result(WAIT_S)
    assert "is influxctl 2.9.6, which cannot list tables: that needs influxctl 2.10.2 or later" in str(refused.value)


def test_a_token_list_runs_beside_the_check_as_a_current_release_takes_it(runs, module_local_api):
    # token/list.md, release notes 2.10.0: "Add `--include-revoked` flag to ... token list"; a refresh's first
    # list of database tokens does not wait for `influxctl version` on a current release.
    listing = in_thread(lambda: InfluxctlDatabaseTokenClient(connection_of(module_local_api)).list())

    assert runs.list_ended.wait(WAIT_S)
    assert not listing.done()
    runs.gate.set()

    listing.result(WAIT_S)
    assert runs.index("list ended") < runs.index("version ended")
    assert [argv[-4:] for argv in lists(runs, "token")] == [["list", "--format", "json", "--include-revoked"]]


def test_on_a_release_before_2_10_the_token_list_beside_the_check_is_dropped_and_run_again_as_it_takes_it(
    runs, module_local_api, monkeypatch
):
    # 2.9.6 has no `--include-revoked` (release notes 2.10.0): the list run beside the check with it is refused by
    # influxctl, its answer is dropped, and the list runs again without the flag once the release is known.
    monkeypatch.setenv("INFLUXCTL_STANDIN_RELEASE", "2.9.6")
    listing = in_thread(lambda: InfluxctlDatabaseTokenClient(connection_of(module_local_api)).list())

    assert runs.list_ended.wait(WAIT_S)
    runs.gate.set()

    assert isinstance(listing.result(WAIT_S), list)
    first, second = lists(runs, "token")
    assert "--include-revoked" in first and "--include-revoked" not in second
    assert runs.events.index("version ended") < len(runs.events) - 2  # the second list started after the verdict
    assert runs.events[-2:] == ["list started", "list ended"]
