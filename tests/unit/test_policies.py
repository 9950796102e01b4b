"""Each policy of the pack, called as pulumi-policy calls it: known, missing and unknown props."""

from __future__ import annotations

from typing import Any, Mapping, Optional

import pytest
from pulumi_policy import (
    EnforcementLevel,
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Secret,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.deserialize import deserialize_properties, serialize_properties
from pulumi_policy.proxy import (
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    UnknownValueError,
    unknown_checking_proxy,
)

from pulumi_influxdb3_tokens.policy import catalog
from pulumi_influxdb3_tokens.policy import policies as pack
from pulumi_influxdb3_tokens.resources import DATABASE, DATABASE_TOKEN, MANAGEMENT_TOKEN, Resource

TYPE = MANAGEMENT_TOKEN.dynamic_type


# Expiries are judged as on 2027-01-01 (support/fixtures.py).
pytestmark = pytest.mark.usefixtures("fixed_clock")


def options() -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], None)


def resource_args(
    props: Mapping[str, Any], config: Optional[Mapping[str, Any]] = None, type_: str = TYPE, proxied: bool = True
) -> ResourceValidationArgs:
    """As the analyzer builds them: inputs behind pulumi-policy's unknown-checking proxy."""
    bag = {"__provider": "pickled-provider", **props}
    shown = unknown_checking_proxy(bag) if proxied else bag
    return ResourceValidationArgs(type_, shown, f"urn:pulumi:test::p::{type_}::ci", "ci", options(), None, config)


def policy(name: str) -> Any:
    [found] = [p for p in pack.all_policies() if p.name == name]
    return found


def run(name: str, props: Mapping[str, Any], config: Optional[Mapping[str, Any]] = None, **kw: Any) -> list[str]:
    reports: list[str] = []
    policy(name).validate(resource_args(props, config, **kw), lambda message, urn=None: reports.append(message))
    return reports


GOOD = {"description": "CI deployer", "expires_in": "30d", "rotate_before": "7d"}


def test_the_pack_declares_every_policy_with_its_default_level_and_schema():
    policies = {p.name: p for p in pack.all_policies()}
    assert set(policies) == set(catalog.RULES)
    for name, spec in catalog.RULES.items():
        assert policies[name].enforcement_level == EnforcementLevel(spec.level)
        assert policies[name].description == spec.description
        assert policies[name].config_schema.properties == catalog.config_schema_properties(spec.config)
    assert isinstance(policies[catalog.MAX_PER_STACK], StackValidationPolicy)
    assert isinstance(policies[catalog.DEFAULT_EXPIRY], ResourceValidationPolicy)
    assert policies[catalog.MAX_LIFETIME].config_schema.properties["maxLifetimeDays"]["default"] == 90
    assert policies[catalog.ROTATION].config_schema.properties["minRotateBeforeDays"]["default"] == 7


@pytest.mark.parametrize("name", [catalog.MUST_EXPIRE, catalog.MAX_LIFETIME, catalog.ROTATION, catalog.DESCRIPTION])
def test_a_well_declared_token_passes_every_resource_policy(name):
    assert run(name, GOOD, {}) == []


@pytest.mark.parametrize("name", [catalog.MUST_EXPIRE, catalog.MAX_LIFETIME, catalog.ROTATION, catalog.DESCRIPTION])
def test_other_resource_types_are_ignored(name):
    assert run(name, {}, {}, type_="aws:s3/bucket:Bucket") == []


def test_must_expire_reports_a_token_without_expiry():
    [message] = run(catalog.MUST_EXPIRE, {"description": "forever", "expires_at": None, "expires_in": None})
    assert "'ci'" in message and "never expires" in message


@pytest.mark.parametrize("props", [{"expires_at": "2027-02-01T00:00:00Z"}, {"expires_in": "12h"}])
def test_must_expire_accepts_either_expiry(props):
    assert run(catalog.MUST_EXPIRE, props) == []


