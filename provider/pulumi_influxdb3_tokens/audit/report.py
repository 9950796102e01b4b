"""Judge an account's live management tokens with the policy pack's rules, and render the verdict.

The audit sees what the API lists (never a token string): ``created_at`` is known, so a token's
lifetime is measured from its creation, and "rotate before" becomes "expires within
minRotateBeforeDays". Levels and numbers come from the same ``PackConfig`` the pack reads.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable, Mapping, Optional

from pydantic import Field

from ..core import timeutil
from ..core.management_token.models import TokenRecord
from ..policy import catalog, rules, verdicts
from ..resources import MANAGEMENT_TOKEN
from .database_tokens import DatabaseTokensReport, render_database_tokens
from .findings import AuditSummary, JudgedToken, Out, judged, summary, unused_exemptions
from .pack_config import PackConfig
from .sections import held_lines, judged_lines, summary_lines, unused_exemption_lines
from .text import clip, columns, printable

__all__ = ["AuditReport", "TokenAudit", "audit_tokens", "printable", "render_json", "render_table"]


class TokenAudit(JudgedToken):
    """A live management token as the audit judged it."""


class AuditReport(Out):
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
    unused_exemptions: list[str] = Field(default_factory=list)
    pending_creates: int = 0  # creates an interrupted `up` left pending in the given states
    # With --stack-state: each unattributed token's id -> why it is no orphan.
    not_orphans: dict[str, str] = Field(default_factory=dict)
    # The cluster's database tokens and databases, judged alike; None when they were not audited (then
    # ``database_tokens_skipped`` says why).
    database_tokens: Optional[DatabaseTokensReport] = None
    database_tokens_skipped: Optional[str] = None

    @property
    def blocking(self) -> bool:
        database = self.database_tokens is not None and self.database_tokens.blocking
        return self.summary.breaking_mandatory > 0 or database


_JUDGED = (catalog.MUST_EXPIRE, catalog.MAX_LIFETIME, catalog.ROTATION, catalog.DESCRIPTION)


def _checks(record: TokenRecord, config: PackConfig, now: datetime) -> list[verdicts.Finding]:
    facts = rules.TokenFacts(description=record.description, expires_at=record.expires_at, created_at=record.created_at)
    return [
        rules.must_expire(facts),
        rules.max_lifetime(facts, config.config(catalog.MAX_LIFETIME), now),
        rules.expiring_soon(record.expires_at, config.config(catalog.ROTATION), now),
        rules.description(facts),
    ]


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
    not_orphans: Optional[Mapping[str, str]] = None,
    database_tokens: Optional[DatabaseTokensReport] = None,
    database_tokens_skipped: Optional[str] = None,
) -> AuditReport:
    """``urns`` maps the ids of tokens the given stack states hold to their URNs, for URN exemptions;
    ``retiring`` the held tokens that retire to the end of their overlap; ``not_orphans`` why each unattributed
    token is no orphan."""
    now = now or timeutil.now()
    records = list(records)
    live = sorted((r for r in records if r.is_live(now)), key=lambda r: (r.created_at, r.id))
    tokens = []
    for r in live:
        findings, exemptions = judged(_checks(r, config, now), config, r.id, (urns or {}).get(r.id))
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
        summary=summary([t.findings for t in tokens], len(records)),
        orphans=orphans,
        unattributed=unattributed,
        pending_creates=pending_creates,
        unused_exemptions=unused_exemptions(config, _JUDGED, (r.id for r in live)),
        not_orphans=dict(not_orphans or {}),
        database_tokens=database_tokens,
        database_tokens_skipped=database_tokens_skipped,
    )


# --- rendering -------------------------------------------------------------------------------


def render_json(report: AuditReport) -> str:
    return report.model_dump_json(by_alias=True, indent=2)


def render_table(report: AuditReport) -> str:
    header = ("ID", "DESCRIPTION", "CREATED", "EXPIRES", "STATUS")
    rows = [
        (printable(t.id), clip(t.description, 32) or "-", t.created_at, t.expires_at or "never", t.status)
        for t in report.tokens
    ]
    lines = columns(header, rows)
    lines += judged_lines(report.tokens)
    lines += unused_exemption_lines(report.unused_exemptions, "token")
    lines += summary_lines(
        report.summary,
        f"{report.summary.live} live management tokens",
        "revoked or expired not judged",
        report.thresholds,
    )
    lines += held_lines(report, MANAGEMENT_TOKEN.name)
    if report.database_tokens is not None:
        lines += ["", *render_database_tokens(report.database_tokens)]
    elif report.database_tokens_skipped:
        lines += ["", f"Database tokens were not audited: {printable(report.database_tokens_skipped)}."]
    return "\n".join(lines)
