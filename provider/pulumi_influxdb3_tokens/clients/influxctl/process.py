"""Running ``influxctl``: argument lists (never a shell), a timeout, the credential's profile file,
the environment it gets, and the mapping of its stderr to one-sentence errors (its version: version.py).

The management token never goes into argv, where other local users could read it from the process
list: it is written to a 0600 ``config.toml`` in a private per-user runtime directory
(clients/secret_files.py), passed with ``--config``/``--profile`` and removed as soon as the command ends;
one left behind by a killed provider is removed by the next. On Linux influxctl is killed when the
provider dies (PR_SET_PDEATHSIG), so it never runs on with the credential after us. When the user names their own
influxctl config or profile, that is passed instead and the provider writes nothing. Either way both
flags are always passed, so influxctl never picks another file or profile than the one we read.
"""

from __future__ import annotations

import collections
import contextlib
import enum
import os
import re
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from typing import IO, Iterator, Optional, Sequence

from ...core.errors import ManagementApiError, scrub, scrub_then_cut
from ...settings import (
    ACCOUNT_ID,
    CLUSTER_ID,
    INFLUXCTL_CONFIG,
    INFLUXCTL_OWN_PROFILE_ENV,
    INFLUXCTL_PROFILE,
    MANAGEMENT_TOKEN,
    REQUEST_TIMEOUT,
    Connection,
    config_key,
)
from ..secret_files import private_file
from .config_file import toml_string

TEMP_PROFILE_NAME = "pulumi-influxdb3-tokens"

# What influxctl may see of our environment: what any program needs (paths, locale, time zone,
# proxies, CA bundles, the OS's user folders) and influxctl's own INFLUXCTL_* variables. Never the
# INFLUXDB3_* settings (the admin credential among them), nor the CI's other secrets.
_PASSED_ENVIRONMENT = re.compile(
    r"PATH|HOME|USER|LOGNAME|LANG|LANGUAGE|LC_\w+|TZ|TMPDIR|TEMP|TMP|SSL_CERT_FILE|SSL_CERT_DIR|"
    r"(HTTPS?|NO|ALL)_PROXY|XDG_\w+|APPDATA|LOCALAPPDATA|USERPROFILE|HOMEDRIVE|HOMEPATH|SYSTEMROOT|"
    r"SYSTEMDRIVE|WINDIR|COMSPEC|PATHEXT|INFLUXCTL_\w+",
    re.IGNORECASE,
)


def child_environment() -> dict[str, str]:
    """The environment influxctl runs with. INFLUXCTL_PROFILE is left out: --profile names the profile."""
    return {
        name: value
        for name, value in os.environ.items()
        if _PASSED_ENVIRONMENT.fullmatch(name) and name.upper() != INFLUXCTL_OWN_PROFILE_ENV
    }


def timeout_flag(request_timeout: float) -> str:
    """influxctl's own API timeout, shorter than ours, so that it reports a timeout before we kill it."""
    seconds = max(request_timeout - max(1.0, request_timeout * 0.2), request_timeout / 2)
    return f"--timeout={int(seconds * 1000)}ms"


@dataclass(frozen=True)
class Outcome:
    """How one influxctl run ended; ``returncode`` is None when it was stopped at the timeout."""

    returncode: Optional[int]
    stdout: str
    stderr: str

    @property
    def timed_out(self) -> bool:
        return self.returncode is None

    @property
    def ok(self) -> bool:
        return self.returncode == 0


# Run by the child itself, before it becomes influxctl: prctl(2) PR_SET_PDEATHSIG (1, <linux/prctl.h>) with
# SIGKILL, so influxctl dies with the provider. It is a separate interpreter that execs influxctl, not a
# preexec_fn: code run between fork and exec in a provider whose gRPC threads registered fork handlers
# crashed the child (SIGSEGV). Should the provider die before prctl, the parent id differs and it stops.
_DIE_WITH_PARENT = """\
import ctypes, os, signal, sys
parent, argv = int(sys.argv[1]), sys.argv[2:]
try:
    ctypes.CDLL(None, use_errno=True).prctl(ctypes.c_int(1), ctypes.c_ulong(signal.SIGKILL), ctypes.c_ulong(0),
                                            ctypes.c_ulong(0), ctypes.c_ulong(0))
except (OSError, AttributeError):
    pass
if os.getppid() != parent:
    os._exit(1)
try:
    os.execv(argv[0], argv)
except OSError as err:
    print(f"cannot run {argv[0]}: {err.strerror}", file=sys.stderr)
    os._exit(127)
"""


