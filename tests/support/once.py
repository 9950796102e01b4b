"""Work done once per test run, however many pytest-xdist workers the run has.

Each worker is its own process with its own session fixtures, so a session fixture alone would build
the wheel or ask scripts/ensure-pulumi once per worker, concurrently. ``once`` makes a folder under the
run's shared temporary root instead: the first process to ask makes it while holding a lock, the
others wait for it and reuse it. Without xdist the shared root is the run's own basetemp.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable
from pathlib import Path

import pytest

DONE = ".done"


def shared_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder every process of this run sees: under xdist each worker's basetemp is
    ``<run>/popen-gwN``, so the run's folder is its parent; a serial run's basetemp is its own."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def once(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], object]) -> Path:
    """The folder ``name`` in the run's shared root, filled by ``make(folder)`` in the first process
    that asks. A ``make`` that raises leaves no mark, so the next process tries again (and fails the
    same way, in its own test)."""
    root = shared_root(tmp_path_factory)
    folder = root / name
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if this process dies
        if not (folder / DONE).exists():
            folder.mkdir(exist_ok=True)
            make(folder)
            (folder / DONE).touch()
    return folder
