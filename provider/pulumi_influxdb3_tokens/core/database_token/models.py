"""Pydantic models of a database token: the resource's inputs, and the token as the documented Management API
describes it (``GetDatabaseToken``, ``CreateDatabaseToken``, ``UpdateDatabaseToken`` in InfluxData's
``api-docs/influxdb3/{cloud-dedicated,clustered}/management/openapi.yml``)."""

from __future__ import annotations

from datetime import datetime
from typing import Mapping, Optional

from pydantic import ConfigDict, Field, SecretStr, ValidationInfo, field_validator, model_validator

from ..inputs import FieldError
from ..tokens.inputs import ExpiringInputs, declared_description
from ..tokens.records import TokenLife
from ..wire import CamelModel

ACTIONS = ("read", "write")  # "action": "Specify read or write permission to the database"
ALL_DATABASES = "*"  # DatabaseTokenResourceAllDatabases
MAX_DATABASE_NAME_LENGTH = 64  # ClusterDatabaseName: minLength 1, maxLength 64


def normalise_permissions(value: object) -> list[dict[str, str]]:
    """The permissions as a set: each ``{action, resource}`` once, sorted by database then action, so the same
    permissions written in another order or twice never show up as a diff. Raises ``FieldError`` naming the entry."""
    if not isinstance(value, (list, tuple)):
        raise FieldError("permissions", f"permissions must be a list of {{action, resource}}, got {_kind(value)}")
    found: set[tuple[str, str]] = set()
    for index, item in enumerate(value):
        where = f"permissions[{index}]"
        if not isinstance(item, Mapping):
            raise FieldError("permissions", f"{where} must be {{action, resource}}, got {_kind(item)}")
        unknown = sorted(str(key) for key in item if key not in ("action", "resource"))
        if unknown:
            raise FieldError(
                "permissions", f"{where} has {', '.join(unknown)}; a permission has only action and resource"
            )
        action, resource = item.get("action"), item.get("resource")
        if action not in ACTIONS:
            raise FieldError("permissions", f"{where}.action must be read or write, got {action!r}")
        if not isinstance(resource, str) or not (
            resource == ALL_DATABASES or 1 <= len(resource) <= MAX_DATABASE_NAME_LENGTH
        ):
            raise FieldError(
                "permissions",
                f"{where}.resource must be a database name of 1 to {MAX_DATABASE_NAME_LENGTH} characters or "
                f'"{ALL_DATABASES}" (all databases), got {resource!r}',
            )
        found.add((resource, str(action)))
    return [{"action": action, "resource": resource} for resource, action in sorted(found)]


def _kind(value: object) -> str:
    return "nothing" if value is None else type(value).__name__


class DatabaseTokenInputs(ExpiringInputs):
    """The DatabaseToken inputs after ``check``: validated and normalised (expiry inputs as every token's)."""

    description: Optional[str] = None
    permissions: Optional[list[dict[str, str]]] = None

    @field_validator("description", mode="before")
    @classmethod
    def _description_is_text(cls, value: object) -> object:
        return declared_description(value)

    @field_validator("permissions", mode="before")
    @classmethod
    def _permissions_as_set(cls, value: object) -> object:
        return None if value is None else normalise_permissions(value)

    @model_validator(mode="after")
    def _cross_field_rules(self, info: ValidationInfo) -> "DatabaseTokenInputs":
        if info.context and info.context.get("partial"):
            return self  # some inputs are unknown during preview: judge them once they are known
        if not (self.description or "").strip():
            # CreateDatabaseToken's body requires a description; it is how people tell tokens apart.
            raise FieldError("description", "description is required: say who holds this token and why")
        if self.permissions is None:
            raise FieldError(
                "permissions",
                'permissions is required: a list of {action: read|write, resource: <database name> or "*"} '
                "(an empty list makes a token that may do nothing)",
            )
        self._check_one_expiry()
        self._check_expiry()
        if self.overlap is not None:
            self._check_overlap_length(self.overlap)
        return self

    def description_to_send(self) -> str:
        """The description a token minted (or updated) for these inputs carries: the declared one and the marker."""
        return self.marked_description(self.description or "")

    def permissions_to_send(self) -> list[dict[str, str]]:
        return list(self.permissions or [])


# --- Management API bodies -------------------------------------------------------------------


class Permission(CamelModel):
    """One permission as the API lists it; ``action`` is any string there (DatabaseTokenPermissionAction)."""

    model_config = ConfigDict(frozen=True)

    action: str
    resource: str


class DatabaseTokenRecord(TokenLife, CamelModel):
    """A database token as the API lists it: never carries the token string. Clustered answers name no account
    or cluster."""

    id: str
    account_id: Optional[str] = None
    cluster_id: Optional[str] = None
    description: str = ""
    permissions: list[Permission] = Field(default_factory=list)
    created_at: datetime
    expires_at: Optional[datetime] = None
    revoked_at: Optional[datetime] = None

    def permission_set(self) -> list[dict[str, str]]:
        """The permissions in input form, as a set (see ``normalise_permissions``)."""
        pairs = {(p.resource, p.action) for p in self.permissions}
        return [{"action": action, "resource": resource} for resource, action in sorted(pairs)]


class CreatedDatabaseToken(DatabaseTokenRecord):
    """The answer to a create: the only time the token string is shown ("Token strings are viewable only on token
    creation and aren't stored by InfluxDB")."""

    access_token: SecretStr
