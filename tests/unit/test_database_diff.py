"""diff of a Database: limits, retention and name change in place; a new partition template is refused unless
allow_data_loss, and then replaces the database deleting it first.

Docs: influxdata/docs-v2 content/influxdb3/cloud-dedicated/admin/databases/{update,rename,create,delete,_index}.md.
"""

from __future__ import annotations

from typing import Any, Optional

import pytest
from pulumi.output import Unknown

from pulumi_influxdb3_tokens.core.database import lifecycle
from pulumi_influxdb3_tokens.core.database.diff import decide
from pulumi_influxdb3_tokens.core.database_token.models import DatabaseTokenRecord
from pulumi_influxdb3_tokens.core.errors import ConfigurationError, ManagementApiError
from pulumi_influxdb3_tokens.resources import DATABASE_TOKEN, TABLE, Resource

DAILY = [{"type": "time", "value": "%Y-%m-%d"}]
MONTHLY_BY_ROOM = [{"type": "time", "value": "%Y-%m"}, {"type": "tag", "value": "room"}]


def news(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "metrics",
        "retention_period": "30d",
        "max_tables": 500,
        "max_columns_per_table": 250,
        "partition_template": DAILY,
        "allow_data_loss": None,
    }
    base.update(kw)
    return base


def olds(**kw: Any) -> dict[str, Any]:
    """The stored outputs: the inputs echoed, numbers as the engine keeps them (floats), plus the server's facts."""
    stored = news(max_tables=500.0, max_columns_per_table=250.0, partition_template=[dict(DAILY[0])])
    stored.update(retention_period_ns=30 * 86400 * 10**9, account_id="a", cluster_id="c")
    stored.update(kw)
    return stored


def test_the_same_inputs_are_no_change():
    decision = decide(olds(), news())
    assert not decision.changes and decision.replaces == [] and not decision.delete_before_replace


def test_the_same_retention_written_otherwise_is_no_change():
    assert not decide(olds(), news(retention_period="720h")).changes
    infinite = olds(retention_period=None, retention_period_ns=0)
    assert not decide(infinite, news(retention_period="0")).changes  # "0 ... infinite retention"
    assert not decide(infinite, news(retention_period=None)).changes


@pytest.mark.parametrize(
    "change",
    [{"max_tables": 1000}, {"max_columns_per_table": 500}, {"retention_period": "7d"}, {"retention_period": "0"}],
)
def test_limits_and_retention_change_in_place(change: dict[str, Any]):
    """update.md: "update attributes such as retention period, column limits, and table limits" (PATCH)."""
    decision = decide(olds(), news(**change))
    assert decision.changes and decision.replaces == [] and not decision.delete_before_replace


def test_a_retention_changed_on_the_server_is_a_change_back():
    """The stored retention_period_ns is the server's at the last read: drift is put right in place."""
    assert decide(olds(retention_period_ns=7 * 86400 * 10**9), news()).changes


def test_a_new_name_is_a_rename_in_place(capsys: pytest.CaptureFixture[str]):
    """rename.md: "Renaming a database does not change the database ID, modify data in the database, or update
    database tokens ... existing database tokens will stop working"."""
    decision = lifecycle.diff(olds(), news(name="metrics2"), "metrics")
    assert decision.changes and decision.replaces == []
    told = capsys.readouterr().err
    assert "Database: rename: database 'metrics' becomes 'metrics2' in place and keeps its data" in told
    assert "database tokens that name 'metrics' stop working" in told


def test_a_new_column_limit_is_said_to_hold_for_new_tables_only(capsys: pytest.CaptureFixture[str]):
    """_index.md: "If you update the column limit for a database, the limit applies to newly created tables"."""
    lifecycle.diff(olds(), news(max_columns_per_table=400), "metrics")
    assert "applies to tables created from now on; existing tables keep" in capsys.readouterr().err


def test_a_shorter_retention_is_said_to_drop_older_data(capsys: pytest.CaptureFixture[str]):
    """_index.md: "When a point's timestamp is beyond the retention period ... the point is marked for deletion"."""
    lifecycle.diff(olds(), news(retention_period="7d"), "metrics")
    assert "shortens to 7d: data older than that is deleted" in capsys.readouterr().err
    lifecycle.diff(olds(), news(retention_period="90d"), "metrics")
    assert capsys.readouterr().err == ""


def test_a_new_partition_template_without_allow_data_loss_is_refused_in_one_sentence():
    """create.md: "You can only apply a partition template when creating a database. You can't update a partition
    template on an existing database": a new one costs the database and its data."""
    with pytest.raises(ConfigurationError) as refused:
        decide(olds(), news(partition_template=MONTHLY_BY_ROOM))
    message = str(refused.value)
    assert message.startswith("partition_template of database 'metrics' changed")
    assert "set allow_data_loss to true" in message and message.count(".") == 1 and message.endswith(".")
    with pytest.raises(ConfigurationError):
        decide(olds(), news(partition_template=MONTHLY_BY_ROOM, allow_data_loss=False))


def test_a_partition_template_added_or_dropped_is_a_new_one_too():
    """A database made without a template is partitioned by day by default (create.md): declaring one is new."""
    with pytest.raises(ConfigurationError):
        decide(olds(partition_template=None), news(partition_template=MONTHLY_BY_ROOM))
    with pytest.raises(ConfigurationError):
        decide(olds(), news(partition_template=None))


def test_a_new_partition_template_with_allow_data_loss_replaces_deleting_first(capsys: pytest.CaptureFixture[str]):
    """A database of one name cannot exist twice (create.md: "The database name must be unique within the
    cluster"), so the old one goes first; delete.md: "wait two to three minutes after deleting the previous database
    before writing to the new database"."""
    decision = lifecycle.diff(olds(), news(partition_template=MONTHLY_BY_ROOM, allow_data_loss=True), "metrics")
    assert decision.replaces == ["partition_template"] and decision.delete_before_replace
    told = capsys.readouterr().err
    assert "database 'metrics' and all its data are deleted first" in told
    assert "wait two to three minutes" in told


