"""A database's property names (from the registry) and its bags of inputs and outputs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

from .. import inputs as bag_inputs
from ..bags import plain
from ..registry import DATABASE

if TYPE_CHECKING:  # a Pulumi program imports this module and never needs pydantic's models
    from .models import DatabaseInputs, DatabaseRecord

INPUT_NAMES = DATABASE.input_names
OUTPUT_NAMES = DATABASE.output_names
RESOURCE = DATABASE.name  # the name leading each line said to the user


def known_inputs(props: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs whose values are wholly known, unwrapped; unknown and absent ones are left out."""
    return bag_inputs.known_inputs(props, INPUT_NAMES)


def unknown_inputs(props: Mapping[str, Any]) -> set[str]:
    return bag_inputs.unknown_inputs(props, INPUT_NAMES)


def stored_name(resource_id: str, props: Mapping[str, Any]) -> str:
    """The database's name now: the stored ``name`` output (a rename in place changes it, never the id)."""
    return plain(props.get("name")) or resource_id


def import_hint(name: str) -> str:
    """How a user takes over an existing database of ``name`` instead of creating it."""
    return DATABASE.import_hint(name)


def outputs_for(declared: DatabaseInputs, record: DatabaseRecord) -> dict[str, Any]:
    """Every input echoed (diff, update and delete only ever see old outputs), the server's values where it has
    them: its limits and retention, and its partition template when it lists one (the API may leave it out)."""
    from .models import retention_ns, spell_retention

    retention = declared.retention_period
    if retention_ns(retention) != record.retention_period:
        retention = spell_retention(record.retention_period)
    return {
        "name": record.name,
        "retention_period": retention,
        "max_tables": record.max_tables,
        "max_columns_per_table": record.max_columns_per_table,
        "partition_template": record.partition_template or declared.partition_template,
        "allow_data_loss": declared.allow_data_loss,
        "retention_period_ns": record.retention_period,
        "account_id": record.account_id,
        "cluster_id": record.cluster_id,
    }
