"""Issue 17 (6): no temporary file with the admin credential outlives the provider, nor does influxctl.

The influxctl transport writes the admin token into a 0600 config.toml for each run. A provider killed
with SIGKILL (the engine's last resort) runs no cleanup, so: the file lives in a private per-user
runtime directory, the next provider process removes the folders of processes proved dead (never a
live one's), and on Linux influxctl gets SIGKILL when the provider dies (prctl PR_SET_PDEATHSIG, see
prctl(2)), so it does not run on holding the credential.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Iterator, Optional

import pytest
from pydantic import SecretStr

from pulumi_influxdb3_tokens.clients import client_for, secret_files
from pulumi_influxdb3_tokens.clients.influxctl import version as influxctl_version
from pulumi_influxdb3_tokens.core.errors import ConfigurationError
from pulumi_influxdb3_tokens.settings import Connection
from support.standin import STANDIN_DIR

ADMIN = "M.V1.admin-credential-in-the-temporary-profile"
LINUX = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG and /proc are Linux's")

# A provider process in miniature: the influxctl transport listing tokens, as the provider does.
PROVIDER = textwrap.dedent(
    f"""
    import sys
    from pydantic import SecretStr
    from pulumi_influxdb3_tokens.clients.influxctl.client import InfluxctlTokenClient
    from pulumi_influxdb3_tokens.core.errors import InfluxDB3TokensError
    from pulumi_influxdb3_tokens.settings import Connection

    connection = Connection(
        "", "acc", "clu", SecretStr({ADMIN!r}), request_timeout=60.0, retry_timeout=1.0,
        transport="influxctl", influxctl_path={str(STANDIN_DIR / "influxctl")!r},
    )
    try:
        InfluxctlTokenClient(connection).list()
    except InfluxDB3TokensError as err:
        print(err)
    """
)


def provider_env(tmp_path: Path, runtime: Path, fault: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INFLUXDB3_", "INFLUXCTL_"))}
    venv_bin = str(Path(sys.executable).parent)  # the stand-in's `env python3` finds this one
    env.update(
        PATH=os.pathsep.join([venv_bin, "/usr/bin", "/bin"]),
        HOME=str(tmp_path),
        XDG_RUNTIME_DIR=str(runtime),
        INFLUXCTL_STANDIN_API_URL="http://127.0.0.1:9",  # never reached: the list hangs, or prints garbage
        INFLUXCTL_STANDIN_FAULT=fault,
        INFLUXCTL_STANDIN_RECORD=str(tmp_path / "runs.jsonl"),
    )
    return env


def runs(tmp_path: Path) -> list[dict[str, object]]:
    record = tmp_path / "runs.jsonl"
    return [json.loads(line) for line in record.read_text().splitlines()] if record.exists() else []


def pid_running_with(needle: str) -> Optional[int]:
    """The pid of a live (not zombie) process whose command line holds ``needle``."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if needle in cmdline and state != "Z":
            return int(entry.name)
    return None


