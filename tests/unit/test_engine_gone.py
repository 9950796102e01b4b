"""Issue 30 (3): a provider whose engine is gone sends no new create.

When the `pulumi` CLI is SIGKILLed, its providers live on. The dynamic provider is started through
`pulumi-resource-pulumi-python`, a /bin/sh script that runs `python -m pulumi.dynamic` without `exec`
(pulumi sdk/python/dist/pulumi-resource-pulumi-python, v3.274.1), so the provider's parent is a shell
that outlives the engine. These tests build that chain: a stand-in engine (a Python process, started
through a link whose name holds spaces and parentheses, as /proc/<pid>/stat's command field may),
which runs `sh -c '"$0" -c "$1"; exit $?'` (a shell that waits, as the script does), which runs the
provider: a Python process that records its engine at its first use, then answers commands on stdin.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

# The provider: records its engine at once (as a face does at its first call), then runs commands.
PROVIDER = r"""
import json, os, signal, sys, time
import httpx
from pydantic import SecretStr
from pulumi_influxdb3_tokens.core import engine
engine.record()
if os.environ.get("WATCH_ENGINE"):  # as the plugin's main and the dynamic provider's configure do
    engine.watch()
from pulumi_influxdb3_tokens.clients.http import HttpTokenClient
from pulumi_influxdb3_tokens.core.errors import InfluxDB3TokensError
from pulumi_influxdb3_tokens.core.management_token.models import TokenInputs
from pulumi_influxdb3_tokens.settings import Connection

def mint(description, kill_engine_at_first_post):
    posts = []
    def server(request):
        if request.method != "POST":
            return httpx.Response(404)
        posts.append(request.headers["Idempotency-Key"])
        if kill_engine_at_first_post:  # the CLI is killed while the create waits for the server
            shell = open(f"/proc/{os.getppid()}/stat").read()
            os.kill(int(shell[shell.rfind(")") + 1 :].split()[1]), signal.SIGKILL)  # the shell's parent
            deadline = time.monotonic() + 10
            while engine.engine_alive() and time.monotonic() < deadline:
                time.sleep(0.01)
        return httpx.Response(503)  # the server is down: the create is retried
    connection = Connection("http://mgmt.test", "a", "c", SecretStr("M.V1.admin"), retry_timeout=5.0)
    client = HttpTokenClient(connection, transport=httpx.MockTransport(server))
    try:
        client.mint(TokenInputs(description=description))
        error = None
    except InfluxDB3TokensError as failed:
        error = str(failed)
    return {"posts": len(posts), "keys": posts, "error": error}

for line in sys.stdin:
    command = line.split()
    if command[0] == "alive":
        answer = engine.engine_alive()
    elif command[0] == "pids":
        answer = [os.getpid(), os.getppid()]
    elif command[0] == "hold-profile":  # an influxctl call in flight: its profile (the admin token) on disk
        from pulumi_influxdb3_tokens.clients.secret_files import private_file
        held = private_file("config.toml", "token = 'M.V1.admin'")
        answer = str(held.__enter__().parent)
    else:
        answer = mint(command[1], command[0] == "mint-killing-engine")
    print(json.dumps(answer), flush=True)
