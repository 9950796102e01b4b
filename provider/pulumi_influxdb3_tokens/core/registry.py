"""The resources of the ``influxdb3`` package, each named once: the registry the cores, both faces, the schema
test, the policy pack and the audit read (``resources.py`` hands it on to everything above the core).

A resource is here by its name, its property names and the folder under ``core/`` that says what it is
and how it lives (inputs, diff, lifecycle, the client it needs). Its type tokens and how each face spells
a property follow from these. A Pulumi program imports this module, so it imports nothing else of the core: a
resource's lifecycle and client are imported when a provider first calls them.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional, Protocol, cast

if TYPE_CHECKING:
    from ..settings import Connection
    from .outcomes import Checked, Created, Decision, Imported

PACKAGE = "influxdb3"
# The Python package this registry's modules live in: ``pulumi_influxdb3_tokens``.
_TOP = __package__.rpartition(".")[0]

_HUMP = re.compile(r"(?<=[a-z0-9])([A-Z])")
_UNDERSCORE_WORD = re.compile(r"(?<=[a-z0-9])_([a-z0-9])")


def to_camel(name: str) -> str:
    """``expires_at`` -> ``expiresAt``: a property as the schema, the plugin and its typed classes name it."""
    return _UNDERSCORE_WORD.sub(lambda match: match.group(1).upper(), name)


def to_snake(name: str) -> str:
    """``expiresAt`` -> ``expires_at``: the schema's name as the core names it."""
    return _HUMP.sub(r"_\1", name).lower()


class Lifecycle(Protocol):
    """What a resource's ``core/<resource>/lifecycle.py`` offers the faces, on snake_case property bags."""

    @property
    def IN_PLACE_INPUTS(self) -> tuple[str, ...]: ...  # a module constant: read only

    def check_inputs(self, news: Mapping[str, Any], olds: Optional[Mapping[str, Any]] = None) -> Checked: ...
    def diff(
        self,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        resource_id: str = "",
        moves: Optional[tuple[str, str]] = None,
        clients: Optional[Callable[[Resource], Any]] = None,
    ) -> Decision: ...
    def create(self, client: Any, props: Mapping[str, Any]) -> Created: ...
    def read(self, client: Any, resource_id: str, props: Mapping[str, Any]) -> Optional[tuple[str, dict[str, Any]]]: ...
    def import_token(self, client: Any, token_id: str) -> Imported: ...
    def update(
        self, client: Callable[[], Any], resource_id: str, olds: Mapping[str, Any], news: Mapping[str, Any]
    ) -> dict[str, Any]: ...
    def delete(self, client: Any, resource_id: str, props: Optional[Mapping[str, Any]] = None) -> None: ...


@dataclass(frozen=True)
class Resource:
    """One resource type of the package."""

    name: str  # the type's name: ``ManagementToken``
    core: str  # its folder under ``core/``: ``management_token``
    input_names: tuple[str, ...]
    # Outputs besides the echoed inputs; a name may be both (the declared, then the actual value).
    output_names: tuple[str, ...]
    secret_inputs: tuple[str, ...]
    secret_outputs: tuple[str, ...]
    # Inputs ``check`` sets itself, never the program: in the state's inputs (pending operations included),
    # not in the schema's inputProperties.
    computed_inputs: tuple[str, ...]
    client_for: str  # ``module:function`` that makes the resource's client for a resolved connection
    # Served by InfluxData's documented Management API, which is HTTP only: its connection is resolved by
    # ``settings.resolve_documented_connection`` whatever transport the management tokens use.
    documented_api: bool = False

    @property
    def plugin_type(self) -> str:
        """The type token of the plugin's resource (the schema's key): ``influxdb3:index:ManagementToken``."""
        return f"{PACKAGE}:index:{self.name}"

    def import_hint(self, resource_id: str) -> str:
        """How a user takes over an existing one of these, of ``resource_id``, instead of creating it."""
        command = f"pulumi import {self.plugin_type} <resource name> {resource_id} --generate-code=false"
        return f"`{command}` (the provider plugin's resource)"

    @property
    def dynamic_type(self) -> str:
        """The type the Python SDK gives the dynamic resource: ``pulumi-python:dynamic/influxdb3:ManagementToken``."""
        return f"pulumi-python:dynamic/{PACKAGE}:{self.name}"

    @property
    def types(self) -> tuple[str, str]:
        """Both faces' types; the properties are the same, the plugin's spelled in camelCase."""
        return (self.dynamic_type, self.plugin_type)

    @property
    def property_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*self.input_names, *self.output_names)))

    def property_name(self, resource_type: str, name: str) -> str:
        """How a resource of this type spells the (snake_case) property ``name``."""
        return to_camel(name) if resource_type == self.plugin_type else name

    def lifecycle(self) -> Lifecycle:
        return cast(Lifecycle, importlib.import_module(f"{__package__}.{self.core}.lifecycle"))

    def client(self, connection: Connection) -> Any:
        """The resource's client on ``connection``: the transport is the connection's choice."""
        module, function = self.client_for.split(":")
        return getattr(importlib.import_module(f"{_TOP}.{module}"), function)(connection)


