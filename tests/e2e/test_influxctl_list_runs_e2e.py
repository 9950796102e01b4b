"""Through the real engine: a command's reads share one `influxctl management list` (issue 21), on both faces.

The stand-in records each run (INFLUXCTL_STANDIN_RECORD) with the id of the process that started it,
so the runs are counted per provider process. Both faces' provider processes are started by the
engine for one command (the dynamic provider host and the plugin alike): the second refresh's runs
come from another process than the first's, so nothing a command shared outlives it.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from support.local_api import LocalApi

pytestmark = pytest.mark.parametrize("transport", ["influxctl"])
COUNT = 20


def runs(record: Path) -> list[dict[str, Any]]:
    """(action, ppid) of each `influxctl management <action>` run recorded."""
    out = []
    for line in record.read_text().splitlines() if record.exists() else []:
        entry = json.loads(line)
        argv = entry["argv"]
        if "management" in argv:
            out.append({"action": argv[argv.index("management") + 1], "ppid": entry["ppid"]})
    return out


def lists_per_process(record: Path) -> Counter[int]:
    return Counter(run["ppid"] for run in runs(record) if run["action"] == "list")


def actions(record: Path) -> Counter[str]:
    return Counter(run["action"] for run in runs(record))


@pytest.mark.parametrize("face", ["dynamic", "plugin"])
def test_a_refresh_of_20_tokens_runs_one_list_per_provider_process(make_stack, local_api: LocalApi, tmp_path, face):
    spec = {"tokens": {f"t{i}": {"description": f"listed {i}"} for i in range(COUNT)}}
    stack = make_stack(spec)
    up, first, second = tmp_path / "up.jsonl", tmp_path / "refresh-1.jsonl", tmp_path / "refresh-2.jsonl"

    stack.up(env={"INFLUXCTL_STANDIN_RECORD": str(up)}).ok()
    # One create per token; the creates compare with one list from before them (issue 17 adopts a lost create's
    # token only when it appeared after the create started; list_cache.before_create says why one list serves).
    assert actions(up)["create"] == COUNT and 1 <= actions(up)["list"] <= 2

    stack.refresh(env={"INFLUXCTL_STANDIN_RECORD": str(first)}).ok()
    # Without the shared answer: 20 list runs, one per read. The target: at most 2 per provider process.
    assert set(actions(first)) == {"list"}
    assert len(lists_per_process(first)) == 1 and max(lists_per_process(first).values()) <= 2

    gone = stack.outputs()["t0.id"]
    local_api.revoke(gone)  # someone revokes one of ours between two commands
    stack.refresh(env={"INFLUXCTL_STANDIN_RECORD": str(second)}).ok()

    assert set(lists_per_process(second)).isdisjoint(lists_per_process(first))  # a provider process per command
    ids = {r["id"] for r in stack.resources()}
    assert gone not in ids and len(ids) == COUNT - 1  # the next refresh dropped it
    stack.destroy().ok()
    assert local_api.live_tokens() == []
