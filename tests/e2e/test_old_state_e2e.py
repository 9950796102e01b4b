"""A stack written by the flat-package releases keeps working: refresh, preview and destroy.

Its resources hold the provider pickled as ``pulumi_influxdb3_tokens.lifecycle.ManagementTokenProvider``.
The dynamic provider host unpickles the ``__provider`` of the old state for read and delete and the
new program's for diff (pulumi/dynamic/__main__.py), and the resource's diff alone decides whether
there is a change, so an old stack must neither fail nor show a diff.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.local_api import LocalApi
from support.old_state import PICKLED_BEFORE_THE_MOVE
from support.secrets_scan import assert_nowhere

pytestmark = pytest.mark.http_only


def test_a_stack_whose_provider_was_pickled_under_the_old_module_path_refreshes_previews_and_destroys(
    make_stack, local_api: LocalApi, tmp_path: Path
):
    stack = make_stack({"tokens": {"ci": {"description": "written long ago", "expires_in": "30d"}}})
    stack.up().ok()
    token_id = stack.outputs()["ci.id"]

    # Make it the state an older release wrote: every __provider names the old module path.
    exported = stack.run("stack", "export", "--stack", stack.name, record=False).ok().stdout
    state = json.loads(exported)
    for resource in state["deployment"]["resources"]:
        for bag in ("inputs", "outputs"):
            if "__provider" in resource.get(bag, {}):
                resource[bag]["__provider"] = PICKLED_BEFORE_THE_MOVE
    old = tmp_path / "old-state.json"
    old.write_text(json.dumps(state))
    stack.run("stack", "import", "--stack", stack.name, "--file", str(old)).ok()
    assert all(r["inputs"]["__provider"] == PICKLED_BEFORE_THE_MOVE for r in stack.resources())

    stack.refresh().ok()  # read through the old pickle
    stack.preview("--expect-no-changes").ok()
    assert [t["id"] for t in local_api.live_tokens()] == [token_id]
    stack.destroy().ok()  # delete through the old pickle
    assert local_api.live_tokens() == []
    assert_nowhere(stack, local_api.admin_token)
