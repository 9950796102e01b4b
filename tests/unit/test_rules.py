"""The shared token rules: every verdict, every threshold, and unknown as its own outcome."""

from datetime import datetime, timedelta, timezone

import pytest

from pulumi_influxdb3_tokens.policy import catalog, rules
from pulumi_influxdb3_tokens.policy.rules import TokenFacts
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


def test_durations_in_messages_round_to_what_the_user_asked_for():
    from pulumi_influxdb3_tokens.policy.rules import days

    assert days(timedelta(days=365) - timedelta(milliseconds=40)) == "365d"
    assert days(timedelta(days=90, hours=12, minutes=1)) == "90d12h"
    assert days(timedelta(hours=5, seconds=59.6)) == "5h1m"
    assert days(timedelta(seconds=10)) == "less than a minute"
