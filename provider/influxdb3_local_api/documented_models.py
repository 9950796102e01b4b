"""Bodies of InfluxData's documented Management API: databases, tables, database tokens (camelCase).

Every limit below is quoted from InfluxData's docs (influxdata/docs-v2): the OpenAPI files
`api-docs/influxdb3/{cloud-dedicated,clustered}/management/openapi.yml` (components/schemas) and the admin
pages under `content/influxdb3/cloud-dedicated/admin/`. Where two of them disagree, the comment says which
one this server follows and why.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel

from .models import Timestamp, future_timestamp

# admin/databases/create.md, "Database naming restrictions": "Maximum 64 characters"; "Alphanumeric characters
# (a-z, A-Z, 0-9), underscore (_), dash (-), and forward-slash (/)". A leading underscore is only advised
# against ("might not explicitly reject these names"), so it is accepted. OpenAPI ClusterDatabaseName:
# minLength 1, maxLength 64.
DATABASE_NAME_PATTERN = r"^[A-Za-z0-9_/-]{1,64}$"
DatabaseName = Annotated[str, Field(min_length=1, max_length=64, pattern=DATABASE_NAME_PATTERN)]
# OpenAPI ClusterDatabaseTableName: "minLength: 1", nothing more.
TableName = Annotated[str, Field(min_length=1)]

INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1
# admin/databases/_index.md "Table limit": "Default maximum number of tables: 500"; OpenAPI
# ClusterDatabaseMaxTables: int32, "minimum: 1", "default: 500".
DEFAULT_MAX_TABLES = 500
# admin/databases/_index.md "Column limit": "Default maximum number of columns: 250" and "Configurable maximum
# number of columns: 1000"; OpenAPI CreateClusterDatabase: "Default maximum number of columns: 250". (The
# schema ClusterDatabaseMaxColumnsPerTable says "default: 200", against both texts; 250 is what they say.)
DEFAULT_MAX_COLUMNS_PER_TABLE = 250
MAX_COLUMNS_PER_TABLE = 1000
# admin/databases/_index.md "Retention periods": "The minimum retention period for an InfluxDB database is 1
# hour"; OpenAPI ClusterDatabaseRetentionPeriod: nanoseconds, int64, "minimum: 0", "set to 0 ... infinite".
# (The OpenAPI files' examples show 300000000000, five minutes, which that rule refuses: the stated rule wins
# over an example here, so a provider tested against this server does not learn to send what a cluster refuses.)
ONE_HOUR_NS = 3600 * 10**9
# OpenAPI ClusterDatabasePartitionTemplatePartBucket: numberOfBuckets int32, "minimum: 1", "maximum: 100000".
# (admin/custom-partitions/partition-templates says "Supported number of tag buckets: 1-1,000"; the API
# contract's bound is the one followed here.)
MAX_BUCKETS = 100_000


def _integral(value: Any) -> Any:
    """JSON has one number type: 300.0 is the integer 300 to a JSON Schema validator, so it is here too
    (but a boolean or a string is not a number)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


Integer = Annotated[StrictInt, BeforeValidator(_integral)]
RETENTION_SCHEMA = {
    "type": "integer",
    "description": "Nanoseconds; 0 means infinite, anything else at least one hour.",
    "anyOf": [{"const": 0}, {"minimum": ONE_HOUR_NS, "maximum": INT64_MAX}],
}
MaxTables = Annotated[Integer, Field(ge=1, le=INT32_MAX)]
MaxColumnsPerTable = Annotated[Integer, Field(ge=1, le=MAX_COLUMNS_PER_TABLE)]
RetentionPeriod = Annotated[
    Integer,
    Field(ge=0, le=INT64_MAX),
    WithJsonSchema(RETENTION_SCHEMA),
]


def check_retention_period(value: int | None) -> int | None:
    if value is not None and 0 < value < ONE_HOUR_NS:
        raise ValueError("must be 0 (infinite) or at least one hour (3600000000000 ns)")
    return value


_CAMEL = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class TagPart(BaseModel):
    model_config = _CAMEL
    type: Literal["tag"]
    value: Annotated[str, Field(min_length=1)]


class TimePart(BaseModel):
    model_config = _CAMEL
    type: Literal["time"]
    value: Annotated[str, Field(min_length=1)]


class Bucket(BaseModel):
    model_config = _CAMEL
    tag_name: Annotated[str, Field(min_length=1)]
    number_of_buckets: Annotated[Integer, Field(ge=1, le=MAX_BUCKETS)]