def test_max_lifetime_uses_the_default_and_the_configured_days():
    assert run(catalog.MAX_LIFETIME, {"expires_in": "90d"}, {}) == []
    [message] = run(catalog.MAX_LIFETIME, {"expires_in": "91d"}, {})
    assert "91d" in message and "maxLifetimeDays 90" in message
    [message] = run(catalog.MAX_LIFETIME, {"expires_in": "30d"}, {"maxLifetimeDays": 14.0})
    assert "maxLifetimeDays 14" in message
    assert run(catalog.MAX_LIFETIME, {"expires_in": "300d"}, {"maxLifetimeDays": 365}) == []


def test_max_lifetime_measures_expires_at_from_now():
    assert run(catalog.MAX_LIFETIME, {"expires_at": "2027-03-31T00:00:00Z"}, {}) == []  # 89 days out
    [message] = run(catalog.MAX_LIFETIME, {"expires_at": "2027-04-03T02:00:00+02:00"}, {})
    assert "expires_at 2027-04-03T00:00:00Z" in message


def test_rotation_reports_a_missing_or_short_window_with_the_configured_minimum():
    [message] = run(catalog.ROTATION, {"expires_in": "30d"}, {})
    assert "no rotate_before" in message and "7d" in message
    [message] = run(catalog.ROTATION, {"expires_in": "30d", "rotate_before": "3d"}, {"minRotateBeforeDays": 5})
    assert "minRotateBeforeDays 5" in message
    assert run(catalog.ROTATION, {"expires_in": "30d", "rotate_before": "5d"}, {"minRotateBeforeDays": 5}) == []


def test_max_overlap_uses_seven_days_by_default_and_the_configured_days():
    assert policy(catalog.MAX_OVERLAP).config_schema.properties["maxOverlapDays"]["default"] == 7
    assert run(catalog.MAX_OVERLAP, GOOD, {}) == []  # no overlap: a replaced token is revoked at once
    assert run(catalog.MAX_OVERLAP, {**GOOD, "overlap": "7d"}, {}) == []
    [message] = run(catalog.MAX_OVERLAP, {**GOOD, "overlap": "8d"}, {})
    assert message == "ManagementToken 'ci': overlap 8d is longer than maxOverlapDays 7."
    assert run(catalog.MAX_OVERLAP, {**GOOD, "overlap": "8d"}, {"maxOverlapDays": 10.0}) == []


def test_max_overlap_refuses_an_overlap_longer_than_the_token_lives():
    [message] = run(catalog.MAX_OVERLAP, {"expires_in": "1d", "overlap": "2d"}, {})
    assert message == "ManagementToken 'ci': overlap 2d is longer than the token lives (expires_in 1d)."


def test_the_plugin_type_spells_overlap_the_same():
    assert run(catalog.MAX_OVERLAP, {"expiresIn": "30d", "overlap": "9d"}, {}, type_=MANAGEMENT_TOKEN.plugin_type)


@pytest.mark.parametrize("description", ["", "  ", None])
def test_description_reports_an_empty_description(description):
    [message] = run(catalog.DESCRIPTION, {"description": description, "expires_in": "1d"})
    assert "no description" in message


@pytest.mark.parametrize("proxied", [True, False])
@pytest.mark.parametrize(
    ("name", "props"),
    [
        (catalog.MUST_EXPIRE, {"expires_at": UNKNOWN_STRING_VALUE}),
        (catalog.MAX_LIFETIME, {"expires_at": UNKNOWN_STRING_VALUE}),
        (catalog.MAX_LIFETIME, {"expires_in": UNKNOWN_STRING_VALUE}),
        (catalog.ROTATION, {"expires_in": "30d", "rotate_before": UNKNOWN_STRING_VALUE}),
        (catalog.DESCRIPTION, {"description": UNKNOWN_STRING_VALUE}),
    ],
)
def test_unknown_inputs_cannot_be_verified_and_say_so(name, props, proxied):
    """pulumi-policy turns an UnknownValueError into an advisory "can't run policy" diagnostic."""
    with pytest.raises(UnknownValueError) as raised:
        run(name, props, {}, proxied=proxied)
    assert isinstance(raised.value, pack.CannotVerify)
    assert raised.value.message.startswith("ManagementToken 'ci': cannot verify")


