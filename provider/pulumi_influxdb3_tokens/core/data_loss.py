"""The guard databases and tables share: a new partition template only a new one can have, so its data is lost.

InfluxData's docs: "You can only apply a partition template when creating a database. You can't update a partition
template on an existing database" (admin/databases/create.md), and the same of a table (admin/tables/create.md:
"You can only apply a partition template when creating a table. You can't update a partition template on an existing
table"). A new template is therefore a new database or table under the same name, so the old one (and its data) is
deleted first: refused unless the program sets ``allow_data_loss``. After such a delete, "wait two to three minutes"
before writing to one made under the same name (admin/databases/delete.md, admin/tables/delete.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from .bags import holds_unknown, plain
from .errors import ConfigurationError
from .outcomes import Decision
from .partition_template import same_template

TEMPLATE = "partition_template"
ALLOW_DATA_LOSS = "allow_data_loss"


@dataclass(frozen=True)
class Holder:
    """What holds the template, as a sentence names it: ``noun`` "table", ``label`` "table 'cpu' of database 'm'"."""

    noun: str
    label: str


def judge_template(decision: Decision, olds: Mapping[str, Any], news: Mapping[str, Any], holder: Holder) -> None:
    """Put the template's part into ``decision``: a replacement (deleted first) when the template changes and the
    program allows the data loss; a ConfigurationError when it changes and the program does not."""
    new_template = plain(news.get(TEMPLATE))
    allowed = plain(news.get(ALLOW_DATA_LOSS)) is True
    noun = holder.noun
    if holds_unknown(new_template):
        if allowed:
            _replace(decision, holder, f"partition_template is not known until apply, and a new one makes a new {noun}")
        else:  # cannot tell yet: the apply's own diff, with the value known, refuses or not
            decision.changes = True
    elif not same_template(plain(olds.get(TEMPLATE)), new_template):
        if not allowed:
            raise ConfigurationError(
                f"partition_template of {holder.label} changed, and a partition template can only be set when a "
                f"{noun} is created, so applying it deletes the {noun} with all its data and makes a new, empty one: "
                f"set allow_data_loss to true to allow that, or keep the old partition_template."
            )
        _replace(decision, holder, f"partition_template changed, and only a new {noun} can have another one")


def _replace(decision: Decision, holder: Holder, why: str) -> None:
    decision.replace(
        TEMPLATE,
        f"{why}: allow_data_loss is true, so {holder.label} and all its data are deleted first and a new, empty "
        f"one is made (wait two to three minutes before writing to a {holder.noun} made under a deleted one's name)",
    )
    decision.delete_before_replace = True


def refuse_in_place(old_template: Any, new_template: Any, holder: Holder) -> None:
    """An update never changes a template: a diff that let one through is a bug, refused in one sentence."""
    if not same_template(old_template, new_template):
        raise ConfigurationError(
            f"partition_template of {holder.label} cannot change in place: only a new {holder.noun} can have "
            f"another one (set allow_data_loss to true to replace it)."
        )
