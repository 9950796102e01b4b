"""``diff``: a database changes in place, except for its partition template, which only a new database can have.

InfluxData's docs: the limits and the retention period are updated in place (``PATCH .../databases/{name}``,
admin/databases/update.md), and so is the name (``PUT .../databases/{name}/rename``: "Renaming a database does not
change the database ID, modify data in the database"). "You can only apply a partition template when creating a
database. You can't update a partition template on an existing database" (create.md): a new template is a new
database under the same name, so the old one (and its data) must be deleted first. That is refused unless the
program sets ``allow_data_loss``.
"""

from __future__ import annotations

from typing import Any, Mapping

from ..bags import holds_unknown, is_unknown, plain
from ..errors import ConfigurationError
from ..outcomes import Decision
from .models import retention_ns, same_template
from .props import INPUT_NAMES

# Inputs whose change alone updates the database in place: PATCH, rename, or only the state (allow_data_loss).
IN_PLACE_INPUTS = ("name", "retention_period", "max_tables", "max_columns_per_table", "allow_data_loss")
TEMPLATE = "partition_template"


def _value(bag: Mapping[str, Any], name: str) -> Any:
    return plain(bag.get(name))


def decide(olds: Mapping[str, Any], news: Mapping[str, Any]) -> Decision:
    """Compare old outputs with new (checked) inputs; raises ConfigurationError for a new partition template that
    may not cost the data."""
    decision = Decision()
    new_template = _value(news, TEMPLATE)
    allowed = _value(news, "allow_data_loss")
    if holds_unknown(new_template):
        if allowed is True:
            _replace(decision, olds, "partition_template is not known until apply, and a new one makes a new database")
        else:  # cannot tell yet: the apply's own diff, with the value known, refuses or not
            decision.changes = True
    elif not same_template(_value(olds, TEMPLATE), new_template):
        name = _value(olds, "name")
        if allowed is not True:
            raise ConfigurationError(
                f"partition_template of database '{name}' changed, and a partition template can only be set when a "
                f"database is created, so applying it deletes the database with all its data and makes a new, empty "
                f"one: set allow_data_loss to true to allow that, or keep the old partition_template."
            )
        _replace(decision, olds, "partition_template changed, and only a new database can have another one")
    if not decision.replaces:
        decision.changes = decision.changes or bool(in_place_changes(olds, news))
    return decision


def _replace(decision: Decision, olds: Mapping[str, Any], why: str) -> None:
    name = _value(olds, "name")
    decision.replace(
        TEMPLATE,
        f"{why}: allow_data_loss is true, so database '{name}' and all its data are deleted first and a new, empty "
        f"one is made (wait two to three minutes before writing to a database made under a deleted one's name)",
    )
    decision.delete_before_replace = True


def in_place_changes(olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
    """The in-place inputs whose values change (or are not known yet); retention compared in nanoseconds, so ``0``
    and no retention_period, or ``720h`` and ``30d``, are no change."""
    changed = []
    for name in IN_PLACE_INPUTS:
        new = _value(news, name)
        if is_unknown(new):
            changed.append(name)
        elif name == "retention_period":
            if retention_ns(new) != old_retention_ns(olds):
                changed.append(name)
        elif _number(new) != _number(_value(olds, name)):
            changed.append(name)
    return changed


def old_retention_ns(olds: Mapping[str, Any]) -> int:
    """The retention the database had at the last read: the server's nanoseconds, else the declared period."""
    stored = _value(olds, "retention_period_ns")
    return int(stored) if stored is not None else retention_ns(_value(olds, "retention_period"))


def _number(value: Any) -> Any:
    """The engine stores numbers as floats: 500.0 and 500 are one limit."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


__all__ = ["INPUT_NAMES", "IN_PLACE_INPUTS", "Decision", "decide", "in_place_changes"]