def test_an_unknown_value_the_rule_does_not_need_is_no_obstacle():
    props = {"description": UNKNOWN_STRING_VALUE, "expires_in": "30d", "expires_at": UNKNOWN_STRING_VALUE}
    assert run(catalog.MUST_EXPIRE, props) == []
    assert run(catalog.MAX_LIFETIME, props, {}) == []


# --- remediation -------------------------------------------------------------------------------


def remediation_args(props: Mapping[str, Any], config: Optional[Mapping[str, Any]]) -> ResourceValidationArgs:
    """As the analyzer's Remediate builds them: deserialized with secrets kept as ``Secret``."""
    wire = serialize_properties({"__provider": "pickled-provider", **props})
    shown = unknown_checking_proxy(deserialize_properties(dict(wire), True))
    return ResourceValidationArgs(TYPE, shown, "urn:ci", "ci", options(), None, config)


def test_remediation_sets_a_missing_expiry_to_the_configured_maximum_and_keeps_other_inputs():
    props = {"description": "forever", "expires_at": None, "expires_in": None, "adopt_token": Secret("M.V1.abc")}
    new = policy(catalog.DEFAULT_EXPIRY).remediate(remediation_args(props, {"maxLifetimeDays": 30}))
    wire = serialize_properties(new)
    assert wire["expires_in"] == "30d"
    assert wire["description"] == "forever" and wire["__provider"] == "pickled-provider"
    assert (
        wire["adopt_token"]["value"] == "M.V1.abc"
        and "1b47061264138c4ac30d75fd1eb44270" in wire["adopt_token"].values()
    )


def test_remediation_defaults_to_90_days():
    new = policy(catalog.DEFAULT_EXPIRY).remediate(remediation_args({"description": "x"}, {}))
    assert serialize_properties(new)["expires_in"] == "90d"


@pytest.mark.parametrize(
    "props", [{"expires_in": "5d"}, {"expires_at": "2027-02-01T00:00:00Z"}, {"expires_at": UNKNOWN_STRING_VALUE}]
)
def test_remediation_leaves_a_declared_or_unknown_expiry_alone(props):
    assert policy(catalog.DEFAULT_EXPIRY).remediate(remediation_args(props, {})) is None


# --- the stack policy --------------------------------------------------------------------------


def stack_resource(name: str, type_: str = TYPE, **outputs: Any) -> PolicyResource:
    return PolicyResource(
        type_, unknown_checking_proxy(dict(outputs)), f"urn:{name}", name, options(), None, None, [], {}
    )


def run_stack(resources: list[PolicyResource], config: Mapping[str, Any]) -> list[str]:
    reports: list[str] = []
    policy(catalog.MAX_PER_STACK).validate(
        StackValidationArgs(resources, config), lambda message, urn=None: reports.append(message)
    )
    return reports


def test_stack_policy_counts_only_live_management_tokens():
    resources = [
        stack_resource("a", expires_at="2027-02-01T00:00:00Z", revoked_at=None),
        stack_resource("b", expires_at=None),
        stack_resource("c", expires_at=UNKNOWN_STRING_VALUE),  # preview: counted, never skipped
        stack_resource("expired", expires_at="2026-12-01T00:00:00Z"),
        stack_resource("revoked", expires_at=None, revoked_at="2026-12-01T00:00:00Z"),
        stack_resource("bucket", type_="aws:s3/bucket:Bucket"),
    ]
    assert run_stack(resources, {"maxTokensPerStack": 3}) == []
    [message] = run_stack(resources, {"maxTokensPerStack": 2})
    assert "3 live management tokens" in message and "(a, b, c)" in message


