"""Judge a cluster's database tokens and databases with the policy pack's rules, and render the verdict.

The rules are the pack's own (policy/rules.py: ``must_expire`` and ``max_lifetime`` with the database token's
rule ids, ``no_wildcard``, ``infinite_retention``), their levels and numbers from the same ``PackConfig``. One
check is the audit's alone, since only a listing of the cluster can make it: a permission naming a database the
cluster does not have (``missing-database``, advisory). Such a permission reaches nothing today, and reaches a
database made later under that name, by whoever makes it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable, Mapping, Optional

from pydantic import Field

from ..core import timeutil
from ..core.database.models import DatabaseRecord, spell_retention
from ..core.database_token.models import DatabaseTokenRecord
from ..policy import catalog, rules, verdicts
from ..resources import DATABASE_TOKEN
from .findings import (
    AuditExemption,
    AuditFinding,
    AuditSummary,
    JudgedToken,
    Out,
    blocking,
    judged,
    summary,
    unused_exemptions,
)
from .orphans import HeldTokens, Orphans
from .pack_config import PackConfig
from .sections import exemption_lines, finding_lines, held_lines, judged_lines, summary_lines, unused_exemption_lines
from .text import clip, columns, printable

MISSING_DATABASE = "missing-database"  # the audit's own check: not a pack policy, always advisory

_TOKEN_RULES = (
    catalog.DATABASE_TOKEN_MUST_EXPIRE,
    catalog.DATABASE_TOKEN_MAX_LIFETIME,
    catalog.DATABASE_TOKEN_NO_WILDCARD,
)
_DATABASE_RULES = (catalog.DATABASE_INFINITE_RETENTION,)


class DatabaseTokenAudit(JudgedToken):
    """A live database token as the audit judged it."""

    permissions: list[dict[str, str]]  # [{action, resource}], as the API lists them


class DatabaseAudit(Out):
    name: str
    retention_period: str  # a duration; "0": infinite
    findings: list[AuditFinding]
    exemptions: list[AuditExemption] = Field(default_factory=list)


class DatabaseTokensReport(Out):
    product: str  # whose documented Management API was read: dedicated or clustered
    levels: dict[str, str]
    thresholds: dict[str, int]
    tokens: list[DatabaseTokenAudit]
    databases: list[DatabaseAudit]
    summary: AuditSummary  # over the tokens
    orphans: Optional[list[str]] = None  # None when no stack state was given
    unattributed: Optional[list[str]] = None
    not_orphans: dict[str, str] = Field(default_factory=dict)  # unattributed token id -> why it is no orphan
    pending_creates: int = 0  # DatabaseToken creates an interrupted `up` left pending in the given states
    unused_exemptions: list[str] = Field(default_factory=list)

    @property
    def blocking(self) -> bool:
        return self.summary.breaking_mandatory > 0 or any(blocking(d.findings) for d in self.databases)


def _facts(record: DatabaseTokenRecord) -> rules.DatabaseTokenFacts:
    return rules.DatabaseTokenFacts(
        description=record.description,
        expires_at=record.expires_at,
        created_at=record.created_at,
        permissions=tuple(rules.Permission(action=p.action, resource=p.resource) for p in record.permissions),
    )


def _checks(record: DatabaseTokenRecord, config: PackConfig, now: datetime) -> list[verdicts.Finding]:
    facts = _facts(record)
    return [
        rules.must_expire(facts, catalog.DATABASE_TOKEN_EXPIRY),
        rules.max_lifetime(
            facts, config.config(catalog.DATABASE_TOKEN_MAX_LIFETIME), now, ids=catalog.DATABASE_TOKEN_EXPIRY
        ),
        rules.no_wildcard(facts),
    ]


def missing_databases(record: DatabaseTokenRecord, databases: Iterable[str]) -> Optional[AuditFinding]:
    """A finding naming the permissions' databases the cluster does not have, or None."""
    have = set(databases)
    missing = sorted({p.resource for p in record.permissions if p.resource != rules.ALL_DATABASES} - have)
    if not missing:
        return None
    named = ", ".join(f"'{name}'" for name in missing)
    return AuditFinding(
        rule=MISSING_DATABASE,
        level=catalog.ADVISORY,
        message=f"the token has permissions on {named}, which the cluster has no database of: they reach a database "
        "made later under that name",
    )


