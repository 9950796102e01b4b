"""How a table lives: create, read, import, update and delete on a ``TableClient``.

Written once for both faces, on property bags keyed by the snake_case names of ``resources.TABLE``. The resource's id
is ``<database>/<table>`` as first made and never changes (an update cannot change an id); the ``database`` and
``name`` outputs follow renames, and every call after creation acts on them. Over HTTP nothing reads a table back
(the documented API has no get or list of tables): refresh keeps the state and says so, import is refused. Over
influxctl (a ``TableLister``) refresh and import find the table in its database's list; a database that is gone
took its tables with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional

from ..data_loss import refuse_in_place
from ..errors import AdoptionError, ConfigurationError, TableNotFoundError
from ..notices import say
from ..outcomes import Created, Decision, Imported, replacing
from . import diff as diffing
from .client import can_list
from .diff import IN_PLACE_INPUTS, database_changes, follows_database, holder, in_place_changes
from .models import TableInputs, TableRecord
from .props import INPUT_NAMES, OUTPUT_NAMES, RESOURCE, known_inputs, label, outputs_for, split_id, stored_place
from .props import table_id as id_of
from .validation import check_inputs

if TYPE_CHECKING:
    from ..database.renaming import Clients
    from .client import TableClient, TableLister

# Why HTTP cannot read a table, and the road that can: said by refresh and by import.
NOT_READ = (
    "the documented Management API (HTTP) can create, rename and delete a table but has no operation that gets or "
    "lists one"
)
# The road that reads them: influxctl's `table list`, which arrived in v2.10.2 (clients/influxctl/version.py's
# TABLE_LIST_SINCE; a test holds the two equal).
OVER_INFLUXCTL = "with influxdb3:transport set to influxctl (influxctl 2.10.2 or later)"
INFLUXCTL_ROAD = f"{OVER_INFLUXCTL}, refresh and import read tables through `influxctl table list`"


def diff(
    olds: Mapping[str, Any],
    news: Mapping[str, Any],
    resource_id: str = "",
    moves: Optional[tuple[str, str]] = None,
    clients: Optional[Clients] = None,
) -> Decision:
    """The decision, with what each change costs told to the user: a replacement deletes the data, a rename keeps it.
    ``moves`` is a replacement only the face sees (property, reason): the table is made anew elsewhere."""
    decision = diffing.decide(olds, news)
    if replacing(decision, moves, RESOURCE):
        return decision
    database, name = stored_place(resource_id, olds)
    changed = in_place_changes(olds, news)
    if "database" in changed:
        say(
            f"database: {label(database, name)} moves with its database, renamed in place to '{news.get('database')}' "
            f"(the same Database, id '{olds.get('database_resource_id')}'), and keeps its data.",
            RESOURCE,
        )
    if "name" in changed:
        say(
            f"rename: {label(database, name)} becomes '{news.get('name')}' in place and keeps its data and its id; "
            f"writes and queries that use the old name are routed to the same table.",
            RESOURCE,
        )
    return decision


def create(client: TableClient, props: Mapping[str, Any]) -> Created:
    """Create the table; its id is ``<database>/<table>`` now, for good."""
    inputs = TableInputs.model_validate(known_inputs(props))
    record = client.create(inputs)
    return Created(id_of(*inputs.place), outputs_for(inputs, record))


def find(client: TableLister, database: str, name: str) -> Optional[TableRecord]:
    """The listed table of that name, or None when its database has none, or is gone (and its tables with it)."""
    try:
        listed = client.list(database)
    except TableNotFoundError:
        return None
    return next((record for record in listed if record.name == name), None)


def read(client: Any, resource_id: str, props: Mapping[str, Any]) -> Optional[tuple[str, dict[str, Any]]]:
    """The table's current outputs, or None when its database has no table of the stored name. A transport that
    cannot list tables (HTTP) keeps the state as it is and says so once."""
    database, name = stored_place(resource_id, props)
    lister = can_list(client)
    if lister is None:
        say(
            f"refresh: {label(database, name)} is not read back: {NOT_READ}, so its state is kept as it is; "
            f"{INFLUXCTL_ROAD}.",
            RESOURCE,
        )
        return resource_id, {key: props.get(key) for key in (*INPUT_NAMES, *OUTPUT_NAMES)}
    record = find(lister, database, name)
    if record is None:
        return None
    return resource_id, outputs_for(TableInputs.model_construct(**known_inputs(props)), record)


def import_token(client: Any, token_id: str) -> Imported:
    """``pulumi import`` by ``<database>/<table>`` (``token_id`` is the protocol's name for the id): the inputs that
    declare the table as it is; refused in one sentence over a transport that cannot list tables."""
    database, name = split_id(token_id)
    lister = can_list(client)
    if lister is None:
        raise AdoptionError(
            f"Cannot import table '{token_id}': {NOT_READ}, so nothing proves the table exists; import it "
            f"{OVER_INFLUXCTL}, which lists tables, or let the stack create it."
        )
    record = find(lister, database, name) if database and name else None
    if record is None:
        raise AdoptionError(
            f"Cannot import table '{token_id}' (an id is <database>/<table>): the cluster has no such table."
        )
    declared = TableInputs.model_construct(
        database=record.database_name, name=record.name, partition_template=record.partition_template
    )
    inputs = {key: value for key, value in declared.model_dump().items() if value is not None}
    return Imported(token_id, inputs, outputs_for(declared, record))


def update(
    client: Callable[[], TableClient], resource_id: str, olds: Mapping[str, Any], news: Mapping[str, Any]
) -> dict[str, Any]:
    """A new name by rename, in the database as it is named now (a rename of the database, which this table
    follows, has happened before: the table depends on it); otherwise only the state. ``client`` is called only
    when the cluster is asked."""
    inputs = TableInputs.model_validate(known_inputs(news))
    old_database, old_name = stored_place(resource_id, olds)
    database, name = inputs.place
    refuse_in_place(olds.get("partition_template"), inputs.partition_template, holder(old_database, old_name))
    if database_changes(olds, news) and not follows_database(olds, news):
        raise ConfigurationError(
            f"{label(old_database, old_name)} cannot move to database '{database}' in place: only a new table can be "
            f"made there."
        )
    if name != old_name:
        return outputs_for(inputs, client().rename(database, old_name, name))
    kept = {key: olds.get(key) for key in OUTPUT_NAMES}
    return {**kept, **inputs.model_dump()}


def delete(client: TableClient, resource_id: str, props: Optional[Mapping[str, Any]] = None) -> None:
    """Delete the table of the stored database and name; one already gone (404) is success."""
    client.delete(*stored_place(resource_id, props or {}))


__all__ = ["IN_PLACE_INPUTS", "check_inputs", "create", "delete", "diff", "import_token", "read", "update"]