def test_stack_policy_default_threshold_is_ten():
    assert run_stack([stack_resource(f"t{i}") for i in range(10)], {}) == []
    assert len(run_stack([stack_resource(f"t{i}") for i in range(11)], {})) == 1


# --- the plugin's type: the same policies over camelCase inputs ----------------------------------


def camel(props: Mapping[str, Any]) -> dict[str, Any]:
    return {MANAGEMENT_TOKEN.property_name(MANAGEMENT_TOKEN.plugin_type, name): value for name, value in props.items()}


@pytest.mark.parametrize(
    ("name", "props", "fails"),
    [
        (catalog.MUST_EXPIRE, {"description": "forever"}, True),
        (catalog.MUST_EXPIRE, {"description": "x", "expires_in": "12h"}, False),
        (catalog.MAX_LIFETIME, {"description": "x", "expires_in": "400d"}, True),
        (catalog.MAX_LIFETIME, {"description": "x", "expires_at": "2027-02-01T00:00:00Z"}, False),
        (catalog.ROTATION, {"description": "x", "expires_in": "30d"}, True),
        (catalog.ROTATION, GOOD, False),
    ],
)
def test_the_plugin_type_is_judged_exactly_like_the_dynamic_type(name: str, props: Mapping[str, Any], fails: bool):
    """A YAML or plugin token (camelCase inputs) meets the same policies with the same messages."""
    config = None if name == catalog.MUST_EXPIRE else {}
    dynamic = run(name, props, config, type_=MANAGEMENT_TOKEN.dynamic_type)
    plugin = run(name, camel(props), config, type_=MANAGEMENT_TOKEN.plugin_type)
    assert plugin == dynamic and bool(plugin) is fails


def test_remediation_gives_a_plugin_token_its_camelcase_expiry():
    args = remediation_args({"description": "forever"}, {"maxLifetimeDays": 30})
    plugin_args = ResourceValidationArgs(
        MANAGEMENT_TOKEN.plugin_type, args.props, "urn:ci", "ci", options(), None, {"maxLifetimeDays": 30}
    )
    new = policy(catalog.DEFAULT_EXPIRY).remediate(plugin_args)
    assert serialize_properties(new)["expiresIn"] == "30d"


URN = f"urn:pulumi:test::p::{TYPE}::ci"


@pytest.mark.parametrize("name", [catalog.MUST_EXPIRE, catalog.MAX_LIFETIME, catalog.ROTATION, catalog.DESCRIPTION])
def test_a_token_named_by_urn_in_the_rules_exemptions_is_not_judged(name):
    """A deliberate break-glass token: never expires, no rotation window, no description."""
    bad = {"expires_in": "400d"} if name == catalog.MAX_LIFETIME else {}
    assert run(name, bad) != []
    assert run(name, bad, {"exemptions": [URN]}) == []
    assert run(name, bad, {"exemptions": ["urn:pulumi:test::p::other::admin"]}) != []


def test_an_exempt_token_keeps_its_missing_expiry_under_remediation():
    remediate = policy(catalog.DEFAULT_EXPIRY).remediate
    assert remediate(resource_args({}, {"maxLifetimeDays": 30, "exemptions": [URN]})) is None
    assert remediate(resource_args({}, {"maxLifetimeDays": 30}))["expires_in"] == "30d"


# --- database tokens and databases: both faces, read through the registry ------------------------
#
# Facts held (the Management API, api-docs/influxdb3/cloud-dedicated/management/openapi.yml, and the admin docs):
# a database token's permissions are [{action, resource}] where resource is a database name or '*', "a resource
# value ... that refers to all databases" (DatabaseTokenResourceAllDatabases); a database token without expiresAt
# "does not expire until revoked" (admin/tokens/database/create.md); a database whose retention period "is not set
# or is set to 0 ... will have infinite retention" (ClusterDatabaseRetentionPeriod).

