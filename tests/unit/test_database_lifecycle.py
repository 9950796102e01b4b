"""The Database lifecycle on its client seam: ids, reads by the stored name, import, in-place updates and delete.

Docs: influxdata/docs-v2 content/influxdb3/cloud-dedicated/admin/databases/*.md and the Databases operations of
api-docs/influxdb3/cloud-dedicated/management/openapi.yml (list, create, PATCH, PUT .../rename, DELETE).
"""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_influxdb3_tokens.core.database import lifecycle
from pulumi_influxdb3_tokens.core.database.client import DatabaseClient
from pulumi_influxdb3_tokens.core.database.models import DatabaseInputs, DatabaseRecord, DatabaseUpdate
from pulumi_influxdb3_tokens.core.errors import AdoptionError, ConfigurationError

DAY_NS = 86400 * 10**9


class Cluster:
    """The cluster's databases in memory, behind the seam; ``calls`` records what the lifecycle asked, in order."""

    def __init__(self, *records: DatabaseRecord) -> None:
        self.databases = {record.name: record for record in records}
        self.calls: list[tuple[Any, ...]] = []
        self.omit_templates = False  # the list answer's partitionTemplate is optional in the schema

    def list(self) -> list[DatabaseRecord]:
        self.calls.append(("list",))
        if self.omit_templates:
            return [record.model_copy(update={"partition_template": None}) for record in self.databases.values()]
        return list(self.databases.values())

    def create(self, inputs: DatabaseInputs) -> DatabaseRecord:
        self.calls.append(("create", inputs.name))
        record = DatabaseRecord(
            account_id="a",
            cluster_id="c",
            name=inputs.database_name,
            max_tables=inputs.max_tables,
            max_columns_per_table=inputs.max_columns_per_table,
            retention_period=inputs.retention_period_ns(),
            partition_template=inputs.partition_template,
        )
        self.databases[record.name] = record
        return record

    def update(self, name: str, changes: DatabaseUpdate) -> DatabaseRecord:
        self.calls.append(("update", name, changes.model_dump(exclude_none=True)))
        record = self.databases[name].model_copy(update=changes.model_dump(exclude_none=True))
        self.databases[name] = record
        return record

    def rename(self, name: str, new_name: str) -> DatabaseRecord:
        self.calls.append(("rename", name, new_name))
        record = self.databases.pop(name).model_copy(update={"name": new_name})
        self.databases[new_name] = record
        return record

    def delete(self, name: str) -> bool:
        self.calls.append(("delete", name))
        return self.databases.pop(name, None) is not None


def seam(cluster: Cluster) -> DatabaseClient:
    return cluster  # mypy holds the in-memory cluster to the seam


def declared(**kw: Any) -> dict[str, Any]:
    checked = lifecycle.check_inputs({"name": "metrics", "retention_period": "30d", **kw})
    assert checked.failures == []
    return checked.inputs


def created(cluster: Cluster, **kw: Any) -> tuple[str, dict[str, Any]]:
    made = lifecycle.create(seam(cluster), declared(**kw))
    return made.id, made.outputs


def never() -> DatabaseClient:
    raise AssertionError("the cluster was asked")


def test_create_makes_the_name_the_id_and_echoes_the_inputs_with_the_servers_facts():
    """resources.DATABASE: the id is the name the database was created with."""
    cluster = Cluster()
    resource_id, outputs = created(cluster)
    assert resource_id == "metrics"
    assert outputs == {
        "name": "metrics",
        "retention_period": "30d",
        "max_tables": 500,
        "max_columns_per_table": 250,
        "partition_template": None,
        "allow_data_loss": None,
        "retention_period_ns": 30 * DAY_NS,
        "account_id": "a",
        "cluster_id": "c",
    }


def test_read_follows_the_stored_name_after_a_rename_and_keeps_the_id():
    """A rename in place changes the name output, never the id: reads look the database up by that name."""
    cluster = Cluster()
    resource_id, outputs = created(cluster)
    outputs = lifecycle.update(lambda: cluster, resource_id, outputs, declared(name="metrics2"))
    found = lifecycle.read(seam(cluster), resource_id, outputs)
    assert found is not None and found[0] == "metrics" and found[1]["name"] == "metrics2"


def test_read_of_a_database_the_cluster_no_longer_has_is_none():
    """Gone (deleted, or renamed outside the stack): the engine forgets it and the next up creates it."""
    cluster = Cluster()
    resource_id, outputs = created(cluster)
    cluster.databases.clear()
    assert lifecycle.read(seam(cluster), resource_id, outputs) is None


def test_read_shows_the_servers_limits_and_retention():
    """Drift made outside the stack shows in the outputs, so the next diff puts it right in place."""
    cluster = Cluster()
    resource_id, outputs = created(cluster)
    cluster.databases["metrics"] = cluster.databases["metrics"].model_copy(
        update={"max_tables": 900, "retention_period": 7 * DAY_NS}
    )
    found = lifecycle.read(seam(cluster), resource_id, outputs)
    assert found is not None
    assert found[1]["max_tables"] == 900
    assert (found[1]["retention_period"], found[1]["retention_period_ns"]) == ("7d", 7 * DAY_NS)


