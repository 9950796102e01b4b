"""Which influxctl release runs our commands: ``influxctl version``, once per executable and provider process.

The check runs in the background from the moment a client is made (``check_started``), so that the
first list of a command (``management``, ``database``, ``token`` or ``table list``) can run beside it instead of
after it: on a refresh both are on the command's critical path, one after the other. What may run
before the check has passed (runner.py ``Runner._run``):

- a **read** (a list) may *run* beside it, with the flags of a current release and no ``--timeout``,
  but its answer is used only once the check has passed, and only if the release takes the same flags
  (else it runs again as the release takes it: ``token list`` has ``--include-revoked`` from 2.10.0);
  when the release is refused, the answer is dropped and the refusal is what the caller gets, whatever
  the list did;
- a **create, update or revoke** never runs before the check has passed.
"""

from __future__ import annotations

import contextvars
import re
import threading
from typing import Optional

from ...core.errors import ConfigurationError, scrub, scrub_then_cut
from ...core.notices import say
from ...settings import INFLUXCTL_PATH, config_key
from .process import run

Version = tuple[int, int, int]

# Release notes: 2.6.0 added the management commands; 2.7.0 fixed "a nil pointer issue when listing
# management tokens", so it is the floor. 3.x is not released; it is used with a warning.
MINIMUM_VERSION: Version = (2, 7, 0)
NEXT_MAJOR: Version = (3, 0, 0)
SUPPORTED_TEXT = "2.7.0 or later"
TIMEOUT_FLAG_SINCE: Version = (2, 9, 7)  # "Add global --timeout flag"
DESCRIPTION_REQUIRED_SINCE: Version = (2, 10, 0)  # "Ensure the management token description is a non-empty string"
# `influxctl version` "outputs the current version and architecture"; the exact text is not documented.
# Any x.y.z counts, with or without a leading v, but not one glued to a word (go1.25.5).
_VERSION = re.compile(r"(?<![A-Za-z0-9.])v?(\d+)\.(\d+)\.(\d+)(?![0-9])")
VERSION_TIMEOUT = 30.0


def parse_version(output: str) -> Optional[Version]:
    match = _VERSION.search(output)
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


class VersionCheck:
    """One ``influxctl version`` run in a thread of its own; its verdict for every caller that waits."""

    def __init__(self, executable: str) -> None:
        self.executable = executable
        self._done = threading.Event()
        self._version: Optional[Version] = None
        self._error: Optional[BaseException] = None
        # The caller's context goes along: a warning about the version reaches the face's sink (notices.py).
        context = contextvars.copy_context()
        threading.Thread(target=context.run, args=(self._check,), name="influxctl version", daemon=True).start()

    @property
    def ended(self) -> bool:
        return self._done.is_set()

    @property
    def refused(self) -> bool:
        return self._done.is_set() and self._error is not None

    def result(self) -> Optional[Version]:
        """Wait for the check; the version it names (None: unknown, taken as current), or its refusal raised."""
        self._done.wait()
        if self._error is not None:
            raise self._error
        return self._version

    def _check(self) -> None:
        try:
            self._version = _check_version(self.executable)
        except BaseException as err:  # handed to every caller of result()
            self._error = err
        finally:
            self._done.set()


_CHECKED: dict[str, VersionCheck] = {}
_CHECKED_LOCK = threading.Lock()


def check_started(executable: str) -> VersionCheck:
    """The check of ``executable`` in this process: the one running or passed, else one started now.

    The engine's first calls arrive together (4 at once on the dynamic provider, 8 on the plugin);
    they share one check. A refused check serves only the callers that waited for it: the next
    client checks again, as each did before the check ran in the background.
    """
    with _CHECKED_LOCK:
        check = _CHECKED.get(executable)
        if check is None or check.refused:
            check = _CHECKED[executable] = VersionCheck(executable)
        return check


def _check_version(executable: str) -> Optional[Version]:
    """The version ``influxctl version`` names. A version below the floor is refused; output that names
    no version is warned about and taken as a current release (None), as is a newer major version."""
    outcome = run([executable, "version"], VERSION_TIMEOUT)
    hint = f"install influxctl {SUPPORTED_TEXT} or point {config_key(INFLUXCTL_PATH)} / {INFLUXCTL_PATH.env} at one"
    if not outcome.ok:
        how = "gave no answer" if outcome.timed_out else f"exited with status {outcome.returncode}"
        raise ConfigurationError(f"`{executable} version` {how}, so its version is unknown; {hint}.")
    version = parse_version(outcome.stdout)
    if version is None:
        shown = scrub(outcome.stdout).strip()  # scrubbed whole, then cut: a cut token would not match
        first = scrub_then_cut(shown.splitlines()[0], 80, ellipsis="…") if shown else "nothing"
        say(
            f"`{executable} version` printed '{first}', which names no version; going on as if it were "
            f"influxctl {SUPPORTED_TEXT}."
        )
    elif version < MINIMUM_VERSION:
        shown = ".".join(map(str, version))
        raise ConfigurationError(f"{executable} is influxctl {shown}, which this provider does not support; {hint}.")
    elif version >= NEXT_MAJOR:
        shown = ".".join(map(str, version))
        say(f"{executable} is influxctl {shown}, newer than the 2.x releases this provider knows; going on.")
    return version


def takes_timeout_flag(version: Optional[Version]) -> bool:
    """Only releases known to have --timeout get it: an unknown flag would fail every command."""
    return version is not None and version >= TIMEOUT_FLAG_SINCE


def requires_description(version: Optional[Version]) -> bool:
    """Whether influxctl refuses an empty management token description; assumed when the version is unknown."""
    return version is None or version >= DESCRIPTION_REQUIRED_SINCE


# What the release notes date (content/shared/influxctl/release-notes.md), for the database, table and
# database-token commands; a release before one cannot do what needs it.
DATABASE_TOKEN_EXPIRY_SINCE: Version = (2, 10, 0)  # "Add `--expires-at` flag to the token create command"
TOKEN_REVOKE_SINCE: Version = (2, 10, 0)  # "Rename `influxctl token delete` command to `influxctl token revoke`"
INCLUDE_REVOKED_SINCE: Version = (2, 10, 0)  # "Add `--include-revoked` flag to ... token list, token get"
DATABASE_RENAME_SINCE: Version = (2, 10, 2)  # "Add new database management commands: database rename, undelete"
TABLE_LIST_SINCE: Version = (2, 10, 2)  # "Add new table management commands: table list, table delete"
TABLE_RENAME_SINCE: Version = (2, 10, 3)  # "Add `influxctl table rename` command"
ONE_LIMIT_ALONE_SINCE: Version = (2, 10, 4)  # "Allow changing only maxTables or maxColumns individually"


def has(version: Optional[Version], since: Version) -> bool:
    """Whether the installed release has what ``since`` brought; an unknown version is taken as current."""
    return version is None or version >= since


def require(version: Optional[Version], since: Version, what: str, executable: str) -> None:
    """Refuse, in one sentence naming both releases, to do ``what`` with a release that cannot."""
    if has(version, since):
        return
    shown, needed = ".".join(map(str, version or ())), ".".join(map(str, since))
    raise ConfigurationError(
        f"{executable} is influxctl {shown}, which cannot {what}: that needs influxctl {needed} or later; install "
        f"a newer influxctl or point {config_key(INFLUXCTL_PATH)} / {INFLUXCTL_PATH.env} at one."
    )
