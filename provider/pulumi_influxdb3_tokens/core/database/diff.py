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

from ..bags import is_unknown, plain
from ..data_loss import Holder, judge_template
from ..outcomes import Decision
from .models import retention_ns
from .props import INPUT_NAMES

# Inputs whose change alone updates the database in place: PATCH, rename, or only the state (allow_data_loss).
IN_PLACE_INPUTS = ("name", "retention_period", "max_tables", "max_columns_per_table", "allow_data_loss")


def _value(bag: Mapping[str, Any], name: str) -> Any:
    return plain(bag.get(name))


def decide(olds: Mapping[str, Any], news: Mapping[str, Any]) -> Decision:
    """Compare old outputs with new (checked) inputs; raises ConfigurationError for a new partition template that
    may not cost the data."""
    decision = Decision()
    judge_template(decision, olds, news, holder(_value(olds, "name")))
    if not decision.replaces:
        decision.changes = decision.changes or bool(in_place_changes(olds, news))
    return decision


def holder(name: Any) -> Holder:
    """Database ``name`` as the data-loss guard names it."""
    return Holder("database", f"database '{name}'")


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
