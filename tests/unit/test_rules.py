"""The shared token rules: every verdict, every threshold, and unknown as its own outcome."""

from datetime import datetime, timedelta, timezone

import pytest

from pulumi_influxdb3_tokens.policy import catalog, rules
from pulumi_influxdb3_tokens.policy.rules import DatabaseFacts, DatabaseTokenFacts, Permission, TokenFacts
from pulumi_influxdb3_tokens.policy.verdicts import UNKNOWN, Verdict

NOW = datetime(2027, 1, 1, tzinfo=timezone.utc)


def at(days: float) -> str:
    return (NOW + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


# Expiries are judged as on 2027-01-01 (support/fixtures.py).
pytestmark = pytest.mark.usefixtures("fixed_clock")


@pytest.mark.parametrize(
    "facts",
    [TokenFacts(expires_in="30d"), TokenFacts(expires_at=at(30)), TokenFacts(expires_in="30d", expires_at=UNKNOWN)],
)
def test_a_token_with_an_expiry_passes_must_expire(facts):
    assert rules.must_expire(facts).verdict is Verdict.PASS


@pytest.mark.parametrize(
    "facts", [TokenFacts(), TokenFacts(expires_at=None, expires_in=""), TokenFacts(description="x")]
)
def test_a_token_without_an_expiry_fails_must_expire_and_says_so(facts):
    finding = rules.must_expire(facts)
    assert finding.verdict is Verdict.FAIL and finding.rule == catalog.MUST_EXPIRE
    assert "never expires" in finding.message


@pytest.mark.parametrize("facts", [TokenFacts(expires_at=UNKNOWN), TokenFacts(expires_in=UNKNOWN)])
def test_an_unknown_expiry_is_neither_pass_nor_fail(facts):
    finding = rules.must_expire(facts)
    assert finding.verdict is Verdict.UNKNOWN and finding.message.startswith("cannot verify")


@pytest.mark.parametrize(
    ("facts", "max_days", "verdict"),
    [
        (TokenFacts(expires_in="90d"), 90, Verdict.PASS),
        (TokenFacts(expires_in="91d"), 90, Verdict.FAIL),
        (TokenFacts(expires_in="12w"), 90, Verdict.PASS),
        (TokenFacts(expires_in="30d"), 29, Verdict.FAIL),
        (TokenFacts(expires_at=at(90)), 90, Verdict.PASS),
        (TokenFacts(expires_at=at(91)), 90, Verdict.FAIL),
        (TokenFacts(expires_at=at(20)), 19, Verdict.FAIL),
        # Measured from creation when it is known (the audit), from now otherwise (the pack).
        (TokenFacts(expires_at=at(60), created_at=at(-40)), 90, Verdict.FAIL),
        (TokenFacts(expires_at=at(60), created_at=NOW - timedelta(days=30)), 90, Verdict.PASS),
        (TokenFacts(expires_at=at(60), created_at=UNKNOWN), 90, Verdict.PASS),
        # An offset spelling is the same instant.
        (
            TokenFacts(expires_at=(NOW + timedelta(days=91)).astimezone(timezone(timedelta(hours=5))).isoformat()),
            90,
            Verdict.FAIL,
        ),
    ],
)
def test_max_lifetime_against_its_threshold(facts, max_days, verdict):
    finding = rules.max_lifetime(facts, catalog.MaxLifetimeConfig(maxLifetimeDays=max_days))
    assert finding.verdict is verdict
    if verdict is Verdict.FAIL:
        assert f"maxLifetimeDays {max_days}" in finding.message


def test_max_lifetime_defaults_to_90_days():
    assert catalog.MaxLifetimeConfig().max_lifetime_days == 90
    assert rules.max_lifetime(TokenFacts(expires_in="90d"), catalog.MaxLifetimeConfig()).verdict is Verdict.PASS
    assert rules.max_lifetime(TokenFacts(expires_in="91d"), catalog.MaxLifetimeConfig()).verdict is Verdict.FAIL


def test_max_lifetime_leaves_non_expiring_tokens_to_must_expire():
    finding = rules.max_lifetime(TokenFacts(), catalog.MaxLifetimeConfig())
    assert finding.verdict is Verdict.PASS and catalog.MUST_EXPIRE in finding.message


@pytest.mark.parametrize(
    "facts", [TokenFacts(expires_at=UNKNOWN), TokenFacts(expires_in=UNKNOWN), TokenFacts(expires_at="next tuesday")]
)
def test_max_lifetime_cannot_verify_an_unknown_or_unreadable_expiry(facts):
    assert rules.max_lifetime(facts, catalog.MaxLifetimeConfig()).verdict is Verdict.UNKNOWN


@pytest.mark.parametrize(
    ("rotate_before", "min_days", "verdict"),
    [
        ("7d", 7, Verdict.PASS),
        ("1w", 7, Verdict.PASS),
        ("6d23h", 7, Verdict.FAIL),
        ("14d", 14, Verdict.PASS),
        ("7d", 8, Verdict.FAIL),
        (None, 7, Verdict.FAIL),
        (UNKNOWN, 7, Verdict.UNKNOWN),
    ],
)
def test_rotation_window_against_its_threshold(rotate_before, min_days, verdict):
    facts = TokenFacts(expires_in="30d", rotate_before=rotate_before)
    assert rules.rotation(facts, catalog.RotationConfig(minRotateBeforeDays=min_days)).verdict is verdict


def test_expiring_soon_flags_live_tokens_within_the_rotation_window():
    config = catalog.RotationConfig(minRotateBeforeDays=7)
    soon = rules.expiring_soon(NOW + timedelta(days=3), config, NOW)
    assert soon.verdict is Verdict.FAIL and soon.rule == catalog.ROTATION and "3d" in soon.message
    assert rules.expiring_soon(NOW + timedelta(days=8), config, NOW).verdict is Verdict.PASS
    assert rules.expiring_soon(None, config, NOW).verdict is Verdict.PASS
    assert rules.expiring_soon(NOW + timedelta(days=8), catalog.RotationConfig(minRotateBeforeDays=10), NOW).failed


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("CI deployer", Verdict.PASS),
        ("", Verdict.FAIL),
        ("   ", Verdict.FAIL),
        (None, Verdict.FAIL),
        (UNKNOWN, Verdict.UNKNOWN),
    ],
)
def test_description(text, verdict):
    assert rules.description(TokenFacts(description=text)).verdict is verdict


