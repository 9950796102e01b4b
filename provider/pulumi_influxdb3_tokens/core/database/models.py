"""Pydantic models of a database: the resource's inputs after ``check``, and the database as the documented
Management API describes it (``ClusterDatabase*`` in InfluxData's OpenAPI files for Cloud Dedicated and Clustered).

The rules come from InfluxData's docs (influxdata/docs-v2): the OpenAPI schemas, ``admin/databases/`` (create,
update, the limits) and ``admin/custom-partitions/partition-templates``. Where the OpenAPI schema and the prose
differ, the stricter holds and the comment says which.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator, model_validator

from .. import timeutil
from ..inputs import FieldError
from ..partition_template import checked_template
from ..wire import CamelModel

# "Database names ... Maximum length of 64 characters" (create.md; ClusterDatabaseName: minLength 1, maxLength 64).
MAX_NAME_LENGTH = 64
# "Allowed characters: Alphanumeric characters (a-z, A-Z, 0-9), underscore (_), dash (-), and forward-slash (/)";
# "Should start with a letter or number and should not start with underscore" (create.md).
_NAME_CHARACTERS = re.compile(r"[A-Za-z0-9_\-/]+")
_NAME_START = re.compile(r"[A-Za-z0-9]")

# "Default maximum number of tables: 500" (admin/databases/_index.md; ClusterDatabaseMaxTables default 500).
DEFAULT_MAX_TABLES = 500
# "Default maximum number of columns: 250" in every piece of prose (admin/databases/_index.md, create.md, update.md,
# influxctl, and CreateClusterDatabase's own description), while ClusterDatabaseMaxColumnsPerTable's schema says
# ``default: 200``. We always send a value, so the server's own default never decides: 250, as the docs tell users.
DEFAULT_MAX_COLUMNS_PER_TABLE = 250
# "Configurable maximum number of columns: 1000" (admin/databases/_index.md).
MAX_COLUMNS_PER_TABLE = 1000
# maxTables and maxColumnsPerTable are ``int32``, ``minimum: 1``; retentionPeriod is ``int64`` nanoseconds.
MAX_INT32 = 2**31 - 1
MAX_INT64 = 2**63 - 1
# "The minimum retention period for an InfluxDB database is 1 hour" (admin/databases/_index.md); 0 is infinite.
MIN_RETENTION = timedelta(hours=1)
INFINITE = "0"
_ZERO_DURATION = re.compile(r"^(?:0+[wdhms]?)+$")  # "0", "0s", "0d": "A zero duration ... is infinite"
NANOSECONDS_PER_SECOND = 1_000_000_000


class DatabaseInputs(BaseModel):
    """The Database inputs after ``check``: validated, with durations in their shortest spelling and the partition
    template in the API's own form (``[{type, value}]``, a bucket's value ``{tagName, numberOfBuckets}``)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: Optional[str] = None  # required once known: a preview may not know it yet
    retention_period: Optional[str] = None  # None or "0": infinite
    max_tables: int = DEFAULT_MAX_TABLES
    max_columns_per_table: int = DEFAULT_MAX_COLUMNS_PER_TABLE
    partition_template: Optional[list[dict[str, Any]]] = None
    allow_data_loss: Optional[bool] = None

    @field_validator("name", mode="before")
    @classmethod
    def _name_rules(cls, value: object) -> object:
        if value is None:
            return None
        if not isinstance(value, str):
            raise ValueError(f"name must be a string, got {type(value).__name__}")
        problem = name_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("retention_period", mode="before")
    @classmethod
    def _retention_rules(cls, value: object) -> Optional[str]:
        if value is None:
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value == 0:
            return INFINITE
        if not isinstance(value, str):
            raise ValueError(
                f"retention_period must be a duration such as '30d' or '12h' (or '0' for infinite), "
                f"got {type(value).__name__}"
            )
        return normalise_retention(value)

    @field_validator("max_tables", "max_columns_per_table", mode="before")
    @classmethod
    def _no_bool_limit(cls, value: object, info: ValidationInfo) -> object:
        if isinstance(value, bool):
            raise ValueError(f"{info.field_name} must be a whole number, got a boolean")
        return value

    @field_validator("max_tables", mode="after")
    @classmethod
    def _max_tables_range(cls, value: int) -> int:
        if not 1 <= value <= MAX_INT32:
            raise ValueError(f"max_tables must be a whole number from 1 to {MAX_INT32} (the API's int32), got {value}")
        return value

    @field_validator("max_columns_per_table", mode="after")
    @classmethod
    def _max_columns_range(cls, value: int) -> int:
        if not 1 <= value <= MAX_COLUMNS_PER_TABLE:
            raise ValueError(
                f"max_columns_per_table must be from 1 to {MAX_COLUMNS_PER_TABLE} (the configurable maximum number "
                f"of columns), got {value}"
            )
        return value

    @field_validator("partition_template", mode="before")
    @classmethod
    def _template_rules(cls, value: object) -> Optional[list[dict[str, Any]]]:
        if value is None:
            return None
        return checked_template(value)

    @model_validator(mode="after")
    def _name_is_required(self, info: ValidationInfo) -> DatabaseInputs:
        if self.name is None and not (info.context and info.context.get("partial")):
            raise FieldError("name", "name is required: the database's name on the cluster, 1 to 64 characters")
        return self

    @property
    def database_name(self) -> str:
        """The name, once known (a create, an update and an import always have it)."""
        if self.name is None:  # only a preview's partial check lets a model without one through
            raise ValueError("name is required")
        return self.name

    def retention_period_ns(self) -> int:
        return retention_ns(self.retention_period)


