"""Pydantic models of a table: the resource's inputs after ``check``, and the table as the documented Management API
answers it (``CreateClusterDatabaseTable`` and ``RenameClusterDatabaseTable`` in InfluxData's OpenAPI files).

The rules come from InfluxData's docs (influxdata/docs-v2): the OpenAPI schemas (``ClusterDatabaseTableName``:
"minLength: 1", nothing more), ``reference/naming-restrictions`` (table names) and ``admin/tables/``. Where the
OpenAPI schema and the prose differ, the stricter holds.
"""

from __future__ import annotations

from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator, model_validator

from ..database.models import name_problem as database_name_problem
from ..inputs import FieldError
from ..partition_template import checked_template
from ..wire import CamelModel

# naming-restrictions.md, "Table (measurement) names": "Allowed characters: Alphanumeric characters (a-z, A-Z, 0-9),
# underscore (_), dash (-)" and "Should start with a letter or number and should not start with underscore"; its
# valid examples include "웹서버_메트릭스" (UTF-8 letters), so a letter is any Unicode letter. "No explicit limit" on
# the length. A table name thus never holds "/", which keeps the resource id "<database>/<table>" unambiguous.
_EXTRA_CHARACTERS = ("_", "-")


def _allowed(char: str) -> bool:
    return char.isalnum() or char in _EXTRA_CHARACTERS


def table_name_problem(name: str) -> Optional[str]:
    """Why ``name`` cannot name a table (one sentence naming ``name``), or None."""
    if not name:
        return "name must not be empty"
    bad = sorted({char for char in name if not _allowed(char)})
    if bad:
        shown = ", ".join(repr(char) for char in bad)
        return f"name may hold only letters, digits, '_' and '-', and '{name}' holds {shown}"
    if not name[0].isalnum():
        return (
            f"name must start with a letter or a digit, and '{name}' starts with '{name[0]}' (names starting with "
            f"'_' are reserved for InfluxDB's own use)"
        )
    return None


class TableInputs(BaseModel):
    """The Table inputs after ``check``: validated, the partition template in the API's own form."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    database: Optional[str] = None  # required once known: a preview may not know it yet
    name: Optional[str] = None
    partition_template: Optional[list[dict[str, Any]]] = None
    allow_data_loss: Optional[bool] = None
    database_resource_id: Optional[str] = None

    @field_validator("database", "name", "database_resource_id", mode="before")
    @classmethod
    def _strings(cls, value: object, info: ValidationInfo) -> object:
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{info.field_name} must be a string, got {type(value).__name__}")
        return value

    @field_validator("database", mode="after")
    @classmethod
    def _database_rules(cls, value: Optional[str]) -> Optional[str]:
        problem = None if value is None else database_name_problem(value, "database")
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("name", mode="after")
    @classmethod
    def _name_rules(cls, value: Optional[str]) -> Optional[str]:
        problem = None if value is None else table_name_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("partition_template", mode="before")
    @classmethod
    def _template_rules(cls, value: object) -> Optional[list[dict[str, Any]]]:
        return None if value is None else checked_template(value)

    @model_validator(mode="after")
    def _place_is_required(self, info: ValidationInfo) -> TableInputs:
        if info.context and info.context.get("partial"):
            return self
        if self.database is None:
            raise FieldError("database", "database is required: the name of the database the table is in")
        if self.name is None:
            raise FieldError("name", "name is required: the table's name in its database")
        return self

    @property
    def place(self) -> tuple[str, str]:
        """(database, table), once known (a create and an update always have them)."""
        if self.database is None or self.name is None:  # only a preview's partial check lets one through
            raise ValueError("database and name are required")
        return self.database, self.name


# --- Management API bodies -------------------------------------------------------------------


class TableRecord(CamelModel):
    """A table as the API answers a create or a rename (Clustered's carry no account or cluster ids; only a rename's
    carries the table's ``id``)."""

    account_id: str = ""
    cluster_id: str = ""
    database_name: str
    name: str
    partition_template: Optional[list[dict[str, Any]]] = None


class CreateTableRequest(CamelModel):
    """``POST .../databases/{databaseName}/tables``: the name, and the template when declared."""

    name: str
    partition_template: Optional[list[dict[str, Any]]] = None


class RenameTableRequest(CamelModel):
    """``PUT .../databases/{databaseName}/tables/{tableName}/rename``."""

    name: str
