"""The policies of the ``influxdb3-token-policies`` pack, built on the shared rules module.

Resource policies see a ManagementToken's, DatabaseToken's or Database's inputs after ``check``
(``expires_at`` normalised to ``...Z``, ``expires_in``/``rotate_before`` as durations such as ``30d``),
whichever face declared it: the dynamic resource or the plugin's (``influxdb3:index:ManagementToken``),
whose inputs are the same in camelCase (``Resource.property_name``). During preview an input
computed from another resource's output is unknown: pulumi-policy's props proxy raises
``UnknownValueError`` when it is read (plain dicts carry the unknown sentinel string). A rule that
cannot be decided then raises :class:`CannotVerify`, which pulumi-policy reports at advisory level
("can't run policy ... during preview: cannot verify ..."): the pack never crashes on an unknown and
never lets it pass silently. ``pulumi up`` knows every value and runs the check for real.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, MutableMapping, Optional, Sequence, TypeVar, Union, cast

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
    proxy,
)
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError

from ..resources import DATABASE, DATABASE_TOKEN, MANAGEMENT_TOKEN, Resource
from . import catalog, rules, verdicts

PACK_NAME = "influxdb3-token-policies"
PACK_DESCRIPTION = (
    "InfluxDB 3 Cloud Dedicated management and database tokens must expire, within maxLifetimeDays; "
    "management tokens should declare a rotation window and a description, database tokens name their "
    "databases rather than '*', and databases have a retention period."
)

# How an unknown looks in a bag that is not behind the unknown-checking proxy (e.g. in Remediate).
_UNKNOWN_SENTINELS = frozenset(
    {
        proxy.UNKNOWN_BOOLEAN_VALUE,
        proxy.UNKNOWN_NUMBER_VALUE,
        proxy.UNKNOWN_STRING_VALUE,
        proxy.UNKNOWN_ARRAY_VALUE,
        proxy.UNKNOWN_ASSET_VALUE,
        proxy.UNKNOWN_ARCHIVE_VALUE,
        proxy.UNKNOWN_OBJECT_VALUE,
    }
)


class CannotVerify(UnknownValueError):
    """A rule needs an input that is unknown during preview; reported as advisory, not as a pass."""

    def __init__(self, kind: str, resource_name: str, finding: verdicts.Finding) -> None:
        """``kind``: the resource's type name (``ManagementToken``), as messages name it."""
        super().__init__(UNKNOWN_STRING_VALUE, [])
        self.message = f"{kind} '{resource_name}': {finding.message}; `pulumi up` checks it once the value is known"

    def __str__(self) -> str:
        return self.message


# --- reading props ---------------------------------------------------------------------------


def _known(value: Any) -> Any:
    """A value, or ``verdicts.UNKNOWN`` for an unknown sentinel (a bag not behind the proxy)."""
    return verdicts.UNKNOWN if isinstance(value, str) and value in _UNKNOWN_SENTINELS else value


def _value(props: Mapping[str, Any], name: str) -> Any:
    """A property's value, None when absent, or ``verdicts.UNKNOWN``."""
    try:
        return _known(props.get(name))  # pulumi-policy's proxy raises UnknownValueError for an unknown value
    except UnknownValueError:
        return verdicts.UNKNOWN


def fact(props: Mapping[str, Any], name: str) -> verdicts.Fact:
    """One property as the rules take it: its value, None when absent, or ``verdicts.UNKNOWN``."""
    return cast(verdicts.Fact, _value(props, name))


def resource_fact(resource: Resource, props: Mapping[str, Any], resource_type: str, name: str) -> verdicts.Fact:
    """The (snake_case) property ``name`` of a ``resource`` of either face's ``resource_type``."""
    return fact(props, resource.property_name(resource_type, name))


def token_fact(props: Mapping[str, Any], resource_type: str, name: str) -> verdicts.Fact:
    return resource_fact(MANAGEMENT_TOKEN, props, resource_type, name)


def token_facts(
    props: Mapping[str, Any], resource_type: str, resource: Resource = MANAGEMENT_TOKEN
) -> rules.TokenFacts:
    """A token's facts; ``resource`` the kind of token, whose property names they are."""

    def read(name: str) -> verdicts.Fact:
        return resource_fact(resource, props, resource_type, name)

    return rules.TokenFacts(
        description=read("description"),
        expires_at=read("expires_at"),
        expires_in=read("expires_in"),
        rotate_before=read("rotate_before"),
        created_at=read("created_at"),
        overlap=read("overlap"),
    )