def test_the_same_template_spelled_otherwise_is_no_change():
    """Parts are compared in order ("Each partition template part is evaluated in sequence"), spelling aside."""
    stored = [{"type": "time", "value": "%Y"}, {"type": "bucket", "value": {"tagName": "c", "numberOfBuckets": 10.0}}]
    declared = [
        {"type": "time", "value": "%Y"},
        {"type": "bucket", "value": {"tag_name": "c", "number_of_buckets": 10}},
    ]
    assert not decide(olds(partition_template=stored), news(partition_template=declared)).changes
    with pytest.raises(ConfigurationError):
        decide(olds(partition_template=stored), news(partition_template=list(reversed(declared))))


def test_an_unknown_template_in_a_preview_is_a_change_and_a_replacement_only_when_allowed():
    """Unknown until apply: without allow_data_loss nothing can be refused yet (apply's diff knows the value)."""
    unknown = [DAILY[0], {"type": "tag", "value": Unknown()}]
    maybe = decide(olds(), news(partition_template=unknown))
    assert maybe.changes and maybe.replaces == []
    allowed = decide(olds(), news(partition_template=unknown, allow_data_loss=True))
    assert allowed.replaces == ["partition_template"] and allowed.delete_before_replace


def test_allow_data_loss_alone_changes_in_place():
    decision = decide(olds(), news(allow_data_loss=True))
    assert decision.changes and decision.replaces == []


def token(token_id: str, resource: str, description: str = "", **life: Any) -> DatabaseTokenRecord:
    return DatabaseTokenRecord.model_validate(
        {
            "id": token_id,
            "description": description or token_id,
            "permissions": [{"action": "read", "resource": resource}],
            "createdAt": "2026-01-01T00:00:00Z",
            **life,
        }
    )


class Tokens:
    """The database tokens of the cluster, as ``DatabaseTokenClient.list`` answers (or fails)."""

    def __init__(self, *listed: DatabaseTokenRecord, failure: Optional[Exception] = None) -> None:
        self.listed, self.failure, self.asked_for = list(listed), failure, []

    def __call__(self, resource: Resource) -> object:
        """The token client; any other resource's is an HTTP table client's stand-in, which cannot list tables."""
        self.asked_for.append(resource)
        return self if resource is DATABASE_TOKEN else object()

    def list(self) -> list[DatabaseTokenRecord]:
        if self.failure:
            raise self.failure
        return self.listed


def test_a_rename_preview_names_each_live_token_that_names_the_old_name(capsys: pytest.CaptureFixture[str]):
    """rename.md: "After renaming a database, any existing database tokens will stop working"; a token's
    permissions name databases by name (DatabaseTokenPermissionResource), and `*` is "all databases", so a token on
    `*` keeps working; a revoked or expired token works already no more."""
    tokens = Tokens(
        token("t-1", "metrics", "dashboards"),
        token("t-2", "*", "everything"),
        token("t-3", "metrics", revokedAt="2026-02-01T00:00:00Z"),
        token("t-4", "metrics", expiresAt="2026-02-01T00:00:00Z"),
        token("t-5", "other"),
        token("t-6", "metrics", "ingest"),
    )
    decision = lifecycle.diff(olds(), news(name="metrics2"), "metrics", None, tokens)
    assert decision.changes and decision.replaces == [] and tokens.asked_for == [DATABASE_TOKEN, TABLE]
    told = capsys.readouterr().err.splitlines()
    assert told == [
        "Database: rename: database 'metrics' becomes 'metrics2' in place and keeps its data; 2 database token(s) "
        "name 'metrics' and stop working until their permissions name 'metrics2' (a DatabaseToken of a stack whose "
        "permissions take this database's name follows in the same update; any other must be changed by whoever "
        "holds it):",
        "Database: rename: database token t-1 ('dashboards') names 'metrics' and stops working until its permissions "
        "name 'metrics2'.",
        "Database: rename: database token t-6 ('ingest') names 'metrics' and stops working until its permissions "
        "name 'metrics2'.",
        # rename.md: the database keeps its ID and its data, so its tables go with it; over HTTP they cannot be listed
        # (the OpenAPI files' "Tables" tag has no get or list), so they are not named.
        "Database: rename: the tables of database 'metrics' move with it to 'metrics2' and keep their data (a Table "
        "whose database_resource_id is this Database's id follows in place; the documented Management API cannot "
        "list tables, so they are not named).",
    ]


def test_a_rename_preview_says_when_no_token_names_the_old_name_or_they_cannot_be_listed(
    capsys: pytest.CaptureFixture[str],
):
    """The listing is best effort: a preview that cannot list the tokens still says what a rename does to them."""
    lifecycle.diff(olds(), news(name="metrics2"), "metrics", None, Tokens(token("t-2", "*")))
    assert "keeps its data; no live database token names 'metrics'.\n" in capsys.readouterr().err
    refused = ManagementApiError("Could not list database tokens: the server answered HTTP 403.")
    lifecycle.diff(olds(), news(name="metrics2"), "metrics", None, Tokens(failure=refused))
    assert (
        "database tokens that name 'metrics' stop working until they name 'metrics2' (they could not be listed: "
        "Could not list database tokens: the server answered HTTP 403).\n"
    ) in capsys.readouterr().err
    lifecycle.diff(olds(), news(max_tables=600), "metrics", None, Tokens(failure=AssertionError("never listed")))
    assert "rename" not in capsys.readouterr().err
