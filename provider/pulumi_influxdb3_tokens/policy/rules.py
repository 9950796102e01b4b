"""The rules over tokens and databases: one copy, used by the policy pack and by ``influxdb3-tokens audit``.

Each rule is a pure function of a resource's facts, its thresholds and "now" (``timeutil.now``, so
``INFLUXDB3_TOKENS_FAKE_NOW`` moves it in tests). A fact may be :data:`UNKNOWN` (a preview value that
depends on another resource's output); a rule then answers :attr:`Verdict.UNKNOWN` rather than
guessing, and the caller reports "cannot verify". Which rules exist, their levels and their config
are in :mod:`.catalog`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional, Union

from ..core import timeutil
from .catalog import (
    DATABASE_INFINITE_RETENTION,
    DATABASE_TOKEN_NO_WILDCARD,
    DESCRIPTION,
    MANAGEMENT_TOKEN_EXPIRY,
    MAX_OVERLAP,
    MAX_PER_STACK,
    ROTATION,
    DefaultExpiryConfig,
    ExpiryRules,
    MaxLifetimeConfig,
    MaxOverlapConfig,
    MaxPerStackConfig,
    RotationConfig,
)
from .verdicts import UNKNOWN, Fact, Finding, Verdict, _Unknown


def _pass(rule: str, message: str = "") -> Finding:
    return Finding(rule, Verdict.PASS, message)


def _fail(rule: str, message: str) -> Finding:
    return Finding(rule, Verdict.FAIL, message)


def _unknown(rule: str, what: str) -> Finding:
    return Finding(rule, Verdict.UNKNOWN, f"cannot verify: {what}")


def _is_set(value: Fact) -> bool:
    return value is not None and value is not UNKNOWN and not (isinstance(value, str) and not value.strip())


@dataclass(frozen=True)
class TokenFacts:
    """What the rules look at. Each fact is a value, None (not set) or :data:`UNKNOWN`."""

    description: Fact = None
    expires_at: Fact = None
    expires_in: Fact = None
    rotate_before: Fact = None
    created_at: Fact = None
    overlap: Fact = None


# The resource of a database token permission that reaches every database (DatabaseTokenResourceAllDatabases in
# the Management API's schema), and the actions a permission grants, in the order messages name them.
ALL_DATABASES = "*"
_ACTIONS = ("read", "write")


@dataclass(frozen=True)
class Permission:
    """One permission of a database token: ``{action: read|write, resource: <database name> | "*"}``."""

    action: Fact = None
    resource: Fact = None


# The permissions as the rules take them: None when not set, UNKNOWN when the whole list is; an entry UNKNOWN
# when it is.
Permissions = Union[tuple[Union[Permission, _Unknown], ...], _Unknown, None]


@dataclass(frozen=True)
class DatabaseTokenFacts(TokenFacts):
    """A database token's facts: a token's, and the databases it reaches."""

    permissions: Permissions = None


@dataclass(frozen=True)
class DatabaseFacts:
    """What the rules look at on a database."""

    name: Fact = None
    retention_period: Fact = None  # a duration; absent or zero: infinite


def days(value: timedelta) -> str:
    """A duration for messages, rounded to the minute first: an expiry requested as "365 days from now"
    is measured against the server's later creation stamp and falls milliseconds short of 365d.
    From two days on it is given in whole hours (``365d``, ``90d12h``)."""
    minutes = timedelta(minutes=round(value.total_seconds() / 60))
    if minutes >= timedelta(days=2):
        return timeutil.format_duration(timedelta(hours=round(minutes.total_seconds() / 3600)))
    return timeutil.format_duration(minutes) if minutes > timedelta(0) else "less than a minute"


# --- the rules -------------------------------------------------------------------------------


def must_expire(facts: TokenFacts, ids: ExpiryRules = MANAGEMENT_TOKEN_EXPIRY) -> Finding:
    """``ids``: the names the kind of token judged gives its expiry rules."""
    if _is_set(facts.expires_at) or _is_set(facts.expires_in):
        return _pass(ids.must_expire)
    if facts.expires_at is UNKNOWN or facts.expires_in is UNKNOWN:
        return _unknown(ids.must_expire, "whether the token expires is not known until its inputs are")
    return _fail(ids.must_expire, "the token never expires: it has neither expires_at nor expires_in")


def lifetime(facts: TokenFacts, now: Optional[datetime] = None) -> Union[timedelta, _Unknown, None]:
    """How long the token lives: ``expires_in``, or ``expires_at`` minus its creation (else now).

    None when it never expires; UNKNOWN when that cannot be told yet. Raises ``TimeFormatError``.
    """
    if _is_set(facts.expires_in):
        return timeutil.parse_duration(str(facts.expires_in))
    if _is_set(facts.expires_at):
        start = now or timeutil.now()
        if _is_set(facts.created_at):
            start = timeutil.parse_rfc3339(facts.created_at)
        return timeutil.parse_rfc3339(facts.expires_at) - start
    if facts.expires_in is UNKNOWN or facts.expires_at is UNKNOWN:
        return UNKNOWN
    return None


def max_lifetime(
    facts: TokenFacts,
    config: MaxLifetimeConfig,
    now: Optional[datetime] = None,
    ids: ExpiryRules = MANAGEMENT_TOKEN_EXPIRY,
) -> Finding:
    rule = ids.max_lifetime
    limit = timedelta(days=config.max_lifetime_days)
    try:
        life = lifetime(facts, now)
    except timeutil.TimeFormatError as err:
        return _unknown(rule, f"the expiry cannot be read ({err})")
    if life is UNKNOWN:
        return _unknown(rule, "the token's expiry is not known until its inputs are")
    if life is None:
        return _pass(rule, f"no expiry; {ids.must_expire} covers tokens that never expire")
    assert isinstance(life, timedelta)
    if life > limit:
        if _is_set(facts.expires_in):
            what = f"expires_in {facts.expires_in}"
        else:
            what = f"expires_at {timeutil.normalize_rfc3339(facts.expires_at)}"
        return _fail(
            rule, f"the token lives {days(life)} ({what}), longer than maxLifetimeDays {config.max_lifetime_days}"
        )
    return _pass(rule)


def rotation(facts: TokenFacts, config: RotationConfig) -> Finding:
    """The declared ``rotate_before`` window must be at least ``minRotateBeforeDays``."""
    minimum = timedelta(days=config.min_rotate_before_days)
    if facts.rotate_before is UNKNOWN:
        return _unknown(ROTATION, "rotate_before is not known until its inputs are")
    if not _is_set(facts.rotate_before):
        return _fail(ROTATION, f"the token has no rotate_before; set one of at least {config.min_rotate_before_days}d")
    try:
        window = timeutil.parse_duration(str(facts.rotate_before))
    except timeutil.TimeFormatError as err:
        return _unknown(ROTATION, f"rotate_before cannot be read ({err})")
    if window < minimum:
        return _fail(
            ROTATION,
            f"rotate_before {facts.rotate_before} is shorter than minRotateBeforeDays {config.min_rotate_before_days}",
        )
    return _pass(ROTATION)


def expiring_soon(expires_at: Optional[datetime], config: RotationConfig, now: Optional[datetime] = None) -> Finding:
    """A live token that expires within ``minRotateBeforeDays`` is due for rotation (audit side)."""
    if expires_at is None:
        return _pass(ROTATION, "no expiry")
    left = expires_at - (now or timeutil.now())
    if left <= timedelta(days=config.min_rotate_before_days):
        return _fail(
            ROTATION,
            f"the token expires in {days(left)} ({timeutil.format_rfc3339(expires_at)}), within "
            f"minRotateBeforeDays {config.min_rotate_before_days}; rotate it now",
        )
    return _pass(ROTATION)


def description(facts: TokenFacts) -> Finding:
    if facts.description is UNKNOWN:
        return _unknown(DESCRIPTION, "the description is not known until its inputs are")
    if not _is_set(facts.description):
        return _fail(DESCRIPTION, "the token has no description")
    return _pass(DESCRIPTION)


def max_per_stack(live_tokens: int, config: MaxPerStackConfig) -> Finding:
    if live_tokens > config.max_tokens_per_stack:
        return _fail(
            MAX_PER_STACK,
            f"the stack holds {live_tokens} live management tokens, more than maxTokensPerStack "
            f"{config.max_tokens_per_stack}",
        )
    return _pass(MAX_PER_STACK)


def is_live(revoked_at: Fact, expires_at: Fact, now: Optional[datetime] = None) -> bool:
    """Whether a token counts as live: not revoked and not expired. Unknown facts count as live."""
    if _is_set(revoked_at):
        return False
    if _is_set(expires_at):
        try:
            return timeutil.parse_rfc3339(expires_at) > (now or timeutil.now())
        except timeutil.TimeFormatError:
            return True
    return True


def default_expiry(facts: TokenFacts, config: DefaultExpiryConfig) -> Optional[str]:
    """The ``expires_in`` to give a token declared without any expiry, or None to leave it alone."""
    if _is_set(facts.expires_at) or _is_set(facts.expires_in) or UNKNOWN in (facts.expires_at, facts.expires_in):
        return None
    return timeutil.format_duration(timedelta(days=config.max_lifetime_days))


def max_overlap(facts: TokenFacts, config: MaxOverlapConfig) -> Finding:
    """How long a replaced token stays valid: at most ``maxOverlapDays``, and never longer than the token lives."""
    if facts.overlap is UNKNOWN:
        return _unknown(MAX_OVERLAP, "overlap is not known until its inputs are")
    if not _is_set(facts.overlap):
        return _pass(MAX_OVERLAP, "no overlap: a replaced token is revoked at once")
    try:
        overlap = timeutil.parse_duration(str(facts.overlap))
        life = timeutil.parse_duration(str(facts.expires_in)) if _is_set(facts.expires_in) else None
    except timeutil.TimeFormatError as err:
        return _unknown(MAX_OVERLAP, f"overlap or expires_in cannot be read ({err})")
    if overlap > timedelta(days=config.max_overlap_days):
        return _fail(MAX_OVERLAP, f"overlap {facts.overlap} is longer than maxOverlapDays {config.max_overlap_days}")
    if life is not None and overlap > life:
        return _fail(
            MAX_OVERLAP, f"overlap {facts.overlap} is longer than the token lives (expires_in {facts.expires_in})"
        )
    return _pass(MAX_OVERLAP)


def no_wildcard(facts: DatabaseTokenFacts) -> Finding:
    """A permission on ``*`` reaches every database of the cluster, those made later too."""
    if isinstance(facts.permissions, _Unknown):
        return _unknown(DATABASE_TOKEN_NO_WILDCARD, "the permissions are not known until their inputs are")
    entries = facts.permissions or ()
    wildcards = [e for e in entries if isinstance(e, Permission) and e.resource == ALL_DATABASES]
    if wildcards:
        granted = {e.action for e in wildcards if isinstance(e.action, str)}
        named = [action for action in _ACTIONS if action in granted] + sorted(granted.difference(_ACTIONS))
        actions = " and ".join(named) or "reach"
        return _fail(
            DATABASE_TOKEN_NO_WILDCARD,
            f"the token may {actions} every database, present and future: a permission's resource is '*'",
        )
    if any(isinstance(e, _Unknown) or e.resource is UNKNOWN for e in entries):
        return _unknown(DATABASE_TOKEN_NO_WILDCARD, "a permission's resource is not known until its inputs are")
    return _pass(DATABASE_TOKEN_NO_WILDCARD)


_ZERO_DURATION = re.compile(r"(?:0+[a-z]*)+")  # "0", "0d", "0h0m": the docs' "0" and "0d" keep data for good


def infinite_retention(facts: DatabaseFacts) -> Finding:
    """A database without a retention period (absent, or zero in any unit) keeps its data forever."""
    period = facts.retention_period
    if period is UNKNOWN:
        return _unknown(DATABASE_INFINITE_RETENTION, "retention_period is not known until its inputs are")
    if not _is_set(period) or _ZERO_DURATION.fullmatch(str(period).strip().lower()):
        shown = "no retention_period" if not _is_set(period) else f"retention_period {str(period).strip()}"
        return _fail(DATABASE_INFINITE_RETENTION, f"the database keeps its data forever ({shown})")
    return _pass(DATABASE_INFINITE_RETENTION)