def _permission(entry: Any) -> Optional[Union[rules.Permission, verdicts._Unknown]]:
    """One entry of ``permissions``; its fields, ``action`` and ``resource``, are one word in either face."""
    if isinstance(entry, verdicts._Unknown):
        return entry
    if not isinstance(entry, Mapping):
        return None  # not a permission: ``check`` refuses it before any policy runs
    return rules.Permission(action=fact(entry, "action"), resource=fact(entry, "resource"))


def permissions(props: Mapping[str, Any], resource_type: str) -> rules.Permissions:
    """A database token's permissions, an unknown entry (or field) kept as such rather than raising."""
    listed = _value(props, DATABASE_TOKEN.property_name(resource_type, "permissions"))
    if listed is None or listed is verdicts.UNKNOWN:
        return cast(rules.Permissions, listed)
    if isinstance(listed, str) or not isinstance(listed, Sequence):
        return ()
    read = []
    for index in range(len(listed)):  # by index: iterating the proxy stops at the first unknown entry
        try:
            entry = _permission(_known(listed[index]))
        except UnknownValueError:
            entry = verdicts.UNKNOWN
        if entry is not None:
            read.append(entry)
    return tuple(read)


def database_token_facts(props: Mapping[str, Any], resource_type: str) -> rules.DatabaseTokenFacts:
    token = token_facts(props, resource_type, DATABASE_TOKEN)
    return rules.DatabaseTokenFacts(**vars(token), permissions=permissions(props, resource_type))


def database_facts(props: Mapping[str, Any], resource_type: str) -> rules.DatabaseFacts:
    return rules.DatabaseFacts(
        name=resource_fact(DATABASE, props, resource_type, "name"),
        retention_period=resource_fact(DATABASE, props, resource_type, "retention_period"),
    )


def _config(model: type[catalog.RuleConfig], given: Optional[Mapping[str, Any]]) -> Any:
    """The engine fills in schema defaults and validates; the model keeps unit tests honest too."""
    return model.model_validate(dict(given or {}))


def _exempt(args: ResourceValidationArgs, config: catalog.RuleConfig, *names: verdicts.Fact) -> bool:
    """The pack config names this resource (by URN, or by one of ``names`` known now) as a deliberate exception."""
    known = [name for name in names if isinstance(name, str)]
    return catalog.exemption(config, args.urn, *known) is not None


def _judge(
    kind: str, args: ResourceValidationArgs, finding: verdicts.Finding, report_violation: ReportViolation
) -> None:
    if finding.verdict is verdicts.Verdict.FAIL:
        report_violation(f"{kind} '{args.name}': {finding.message}.", None)
    elif finding.verdict is verdicts.Verdict.UNKNOWN:
        raise CannotVerify(kind, args.name, finding)


# --- resource policies -----------------------------------------------------------------------

_Validate = Callable[[ResourceValidationArgs, ReportViolation], None]
_C = TypeVar("_C", bound=catalog.RuleConfig)
_F = TypeVar("_F")


def _rule(
    resource: Resource,
    read_facts: Callable[[Mapping[str, Any], str], _F],
    model: type[_C],
    rule: Callable[[_F, _C], verdicts.Finding],
    exempt_by: Callable[[_F], verdicts.Fact] = lambda _: None,
) -> _Validate:
    """A policy judging each ``resource`` of either face by one rule, with the rule's config, unless the config
    exempts it: by URN, or by the name ``exempt_by`` reads from its facts (a database's name)."""

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if args.resource_type not in resource.types:
            return  # every other resource is left alone
        config = _config(model, args.get_config())
        facts = read_facts(args.props, args.resource_type)
        if not _exempt(args, config, exempt_by(facts)):
            _judge(resource.name, args, rule(facts, config), report_violation)

    return validate


def _token_rule(model: type[_C], rule: Callable[[rules.TokenFacts, _C], verdicts.Finding]) -> _Validate:
    return _rule(MANAGEMENT_TOKEN, token_facts, model, rule)


def _database_token_rule(
    model: type[_C], rule: Callable[[rules.DatabaseTokenFacts, _C], verdicts.Finding]
) -> _Validate:
    return _rule(DATABASE_TOKEN, database_token_facts, model, rule)


validate_must_expire = _token_rule(catalog.ExemptionsConfig, lambda facts, _: rules.must_expire(facts))
validate_max_lifetime = _token_rule(catalog.MaxLifetimeConfig, rules.max_lifetime)
validate_rotation = _token_rule(catalog.RotationConfig, rules.rotation)
validate_description = _token_rule(catalog.ExemptionsConfig, lambda facts, _: rules.description(facts))
validate_max_overlap = _token_rule(catalog.MaxOverlapConfig, rules.max_overlap)

