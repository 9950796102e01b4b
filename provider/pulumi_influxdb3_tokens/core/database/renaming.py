"""What a rename costs the database tokens that name the old name, told at preview.

InfluxData's docs (admin/databases/rename.md): "Renaming a database does not ... update database tokens. After
renaming a database, any existing database tokens will stop working and you must create new tokens with permissions
for the renamed database". A token's permissions name databases by name (DatabaseTokenPermissionResource), so the
tokens that stop are the live ones with a permission on exactly the old name; one on ``*`` (all databases) keeps
working. Listing them is best effort: a preview that cannot list says so and goes on.

Its tables go with it (the database keeps its ID and its data): each is named when the transport can list them
(``influxctl table list``); the documented API cannot, so over HTTP the line says that they follow without naming them.
A ``Table`` of a stack that records this Database's id (``database_resource_id``) follows in place (core/table/diff.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Optional

from ..errors import InfluxDB3TokensError
from ..notices import say
from ..registry import DATABASE_TOKEN, TABLE, Resource
from .props import RESOURCE

if TYPE_CHECKING:
    from ..database_token.client import DatabaseTokenClient
    from ..database_token.models import DatabaseTokenRecord

# A client of another resource of the registry, on the connection of the resource at hand.
Clients = Callable[[Resource], Any]


def bound_to(tokens: list[DatabaseTokenRecord], name: str) -> list[DatabaseTokenRecord]:
    """The live tokens with a permission on database ``name`` itself, in the order listed."""
    return [token for token in tokens if token.is_live() and any(p.resource == name for p in token.permissions)]


def tell_rename(old_name: str, new_name: Any, clients: Optional[Clients]) -> None:
    """The rename said once, with each database token that stops working named by id and description, or, when
    they cannot be listed, why not; then the tables that follow it."""
    _tell_tokens(old_name, new_name, clients)
    _tell_tables(old_name, new_name, clients)


def _tell_tables(old_name: str, new_name: Any, clients: Optional[Clients]) -> None:
    from ..table.client import can_list

    head = f"rename: the tables of database '{old_name}' move with it to '{new_name}' and keep their data"
    follow = "a Table whose database_resource_id is this Database's id follows in place"
    try:
        lister = None if clients is None else can_list(clients(TABLE))
        tables = None if lister is None else [table.name for table in lister.list(old_name)]
    except InfluxDB3TokensError as failed:  # one scrubbed sentence already
        say(f"{head} ({follow}; they could not be listed: {str(failed).rstrip('.')}).", RESOURCE)
        return
    if tables is None:
        say(f"{head} ({follow}; the documented Management API cannot list tables, so they are not named).", RESOURCE)
    elif tables:
        say(f"{head} ({follow}): {', '.join(repr(name) for name in tables)}.", RESOURCE)
    else:
        say(f"{head}; it has none.", RESOURCE)


def _tell_tokens(old_name: str, new_name: Any, clients: Optional[Clients]) -> None:
    head = f"rename: database '{old_name}' becomes '{new_name}' in place and keeps its data"
    if clients is None:
        say(f"{head}; database tokens that name '{old_name}' stop working until they name '{new_name}'.", RESOURCE)
        return
    try:
        client: DatabaseTokenClient = clients(DATABASE_TOKEN)
        stopping = bound_to(client.list(), old_name)
    except InfluxDB3TokensError as failed:  # one scrubbed sentence already
        say(
            f"{head}; database tokens that name '{old_name}' stop working until they name '{new_name}' (they could "
            f"not be listed: {str(failed).rstrip('.')}).",
            RESOURCE,
        )
        return
    if not stopping:
        say(f"{head}; no live database token names '{old_name}'.", RESOURCE)
        return
    say(
        f"{head}; {len(stopping)} database token(s) name '{old_name}' and stop working until their permissions name "
        f"'{new_name}' (a DatabaseToken of a stack whose permissions take this database's name follows in the same "
        f"update; any other must be changed by whoever holds it):",
        RESOURCE,
    )
    for token in stopping:
        say(
            f"rename: database token {token.id} ('{token.description}') names '{old_name}' and stops working until "
            f"its permissions name '{new_name}'.",
            RESOURCE,
        )