def test_a_retention_set_outside_the_stack_below_the_docs_hour_is_read_again_and_again():
    """The API's own example has retentionPeriod 300000000000 (5 minutes), below the docs' one-hour minimum: a read
    shows it, and the next read of those outputs does not trip on it."""
    cluster = Cluster()
    resource_id, outputs = created(cluster)
    cluster.databases["metrics"] = cluster.databases["metrics"].model_copy(update={"retention_period": 300 * 10**9})
    for _ in range(2):
        found = lifecycle.read(seam(cluster), resource_id, outputs)
        assert found is not None
        outputs = found[1]
        assert (outputs["retention_period"], outputs["retention_period_ns"]) == ("5m", 300 * 10**9)


def test_a_template_the_list_leaves_out_is_kept_as_stored():
    """GetClusterDatabases lists partitionTemplate as optional: its absence is no proof the template changed (a
    change would replace the database)."""
    cluster = Cluster()
    template = [{"type": "time", "value": "%Y-%m"}]
    resource_id, outputs = created(cluster, partition_template=template)
    cluster.omit_templates = True
    found = lifecycle.read(seam(cluster), resource_id, outputs)
    assert found is not None and found[1]["partition_template"] == template


def test_import_by_name_declares_the_database_as_it_is():
    """pulumi import with the database's name as the id."""
    cluster = Cluster(
        DatabaseRecord(
            name="logs/app",
            max_tables=100,
            max_columns_per_table=50,
            retention_period=300 * 10**9,
            partition_template=[{"type": "time", "value": "%Y"}],
        )
    )
    imported = lifecycle.import_token(seam(cluster), "logs/app")
    assert imported.id == "logs/app"
    assert imported.inputs == {
        "name": "logs/app",
        "retention_period": "5m",
        "max_tables": 100,
        "max_columns_per_table": 50,
        "partition_template": [{"type": "time", "value": "%Y"}],
    }
    assert imported.outputs["retention_period_ns"] == 300 * 10**9


def test_import_of_an_unknown_name_fails_in_one_sentence():
    with pytest.raises(
        AdoptionError, match=r"^Cannot import database 'nope': the cluster has no database of that name\.$"
    ):
        lifecycle.import_token(seam(Cluster()), "nope")


def test_update_patches_only_what_changed_then_renames():
    """UpdateClusterDatabase takes only what changes ("minProperties: 1"); the PATCH goes to the old name first, so a
    failed rename leaves the database under the name the state holds."""
    cluster = Cluster()
    resource_id, outputs = created(cluster)
    cluster.calls.clear()
    outputs = lifecycle.update(
        lambda: cluster, resource_id, outputs, declared(name="metrics2", max_tables=800, retention_period="720h")
    )
    assert cluster.calls == [("update", "metrics", {"max_tables": 800}), ("rename", "metrics", "metrics2")]
    assert (outputs["name"], outputs["max_tables"], outputs["retention_period"]) == ("metrics2", 800, "30d")


def test_an_update_of_the_state_alone_never_asks_the_cluster():
    """allow_data_loss only tells later diffs what they may do."""
    cluster = Cluster()
    resource_id, outputs = created(cluster)
    updated = lifecycle.update(never, resource_id, outputs, declared(allow_data_loss=True))
    assert updated["allow_data_loss"] is True and updated["retention_period_ns"] == 30 * DAY_NS


def test_an_update_refuses_a_new_partition_template():
    """create.md: "You can't update a partition template on an existing database"."""
    cluster = Cluster()
    resource_id, outputs = created(cluster)
    with pytest.raises(ConfigurationError, match="cannot change in place"):
        lifecycle.update(never, resource_id, outputs, declared(partition_template=[{"type": "time", "value": "%Y"}]))


@pytest.mark.parametrize("gone_first", [False, True])
def test_delete_acts_on_the_stored_name_and_a_gone_database_is_success(gone_first: bool):
    cluster = Cluster()
    resource_id, outputs = created(cluster)
    outputs = lifecycle.update(lambda: cluster, resource_id, outputs, declared(name="renamed"))
    if gone_first:
        cluster.databases.clear()
    lifecycle.delete(seam(cluster), resource_id, outputs)
    assert cluster.calls[-1] == ("delete", "renamed") and cluster.databases == {}


def test_diff_with_a_move_replaces():
    """A face's move (another cluster) is a replacement the core is told of."""
    cluster = Cluster()
    _, outputs = created(cluster)
    decision = lifecycle.diff(outputs, declared(), "metrics", ("connection", "the database moves to another cluster"))
    assert decision.replaces == ["connection"] and not decision.delete_before_replace
