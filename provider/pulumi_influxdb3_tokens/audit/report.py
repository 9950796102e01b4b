"""Judge an account's live management tokens with the policy pack's rules, and render the verdict.

The audit sees what the API lists (never a token string): ``created_at`` is known, so a token's
lifetime is measured from its creation, and "rotate before" becomes "expires within
minRotateBeforeDays". Levels and numbers come from the same ``PackConfig`` the pack reads.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Iterable, Mapping, Optional

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from ..core import timeutil
from ..core.errors import scrub_then_cut
from ..core.management_token.models import TokenRecord
from ..policy import catalog, rules, verdicts
from .pack_config import PackConfig

BLOCKING_LEVELS = (catalog.MANDATORY, catalog.REMEDIATE)  # the engine treats a failed remediate as mandatory


class _Out(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)


class AuditFinding(_Out):
    rule: str
    level: str
    message: str


class AuditExemption(_Out):
    rule: str
    entry: str  # the `exemptions` entry of the pack config that names the token (its id or URN)
    message: str  # what the rule would have found, "" when the token passes it anyway


class TokenAudit(_Out):
    id: str
    description: str
    created_at: str
    expires_at: Optional[str]
    findings: list[AuditFinding]
    orphan: bool = False  # held by no ManagementToken in the --stack-state files
    # A replaced token a stack keeps valid for its overlap, until then (the first up after it revokes it).
    retiring_until: Optional[str] = None
    exemptions: list[AuditExemption] = []

    @property
    def blocking(self) -> bool:
        return any(f.level in BLOCKING_LEVELS for f in self.findings)


class AuditSummary(_Out):
    live: int
    not_live: int  # revoked or expired: listed by the API, not judged
    breaking_mandatory: int
    advisory_only: int


class AuditReport(_Out):
    checked_at: str
    account_id: str
    cluster_id: str
    levels: dict[str, str]
    thresholds: dict[str, int]
    tokens: list[TokenAudit]
    summary: AuditSummary
    orphans: Optional[list[str]] = None  # None when no stack state was given
    # Live tokens no given state holds and none can be attributed to (someone else's): never revoked.
    unattributed: Optional[list[str]] = None
    # Token ids in the config's exemptions that name no live token: stale entries worth removing.
    unused_exemptions: list[str] = []
    pending_creates: int = 0  # creates an interrupted `up` left pending in the given states

    @property
    def blocking(self) -> bool:
        return self.summary.breaking_mandatory > 0


_JUDGED = (catalog.MUST_EXPIRE, catalog.MAX_LIFETIME, catalog.ROTATION, catalog.DESCRIPTION)


def _checks(record: TokenRecord, config: PackConfig, now: datetime) -> list[verdicts.Finding]:
    facts = rules.TokenFacts(description=record.description, expires_at=record.expires_at, created_at=record.created_at)
    return [
        rules.must_expire(facts),
        rules.max_lifetime(facts, config.config(catalog.MAX_LIFETIME), now),
        rules.expiring_soon(record.expires_at, config.config(catalog.ROTATION), now),
        rules.description(facts),
    ]


def _judge(
    record: TokenRecord, urn: Optional[str], config: PackConfig, now: datetime
) -> tuple[list[AuditFinding], list[AuditExemption]]:
    """The token's findings, and the rules it is exempt from (shown whether or not it would pass them)."""
    findings: list[AuditFinding] = []
    exemptions: list[AuditExemption] = []
    for finding in _checks(record, config, now):
        if config.level(finding.rule) == catalog.DISABLED:
            continue
        entry = catalog.exemption(config.config(finding.rule), record.id, urn)
        if entry is not None:
            failed = finding.verdict is not verdicts.Verdict.PASS
            exemptions.append(AuditExemption(rule=finding.rule, entry=entry, message=finding.message if failed else ""))
        elif finding.verdict is not verdicts.Verdict.PASS:
            findings.append(AuditFinding(rule=finding.rule, level=config.level(finding.rule), message=finding.message))
    return findings, exemptions


def _unused_exemptions(config: PackConfig, live: list[TokenRecord]) -> list[str]:
    """Id entries (URNs need a stack state to be matched) that name no live token."""
    ids = {r.id for r in live}
    entries = {e for rule in _JUDGED for e in getattr(config.config(rule), "exemptions", ())}
    return sorted(e for e in entries if not e.startswith("urn:") and e not in ids)