MANAGEMENT_TOKEN = Resource(
    name="ManagementToken",
    core="management_token",
    input_names=(
        "description",
        "expires_at",
        "expires_in",
        "rotate_before",
        "adopt_token_id",
        "adopt_token",
        "overlap",
        "mark_description",
    ),
    output_names=(
        "token",
        "token_prefix",
        "created_at",
        "expires_at",
        "revoked_at",
        "created_by",
        "account_id",
        "cluster_id",
        "token_id",  # the current token's id: the resource id stops naming it after a rotation with overlap
        "retiring",  # replaced tokens kept valid for their overlap: [{id, prefix, until}] (overlap.py)
        "create_marker",  # the marker the current token carries in its description (core/tokens/marker.py)
    ),
    computed_inputs=("create_marker",),
    secret_inputs=("adopt_token",),
    secret_outputs=("token", "adopt_token"),
    client_for="clients:client_for",
)

# A database of the documented Management API. Its id is the name it was created with: an update (a rename in
# place) cannot change a resource's id, so reads follow the stored ``name`` output instead.
DATABASE = Resource(
    name="Database",
    core="database",
    input_names=(
        "name",
        "retention_period",  # a duration ("30d", "12h"); "0" or absent: infinite
        "max_tables",
        "max_columns_per_table",
        "partition_template",  # [{type: time|tag|bucket, value}] as the API has it; only at create
        "allow_data_loss",  # true lets a new partition template delete the database (and its data) and make it anew
    ),
    output_names=(
        "retention_period_ns",  # the server's retentionPeriod, in nanoseconds (0: infinite)
        "account_id",
        "cluster_id",
    ),
    computed_inputs=(),
    secret_inputs=(),
    secret_outputs=(),
    client_for="clients:database_client_for",
    documented_api=True,
)

# A database token of the documented Management API: the credential applications hold.
DATABASE_TOKEN = Resource(
    name="DatabaseToken",
    core="database_token",
    input_names=(
        "description",
        "permissions",  # [{action: read|write, resource: <database name> | "*"}], compared as a set
        "expires_at",
        "expires_in",
        "rotate_before",
        "overlap",
        "mark_description",
    ),
    output_names=(
        "token",
        "token_id",
        "created_at",
        "expires_at",
        "revoked_at",
        "account_id",
        "cluster_id",
        "retiring",
        "create_marker",
    ),
    computed_inputs=("create_marker",),
    secret_inputs=(),
    secret_outputs=("token",),
    client_for="clients:database_token_client_for",
    documented_api=True,
)

# A table of a database. The documented API can create, rename and delete one but neither get nor list it, so over
# HTTP a table is never read back; over influxctl (transport: influxctl) `table list` reads it. Its id is
# "<database>/<table>" as first made (a table name holds no "/"), kept through renames as a database's is.
TABLE = Resource(
    name="Table",
    core="table",
    input_names=(
        "database",  # the name of the database the table is in
        "name",
        "partition_template",  # as a database's; omitted: the database's template; only at create
        "allow_data_loss",  # true lets a new partition template delete the table (and its data) and make it anew
        # The id of the Database resource the table is in (``db.id``): the proof that a new ``database`` is that
        # Database renamed in place (its id never changes) rather than another database (core/table/diff.py).
        "database_resource_id",
    ),
    output_names=(
        "account_id",
        "cluster_id",
    ),
    computed_inputs=(),
    secret_inputs=(),
    secret_outputs=(),
    client_for="clients:table_client_for",
    documented_api=True,
)

# The resources both faces serve.
RESOURCES = (MANAGEMENT_TOKEN, DATABASE, DATABASE_TOKEN, TABLE)


def of_type(resource_type: str) -> Optional[Resource]:
    """The resource a type token names (either face's), or None for a type that is not ours."""
    return next((resource for resource in RESOURCES if resource_type in resource.types), None)