def test_max_per_stack_counts_against_its_threshold():
    assert rules.max_per_stack(3, catalog.MaxPerStackConfig(maxTokensPerStack=3)).verdict is Verdict.PASS
    over = rules.max_per_stack(4, catalog.MaxPerStackConfig(maxTokensPerStack=3))
    assert over.failed and "4 live" in over.message and "maxTokensPerStack 3" in over.message


def test_liveness_counts_unknowns_as_live():
    assert rules.is_live(None, None)
    assert rules.is_live(None, at(1))
    assert not rules.is_live(None, at(-1))
    assert not rules.is_live(at(-1), at(1))
    assert rules.is_live(UNKNOWN, UNKNOWN)


def test_default_expiry_fills_only_a_missing_expiry():
    config = catalog.DefaultExpiryConfig(maxLifetimeDays=30)
    assert rules.default_expiry(TokenFacts(), config) == "30d"
    assert rules.default_expiry(TokenFacts(expires_in="5d"), config) is None
    assert rules.default_expiry(TokenFacts(expires_at=at(5)), config) is None
    assert rules.default_expiry(TokenFacts(expires_at=UNKNOWN), config) is None


def test_config_models_are_the_schema_the_engine_validates():
    props = catalog.config_schema_properties(catalog.MaxLifetimeConfig)
    exemptions = props.pop("exemptions")
    assert props == {
        "maxLifetimeDays": {
            "default": 90,
            "minimum": 1,
            "type": "integer",
            "description": "The longest a management token may live, in days.",
        }
    }
    assert exemptions["type"] == "array" and exemptions["items"] == {"type": "string"} and exemptions["default"] == []
    assert list(catalog.config_schema_properties(catalog.ExemptionsConfig)) == ["exemptions"]
    assert "exemptions" not in catalog.config_schema_properties(catalog.MaxPerStackConfig)
    # Numbers reach the pack through protobuf as floats.
    assert catalog.MaxLifetimeConfig.model_validate({"maxLifetimeDays": 30.0}).max_lifetime_days == 30