DATABASE_TOKEN_RULES = (
    catalog.DATABASE_TOKEN_MUST_EXPIRE,
    catalog.DATABASE_TOKEN_MAX_LIFETIME,
    catalog.DATABASE_TOKEN_NO_WILDCARD,
)
GOOD_DATABASE_TOKEN = {
    "description": "ingest",
    "permissions": [{"action": "write", "resource": "metrics"}, {"action": "read", "resource": "metrics"}],
    "expires_in": "30d",
    "rotate_before": "7d",
}
GOOD_DATABASE = {"name": "metrics", "retention_period": "30d"}


def spelled(resource: Resource, type_: str, props: Mapping[str, Any]) -> dict[str, Any]:
    """The props as a resource of ``type_`` spells them: snake_case for the dynamic face, camelCase for the plugin."""
    return {resource.property_name(type_, name): value for name, value in props.items()}


def run_face(
    resource: Resource, type_: str, name: str, props: Mapping[str, Any], config: Optional[Mapping[str, Any]] = None
) -> list[str]:
    return run(name, spelled(resource, type_, props), {} if config is None else config, type_=type_)


@pytest.mark.parametrize("type_", DATABASE_TOKEN.types)
@pytest.mark.parametrize("name", DATABASE_TOKEN_RULES)
def test_a_well_declared_database_token_passes(type_, name):
    assert run_face(DATABASE_TOKEN, type_, name, GOOD_DATABASE_TOKEN) == []


@pytest.mark.parametrize("type_", DATABASE.types)
def test_a_database_with_a_retention_period_passes(type_):
    assert run_face(DATABASE, type_, catalog.DATABASE_INFINITE_RETENTION, GOOD_DATABASE) == []


@pytest.mark.parametrize("type_", DATABASE_TOKEN.types)
@pytest.mark.parametrize(
    ("name", "change", "config", "message"),
    [
        (
            catalog.DATABASE_TOKEN_MUST_EXPIRE,
            {"expires_in": None},
            {},
            "DatabaseToken 'ci': the token never expires: it has neither expires_at nor expires_in.",
        ),
        (
            catalog.DATABASE_TOKEN_MAX_LIFETIME,
            {"expires_in": "91d"},
            {},
            "DatabaseToken 'ci': the token lives 91d (expires_in 91d), longer than maxLifetimeDays 90.",
        ),
        (
            catalog.DATABASE_TOKEN_MAX_LIFETIME,
            {"expires_in": "30d"},
            {"maxLifetimeDays": 14.0},  # numbers reach the pack through protobuf as floats
            "DatabaseToken 'ci': the token lives 30d (expires_in 30d), longer than maxLifetimeDays 14.",
        ),
        (
            catalog.DATABASE_TOKEN_MAX_LIFETIME,
            {"expires_in": None, "expires_at": "2027-04-03T02:00:00+02:00"},  # measured from now: 2027-01-01
            {},
            "DatabaseToken 'ci': the token lives 92d (expires_at 2027-04-03T00:00:00Z), longer than "
            "maxLifetimeDays 90.",
        ),
        (
            catalog.DATABASE_TOKEN_NO_WILDCARD,
            {"permissions": [{"action": "read", "resource": "metrics"}, {"action": "write", "resource": "*"}]},
            {},
            "DatabaseToken 'ci': the token may write every database, present and future: a permission's resource "
            "is '*'.",
        ),
    ],
)
def test_each_database_token_policy_reports_what_it_finds_on_either_face(type_, name, change, config, message):
    assert run_face(DATABASE_TOKEN, type_, name, {**GOOD_DATABASE_TOKEN, **change}, config) == [message]


@pytest.mark.parametrize("type_", DATABASE.types)
@pytest.mark.parametrize(
    ("retention_period", "shown"),
    [(None, "no retention_period"), ("0", "retention_period 0"), ("0d", "retention_period 0d")],
)
def test_a_database_with_infinite_retention_is_reported_on_either_face(type_, retention_period, shown):
    props = {"name": "metrics", "retention_period": retention_period}
    assert run_face(DATABASE, type_, catalog.DATABASE_INFINITE_RETENTION, props) == [
        f"Database 'ci': the database keeps its data forever ({shown})."
    ]