def dying_with_parent(argv: list[str]) -> list[str]:
    """argv run so that the child is killed when this process dies; argv itself where that is not available."""
    if not sys.platform.startswith("linux") or not sys.executable:
        return argv
    return [sys.executable, "-I", "-S", "-c", _DIE_WITH_PARENT, str(os.getpid()), *argv]


# influxctl logs a person in through the identity provider's device flow when a profile has no
# mgmt_token and no valid cached login: it prints a verification address and a user code (RFC 8628,
# 3.3: verification_uri, user_code) and waits for the person. Neither the wording nor the stream nor
# the layout is documented, so this looks, on stdout and stderr alike, for an address and the flow's
# own words within a few consecutive lines; a run that asks is stopped at once: no one is there to
# answer, and nothing was sent. gRPC's "code = Unauthenticated" is a status, not the flow's word.
_ADDRESS = re.compile(r"https?://\S+", re.I)
_FLOW_WORDS = re.compile(
    r"\bcode\b(?!\s*=)|\b(user|device)_code\b|\b(activate|device|log ?in|sign ?in)\b",
    re.I,
)
PROMPT_LINES = 3  # the address and the words may be this many non-blank lines apart, counting both


def _prompts(lines: Sequence[str]) -> bool:
    text = "\n".join(lines)
    return bool(_ADDRESS.search(text) and _FLOW_WORDS.search(text))