def _judge_database(record: DatabaseRecord, config: PackConfig, urn: Optional[str]) -> DatabaseAudit:
    period = spell_retention(record.retention_period)
    finding = rules.infinite_retention(rules.DatabaseFacts(name=record.name, retention_period=period))
    findings, exemptions = judged([finding], config, record.name, urn)
    return DatabaseAudit(name=record.name, retention_period=period, findings=findings, exemptions=exemptions)


def audit_database_tokens(
    records: Iterable[DatabaseTokenRecord],
    databases: Iterable[DatabaseRecord],
    config: PackConfig,
    product: str,
    now: Optional[datetime] = None,
    verdict: Optional[Orphans] = None,
    held: Optional[HeldTokens] = None,
    database_urns: Optional[Mapping[str, str]] = None,
) -> DatabaseTokensReport:
    """``verdict`` and ``held``: what the given stack states say of these tokens (None without --stack-state);
    ``database_urns`` the URNs of the databases they hold, by name, for URN exemptions."""
    now = now or timeutil.now()
    records = list(records)
    databases = sorted(databases, key=lambda d: d.name)
    names = [d.name for d in databases]
    live = sorted((r for r in records if r.is_live(now)), key=lambda r: (r.created_at, r.id))
    urns = held.urns if held else {}
    tokens = []
    for r in live:
        findings, exemptions = judged(_checks(r, config, now), config, r.id, urns.get(r.id))
        missing = missing_databases(r, names)
        tokens.append(
            DatabaseTokenAudit(
                id=r.id,
                description=r.description,
                permissions=r.permission_set(),
                created_at=timeutil.format_rfc3339(r.created_at),
                expires_at=timeutil.format_rfc3339(r.expires_at) if r.expires_at else None,
                findings=[*findings, *([missing] if missing else [])],
                orphan=verdict is not None and r.id in verdict.orphans,
                retiring_until=(held.retiring if held else {}).get(r.id),
                exemptions=exemptions,
            )
        )
    return DatabaseTokensReport(
        product=product,
        levels={rule: config.level(rule) for rule in (*_TOKEN_RULES, *_DATABASE_RULES)},
        thresholds={"maxLifetimeDays": config.config(catalog.DATABASE_TOKEN_MAX_LIFETIME).max_lifetime_days},
        tokens=tokens,
        databases=[_judge_database(d, config, (database_urns or {}).get(d.name)) for d in databases],
        summary=summary([t.findings for t in tokens], len(records)),
        orphans=verdict.orphans if verdict else None,
        unattributed=verdict.unattributed if verdict else None,
        not_orphans=verdict.why_not if verdict else {},
        pending_creates=held.pending_creates if held else 0,
        unused_exemptions=sorted(
            {
                *unused_exemptions(config, _TOKEN_RULES, (r.id for r in live)),
                *unused_exemptions(config, _DATABASE_RULES, names),
            }
        ),
    )


def _database_status(database: DatabaseAudit) -> str:
    if blocking(database.findings):
        return "FAIL"
    if database.findings:
        return "warn"
    return "exempt" if any(e.message for e in database.exemptions) else "ok"


def _permissions(token: DatabaseTokenAudit) -> str:
    return " ".join(f"{p['action']}:{p['resource']}" for p in token.permissions) or "none"


def render_database_tokens(report: DatabaseTokensReport) -> list[str]:
    """The database tokens' and databases' part of the audit's table."""
    header = ("DATABASE TOKEN", "DESCRIPTION", "PERMISSIONS", "CREATED", "EXPIRES", "STATUS")
    rows = [
        (
            printable(t.id),
            clip(t.description, 32) or "-",
            clip(_permissions(t), 40),
            t.created_at,
            t.expires_at or "never",
            t.status,
        )
        for t in report.tokens
    ]
    lines = columns(header, rows) + judged_lines(report.tokens)
    if report.databases:
        status = {d.name: _database_status(d) for d in report.databases}
        lines += [
            "",
            *columns(
                ("DATABASE", "RETENTION", "STATUS"),
                [
                    (printable(d.name), "infinite" if d.retention_period == "0" else d.retention_period, status[d.name])
                    for d in report.databases
                ],
            ),
        ]
        lines += finding_lines((d.name, d.findings) for d in report.databases)
        lines += exemption_lines((d.name, d.exemptions) for d in report.databases)
    lines += unused_exemption_lines(report.unused_exemptions, "database token or database")
    lines += summary_lines(
        report.summary,
        f"{report.summary.live} live database tokens and {len(report.databases)} databases on the {report.product} "
        "cluster",
        "revoked or expired tokens not judged",
        report.thresholds,
    )
    lines += held_lines(report, DATABASE_TOKEN.name)
    return lines
