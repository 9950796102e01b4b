"""``diff``: a table is renamed in place and follows its database's rename; moving it to another database, or giving
it a new partition template, makes a new table.

InfluxData's docs: a table is renamed in place (``PUT .../tables/{tableName}/rename``; admin/tables/rename.md: "The
table ID remains the same after renaming"). A database is renamed in place too, with what it holds ("Renaming a
database does not change the database ID, modify data in the database", admin/databases/rename.md), so its tables go
with it. No operation moves a table to another database: there a new, empty table is made and the old one deleted.
A template is fixed at creation (admin/tables/create.md): a new one is guarded as a database's (core/data_loss.py).

A new ``database`` alone cannot tell a rename of the database from a move to another one, and the documented API
cannot tell either: GetClusterDatabases lists names without ids, and a table can be neither read nor listed. The
proof is the Database resource's id, which the table records as ``database_resource_id``: a Database's id is the
name it was made with and a rename in place never changes it (an update cannot change an id; core/registry.py), so
an unchanged ``database_resource_id`` beside a new ``database`` is that Database renamed. Without it, or with another
one, a new ``database`` is a move. A Database replaced (its data lost) hands the table unknown values at preview,
which is a replacement too.
"""

from __future__ import annotations

from typing import Any, Mapping

from ..bags import is_unknown, plain
from ..data_loss import Holder, judge_template
from ..outcomes import Decision
from .props import INPUT_NAMES, label

# Inputs whose change alone updates the table in place: a rename, or only the state (a database renamed around it,
# allow_data_loss, database_resource_id).
IN_PLACE_INPUTS = ("name", "database", "allow_data_loss", "database_resource_id")
DATABASE = "database"
RESOURCE_ID = "database_resource_id"


def _value(bag: Mapping[str, Any], name: str) -> Any:
    return plain(bag.get(name))


def holder(database: Any, name: Any) -> Holder:
    """The table as the data-loss guard names it."""
    return Holder("table", label(database, name))


def follows_database(olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
    """Whether the table's database is still the same Database resource (the same id, known on both sides)."""
    old, new = _value(olds, RESOURCE_ID), _value(news, RESOURCE_ID)
    return old is not None and not is_unknown(new) and new == old


def database_changes(olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
    new = _value(news, DATABASE)
    return is_unknown(new) or new != _value(olds, DATABASE)


def decide(olds: Mapping[str, Any], news: Mapping[str, Any]) -> Decision:
    """Compare old outputs with new (checked) inputs; raises ConfigurationError for a new partition template that
    may not cost the data."""
    decision = Decision()
    old_database, name = _value(olds, DATABASE), _value(olds, "name")
    if database_changes(olds, news) and not follows_database(olds, news):
        decision.replace(DATABASE, _move_reason(old_database, name, _value(news, DATABASE)))
        return decision  # a new table elsewhere: its template is new whatever it says
    judge_template(decision, olds, news, holder(old_database, name))
    if not decision.replaces:
        decision.changes = decision.changes or bool(in_place_changes(olds, news))
    return decision


def _move_reason(old_database: Any, name: Any, new_database: Any) -> str:
    head = (
        "database is not known until apply, and it is not proven to be the same Database"
        if is_unknown(new_database)
        else f"the table moves from database '{old_database}' to '{new_database}'"
    )
    return (
        f"{head}: a table cannot move between databases, so a new, empty table is made there and "
        f"{label(old_database, name)} is deleted with its data (when the new database is the old one renamed in "
        f"place, set database_resource_id to that Database's id, and the table follows it instead)"
    )


def in_place_changes(olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
    """The in-place inputs whose values change (or are not known yet)."""
    changed = []
    for name in IN_PLACE_INPUTS:
        new = _value(news, name)
        if is_unknown(new) or new != _value(olds, name):
            changed.append(name)
    return changed


__all__ = ["INPUT_NAMES", "IN_PLACE_INPUTS", "Decision", "decide", "follows_database", "in_place_changes"]