class BucketPart(BaseModel):
    model_config = _CAMEL
    type: Literal["bucket"]
    value: Bucket


TemplatePart = Annotated[TagPart | TimePart | BucketPart, Field(discriminator="type")]
PartitionTemplate = Annotated[list[TemplatePart], Field(min_length=1, max_length=8)]

# admin/custom-partitions/partition-templates ("Time part templates"): "Time part templates allow only the
# following date specifiers": %Y, %m, %d.
_TIME_SPECIFIER = re.compile(r"%(.?)")


def check_partition_template(parts: list[TagPart | TimePart | BucketPart] | None) -> Any:
    """The rules of admin/databases/create.md ("Partition template requirements and guidelines": "Always
    specify 1 time part in your template. A template has a maximum of 8 parts: 1 time part and up to 7 total
    tag and tag bucket parts") and admin/custom-partitions/partition-templates ("Include exactly one time
    part"; a tag key only once across tag and tag bucket parts; the reserved keyword `time`; only %Y, %m, %d)."""
    if parts is None:
        return None
    times = [part for part in parts if isinstance(part, TimePart)]
    if len(times) != 1:
        raise ValueError("must hold exactly one time part")
    if len(parts) - 1 > 7:
        raise ValueError("may hold at most 7 tag and bucket parts")
    for spec in _TIME_SPECIFIER.findall(times[0].value):
        if spec not in ("Y", "m", "d"):
            raise ValueError("the time part may use only the date specifiers %Y, %m and %d")
    tags = []
    for part in parts:
        if isinstance(part, TagPart):
            tags.append(part.value)
        elif isinstance(part, BucketPart):
            tags.append(part.value.tag_name)
    if "time" in tags:
        raise ValueError("'time' is a reserved keyword and cannot be a tag part")
    if len(set(tags)) != len(tags):
        raise ValueError("may use each tag key only once across tag and bucket parts")
    return parts


class CreateDatabaseRequest(BaseModel):
    """Body of CreateClusterDatabase: `name` is required; the rest have the documented defaults."""

    model_config = _CAMEL
    name: DatabaseName
    max_tables: MaxTables = DEFAULT_MAX_TABLES
    max_columns_per_table: MaxColumnsPerTable = DEFAULT_MAX_COLUMNS_PER_TABLE
    retention_period: RetentionPeriod = 0
    partition_template: PartitionTemplate | None = Field(
        default=None, description="Only at create: 'The partition template ... cannot be changed later.'"
    )

    _retention = field_validator("retention_period")(classmethod(lambda cls, v: check_retention_period(v)))
    _template = field_validator("partition_template")(classmethod(lambda cls, v: check_partition_template(v)))


def _no_default(schema: dict[str, Any]) -> None:
    """Optional in the body, but never null: the schema shows the field without its `null` branch."""
    schema.pop("default", None)
    branches = [branch for branch in schema.pop("anyOf", []) if branch.get("type") != "null"]
    if len(branches) == 1:
        schema.update(branches[0])
    elif branches:
        schema["anyOf"] = branches


class UpdateDatabaseRequest(BaseModel):
    """Body of UpdateClusterDatabase: maxTables, maxColumnsPerTable and retentionPeriod only, at least one
    ("minProperties: 1"); a partition template "can't [be updated] on an existing database"."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", json_schema_extra={"minProperties": 1}
    )
    # Optional but never null; spelled out, since pydantic shows the constraints of `X | None` under their
    # own names (ge, le), which a JSON Schema reader ignores.
    max_tables: Annotated[MaxTables | None, WithJsonSchema({"type": "integer", "minimum": 1, "maximum": INT32_MAX})] = (
        None
    )
    max_columns_per_table: Annotated[
        MaxColumnsPerTable | None,
        WithJsonSchema({"type": "integer", "minimum": 1, "maximum": MAX_COLUMNS_PER_TABLE}),
    ] = None
    retention_period: Annotated[RetentionPeriod | None, WithJsonSchema(RETENTION_SCHEMA)] = None

    @model_validator(mode="before")
    @classmethod
    def _one_or_more(cls, data: Any) -> Any:
        if isinstance(data, dict):
            if "partitionTemplate" in data:
                raise ValueError("partitionTemplate can only be set when the database is created")
            if not data:
                raise ValueError("give at least one of maxTables, maxColumnsPerTable and retentionPeriod")
            if any(value is None for value in data.values()):
                raise ValueError("maxTables, maxColumnsPerTable and retentionPeriod must not be null")
        return data

    _retention = field_validator("retention_period")(classmethod(lambda cls, v: check_retention_period(v)))

    def changes(self) -> dict[str, int]:
        """The given fields as store columns."""
        given = {name: getattr(self, name) for name in sorted(self.model_fields_set)}
        return {name: value for name, value in given.items() if value is not None}


class RenameRequest(BaseModel):
    model_config = _CAMEL
    name: DatabaseName


class RenameTableRequest(BaseModel):
    model_config = _CAMEL
    name: TableName


class CreateTableRequest(BaseModel):
    """Body of CreateClusterDatabaseTable."""

    model_config = _CAMEL
    name: TableName
    partition_template: PartitionTemplate | None = None

    _template = field_validator("partition_template")(classmethod(lambda cls, v: check_partition_template(v)))


class Database(BaseModel):
    """A database as list and create answer it: without its id (rename and undelete add it)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)
    account_id: str | None = None  # Cloud Dedicated only
    cluster_id: str | None = None
    name: str
    max_tables: int
    max_columns_per_table: int
    retention_period: int
    partition_template: list[TemplatePart] | None = None