def wait_for(condition, what: str, limit: float = 30.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


@pytest.fixture
def runtime(tmp_path: Path) -> Path:
    directory = tmp_path / "run"
    directory.mkdir(mode=0o700)
    return directory


@pytest.fixture
def started() -> Iterator[list[subprocess.Popen[str]]]:
    processes: list[subprocess.Popen[str]] = []
    yield processes
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.wait()


@LINUX
def test_a_killed_provider_takes_influxctl_with_it_and_the_next_one_removes_its_profile(
    tmp_path: Path, runtime: Path, started: list[subprocess.Popen[str]]
):
    provider = subprocess.Popen(
        [sys.executable, "-c", PROVIDER],
        env=provider_env(tmp_path, runtime, "hang-until-timeout"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    started.append(provider)
    listing = wait_for(lambda: [r for r in runs(tmp_path) if "list" in r["argv"]], "influxctl management list")[0]
    profile = Path(str(listing["config"]))
    assert profile.is_file() and profile.is_relative_to(runtime)  # the per-user runtime directory
    influxctl = wait_for(lambda: pid_running_with(str(profile)), "the influxctl process")
    stray: Optional[int] = influxctl
    try:
        provider.send_signal(signal.SIGKILL)  # no cleanup runs in the provider
        provider.wait()
        wait_for(lambda: pid_running_with(str(profile)) is None, "influxctl to die with the provider")
        stray = None
        assert profile.is_file()  # left behind: SIGKILL ran nothing

        nxt = subprocess.run(
            [sys.executable, "-c", PROVIDER],
            env=provider_env(tmp_path, runtime, "garbage"),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert nxt.returncode == 0, nxt.stderr
        assert not profile.exists() and not profile.parent.exists()
        assert [p.name for p in (runtime / secret_files.RUNTIME_NAME).iterdir()] == []  # its own went too
        assert ADMIN not in nxt.stdout + nxt.stderr
    finally:
        if stray is not None and pid_running_with(str(profile)) == stray:
            os.kill(stray, signal.SIGKILL)


def folder(directory: Path, pid: int, host: Optional[str] = None, start: Optional[str] = None) -> Path:
    """A temporary profile's folder as a provider process names it: with its start time, or (older) without."""
    started = f"{start}-" if start is not None else ""
    made = directory / f"influxctl-{host or secret_files._host_tag()}-{pid}-{started}abc123"
    made.mkdir(mode=0o700)
    (made / "config.toml").write_text("secret")
    return made


def test_only_folders_of_processes_proved_dead_on_this_machine_are_removed(tmp_path: Path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        gone = folder(tmp_path, dead.pid)
        kept_alive = folder(tmp_path, alive.pid)
        kept_mine = folder(tmp_path, os.getpid())
        kept_other_host = folder(tmp_path, dead.pid, host="0000ffff")
        unrelated = tmp_path / "someone-elses-file"
        unrelated.write_text("x")
        assert secret_files.remove_stale(tmp_path) == [gone]
        assert not gone.exists()
        assert kept_alive.exists() and kept_mine.exists() and kept_other_host.exists() and unrelated.exists()
    finally:
        alive.kill()
        alive.wait()


def test_the_profile_lives_in_a_private_runtime_directory_and_is_gone_after_the_run(
    tmp_path: Path, runtime: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    with secret_files.private_file("config.toml", "secret") as path:
        assert path.parent.parent == runtime / secret_files.RUNTIME_NAME
        assert oct(path.stat().st_mode & 0o777) == "0o600" and oct(path.parent.stat().st_mode & 0o777) == "0o700"
    assert not path.exists() and not path.parent.exists()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
def test_without_a_private_xdg_runtime_dir_a_private_per_user_temp_dir_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    shared = tmp_path / "shared-runtime"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(shared))
    monkeypatch.setattr(secret_files.tempfile, "tempdir", str(tmp_path))
    chosen = secret_files.runtime_dir()
    assert chosen == tmp_path / f"pulumi-influxdb3-tokens-{os.getuid()}"
    assert oct(chosen.stat().st_mode & 0o777) == "0o700"

    chosen.chmod(0o755)  # someone opened it up: it is no longer used
    with pytest.raises(ConfigurationError) as refused:
        secret_files.runtime_dir()
    assert str(refused.value).startswith(f"The directory {chosen}, where the provider keeps influxctl's temporary")


# --- issue 30 (a): cleaned at the start of every transport, and a reused process id keeps nothing ------


def proc_start_time(pid: int) -> str:
    """Field 22 of /proc/<pid>/stat (proc(5)): when the process started, in clock ticks since boot."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]


def dead_pid() -> int:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    return dead.pid


@pytest.mark.parametrize("transport", ["http", "influxctl"])
@pytest.mark.parametrize("where", ["xdg", "tmp"])
def test_the_first_client_of_either_transport_removes_profiles_left_behind(
    tmp_path: Path, runtime: Path, monkeypatch: pytest.MonkeyPatch, transport: str, where: str
):
    """A killed provider's profile once waited for a later influxctl run with a token of its own; a provider on
    the REST API or on the user's own influxctl profile never removed it."""
    if where == "xdg":
        monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
        directory = runtime / secret_files.RUNTIME_NAME
    else:
        monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)  # then it lives under the temporary directory
        monkeypatch.setattr(secret_files.tempfile, "tempdir", str(tmp_path))
        directory = tmp_path / f"pulumi-influxdb3-tokens-{os.getuid()}"
    directory.mkdir(mode=0o700)
    left = folder(directory, dead_pid())
    mine = folder(directory, os.getpid())
    monkeypatch.setattr(influxctl_version, "_CHECKED", {})
    connection = (
        Connection("http://127.0.0.1:9", "acc", "clu", SecretStr(ADMIN))
        if transport == "http"
        else Connection(
            "",
            "acc",
            "clu",
            SecretStr(""),
            transport="influxctl",
            influxctl_path=str(STANDIN_DIR / "influxctl"),
            influxctl_profile="default",
        )
    )
    client_for(connection)
    assert not left.exists()
    assert mine.exists()  # a live process's folder stays


@LINUX
def test_a_folder_whose_process_id_now_names_another_process_is_removed(tmp_path: Path):
    """A process id is reused: the owner is the process with that id AND the start time the folder records."""
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        started = proc_start_time(alive.pid)
        other = str(int(started) + 1)
        reused = folder(tmp_path, alive.pid, start=other)
        reused_mine = folder(tmp_path, os.getpid(), start=str(int(proc_start_time(os.getpid())) - 1))
        kept_alive = folder(tmp_path, alive.pid, start=started)
        kept_mine = folder(tmp_path, os.getpid(), start=proc_start_time(os.getpid()))
        kept_unknown = folder(tmp_path, alive.pid)  # written without a start time: the id alone decides
        assert sorted(secret_files.remove_stale(tmp_path)) == sorted([reused, reused_mine])
        assert kept_alive.exists() and kept_mine.exists() and kept_unknown.exists()
    finally:
        alive.kill()
        alive.wait()


@LINUX
def test_the_profiles_folder_records_its_owners_start_time(runtime: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    with secret_files.private_file("config.toml", "secret") as path:
        assert path.parent.name.startswith(
            f"influxctl-{secret_files._host_tag()}-{os.getpid()}-{proc_start_time(os.getpid())}-"
        )
        assert secret_files.remove_stale(path.parent.parent) == []  # its owner runs
