"""How a database lives: create, read, import, update and delete on a ``DatabaseClient``.

Written once for both faces, on property bags keyed by the snake_case names of ``resources.DATABASE``. The
resource's id is the name the database was created with and never changes (an update cannot change an id); its
``name`` output follows a rename in place, and every call after creation acts on that name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional

from ..data_loss import refuse_in_place
from ..errors import AdoptionError
from ..notices import say
from ..outcomes import Checked, Created, Decision, Imported, replacing
from . import diff as diffing
from .diff import IN_PLACE_INPUTS, in_place_changes, old_retention_ns
from .models import (
    DatabaseInputs,
    DatabaseRecord,
    DatabaseUpdate,
    retention_ns,
    spell_retention,
)
from .props import OUTPUT_NAMES, RESOURCE, known_inputs, outputs_for, stored_name
from .renaming import Clients, tell_rename
from .validation import check_inputs

if TYPE_CHECKING:
    from .client import DatabaseClient


def diff(
    olds: Mapping[str, Any],
    news: Mapping[str, Any],
    resource_id: str = "",
    moves: Optional[tuple[str, str]] = None,
    clients: Optional[Clients] = None,
) -> Decision:
    """The decision, with what each change costs told to the user: a replacement deletes the data, a rename stops
    the tokens that name the old name (each named, listed through ``clients``, the face's clients on this
    database's connection), a column limit holds for new tables only, a shorter retention drops data.
    ``moves`` is a replacement only the face sees (property, reason): the database is made anew elsewhere."""
    decision = diffing.decide(olds, news)
    if replacing(decision, moves, RESOURCE):
        return decision
    for change in in_place_changes(olds, news):
        _tell(change, olds, news, clients)
    return decision


def _tell(change: str, olds: Mapping[str, Any], news: Mapping[str, Any], clients: Optional[Clients]) -> None:
    old_name = stored_name("", olds)
    if change == "name":
        tell_rename(old_name, news.get("name"), clients)
    elif change == "max_columns_per_table":
        say(
            f"max_columns_per_table of database '{old_name}' applies to tables created from now on; existing tables "
            f"keep the column limit they were created with.",
            RESOURCE,
        )
    elif change == "retention_period":
        old, new = old_retention_ns(olds), _known_retention_ns(news)
        if new is not None and new != 0 and (old == 0 or new < old):
            say(
                f"retention_period of database '{old_name}' shortens to {spell_retention(new)}: data older than that "
                f"is deleted the next time retention is enforced.",
                RESOURCE,
            )


def _known_retention_ns(news: Mapping[str, Any]) -> Optional[int]:
    try:
        return retention_ns(news.get("retention_period"))
    except (TypeError, ValueError):  # unknown until apply
        return None


def create(client: DatabaseClient, props: Mapping[str, Any]) -> Created:
    """Create the database; its id is its name now, for good (the class docstring says why)."""
    inputs = DatabaseInputs.model_validate(known_inputs(props))
    record = client.create(inputs)
    return Created(inputs.database_name, outputs_for(inputs, record))


def find(client: DatabaseClient, name: str) -> Optional[DatabaseRecord]:
    """The cluster's database of ``name`` (the API lists them; it has no GET of one), or None."""
    return next((record for record in client.list() if record.name == name), None)


def read(client: DatabaseClient, resource_id: str, props: Mapping[str, Any]) -> Optional[tuple[str, dict[str, Any]]]:
    """The database's current outputs, found by its stored name, or None when the cluster has no database of that
    name (deleted, or renamed outside the stack): the next up creates it."""
    record = find(client, stored_name(resource_id, props))
    if record is None:
        return None
    # The stored outputs as they are: a value the server took on outside the stack (a retention under the docs'
    # hour) is shown, never judged, so that the next diff can put it right.
    return resource_id, outputs_for(DatabaseInputs.model_construct(**known_inputs(props)), record)


def import_token(client: DatabaseClient, token_id: str) -> Imported:
    """``pulumi import`` by a database's name (``token_id`` is the protocol's name for the id): the inputs that
    declare the database as it is."""
    record = find(client, token_id)
    if record is None:
        raise AdoptionError(f"Cannot import database '{token_id}': the cluster has no database of that name.")
    # As the server has it, unjudged: the engine checks the inputs an import returns like any others.
    declared = DatabaseInputs.model_construct(
        name=record.name,
        retention_period=spell_retention(record.retention_period) if record.retention_period else None,
        max_tables=record.max_tables,
        max_columns_per_table=record.max_columns_per_table,
        partition_template=record.partition_template,
        allow_data_loss=None,
    )
    inputs = {name: value for name, value in declared.model_dump().items() if value is not None}
    return Imported(record.name, inputs, outputs_for(declared, record))


def update(
    client: Callable[[], DatabaseClient], resource_id: str, olds: Mapping[str, Any], news: Mapping[str, Any]
) -> dict[str, Any]:
    """Limits and retention by PATCH, then a new name by rename; only the state when nothing else changed
    (allow_data_loss). ``client`` is called only when the cluster is asked.

    PATCH goes first, on the old name: if the rename then fails, the database keeps the name the state holds and
    the next up sends both again (a PATCH of the same values is harmless); the other order would leave a renamed
    database under a name the state does not know, and the next read would lose it."""
    inputs = DatabaseInputs.model_validate(known_inputs(news))
    old_name = stored_name(resource_id, olds)
    refuse_in_place(olds.get("partition_template"), inputs.partition_template, diffing.holder(old_name))
    changed = in_place_changes(olds, news)
    changes = DatabaseUpdate(
        max_tables=inputs.max_tables if "max_tables" in changed else None,
        max_columns_per_table=inputs.max_columns_per_table if "max_columns_per_table" in changed else None,
        retention_period=inputs.retention_period_ns() if "retention_period" in changed else None,
    )
    record: Optional[DatabaseRecord] = None
    connected: Optional[DatabaseClient] = None
    if not changes.is_empty():
        connected = client()
        record = connected.update(old_name, changes)
    if inputs.database_name != old_name:
        connected = connected or client()
        record = connected.rename(old_name, inputs.database_name)
    if record is None:
        kept = {name: olds.get(name) for name in OUTPUT_NAMES}
        return {**kept, **inputs.model_dump()}
    return outputs_for(inputs, record)


def delete(client: DatabaseClient, resource_id: str, props: Optional[Mapping[str, Any]] = None) -> None:
    """Delete the database of the stored name; one already gone (404) is success."""
    client.delete(stored_name(resource_id, props or {}))


__all__ = [
    "IN_PLACE_INPUTS",
    "Checked",
    "Created",
    "Imported",
    "check_inputs",
    "create",
    "delete",
    "diff",
    "find",
    "import_token",
    "read",
    "update",
]