def asked_to_log_in(text: str) -> bool:
    """Whether ``text`` holds the device flow's prompt: an address and the flow's words, close together."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return any(_prompts(lines[max(0, end - PROMPT_LINES) : end]) for end in range(1, len(lines) + 1))


class _PromptWatch:
    """The last few non-blank lines influxctl printed, on either stream in the order they came."""

    def __init__(self) -> None:
        self._recent: collections.deque[str] = collections.deque(maxlen=PROMPT_LINES)
        self._lock = threading.Lock()
        self.prompt: list[str] = []  # the lines that asked, once they did

    def asks(self, line: str) -> bool:
        if not line.strip():
            return False
        with self._lock:
            self._recent.append(line.strip())
            if not self.prompt and _prompts(self._recent):
                self.prompt = list(self._recent)
            return bool(self.prompt)


def run(argv: list[str], timeout: float) -> Outcome:
    """Run argv in its own process group; at the timeout, or when it asks a person to log in, kill the group
    and keep what it printed. A login prompt seen on stdout is kept with stderr too, where failures are read."""
    process = subprocess.Popen(
        dying_with_parent(argv),
        env=child_environment(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    out: list[str] = []
    err: list[str] = []
    watch = _PromptWatch()

    def kill() -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)

    def read(stream: Optional[IO[str]], kept: list[str], until_json: bool) -> None:
        watching = True
        for line in stream or ():
            kept.append(line)
            if until_json and line.lstrip()[:1] in ("{", "["):
                watching = False  # the answer has begun: no prompt comes after it, and its text is data
            if watching and watch.asks(line):
                kill()

    readers = [
        threading.Thread(target=read, args=(process.stdout, out, True), daemon=True),
        threading.Thread(target=read, args=(process.stderr, err, False), daemon=True),
    ]
    for reader in readers:
        reader.start()
    try:
        returncode: Optional[int] = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill()
        process.wait()
        returncode = None
    for reader in readers:
        reader.join()
    stderr = "".join(err)
    if watch.prompt and not asked_to_log_in(stderr):
        stderr += "".join(f"{line}\n" for line in watch.prompt)
    return Outcome(returncode, "".join(out), stderr)


# --- the credential ------------------------------------------------------------------------------


def profile_toml(connection: Connection) -> str:
    return (
        "[[profile]]\n"
        f"  name = {toml_string(TEMP_PROFILE_NAME)}\n"
        f"  product = {toml_string(connection.product)}\n"  # Clustered uses the same commands with its own product
        f"  account_id = {toml_string(connection.account_id)}\n"
        f"  cluster_id = {toml_string(connection.cluster_id)}\n"
        f"  mgmt_token = {toml_string(connection.management_token.get_secret_value())}\n"
    )


@contextlib.contextmanager
def profile_flags(connection: Connection) -> Iterator[list[str]]:
    """The global flags that select the credential, with the temporary profile alive meanwhile."""
    if connection.uses_own_influxctl_profile:
        yield ["--config", connection.influxctl_config or "", "--profile", connection.influxctl_profile or ""]
        return
    with private_file("config.toml", profile_toml(connection)) as path:
        yield ["--config", str(path), "--profile", TEMP_PROFILE_NAME]


# --- stderr -> one sentence ----------------------------------------------------------------------


class Failure(enum.Enum):
    LOGIN = "login"  # the profile's person must log in (influxctl auth login); nothing was sent
    AUTHENTICATION = "authentication"
    PERMISSION = "permission"
    NOT_FOUND = "not found"
    INVALID = "invalid request"
    NETWORK = "network"
    UNKNOWN = "unknown"

    @property
    def definite(self) -> bool:
        """The request was refused before anything happened, so a create minted nothing."""
        return self in (Failure.LOGIN, Failure.AUTHENTICATION, Failure.PERMISSION, Failure.NOT_FOUND, Failure.INVALID)


# gRPC status codes as influxctl prints them ("rpc error: code = Unauthenticated desc = ..."), and
# the plainer texts of HTTP and socket errors, in the order they are checked.
_PATTERNS: tuple[tuple[Failure, re.Pattern[str]], ...] = (
    (
        Failure.AUTHENTICATION,
        re.compile(
            r"code = unauthenticated|unauthenticated|unauthori[sz]ed|\b401\b"
            r"|token is expired|invalid (management )?token",
            re.I,
        ),
    ),
    (Failure.PERMISSION, re.compile(r"code = permissiondenied|permission ?denied|forbidden|\b403\b", re.I)),
    (Failure.NOT_FOUND, re.compile(r"code = notfound|not ?found|\b404\b", re.I)),
    (Failure.INVALID, re.compile(r"code = (invalidargument|failedprecondition|outofrange)|invalid argument", re.I)),
    (
        Failure.NETWORK,
        re.compile(
            r"code = (unavailable|deadlineexceeded|resourceexhausted|aborted)|connection (refused|reset)|"
            r"no such host|dial tcp|i/o timeout|deadline exceeded|network is unreachable|tls handshake|\beof\b",
            re.I,
        ),
    ),
)


# Texts of a connection that was never made (gRPC-Go's "transport: Error while dialing: ..." and the Go
# net and TLS errors inside it): the request never left the machine, so a create minted nothing. A
# read or reset error after the connection was up is not among them: the server may have acted.
_NEVER_SENT = re.compile(
    r"error while dialing|dial tcp|connection refused|no such host|name resolver|produced zero addresses|"
    r"authentication handshake failed|tls handshake|handshake failure|x509:",
    re.I,
)


def never_sent(stderr: str) -> bool:
    """Whether influxctl failed before its request reached the service (dial, DNS, refused, TLS)."""
    return bool(_NEVER_SENT.search(stderr))


def answer_lost(outcome: Outcome) -> bool:
    """Whether a failed create may have acted: stopped at the timeout, or failed after its request could have
    reached the service (not a refusal, not a connection never made). Such a create is never run again blindly."""
    return outcome.timed_out or not (classify(outcome.stderr).definite or never_sent(outcome.stderr))


# influxctl's answer to a create or rename whose name is taken (gRPC AlreadyExists): nothing was made.
_ALREADY_EXISTS = re.compile(r"code = AlreadyExists|already exists", re.I)


def already_exists(stderr: str) -> bool:
    """Whether influxctl refused a create or rename because the name is taken (a database's or a table's)."""
    return _ALREADY_EXISTS.search(stderr) is not None


def classify(stderr: str) -> Failure:
    if asked_to_log_in(stderr):
        return Failure.LOGIN
    for failure, pattern in _PATTERNS:
        if pattern.search(stderr):
            return failure
    return Failure.UNKNOWN


DETAIL_LIMIT = 200  # characters of influxctl's last stderr line that a sentence quotes


def last_line(text: str, secrets: tuple[str, ...]) -> str:
    """The last line influxctl printed, scrubbed of ``secrets`` (and any token shape) whole, then shortened."""
    lines = [line.strip() for line in scrub(text, secrets).strip().splitlines() if line.strip()]
    line = lines[-1] if lines else ""
    line = re.sub(r"^(error:\s*)+", "", line, flags=re.I).rstrip(".")
    return scrub_then_cut(line, DETAIL_LIMIT, ellipsis="…")


def describe(outcome: Outcome, timeout: float) -> str:
    """What went wrong with a run, as a clause: 'timed out after 10 s', 'exited with status 1'."""
    if outcome.timed_out:
        return f"gave no answer within {timeout:g} s and was stopped"
    if outcome.returncode is not None and outcome.returncode < 0:
        return f"was killed by signal {-outcome.returncode}"
    if outcome.ok:
        return "printed output that is not the JSON it documents"
    return f"exited with status {outcome.returncode}"


def failure_error(action: str, outcome: Outcome, connection: Connection) -> ManagementApiError:
    """One sentence for a failed run, naming the setting to check; never the credential."""
    secrets = (connection.management_token.get_secret_value(),)
    lead = f"Could not {action} with influxctl"
    ids = f"{config_key(ACCOUNT_ID)} and {config_key(CLUSTER_ID)}"
    if connection.uses_own_influxctl_profile:
        named_by = f"{config_key(INFLUXCTL_CONFIG)} / {config_key(INFLUXCTL_PROFILE)}"
        credential = f"the mgmt_token of the influxctl profile named by {named_by}"
        ids = f"account_id and cluster_id in the profile named by {named_by}"
    else:
        credential = f"{config_key(MANAGEMENT_TOKEN)} or {MANAGEMENT_TOKEN.env}"
    if outcome.timed_out:
        return ManagementApiError(
            f"{lead}: it {describe(outcome, connection.request_timeout)}; raise {config_key(REQUEST_TIMEOUT)} "
            f"or check the network.",
            secrets=secrets,
        )
    failure = classify(outcome.stderr)
    detail = last_line(outcome.stderr, secrets)
    login = connection.uses_own_influxctl_profile and not connection.management_token.get_secret_value()
    if failure is Failure.LOGIN or (failure is Failure.AUTHENTICATION and login):
        profile = connection.influxctl_profile or "default"
        return ManagementApiError(
            f"{lead}: influxctl profile '{profile}' has no valid login (it logs in through your identity "
            f"provider, and the cached login is missing or expired); run `influxctl --profile {profile} auth "
            f"login`, then run the command again.",
            status=401,
            secrets=secrets,
        )
    if failure is Failure.AUTHENTICATION:
        return ManagementApiError(
            f"{lead}: the management token was rejected (missing, unknown, revoked or expired); check {credential}.",
            status=401,
            secrets=secrets,
        )
    if failure is Failure.PERMISSION:
        return ManagementApiError(
            f"{lead}: the management token may not act on account {connection.account_id} / cluster "
            f"{connection.cluster_id}; check {ids}.",
            status=403,
            secrets=secrets,
        )
    if failure is Failure.NOT_FOUND:
        return ManagementApiError(
            f"{lead}: the account or cluster does not exist; check {ids}.", status=404, secrets=secrets
        )
    if failure is Failure.NETWORK:
        return ManagementApiError(
            f"{lead}: influxctl cannot reach the cluster's management service ({detail or 'network error'}); "
            f"check the network and retry.",
            secrets=secrets,
        )
    if failure is Failure.INVALID:
        return ManagementApiError(f"{lead}: influxctl refused the request ({detail}).", status=400, secrets=secrets)
    return ManagementApiError(
        f"{lead}: it {describe(outcome, connection.request_timeout)}" + (f" ({detail})." if detail else "."),
        secrets=secrets,
    )