def test_an_exemption_names_a_token_by_id_or_urn():
    config = catalog.ExemptionsConfig(exemptions=("tok-break-glass", "urn:pulumi:prod::ops::x::admin"))
    assert catalog.exemption(config, "tok-break-glass") == "tok-break-glass"
    assert catalog.exemption(config, None, "urn:pulumi:prod::ops::x::admin") == "urn:pulumi:prod::ops::x::admin"
    assert catalog.exemption(config, "tok-other", "urn:pulumi:prod::ops::x::other") is None
    assert catalog.exemption(catalog.MaxPerStackConfig(), "tok-break-glass") is None


def test_every_rule_tells_the_user_how_to_fix_it():
    assert {spec.id for spec in catalog.RULES.values()} == {
        catalog.MUST_EXPIRE,
        catalog.MAX_LIFETIME,
        catalog.ROTATION,
        catalog.DESCRIPTION,
        catalog.MAX_PER_STACK,
        catalog.DEFAULT_EXPIRY,
        catalog.MAX_OVERLAP,
        catalog.DATABASE_TOKEN_MUST_EXPIRE,
        catalog.DATABASE_TOKEN_MAX_LIFETIME,
        catalog.DATABASE_TOKEN_NO_WILDCARD,
        catalog.DATABASE_INFINITE_RETENTION,
    }
    for spec in catalog.RULES.values():
        assert "Fix:" in spec.description and spec.level in catalog.LEVELS
    assert catalog.RULES[catalog.MUST_EXPIRE].level == catalog.MANDATORY
    assert catalog.RULES[catalog.MAX_LIFETIME].level == catalog.MANDATORY
    assert catalog.RULES[catalog.ROTATION].level == catalog.ADVISORY
    assert catalog.RULES[catalog.DESCRIPTION].level == catalog.ADVISORY
    assert catalog.RULES[catalog.MAX_PER_STACK].level == catalog.DISABLED
    assert catalog.RULES[catalog.DEFAULT_EXPIRY].level == catalog.DISABLED
    assert catalog.RULES[catalog.MAX_OVERLAP].level == catalog.MANDATORY
    # A database token is a credential too: it must expire, within its maximum, as a management token must.
    assert catalog.RULES[catalog.DATABASE_TOKEN_MUST_EXPIRE].level == catalog.MANDATORY
    assert catalog.RULES[catalog.DATABASE_TOKEN_MAX_LIFETIME].level == catalog.MANDATORY
    # Least-privilege advice, and a choice about data: reported, never blocking unless configured so.
    assert catalog.RULES[catalog.DATABASE_TOKEN_NO_WILDCARD].level == catalog.ADVISORY
    assert catalog.RULES[catalog.DATABASE_INFINITE_RETENTION].level == catalog.ADVISORY


def test_durations_in_messages_round_to_what_the_user_asked_for():
    from pulumi_influxdb3_tokens.policy.rules import days

    assert days(timedelta(days=365) - timedelta(milliseconds=40)) == "365d"
    assert days(timedelta(days=90, hours=12, minutes=1)) == "90d12h"
    assert days(timedelta(hours=5, seconds=59.6)) == "5h1m"
    assert days(timedelta(seconds=10)) == "less than a minute"


# --- database tokens and databases -------------------------------------------------------------
#
# The Management API's DatabaseTokenExpiresAt is "the date and time that the database token expires, if
# applicable", and the admin docs (admin/tokens/database/create.md) say "If an expiration isn't set, the token
# does not expire until revoked": the expiry rules judge a database token as they judge a management token,
# under the database token's own rule ids.