"""
ENGINE = "import subprocess, sys, time; subprocess.Popen(sys.argv[1:]); time.sleep(60)"
GONE = (
    "The Pulumi engine that started this provider has stopped, so the create of a management token was not "
    "sent; the next `pulumi up` finishes it."
)


# A language host that starts a plugin of its own (pulumi-language-yaml does, for the schema) and outlives the
# engine, as the upstream YAML host does until its five-minute health check: a copy of the shell under the host's
# name (the provider reads the name of /proc/<pid>/exe, which a link would not change), the plugin's stdin kept.
HOST = 'exec 3<&0; "$0" -c "$1" <&3 3<&- & sleep 60'


class Chain:
    def __init__(self, tmp_path: Path, watch: bool = False, language_host: bool = False) -> None:
        weird = tmp_path / "pulumi (engine) x) y"
        weird.symlink_to(sys.executable)
        self.journal = tmp_path / "journal"
        between = ["sh", "-c", '"$0" -c "$1"; exit $?']
        if language_host:
            host = tmp_path / "pulumi-language-yaml"
            shutil.copy2(Path("/bin/sh").resolve(), host)
            between = [str(host), "-c", HOST]
        runtime = tmp_path / "runtime"  # where influxctl's temporary profiles go (clients/secret_files.py)
        runtime.mkdir(mode=0o700)
        env = {**os.environ, "INFLUXDB3_TOKENS_JOURNAL_DIR": str(self.journal), "XDG_RUNTIME_DIR": str(runtime)}
        if watch:
            env["WATCH_ENGINE"] = "1"
        self.engine = subprocess.Popen(
            [str(weird), "-c", ENGINE, *between, sys.executable, PROVIDER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.between: list[int] = []  # what is left to end at close: the stand-in language host

    def ask(self, command: str) -> Any:
        assert self.engine.stdin is not None and self.engine.stdout is not None
        self.engine.stdin.write(command + "\n")
        self.engine.stdin.flush()
        return json.loads(self.engine.stdout.readline())

    def kill_engine(self) -> None:
        os.kill(self.engine.pid, signal.SIGKILL)

    def entries(self) -> list[str]:
        return sorted(path.stem for path in self.journal.glob("*.json"))

    def close(self) -> None:
        for pid in self.between:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if self.engine.returncode is None:
            self.engine.kill()
        self.engine.wait(10)
        assert self.engine.stdin is not None
        self.engine.stdin.close()  # the provider reads stdin to its end and exits


@pytest.fixture
def chain(tmp_path: Path) -> Iterator[Chain]:
    started = Chain(tmp_path)
    try:
        yield started
    finally:
        started.close()


def test_the_provider_sees_its_engine_stop_though_the_shell_between_them_lives_on(chain: Chain):
    assert chain.ask("alive") is True
    chain.kill_engine()
    deadline = time.monotonic() + 10
    while Path(f"/proc/{chain.engine.pid}").exists() and "Z" not in _state(chain.engine.pid):
        assert time.monotonic() < deadline, "the killed engine never became a zombie"
        time.sleep(0.01)
    assert chain.ask("alive") is False  # killed, not yet reaped: a zombie is no engine
    chain.engine.wait(10)
    assert chain.ask("alive") is False  # reaped: gone


def test_a_create_is_not_sent_once_the_engine_is_gone_and_its_entry_waits_for_the_next_up(chain: Chain):
    # The server is down; the CLI is killed while the create retries: no attempt after that is sent.
    during = chain.ask("mint-killing-engine during")
    assert during == {"posts": 1, "keys": during["keys"], "error": GONE}
    assert chain.entries() == during["keys"]  # kept, unanswered: the next `up` asks again with this key
    # A create that starts after the engine died sends nothing at all.
    after = chain.ask("mint after")
    assert after == {"posts": 0, "keys": [], "error": GONE}
    assert len(chain.entries()) == 2


def _state(pid: int) -> str:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "gone"
    return text[text.rfind(")") + 1 :].split()[0]


def test_a_watching_provider_ends_soon_after_its_engine_though_the_shell_between_them_lived_on(tmp_path: Path):
    """Issue 32 (1): after a SIGKILLed CLI no provider of ours lives on. The watchdog (core/engine.py ``watch``) ends
    the provider once its engine is gone; the shell that ran it (pulumi-resource-pulumi-python) then ends too."""
    chain = Chain(tmp_path, watch=True)
    try:
        provider, shell = chain.ask("pids")
        assert chain.ask("alive") is True and _state(provider) != "gone"  # a live engine ends nothing
        chain.kill_engine()
        _wait_gone(provider, shell)
    finally:
        chain.close()


def test_a_provider_the_watchdog_ends_leaves_no_influxctl_profile_behind(tmp_path: Path):
    """The watchdog ends the process in the middle of whatever it does, so ``private_file``'s cleanup never runs: the
    profile holding the admin token is removed before the process exits (secret_files.remove_own), not left to the
    next provider's clean-up of stale folders."""
    chain = Chain(tmp_path, watch=True)
    try:
        provider, _ = chain.ask("pids")
        folder = Path(chain.ask("hold-profile"))
        assert (folder / "config.toml").is_file()
        chain.kill_engine()
        _wait_gone(provider)
        assert not folder.exists()
    finally:
        chain.close()


def test_a_plugin_a_language_host_started_follows_the_engine_not_the_host(tmp_path: Path):
    """pulumi-language-yaml starts our plugin for the schema and outlives a killed engine (pulumi-yaml's host checks
    the engine's health every five minutes): the plugin's engine is the host's parent, so it ends with the engine
    while the host still runs."""
    chain = Chain(tmp_path, watch=True, language_host=True)
    try:
        provider, host = chain.ask("pids")
        chain.between.append(host)
        chain.kill_engine()
        _wait_gone(provider)
        assert _state(host) not in ("gone", "Z")  # the host lived on: the provider followed the engine, not it
    finally:
        chain.close()


def _wait_gone(*pids: int) -> None:
    """Bounded wait (a few seconds: the watchdog polls every 0.5 s) until every pid is gone or a zombie."""
    deadline = time.monotonic() + 10
    while any(_state(pid) not in ("gone", "Z") for pid in pids):
        assert time.monotonic() < deadline, f"still running after the engine died: {pids}"
        time.sleep(0.05)