def test_the_plugin_face_is_read_in_its_own_spelling():
    """The plugin's inputs are camelCase (expiresIn, retentionPeriod): a snake_case key there is no input of it."""
    snake = {"expires_in": "30d", "permissions": []}
    assert run(catalog.DATABASE_TOKEN_MUST_EXPIRE, snake, type_=DATABASE_TOKEN.plugin_type) != []
    assert run(catalog.DATABASE_TOKEN_MUST_EXPIRE, snake, type_=DATABASE_TOKEN.dynamic_type) == []
    database = {"name": "metrics", "retentionPeriod": "30d"}
    assert run(catalog.DATABASE_INFINITE_RETENTION, database, {}, type_=DATABASE.plugin_type) == []
    assert run(catalog.DATABASE_INFINITE_RETENTION, database, {}, type_=DATABASE.dynamic_type) != []


@pytest.mark.parametrize(
    ("name", "types"),
    [
        (catalog.MUST_EXPIRE, DATABASE_TOKEN.types + DATABASE.types),
        (catalog.DATABASE_TOKEN_MUST_EXPIRE, MANAGEMENT_TOKEN.types + DATABASE.types + ("aws:s3/bucket:Bucket",)),
        (catalog.DATABASE_TOKEN_NO_WILDCARD, MANAGEMENT_TOKEN.types + DATABASE.types),
        (catalog.DATABASE_INFINITE_RETENTION, MANAGEMENT_TOKEN.types + DATABASE_TOKEN.types),
    ],
)
def test_each_policy_judges_only_its_own_resource(name, types):
    """A never-expiring, wildcard, retention-less bag breaks every rule, yet only its own resource's are run."""
    bad = {"permissions": [{"action": "write", "resource": "*"}], "name": "metrics"}
    for type_ in types:
        assert run(name, bad, {}, type_=type_) == [], type_


@pytest.mark.parametrize("proxied", [True, False])
@pytest.mark.parametrize(
    ("resource", "name", "props"),
    [
        (DATABASE_TOKEN, catalog.DATABASE_TOKEN_MUST_EXPIRE, {"expires_at": UNKNOWN_STRING_VALUE}),
        (DATABASE_TOKEN, catalog.DATABASE_TOKEN_MAX_LIFETIME, {"expires_in": UNKNOWN_STRING_VALUE}),
        (DATABASE_TOKEN, catalog.DATABASE_TOKEN_NO_WILDCARD, {"permissions": UNKNOWN_ARRAY_VALUE}),
        (
            DATABASE_TOKEN,
            catalog.DATABASE_TOKEN_NO_WILDCARD,
            {"permissions": [{"action": "read", "resource": UNKNOWN_STRING_VALUE}]},  # say a new Database's name
        ),
        (
            DATABASE_TOKEN,
            catalog.DATABASE_TOKEN_NO_WILDCARD,
            {"permissions": [{"action": "read", "resource": "metrics"}, UNKNOWN_OBJECT_VALUE]},
        ),
        (DATABASE, catalog.DATABASE_INFINITE_RETENTION, {"name": "metrics", "retention_period": UNKNOWN_STRING_VALUE}),
    ],
)
@pytest.mark.parametrize("face", ["dynamic", "plugin"])
def test_unknown_database_inputs_cannot_be_verified_and_say_so(resource, name, props, proxied, face):
    """Never a violation for what preview cannot know, never a silent pass: pulumi-policy reports "can't run"."""
    type_ = resource.plugin_type if face == "plugin" else resource.dynamic_type
    with pytest.raises(UnknownValueError) as raised:
        run(name, spelled(resource, type_, props), {}, type_=type_, proxied=proxied)
    assert isinstance(raised.value, pack.CannotVerify)
    assert raised.value.message.startswith(f"{resource.name} 'ci': cannot verify")