@pytest.mark.parametrize(
    ("facts", "verdict"),
    [
        (DatabaseTokenFacts(expires_in="30d"), Verdict.PASS),
        (DatabaseTokenFacts(expires_at=at(30)), Verdict.PASS),
        (DatabaseTokenFacts(), Verdict.FAIL),
        (DatabaseTokenFacts(expires_in="  "), Verdict.FAIL),
        (DatabaseTokenFacts(expires_at=UNKNOWN), Verdict.UNKNOWN),
        (DatabaseTokenFacts(expires_in=UNKNOWN), Verdict.UNKNOWN),
    ],
)
def test_a_database_token_must_expire_under_its_own_rule_id(facts, verdict):
    finding = rules.must_expire(facts, catalog.DATABASE_TOKEN_EXPIRY)
    assert finding.rule == catalog.DATABASE_TOKEN_MUST_EXPIRE and finding.verdict is verdict
    if verdict is Verdict.FAIL:
        assert finding.message == "the token never expires: it has neither expires_at nor expires_in"


@pytest.mark.parametrize(
    ("facts", "max_days", "verdict"),
    [
        (DatabaseTokenFacts(expires_in="90d"), 90, Verdict.PASS),
        (DatabaseTokenFacts(expires_in="91d"), 90, Verdict.FAIL),
        (DatabaseTokenFacts(expires_in="30d"), 14, Verdict.FAIL),
        (DatabaseTokenFacts(expires_at=at(90)), 90, Verdict.PASS),  # from now, in the pack
        (DatabaseTokenFacts(expires_at=at(91)), 90, Verdict.FAIL),
        (DatabaseTokenFacts(expires_at=at(60), created_at=at(-40)), 90, Verdict.FAIL),  # from creation, in the audit
        (DatabaseTokenFacts(expires_at=UNKNOWN), 90, Verdict.UNKNOWN),
        (DatabaseTokenFacts(expires_in=UNKNOWN), 90, Verdict.UNKNOWN),
        (DatabaseTokenFacts(expires_at="next tuesday"), 90, Verdict.UNKNOWN),
    ],
)
def test_database_token_max_lifetime_against_its_threshold(facts, max_days, verdict):
    config = catalog.DatabaseTokenMaxLifetimeConfig(maxLifetimeDays=max_days)
    finding = rules.max_lifetime(facts, config, ids=catalog.DATABASE_TOKEN_EXPIRY)
    assert finding.rule == catalog.DATABASE_TOKEN_MAX_LIFETIME and finding.verdict is verdict
    if verdict is Verdict.FAIL:
        assert f"longer than maxLifetimeDays {max_days}" in finding.message


def test_database_token_max_lifetime_defaults_to_90_days_and_leaves_no_expiry_to_its_must_expire():
    config = catalog.DatabaseTokenMaxLifetimeConfig()
    assert config.max_lifetime_days == 90
    ids = catalog.DATABASE_TOKEN_EXPIRY
    assert rules.max_lifetime(DatabaseTokenFacts(expires_in="90d"), config, ids=ids).verdict is Verdict.PASS
    assert rules.max_lifetime(DatabaseTokenFacts(expires_in="91d"), config, ids=ids).failed
    never = rules.max_lifetime(DatabaseTokenFacts(), config, ids=ids)
    assert never.verdict is Verdict.PASS and catalog.DATABASE_TOKEN_MUST_EXPIRE in never.message


def test_the_database_token_max_lifetime_config_is_its_own_schema():
    """The same property name as the management token's (maxLifetimeDays), saying which token it bounds."""
    props = catalog.config_schema_properties(catalog.DatabaseTokenMaxLifetimeConfig)
    assert props["maxLifetimeDays"] == {
        "default": 90,
        "minimum": 1,
        "type": "integer",
        "description": "The longest a database token may live, in days.",
    }
    assert "exemptions" in props
    assert catalog.DatabaseTokenMaxLifetimeConfig.model_validate({"maxLifetimeDays": 30.0}).max_lifetime_days == 30


# The Management API's DatabaseTokenResourceAllDatabases: "A resource value for a database token permission that
# refers to all databases", the enum ['*']; admin/tokens/database/create.md: "the `*` wildcard which grants read
# or write permissions to all databases".


def permission(action, resource):
    return Permission(action=action, resource=resource)