def name_problem(name: str, prop: str = "name") -> Optional[str]:
    """Why ``name`` cannot name a database (one sentence naming the input ``prop``), or None."""
    if not 1 <= len(name) <= MAX_NAME_LENGTH:
        return f"{prop} must be 1 to {MAX_NAME_LENGTH} characters long, got {len(name)}"
    if not _NAME_CHARACTERS.fullmatch(name):
        bad = sorted({char for char in name if not _NAME_CHARACTERS.fullmatch(char)})
        shown = ", ".join(repr(char) for char in bad)
        return f"{prop} may hold only letters, digits, '_', '-' and '/', and '{name}' holds {shown}"
    if not _NAME_START.match(name):
        return (
            f"{prop} must start with a letter or a digit, and '{name}' starts with '{name[0]}' (names starting with "
            f"'_' are reserved for InfluxDB's own use)"
        )
    return None


def normalise_retention(value: str) -> str:
    """``720h`` -> ``30d``, any zero -> ``0``; refuses what the API cannot hold or the docs do not allow."""
    text = value.strip().lower()
    if _ZERO_DURATION.match(text):
        return INFINITE
    try:
        period = timeutil.parse_duration(text)
    except timeutil.TimeFormatError as err:
        raise ValueError(f"retention_period: {err}, or '0' for infinite") from None
    if period < MIN_RETENTION:
        raise ValueError(
            f"retention_period must be at least 1h (the minimum retention period), or '0' for infinite, got '{value}'"
        )
    if int(period.total_seconds()) * NANOSECONDS_PER_SECOND > MAX_INT64:
        raise ValueError(
            f"retention_period '{value}' is longer than the API's retentionPeriod can hold (int64 nanoseconds, "
            f"about 292 years); use '0' for infinite"
        )
    return timeutil.format_duration(period)


def retention_ns(retention_period: Optional[str]) -> int:
    """A checked retention period in nanoseconds, as the API's ``retentionPeriod`` has it (0: infinite)."""
    if retention_period is None or retention_period == INFINITE:
        return 0
    return int(timeutil.parse_duration(retention_period).total_seconds()) * NANOSECONDS_PER_SECOND


def spell_retention(nanoseconds: int) -> str:
    """The API's ``retentionPeriod`` as a duration input: ``2592000000000000`` -> ``30d``, 0 -> ``0`` (whole
    seconds: the units a duration has)."""
    seconds = nanoseconds // NANOSECONDS_PER_SECOND
    return timeutil.format_duration(timedelta(seconds=seconds)) if seconds > 0 else INFINITE


# --- Management API bodies -------------------------------------------------------------------


class DatabaseRecord(CamelModel):
    """A database as the API answers a list, a create, an update or a rename (Clustered's carry no ids)."""

    account_id: str = ""
    cluster_id: str = ""
    name: str
    max_tables: int
    max_columns_per_table: int
    retention_period: int = 0  # nanoseconds; "If the retention period is not set or is set to 0 ... infinite"
    partition_template: Optional[list[dict[str, Any]]] = None


class CreateDatabaseRequest(CamelModel):
    """``POST .../databases``: the name, the limits and the retention always sent, the template when declared."""

    name: str
    max_tables: int
    max_columns_per_table: int
    retention_period: int
    partition_template: Optional[list[dict[str, Any]]] = None

    @classmethod
    def of(cls, inputs: DatabaseInputs) -> CreateDatabaseRequest:
        return cls(
            name=inputs.database_name,
            max_tables=inputs.max_tables,
            max_columns_per_table=inputs.max_columns_per_table,
            retention_period=inputs.retention_period_ns(),
            partition_template=inputs.partition_template,
        )


class DatabaseUpdate(CamelModel):
    """``PATCH .../databases/{name}``: only what changes ("minProperties: 1")."""

    max_tables: Optional[int] = None
    max_columns_per_table: Optional[int] = None
    retention_period: Optional[int] = None

    def is_empty(self) -> bool:
        return not self.model_dump(exclude_none=True)


class RenameDatabaseRequest(CamelModel):
    """``PUT .../databases/{name}/rename``."""

    name: str