def audit_tokens(
    records: Iterable[TokenRecord],
    config: PackConfig,
    account_id: str,
    cluster_id: str,
    now: Optional[datetime] = None,
    orphans: Optional[list[str]] = None,
    pending_creates: int = 0,
    unattributed: Optional[list[str]] = None,
    urns: Optional[Mapping[str, str]] = None,
    retiring: Optional[Mapping[str, str]] = None,
) -> AuditReport:
    """``urns`` maps the ids of tokens the given stack states hold to their URNs, for URN exemptions;
    ``retiring`` the held tokens that retire to the end of their overlap."""
    now = now or timeutil.now()
    records = list(records)
    live = sorted((r for r in records if r.is_live(now)), key=lambda r: (r.created_at, r.id))
    tokens = []
    for r in live:
        findings, exemptions = _judge(r, (urns or {}).get(r.id), config, now)
        tokens.append(
            TokenAudit(
                id=r.id,
                description=r.description,
                created_at=timeutil.format_rfc3339(r.created_at),
                expires_at=timeutil.format_rfc3339(r.expires_at) if r.expires_at else None,
                findings=findings,
                orphan=orphans is not None and r.id in orphans,
                retiring_until=(retiring or {}).get(r.id),
                exemptions=exemptions,
            )
        )
    blocking = sum(1 for t in tokens if t.blocking)
    return AuditReport(
        checked_at=timeutil.format_rfc3339(now),
        account_id=account_id,
        cluster_id=cluster_id,
        levels={rule: config.level(rule) for rule in _JUDGED},
        thresholds={
            "maxLifetimeDays": config.config(catalog.MAX_LIFETIME).max_lifetime_days,
            "minRotateBeforeDays": config.config(catalog.ROTATION).min_rotate_before_days,
        },
        tokens=tokens,
        summary=AuditSummary(
            live=len(tokens),
            not_live=len(records) - len(tokens),
            breaking_mandatory=blocking,
            advisory_only=sum(1 for t in tokens if t.findings and not t.blocking),
        ),
        orphans=orphans,
        unattributed=unattributed,
        pending_creates=pending_creates,
        unused_exemptions=_unused_exemptions(config, live),
    )


# --- rendering -------------------------------------------------------------------------------


_UNSAFE_CATEGORIES = ("Cc", "Cf", "Zl", "Zp")  # controls (ESC, BEL, CR, C1), format (bidi), line breaks
_SHORT_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(char: str) -> str:
    code = ord(char)
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: str) -> str:
    """Text from the server as a terminal shows it safely: control and bidi characters written as escapes."""
    return "".join(_escape(c) if unicodedata.category(c) in _UNSAFE_CATEGORIES else c for c in text)


def _clip(text: str, width: int) -> str:
    """Server text for a column: a token pasted into it is masked before the cut, which would hide its shape."""
    return scrub_then_cut(" ".join(printable(text).split()), width, ellipsis="…")


def _status(token: TokenAudit) -> str:
    if token.orphan:
        return "ORPHAN"
    if token.blocking:
        return "FAIL"
    if token.findings:
        return "warn"
    if token.retiring_until:
        return "retiring"
    return "exempt" if any(e.message for e in token.exemptions) else "ok"


def render_json(report: AuditReport) -> str:
    return report.model_dump_json(by_alias=True, indent=2)


def render_table(report: AuditReport) -> str:
    header = ("ID", "DESCRIPTION", "CREATED", "EXPIRES", "STATUS")
    rows = [
        (printable(t.id), _clip(t.description, 32) or "-", t.created_at, t.expires_at or "never", _status(t))
        for t in report.tokens
    ]
    widths = [max(len(str(row[i])) for row in (header, *rows)) for i in range(len(header))]
    lines = [
        "  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in (header, *rows)
    ]
    findings = [
        f"  {printable(t.id)} [{f.level}] {f.rule}: {printable(f.message)}." for t in report.tokens for f in t.findings
    ]
    if findings:
        lines += ["", "Findings:", *findings]
    exemptions = [
        f"  {printable(t.id)} [exempt] {e.rule}: "
        + (
            f"{printable(e.message)} (exempted by {printable(e.entry)})."
            if e.message
            else f"exempted by {printable(e.entry)}; it passes anyway."
        )
        for t in report.tokens
        for e in t.exemptions
    ]
    if exemptions:
        lines += ["", "Exemptions (the pack config's `exemptions`):", *exemptions]
    if report.unused_exemptions:
        lines += [
            "",
            "Exemptions naming no live token (remove them from the config): "
            + ", ".join(printable(e) for e in report.unused_exemptions)
            + ".",
        ]
    s = report.summary
    lines += [
        "",
        f"{s.live} live management tokens ({s.not_live} revoked or expired not judged); "
        f"mandatory rule broken by {s.breaking_mandatory}, advisory findings only on {s.advisory_only} "
        f"(maxLifetimeDays {report.thresholds['maxLifetimeDays']}, "
        f"minRotateBeforeDays {report.thresholds['minRotateBeforeDays']}).",
    ]
    retiring = [f"{printable(t.id)} until {t.retiring_until}" for t in report.tokens if t.retiring_until]
    if retiring:
        lines.append(
            f"{len(retiring)} held tokens are retiring: replaced, and kept valid for their overlap; the first "
            f"`pulumi up` after its end revokes each: {', '.join(retiring)}."
        )
    if report.orphans is not None:
        lines.append(_orphan_line(report))
    if report.unattributed:
        lines.append(
            f"{len(report.unattributed)} live tokens held by no given stack state cannot be attributed to one of "
            f"its stacks (someone else's, another stack's or made by hand), so they are reported, never revoked: "
            f"{', '.join(printable(u) for u in report.unattributed)}."
        )
    return "\n".join(lines)


def _orphan_line(report: AuditReport) -> str:
    pending = (
        f"; the stack state records {report.pending_creates} pending creates of an interrupted update, "
        f"which may have made them"
        if report.pending_creates
        else ""
    )
    if not report.orphans:
        return f"No orphans: every live token minted for the given stacks is held by their state{pending}."
    return (
        f"{len(report.orphans)} orphans, live tokens minted for the given stacks and held by no ManagementToken "
        f"in their state: "
        f"{', '.join(printable(o) for o in report.orphans)}{pending}; "
        "revoke them (--revoke-orphans --yes) unless something else uses them."
    )