class DatabaseWithId(Database):
    id: int


class Table(BaseModel):
    """A table as create answers it: without its id (rename and undelete add it)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)
    account_id: str | None = None
    cluster_id: str | None = None
    database_name: str
    name: str
    partition_template: list[TemplatePart] | None = None


class TableWithId(Table):
    id: int


class Permission(BaseModel):
    """DatabaseTokenPermission. admin/tokens/database/create.md: `"action"`: "Specify `read` or `write`";
    `"resource"`: the database name, or `*` for all databases (DatabaseTokenResourceAllDatabases)."""

    model_config = _CAMEL
    action: Literal["read", "write"]
    resource: Annotated[str, Field(pattern=r"^(\*|[A-Za-z0-9_/-]{1,64})$")]


class CreateDatabaseTokenRequest(BaseModel):
    """Body of CreateDatabaseToken: `description` required; admin/tokens/database/create.md adds
    `expirationType` ("datetime" or "noExpiration"; "expiresAt is only required when expirationType is
    datetime")."""

    model_config = _CAMEL
    description: str
    permissions: list[Permission] = Field(default_factory=list)
    expiration_type: Literal["datetime", "noExpiration"] | None = None
    expires_at: Timestamp | None = Field(default=None, description="RFC3339, in the future.")

    _expires = field_validator("expires_at", mode="before")(classmethod(lambda cls, v: future_timestamp(v)))

    @model_validator(mode="after")
    def _expiration_agrees(self) -> CreateDatabaseTokenRequest:
        if self.expiration_type == "datetime" and self.expires_at is None:
            raise ValueError("expiresAt is required when expirationType is datetime")
        if self.expiration_type == "noExpiration" and self.expires_at is not None:
            raise ValueError("expiresAt cannot be given when expirationType is noExpiration")
        return self


class UpdateDatabaseTokenRequest(BaseModel):
    """Body of UpdateDatabaseToken: "Update the description and permissions"; "minProperties: 1". The
    permission list is replaced whole (admin/tokens/database/update.md: "the existing permissions are
    replaced by the new permissions"); anything else (expiresAt) is refused as an unknown field."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", json_schema_extra={"minProperties": 1}
    )
    description: str | None = Field(default=None, json_schema_extra=_no_default)
    permissions: list[Permission] | None = Field(default=None, json_schema_extra=_no_default)

    @model_validator(mode="before")
    @classmethod
    def _one_or_more(cls, data: Any) -> Any:
        if isinstance(data, dict):
            if "expiresAt" in data:
                raise ValueError("expiresAt cannot be updated; create a new token instead")
            if not data:
                raise ValueError("give description, permissions or both")
            if any(value is None for value in data.values()):
                raise ValueError("description and permissions must not be null")
        return data


class DatabaseToken(BaseModel):
    """A database token as reads answer it; never its access token. `expiresAt` and `revokedAt` are left
    out when unset, as in the OpenAPI examples."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)
    account_id: str | None = None
    cluster_id: str | None = None
    id: str
    description: str
    permissions: list[Permission]
    created_at: Timestamp
    expires_at: Timestamp | None = None
    revoked_at: Timestamp | None = None


class CreatedDatabaseToken(DatabaseToken):
    """The create answer: the only place the access token is shown ("viewable only on token creation")."""

    access_token: str