@pytest.mark.parametrize("proxied", [True, False])
def test_a_known_wildcard_is_reported_whatever_else_is_unknown(proxied):
    props = {
        "permissions": [{"action": "read", "resource": UNKNOWN_STRING_VALUE}, {"action": "write", "resource": "*"}],
        "expires_in": UNKNOWN_STRING_VALUE,
    }
    [message] = run(catalog.DATABASE_TOKEN_NO_WILDCARD, props, {}, type_=DATABASE_TOKEN.dynamic_type, proxied=proxied)
    assert "may write every database" in message


def test_an_unknown_the_database_rules_do_not_need_is_no_obstacle():
    token = {**GOOD_DATABASE_TOKEN, "description": UNKNOWN_STRING_VALUE, "rotate_before": UNKNOWN_STRING_VALUE}
    for name in DATABASE_TOKEN_RULES:
        assert run(name, token, {}, type_=DATABASE_TOKEN.dynamic_type) == []
    database = {"name": UNKNOWN_STRING_VALUE, "retention_period": "30d"}
    assert run(catalog.DATABASE_INFINITE_RETENTION, database, {}, type_=DATABASE.dynamic_type) == []


@pytest.mark.parametrize("type_", DATABASE_TOKEN.types)
@pytest.mark.parametrize("name", DATABASE_TOKEN_RULES)
def test_a_database_token_named_by_urn_in_the_rules_exemptions_is_not_judged(type_, name):
    """A token that must reach every database, or live long, on purpose."""
    bad = {"permissions": [{"action": "write", "resource": "*"}], "expires_in": "400d"}
    if name == catalog.DATABASE_TOKEN_MUST_EXPIRE:
        bad = {"permissions": []}
    urn = f"urn:pulumi:test::p::{type_}::ci"
    assert run_face(DATABASE_TOKEN, type_, name, bad) != []
    assert run_face(DATABASE_TOKEN, type_, name, bad, {"exemptions": [urn]}) == []
    assert run_face(DATABASE_TOKEN, type_, name, bad, {"exemptions": ["urn:pulumi:test::p::other::ci"]}) != []


@pytest.mark.parametrize("type_", DATABASE.types)
def test_a_database_is_exempted_by_urn_or_by_its_name(type_):
    """A database's name is an input, known to the pack (unlike a token's id): the config may name it."""
    forever = {"name": "archive"}
    assert run_face(DATABASE, type_, catalog.DATABASE_INFINITE_RETENTION, forever) != []
    for entry in (f"urn:pulumi:test::p::{type_}::ci", "archive"):
        assert run_face(DATABASE, type_, catalog.DATABASE_INFINITE_RETENTION, forever, {"exemptions": [entry]}) == []
    assert run_face(DATABASE, type_, catalog.DATABASE_INFINITE_RETENTION, forever, {"exemptions": ["metrics"]}) != []


def test_the_database_policies_declare_their_levels_severities_and_schemas():
    policies = {p.name: p for p in pack.all_policies()}
    assert policies[catalog.DATABASE_TOKEN_MUST_EXPIRE].enforcement_level is EnforcementLevel.MANDATORY
    assert policies[catalog.DATABASE_TOKEN_MAX_LIFETIME].enforcement_level is EnforcementLevel.MANDATORY
    assert policies[catalog.DATABASE_TOKEN_NO_WILDCARD].enforcement_level is EnforcementLevel.ADVISORY
    assert policies[catalog.DATABASE_INFINITE_RETENTION].enforcement_level is EnforcementLevel.ADVISORY
    schema = policies[catalog.DATABASE_TOKEN_MAX_LIFETIME].config_schema.properties
    assert schema["maxLifetimeDays"]["default"] == 90 and "database token" in schema["maxLifetimeDays"]["description"]
    assert (
        "database name"
        in policies[catalog.DATABASE_INFINITE_RETENTION].config_schema.properties["exemptions"]["description"]
    )
