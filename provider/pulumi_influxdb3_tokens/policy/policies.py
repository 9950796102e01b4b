"""The policies of the ``influxdb3-token-policies`` pack, built on the shared rules module.

Resource policies see a ManagementToken's inputs after ``check`` (``expires_at`` normalised to
``...Z``, ``expires_in``/``rotate_before`` as durations such as ``30d``), whichever face declared
it: the dynamic resource or the plugin's ``influxdb3:index:ManagementToken``, whose inputs are the
same in camelCase (``Resource.property_name``). During preview an input
computed from another resource's output is unknown: pulumi-policy's props proxy raises
``UnknownValueError`` when it is read (plain dicts carry the unknown sentinel string). A rule that
cannot be decided then raises :class:`CannotVerify`, which pulumi-policy reports at advisory level
("can't run policy ... during preview: cannot verify ..."): the pack never crashes on an unknown and
never lets it pass silently. ``pulumi up`` knows every value and runs the check for real.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, MutableMapping, Optional, TypeVar, cast

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

from ..resources import MANAGEMENT_TOKEN
from . import catalog, rules, verdicts

PACK_NAME = "influxdb3-token-policies"
PACK_DESCRIPTION = (
    "InfluxDB 3 Cloud Dedicated management tokens must expire, within maxLifetimeDays, and should "
    "declare a rotation window and a description."
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

    def __init__(self, resource_name: str, finding: verdicts.Finding) -> None:
        super().__init__(UNKNOWN_STRING_VALUE, [])
        self.message = (
            f"ManagementToken '{resource_name}': {finding.message}; `pulumi up` checks it once the value is known"
        )

    def __str__(self) -> str:
        return self.message


# --- reading props ---------------------------------------------------------------------------


def fact(props: Mapping[str, Any], name: str) -> verdicts.Fact:
    """One property as the rules take it: its value, None when absent, or ``verdicts.UNKNOWN``."""
    try:
        value = props.get(name)  # pulumi-policy's proxy raises UnknownValueError for an unknown value
    except UnknownValueError:
        return verdicts.UNKNOWN
    if isinstance(value, str) and value in _UNKNOWN_SENTINELS:
        return verdicts.UNKNOWN
    return cast(verdicts.Fact, value)


def token_fact(props: Mapping[str, Any], resource_type: str, name: str) -> verdicts.Fact:
    return fact(props, MANAGEMENT_TOKEN.property_name(resource_type, name))


def token_facts(props: Mapping[str, Any], resource_type: str) -> rules.TokenFacts:
    return rules.TokenFacts(
        description=token_fact(props, resource_type, "description"),
        expires_at=token_fact(props, resource_type, "expires_at"),
        expires_in=token_fact(props, resource_type, "expires_in"),
        rotate_before=token_fact(props, resource_type, "rotate_before"),
        created_at=token_fact(props, resource_type, "created_at"),
        overlap=token_fact(props, resource_type, "overlap"),
    )


def _config(model: type[catalog.RuleConfig], given: Optional[Mapping[str, Any]]) -> Any:
    """The engine fills in schema defaults and validates; the model keeps unit tests honest too."""
    return model.model_validate(dict(given or {}))


def _exempt(args: ResourceValidationArgs, config: catalog.RuleConfig) -> bool:
    """The pack config names this resource (by URN) as a deliberate exception to the rule."""
    return catalog.exemption(config, args.urn) is not None


def _judge(args: ResourceValidationArgs, finding: verdicts.Finding, report_violation: ReportViolation) -> None:
    if finding.verdict is verdicts.Verdict.FAIL:
        report_violation(f"ManagementToken '{args.name}': {finding.message}.", None)
    elif finding.verdict is verdicts.Verdict.UNKNOWN:
        raise CannotVerify(args.name, finding)


# --- resource policies -----------------------------------------------------------------------

_Validate = Callable[[ResourceValidationArgs, ReportViolation], None]
_C = TypeVar("_C", bound=catalog.RuleConfig)


def _of_tokens(validate: _Validate) -> _Validate:
    """The policy judges management tokens of either face and leaves every other resource alone."""

    def validate_tokens(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if args.resource_type in MANAGEMENT_TOKEN.types:
            validate(args, report_violation)

    return validate_tokens


def _token_rule(model: type[_C], rule: Callable[[rules.TokenFacts, _C], verdicts.Finding]) -> _Validate:
    """A policy judging each management token by one rule, with the rule's config, unless it exempts the token."""

    @_of_tokens
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        config = _config(model, args.get_config())
        if not _exempt(args, config):
            _judge(args, rule(token_facts(args.props, args.resource_type), config), report_violation)

    return validate


validate_must_expire = _token_rule(catalog.ExemptionsConfig, lambda facts, _: rules.must_expire(facts))
validate_max_lifetime = _token_rule(catalog.MaxLifetimeConfig, rules.max_lifetime)
validate_rotation = _token_rule(catalog.RotationConfig, rules.rotation)
validate_description = _token_rule(catalog.ExemptionsConfig, lambda facts, _: rules.description(facts))
validate_max_overlap = _token_rule(catalog.MaxOverlapConfig, rules.max_overlap)


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
        StackValidationPolicy(
            name=catalog.MAX_PER_STACK,
            description=catalog.RULES[catalog.MAX_PER_STACK].description,
            enforcement_level=_level(catalog.MAX_PER_STACK),
            config_schema=_schema(catalog.MAX_PER_STACK),
            severity=Severity.MEDIUM,
            validate=validate_max_per_stack,
        ),
    ]
