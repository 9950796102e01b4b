"""A table's property names (from the registry), its id, and its bags of inputs and outputs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

from .. import inputs as bag_inputs
from ..bags import plain
from ..registry import TABLE

if TYPE_CHECKING:  # a Pulumi program imports this module and never needs pydantic's models
    from .models import TableInputs, TableRecord

INPUT_NAMES = TABLE.input_names
OUTPUT_NAMES = TABLE.output_names
RESOURCE = TABLE.name  # the name leading each line said to the user
# Between the database and the table in an id: a database name may hold "/", a table name never (models.py).
SEPARATOR = "/"


def known_inputs(props: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs whose values are wholly known, unwrapped; unknown and absent ones are left out."""
    return bag_inputs.known_inputs(props, INPUT_NAMES)


def table_id(database: str, name: str) -> str:
    """The resource's id: ``<database>/<table>`` as first made, kept through renames (an update cannot change it)."""
    return f"{database}{SEPARATOR}{name}"


def import_hint(database: str, name: str) -> str:
    """How a user takes over an existing table instead of creating it (import reads it through influxctl)."""
    return TABLE.import_hint(table_id(database, name))


def split_id(resource_id: str) -> tuple[str, str]:
    """``metrics/cpu`` -> (``metrics``, ``cpu``); split at the last "/", since only the database's name may hold one."""
    database, _, name = resource_id.rpartition(SEPARATOR)
    return database, name


def stored_place(resource_id: str, props: Mapping[str, Any]) -> tuple[str, str]:
    """(database, table) as the state holds them now: the stored outputs follow renames, the id never does."""
    first_database, first_name = split_id(resource_id)
    return plain(props.get("database")) or first_database, plain(props.get("name")) or first_name


def label(database: Any, name: Any) -> str:
    """How a sentence names a table."""
    return f"table '{name}' of database '{database}'"


def outputs_for(declared: TableInputs, record: TableRecord) -> dict[str, Any]:
    """Every input echoed (diff, update and delete only ever see old outputs), the server's answer where it gives
    one: the table's name and database, and the ids of its account and cluster. The declared template is kept:
    a table without one takes its database's (admin/tables/create.md), which is no template of its own."""
    return {
        "database": record.database_name,
        "name": record.name,
        "partition_template": declared.partition_template,
        "allow_data_loss": declared.allow_data_loss,
        "database_resource_id": declared.database_resource_id,
        "account_id": record.account_id,
        "cluster_id": record.cluster_id,
    }
