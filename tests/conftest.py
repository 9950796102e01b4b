import os
import sys
from pathlib import Path

import pytest

# tests/support is shared by every suite.
sys.path.insert(0, str(Path(__file__).parent))

# The stand-in influxctl (tests/standin/influxctl) runs on the Python the tests run with: every process the tests
# start inherits this, and the provider passes INFLUXCTL_* variables on to influxctl (process.py).
os.environ.setdefault("INFLUXCTL_STANDIN_PYTHON", sys.executable)

# The fixtures the suites share (local servers, the journal folder, the fixed clock): tests/support/fixtures.py.
pytest_plugins = ("support.fixtures",)

# The longest tests first, so that on several workers (scripts/test) none of them starts last and
# runs alone: the wheel tests (a build, fresh virtualenvs and a whole unit run on the lowest
# versions) and the schemathesis runs (over a minute each: collected among the quick server tests, they
# started last and ran alone for the run's last 45 s to 110 s), then the tests marked `long`, then the
# other tests through the real engine, then the rest; each file keeps its own order.
_WHEEL_AND_FUZZ = ("tests/wheel/", "tests/server/test_schemathesis.py")
_WHEEL_AND_FUZZ_TIER, _LONG_TIER, _ENGINE_TIER, _OTHER_TIER = range(4)


def _tier(item: pytest.Item) -> int:
    if item.nodeid.startswith(_WHEEL_AND_FUZZ):
        return _WHEEL_AND_FUZZ_TIER
    if item.get_closest_marker("long"):
        return _LONG_TIER
    if item.nodeid.startswith("tests/e2e/") or item.get_closest_marker("engine"):
        return _ENGINE_TIER
    return _OTHER_TIER


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # stable: the order within a tier is the collection order, but for the engine tier's spread over its files
    place = _places_over_files([item for item in items if _tier(item) == _ENGINE_TIER])
    items.sort(key=lambda item: (_tier(item), place.get(id(item), 0.0)))


def _places_over_files(items: list[pytest.Item]) -> dict[int, float]:
    """Where each engine test goes in its tier (0 to 1): each file's tests spread evenly over the whole tier, each
    file keeping its own order.

    Some files mostly wait (test_faults_e2e.py on retries, timeouts and restarts, test_overlap_e2e.py on real
    overlap windows: ~0.2 of a core each), others mostly compute; handed out file after file, six workers spent
    minutes in the waiting files together while the two cores were a third idle (a /proc/stat sample each
    second over a whole run). Spread, the tests running at any moment come from different files.
    """
    by_file: dict[str, list[pytest.Item]] = {}
    for item in items:
        by_file.setdefault(item.nodeid.split("::")[0], []).append(item)
    return {id(item): (i + 0.5) / len(tests) for tests in by_file.values() for i, item in enumerate(tests)}
