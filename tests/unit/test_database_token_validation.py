"""``check`` of a DatabaseToken's inputs (core/database_token/validation.py): what a program may declare.

Documented facts (InfluxData's docs-v2): api-docs/influxdb3/cloud-dedicated/management/openapi.yml (and Clustered's)
``DatabaseTokenPermission`` is ``{action, resource}``, ``DatabaseTokenPermissionResource`` is a
``ClusterDatabaseName`` (minLength 1, maxLength 64) or ``DatabaseTokenResourceAllDatabases`` ("*"), and
CreateDatabaseToken's body requires ``description``; content/influxdb3/cloud-dedicated/admin/tokens/database/create.md
says an action is "read or write"; its examples create a token with no permissions (``permissions: []``).
"""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.runtime import rpc

from pulumi_influxdb3_tokens.core import timeutil
from pulumi_influxdb3_tokens.core.database_token.validation import check_inputs
from support.fixtures import FIXED_NOW

NOW = timeutil.parse_rfc3339(FIXED_NOW)
pytestmark = pytest.mark.usefixtures("fixed_clock")


def inputs(**kw: Any) -> dict[str, Any]:
    return {"description": "ingest", "permissions": [{"action": "write", "resource": "sensors"}], **kw}


def failures(**kw: Any) -> dict[str, str]:
    return dict(check_inputs(inputs(**kw)).failures)


def test_a_valid_token_has_no_failures_and_a_create_marker():
    """The marker is drawn once per resource (core/tokens/marker.py), as for management tokens."""
    checked = check_inputs(inputs())
    assert checked.failures == []
    assert len(checked.inputs["create_marker"]) == 10
    again = check_inputs(inputs(description="renamed"), olds=checked.inputs)
    assert again.inputs["create_marker"] == checked.inputs["create_marker"]
    assert check_inputs(inputs(mark_description=False)).inputs["create_marker"] is None


def test_permissions_are_a_set_sorted_without_repeats():
    """Permissions are a set: the docs' update.md says the new permissions replace the old ones as a whole."""
    checked = check_inputs(
        inputs(
            permissions=[
                {"action": "write", "resource": "b"},
                {"action": "read", "resource": "a"},
                {"action": "write", "resource": "b"},
                {"action": "read", "resource": "*"},
            ]
        )
    )
    assert checked.inputs["permissions"] == [
        {"action": "read", "resource": "*"},
        {"action": "read", "resource": "a"},
        {"action": "write", "resource": "b"},
    ]


@pytest.mark.parametrize(
    ("permissions", "reason"),
    [
        ([{"action": "admin", "resource": "a"}], "permissions[0].action must be read or write, got 'admin'"),
        ([{"action": "read", "resource": ""}], "permissions[0].resource must be a database name of 1 to 64"),
        ([{"action": "read", "resource": "x" * 65}], "permissions[0].resource must be a database name of 1 to 64"),
        ([{"action": "read", "database": "a"}], "permissions[0] has database; a permission has only action and"),
        (["read:a"], "permissions[0] must be {action, resource}, got str"),
        ("read", "permissions must be a list of {action, resource}, got str"),
    ],
)
def test_each_bad_permission_is_named(permissions: Any, reason: str):
    """ClusterDatabaseName: 1 to 64 characters; "*" means all databases; an action is read or write."""
    assert failures(permissions=permissions)["permissions"].startswith(reason)


def test_a_64_character_database_name_and_all_databases_pass():
    assert failures(permissions=[{"action": "read", "resource": "x" * 64}, {"action": "write", "resource": "*"}]) == {}


def test_permissions_must_be_declared_but_may_be_empty():
    """The docs' create.md makes a "No Access Token" with ``permissions: []``: allowed, but only when declared."""
    assert "permissions is required" in failures(permissions=None)["permissions"]
    assert failures(permissions=[]) == {}


def test_description_is_required_and_carries_no_marker_of_its_own():
    """CreateDatabaseToken's body requires a description."""
    assert "description is required" in failures(description=None)["description"]
    assert "description is required" in failures(description="  ")["description"]
    assert "create marker" in failures(description="ingest [pulumi:0123456789]")["description"]


def test_expiry_rules_are_the_management_tokens():
    """expires_at or expires_in, never both; rotate_before shorter than the life; overlap within expires_in."""
    assert failures(expires_at="2031-01-01T00:00:00Z", expires_in="30d")["expires_in"] == (
        "set either expires_at or expires_in, not both"
    )
    assert "in the past" in failures(expires_at="2026-06-01T00:00:00Z")["expires_at"]
    assert "rotate_before needs an expiry" in failures(rotate_before="1d")["rotate_before"]
    assert "must be shorter" in failures(expires_in="2d", rotate_before="3d")["rotate_before"]
    assert "longer than the token's lifetime" in failures(expires_in="2d", overlap="3d")["overlap"]
    ok = check_inputs(inputs(expires_in="720h", rotate_before="24h", overlap="1d"))
    assert ok.failures == [] and ok.inputs["expires_in"] == "30d" and ok.inputs["rotate_before"] == "1d"


def test_a_database_named_by_an_unknown_output_waits_for_apply():
    """A permission may name a database another resource creates: its name is unknown during preview."""
    checked = check_inputs(inputs(permissions=[{"action": "read", "resource": rpc.UNKNOWN}]))
    assert checked.failures == []
    assert checked.inputs["permissions"] == [{"action": "read", "resource": rpc.UNKNOWN}]