validate_database_token_must_expire = _database_token_rule(
    catalog.ExemptionsConfig, lambda facts, _: rules.must_expire(facts, catalog.DATABASE_TOKEN_EXPIRY)
)
validate_database_token_max_lifetime = _database_token_rule(
    catalog.DatabaseTokenMaxLifetimeConfig,
    lambda facts, config: rules.max_lifetime(facts, config, ids=catalog.DATABASE_TOKEN_EXPIRY),
)
validate_database_token_no_wildcard = _database_token_rule(
    catalog.ExemptionsConfig, lambda facts, _: rules.no_wildcard(facts)
)
validate_database_infinite_retention = _rule(
    DATABASE,
    database_facts,
    catalog.DatabaseExemptionsConfig,
    lambda facts, _: rules.infinite_retention(facts),
    exempt_by=lambda facts: facts.name,
)


def remediate_default_expiry(args: ResourceValidationArgs) -> Optional[Mapping[str, Any]]:
    """Give a token without any expiry ``expires_in`` = maxLifetimeDays; other inputs stay as they are.

    The engine replaces all inputs with what a remediation returns, so the whole (proxied) property
    bag goes back, secrets still marked.
    """
    if args.resource_type not in MANAGEMENT_TOKEN.types:
        return None
    config = _config(catalog.DefaultExpiryConfig, args.get_config())
    if _exempt(args, config):
        return None
    expires_in = rules.default_expiry(token_facts(args.props, args.resource_type), config)
    if expires_in is None:
        return None
    props = cast(MutableMapping[str, Any], args.props)
    props[MANAGEMENT_TOKEN.property_name(args.resource_type, "expires_in")] = expires_in
    return props


# --- stack policy ----------------------------------------------------------------------------


def validate_max_per_stack(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    config = _config(catalog.MaxPerStackConfig, args.get_config())
    live = [
        r
        for r in args.resources
        if r.resource_type in MANAGEMENT_TOKEN.types
        and rules.is_live(
            token_fact(r.props, r.resource_type, "revoked_at"), token_fact(r.props, r.resource_type, "expires_at")
        )
    ]
    finding = rules.max_per_stack(len(live), config)
    if finding.failed:
        names = ", ".join(sorted(r.name for r in live))
        report_violation(f"{finding.message} ({names}).", None)


# --- the pack's policy list --------------------------------------------------------------------


def _schema(rule: str) -> PolicyConfigSchema:
    return PolicyConfigSchema(properties=catalog.config_schema_properties(catalog.RULES[rule].config))


def _level(rule: str) -> EnforcementLevel:
    return EnforcementLevel(catalog.RULES[rule].level)


def _resource_policy(rule: str, severity: Severity, **callbacks: Any) -> ResourceValidationPolicy:
    return ResourceValidationPolicy(
        name=rule,
        description=catalog.RULES[rule].description,
        enforcement_level=_level(rule),
        config_schema=_schema(rule),
        severity=severity,
        **callbacks,
    )


def all_policies() -> list[Policy]:
    return [
        _resource_policy(catalog.MUST_EXPIRE, Severity.HIGH, validate=validate_must_expire),
        _resource_policy(catalog.MAX_LIFETIME, Severity.HIGH, validate=validate_max_lifetime),
        _resource_policy(catalog.ROTATION, Severity.MEDIUM, validate=validate_rotation),
        _resource_policy(catalog.DESCRIPTION, Severity.LOW, validate=validate_description),
        _resource_policy(catalog.MAX_OVERLAP, Severity.MEDIUM, validate=validate_max_overlap),
        _resource_policy(catalog.DEFAULT_EXPIRY, Severity.HIGH, remediate=remediate_default_expiry),
        _resource_policy(
            catalog.DATABASE_TOKEN_MUST_EXPIRE, Severity.HIGH, validate=validate_database_token_must_expire
        ),
        _resource_policy(
            catalog.DATABASE_TOKEN_MAX_LIFETIME, Severity.HIGH, validate=validate_database_token_max_lifetime
        ),
        _resource_policy(
            catalog.DATABASE_TOKEN_NO_WILDCARD, Severity.MEDIUM, validate=validate_database_token_no_wildcard
        ),
        _resource_policy(
            catalog.DATABASE_INFINITE_RETENTION, Severity.LOW, validate=validate_database_infinite_retention
        ),
        StackValidationPolicy(
            name=catalog.MAX_PER_STACK,
            description=catalog.RULES[catalog.MAX_PER_STACK].description,
            enforcement_level=_level(catalog.MAX_PER_STACK),
            config_schema=_schema(catalog.MAX_PER_STACK),
            severity=Severity.MEDIUM,
            validate=validate_max_per_stack,
        ),
    ]
