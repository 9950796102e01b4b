"""Both faces hand the engine the core's delete_before_replace: a Database replaced for a new partition template
must be deleted before its namesake is made (create.md: "The database name must be unique within the cluster").

Until Database joins ``resources.RESOURCES`` the faces serve management tokens only, so the decision is the
registered resource's core's, made to ask for a delete-first replacement here.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pulumi.provider.experimental import provider as rpc

from pulumi_influxdb3_tokens.core.management_token import lifecycle as token_lifecycle
from pulumi_influxdb3_tokens.core.outcomes import Decision
from pulumi_influxdb3_tokens.dynamic.provider import ManagementTokenProvider
from pulumi_influxdb3_tokens.plugin.provider import InfluxDB3Provider
from pulumi_influxdb3_tokens.resources import MANAGEMENT_TOKEN


@pytest.fixture(params=[False, True])
def delete_first(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    def diff(*args: Any, **kwargs: Any) -> Decision:
        decision = Decision()
        decision.replace("description", "a test's replacement")
        decision.delete_before_replace = request.param
        return decision

    monkeypatch.setattr(token_lifecycle, "diff", diff)
    return bool(request.param)


def test_the_dynamic_face_passes_delete_before_replace(delete_first: bool):
    result = ManagementTokenProvider().diff("id", {"description": "a"}, {"description": "b"})
    assert result.replaces == ["description"] and result.delete_before_replace is delete_first


def test_the_plugin_passes_delete_before_replace(delete_first: bool):
    urn = f"urn:pulumi:dev::project::{MANAGEMENT_TOKEN.plugin_type}::token"
    request = rpc.DiffRequest(urn=urn, resource_id="id", old_state={}, new_inputs={}, ignore_changes=[])
    response = asyncio.run(InfluxDB3Provider().diff(request))
    assert response.replaces == ["description"] and response.delete_before_replace is delete_first
