"""The garbage collector of a provider process, set for what that process is: short-lived, and importing a lot first.

CPython collects its youngest generation every 700 new container objects. Importing the Pulumi SDK, grpc,
pydantic and our models makes hundreds of thousands of them, nearly all alive until the process ends, so those
collections find almost nothing: ~35 ms of a plugin's ~290 ms start and ~30 ms of the ~165 ms our code adds to
the dynamic host's (bench/first-call). A provider process lives for one command and collects less often.

Its end is on the command's path too: when a command is done the engine interrupts each provider process and
waits for it to exit (pulumi v3.274.1 pkg/resource/plugin/plugin.go, ``kill``: SIGINT, then up to 5 s). On the
way out CPython's finalization collects every generation, more than once, walking every object those imports
made: ~50 ms of the SDK's own host and 90 to 108 ms once our modules are imported, measured from a process's last
line to its end (bench/first-call). So at exit, after the threads are joined and among the atexit handlers (which all
still run), the objects alive are frozen (``gc.freeze``): finalization then skips them (12 to 15 ms). What that gives
up is only the collection of reference cycles at exit, which Python does not promise (their ``__del__`` may not
run); nothing here relies on one: files and locks are closed by ``with`` blocks or by the operating system.

Except after a failed call. A command that fails ends sooner too, and the engine shuts its resource monitor down
right after its providers exit, while the SDK's program may still be reporting its failed registrations: those
calls then fail and the program prints Python tracebacks (a race between pulumi v3.274.1 and the SDK; seen in
tests/e2e/test_faults_e2e.py, 5 of 6 runs, when every exit was quick). A process that failed a call keeps
CPython's whole exit, which leaves the program the time it has always had.

Who calls this: a provider process, from the plugin's entry point (``plugin.main``) before its imports and from the
dynamic provider module once it knows it runs in the SDK's provider host; and, outside the product, the tests'
forked local servers (tests/support/server_fork.py), short-lived the same way. A Pulumi program, the audit and the
tests themselves keep their interpreter's settings (tests/unit/test_import_cost.py).
"""

from __future__ import annotations

import atexit
import gc

# Young-generation threshold: 100,000 container objects between collections (CPython's default is 700); the older
# generations keep their defaults.
YOUNG_THRESHOLD = 100_000


_FREEZE_AT_EXIT: list[bool] = []  # registered once per process
_FAILED: list[bool] = []  # a call of this process failed


def tune_for_a_provider_process() -> None:
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
    if not _FREEZE_AT_EXIT:
        _FREEZE_AT_EXIT.append(True)
        atexit.register(_freeze_unless_a_call_failed)


def a_call_failed() -> None:
    """A call of this process answered the engine with an error: the process keeps CPython's whole exit."""
    if not _FAILED:
        _FAILED.append(True)


def _freeze_unless_a_call_failed() -> None:
    if not _FAILED:
        gc.freeze()
