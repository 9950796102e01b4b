"""The catalog of rules: their ids (the pack's policy names), default levels, configuration and descriptions.

The per-rule config models are both the pack's ``config_schema`` and the audit's config parser; the
field aliases are the ``--policy-pack-config`` property names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field

# --- rule ids, levels, defaults --------------------------------------------------------------

MUST_EXPIRE = "management-token-must-expire"
MAX_LIFETIME = "management-token-max-lifetime"
ROTATION = "management-token-rotation"
DESCRIPTION = "management-token-description"
MAX_PER_STACK = "management-token-max-per-stack"
DEFAULT_EXPIRY = "management-token-default-expiry"
MAX_OVERLAP = "management-token-max-overlap"
DATABASE_TOKEN_MUST_EXPIRE = "database-token-must-expire"
DATABASE_TOKEN_MAX_LIFETIME = "database-token-max-lifetime"
DATABASE_TOKEN_NO_WILDCARD = "database-token-no-wildcard"
DATABASE_INFINITE_RETENTION = "database-infinite-retention"

ADVISORY = "advisory"
MANDATORY = "mandatory"
REMEDIATE = "remediate"
DISABLED = "disabled"
LEVELS = (ADVISORY, MANDATORY, REMEDIATE, DISABLED)

DEFAULT_MAX_LIFETIME_DAYS = 90
DEFAULT_MIN_ROTATE_BEFORE_DAYS = 7
DEFAULT_MAX_TOKENS_PER_STACK = 10
DEFAULT_MAX_OVERLAP_DAYS = 7


@dataclass(frozen=True)
class ExpiryRules:
    """The ids one kind of token's expiry rules go by: the same two rules judge every kind of token."""

    must_expire: str
    max_lifetime: str


MANAGEMENT_TOKEN_EXPIRY = ExpiryRules(MUST_EXPIRE, MAX_LIFETIME)
DATABASE_TOKEN_EXPIRY = ExpiryRules(DATABASE_TOKEN_MUST_EXPIRE, DATABASE_TOKEN_MAX_LIFETIME)


# --- per-rule configuration ------------------------------------------------------------------


class RuleConfig(BaseModel):
    """Config of one rule; the field aliases are the ``--policy-pack-config`` property names."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class ExemptionsConfig(RuleConfig):
    """A rule that judges one token at a time can leave named tokens alone: a deliberate exception."""

    exemptions: tuple[str, ...] = Field(
        (),
        description="Tokens this rule does not judge, by token id (as `influxdb3-tokens audit` lists it) or by "
        "resource URN (as `pulumi stack --show-urns` prints it): a deliberate exception such as a break-glass "
        "token. The audit shows every exemption it applies.",
    )


def _max_lifetime_days(description: str) -> Any:
    """The ``maxLifetimeDays`` property: every rule that bounds a token's life in days spells it so."""
    return Field(DEFAULT_MAX_LIFETIME_DAYS, alias="maxLifetimeDays", ge=1, description=description)


class MaxLifetimeConfig(ExemptionsConfig):
    max_lifetime_days: int = _max_lifetime_days("The longest a management token may live, in days.")


class RotationConfig(ExemptionsConfig):
    min_rotate_before_days: int = Field(
        DEFAULT_MIN_ROTATE_BEFORE_DAYS,
        alias="minRotateBeforeDays",
        ge=1,
        description="The shortest rotate_before window a token may declare, in days; the audit also "
        "flags live tokens that expire within this many days.",
    )


class MaxPerStackConfig(RuleConfig):
    max_tokens_per_stack: int = Field(
        DEFAULT_MAX_TOKENS_PER_STACK,
        alias="maxTokensPerStack",
        ge=0,
        description="The most live management tokens one stack may hold.",
    )


class DefaultExpiryConfig(ExemptionsConfig):
    max_lifetime_days: int = _max_lifetime_days(
        "The expires_in, in days, given to a token declared without any expiry."
    )


class MaxOverlapConfig(ExemptionsConfig):
    max_overlap_days: int = Field(
        DEFAULT_MAX_OVERLAP_DAYS,
        alias="maxOverlapDays",
        ge=1,
        description="The longest overlap a token may declare, in days: how long a replaced token stays valid.",
    )


class DatabaseTokenMaxLifetimeConfig(MaxLifetimeConfig):
    max_lifetime_days: int = _max_lifetime_days("The longest a database token may live, in days.")


class DatabaseExemptionsConfig(RuleConfig):
    """A rule that judges one database at a time can leave named databases alone."""

    exemptions: tuple[str, ...] = Field(
        (),
        description="Databases this rule does not judge, by database name or by resource URN (as `pulumi stack "
        "--show-urns` prints it): a deliberate exception such as a database that keeps its data for good.",
    )