@pytest.mark.parametrize(
    ("permissions", "verdict", "message"),
    [
        ((permission("read", "DatabaseOne"), permission("write", "DatabaseTwo")), Verdict.PASS, ""),
        ((), Verdict.PASS, ""),  # the API's "No Access Token": permissions []
        (None, Verdict.PASS, ""),
        (
            (permission("write", "*"),),
            Verdict.FAIL,
            "the token may write every database, present and future: a permission's resource is '*'",
        ),
        (
            (permission("write", "*"), permission("read", "DatabaseOne"), permission("read", "*")),
            Verdict.FAIL,
            "the token may read and write every database, present and future: a permission's resource is '*'",
        ),
        # A known '*' fails whatever else is unknown.
        (
            (permission(UNKNOWN, "*"), UNKNOWN),
            Verdict.FAIL,
            "the token may reach every database, present and future: a permission's resource is '*'",
        ),
        ((permission("read", "DatabaseOne"), permission("read", UNKNOWN)), Verdict.UNKNOWN, "cannot verify"),
        ((permission("read", "DatabaseOne"), UNKNOWN), Verdict.UNKNOWN, "cannot verify"),
        (UNKNOWN, Verdict.UNKNOWN, "cannot verify: the permissions are not known until their inputs are"),
        # An unknown action on a named database reaches that database only.
        ((permission(UNKNOWN, "DatabaseOne"),), Verdict.PASS, ""),
    ],
)
def test_no_wildcard_flags_a_permission_on_every_database(permissions, verdict, message):
    finding = rules.no_wildcard(DatabaseTokenFacts(expires_in="30d", permissions=permissions))
    assert finding.rule == catalog.DATABASE_TOKEN_NO_WILDCARD and finding.verdict is verdict
    assert finding.message.startswith(message)


# The Management API's ClusterDatabaseRetentionPeriod: "If the retention period is not set or is set to 0, the
# database will have infinite retention"; admin/databases/create.md: "A zero duration (`0d`) keeps data
# indefinitely", and its Management API tab: "A value of `0` keeps data indefinitely".


@pytest.mark.parametrize(
    ("retention_period", "verdict", "message"),
    [
        ("30d", Verdict.PASS, ""),
        ("12h", Verdict.PASS, ""),
        ("1w", Verdict.PASS, ""),
        ("2592000000000", Verdict.PASS, ""),  # the API's nanoseconds, as an audit of listed databases reads them
        ("10d0h", Verdict.PASS, ""),
        (None, Verdict.FAIL, "the database keeps its data forever (no retention_period)"),
        ("", Verdict.FAIL, "the database keeps its data forever (no retention_period)"),
        ("0", Verdict.FAIL, "the database keeps its data forever (retention_period 0)"),
        ("0d", Verdict.FAIL, "the database keeps its data forever (retention_period 0d)"),
        (" 0h0m ", Verdict.FAIL, "the database keeps its data forever (retention_period 0h0m)"),
        (UNKNOWN, Verdict.UNKNOWN, "cannot verify: retention_period is not known until its inputs are"),
    ],
)
def test_infinite_retention_flags_a_database_that_keeps_its_data_forever(retention_period, verdict, message):
    finding = rules.infinite_retention(DatabaseFacts(name="DatabaseOne", retention_period=retention_period))
    assert finding.rule == catalog.DATABASE_INFINITE_RETENTION and finding.verdict is verdict
    assert finding.message == message


def test_a_database_is_exempted_by_name_or_urn():
    config = catalog.DatabaseExemptionsConfig(exemptions=("archive", "urn:pulumi:prod::ops::x::audit-log"))
    assert catalog.exemption(config, "urn:pulumi:prod::ops::x::other", "archive") == "archive"
    assert catalog.exemption(config, "urn:pulumi:prod::ops::x::audit-log") == "urn:pulumi:prod::ops::x::audit-log"
    assert catalog.exemption(config, "urn:pulumi:prod::ops::x::other", "metrics") is None
    assert list(catalog.config_schema_properties(catalog.DatabaseExemptionsConfig)) == ["exemptions"]