def config_schema_properties(model: type[RuleConfig]) -> dict[str, dict[str, Any]]:
    """The JSON-schema properties of a config model, for ``PolicyConfigSchema`` (the engine validates)."""
    schema = model.model_json_schema(by_alias=True)
    return {
        name: {k: v for k, v in prop.items() if k != "title"} for name, prop in schema.get("properties", {}).items()
    }


@dataclass(frozen=True)
class RuleSpec:
    """A rule as both the pack and the audit present it."""

    id: str
    level: str  # the default enforcement level
    config: type[RuleConfig]
    description: str  # what is checked and how to fix it: shown with every violation


RULES: dict[str, RuleSpec] = {
    spec.id: spec
    for spec in (
        RuleSpec(
            MUST_EXPIRE,
            MANDATORY,
            ExemptionsConfig,
            "Management tokens must expire: a token that never expires is an admin credential that lives "
            "forever. Fix: set expires_in (e.g. '30d') or expires_at on the ManagementToken.",
        ),
        RuleSpec(
            MAX_LIFETIME,
            MANDATORY,
            MaxLifetimeConfig,
            "Management tokens may live at most maxLifetimeDays days (default 90). Fix: shorten expires_in, "
            "or move expires_at closer, and let rotate_before replace the token before it expires.",
        ),
        RuleSpec(
            ROTATION,
            ADVISORY,
            RotationConfig,
            "Management tokens should be rotated at least minRotateBeforeDays days (default 7) before they "
            "expire. Fix: set rotate_before (e.g. '7d') so `pulumi up` replaces the token in time; the audit "
            "flags live tokens that expire within that window: rotate or replace them now.",
        ),
        RuleSpec(
            DESCRIPTION,
            ADVISORY,
            ExemptionsConfig,
            "Management tokens need a description: an undescribed admin token cannot be audited. "
            "Fix: set description to who or what uses the token.",
        ),
        RuleSpec(
            MAX_PER_STACK,
            DISABLED,
            MaxPerStackConfig,
            "A stack may hold at most maxTokensPerStack live management tokens (off unless enabled). "
            "Fix: remove tokens nobody uses, or share one token between consumers.",
        ),
        RuleSpec(
            DEFAULT_EXPIRY,
            DISABLED,
            DefaultExpiryConfig,
            "Gives a management token declared without expires_at or expires_in an expires_in of "
            "maxLifetimeDays days (off unless set to 'remediate'). Fix: declare an expiry yourself.",
        ),
        RuleSpec(
            MAX_OVERLAP,
            MANDATORY,
            MaxOverlapConfig,
            "A replaced management token may stay valid (overlap) at most maxOverlapDays days (default 7), and "
            "never longer than the token lives. Fix: shorten overlap, so old tokens do not linger.",
        ),
        # Database tokens are the credentials applications hold: one that never expires, or lives long, is a
        # leaked secret that keeps working, as for a management token; so the same levels (mandatory).
        RuleSpec(
            DATABASE_TOKEN_MUST_EXPIRE,
            MANDATORY,
            ExemptionsConfig,
            "Database tokens must expire: a token that never expires keeps reading or writing data for as long "
            "as anyone holds it. Fix: set expires_in (e.g. '30d') or expires_at on the DatabaseToken, with "
            "rotate_before so `pulumi up` replaces it in time.",
        ),
        RuleSpec(
            DATABASE_TOKEN_MAX_LIFETIME,
            MANDATORY,
            DatabaseTokenMaxLifetimeConfig,
            "Database tokens may live at most maxLifetimeDays days (default 90). Fix: shorten expires_in, or "
            "move expires_at closer, and let rotate_before replace the token before it expires.",
        ),
        # A '*' permission has legitimate users (a backup job, an agent writing to many databases), the
        # documented API offers it, and it is no admin power: advisory, like the other least-privilege advice.
        RuleSpec(
            DATABASE_TOKEN_NO_WILDCARD,
            ADVISORY,
            ExemptionsConfig,
            "Database token permissions should name their databases: a permission on '*' reaches every "
            "database of the cluster, present and future. Fix: give each database the token needs a "
            "permission of its own (resource: its name), or exempt a token that must reach them all.",
        ),
        # Infinite retention is the API's default and a choice about data, not a credential: advisory.
        RuleSpec(
            DATABASE_INFINITE_RETENTION,
            ADVISORY,
            DatabaseExemptionsConfig,
            "Databases should have a retention period: without one (absent or '0') data is kept forever and "
            "storage grows without bound. Fix: set retention_period (e.g. '30d') on the Database, or exempt "
            "a database that must keep its data.",
        ),
    )
}


def exemption(config: RuleConfig, *names: Optional[str]) -> Optional[str]:
    """The entry of the rule's ``exemptions`` that names this token or database (by id, name or URN), if any."""
    listed = getattr(config, "exemptions", ())
    return next((name for name in names if name and name in listed), None)
