"""What the audit says of one token or database: its findings and exemptions, shared by every kind it judges.

A rule's finding is the pack's own (policy/rules.py); the pack config decides its level, disables it or exempts
the token or database by one of its names (an id, a database name, the URN of the resource a given stack holds it
in).
"""

from __future__ import annotations

from typing import Iterable, Optional

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from ..policy import catalog, verdicts
from .pack_config import PackConfig

BLOCKING_LEVELS = (catalog.MANDATORY, catalog.REMEDIATE)  # the engine treats a failed remediate as mandatory


class Out(BaseModel):
    """A part of the report: camelCase in the JSON."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)


class AuditFinding(Out):
    rule: str
    level: str
    message: str


class AuditExemption(Out):
    rule: str
    entry: str  # the `exemptions` entry of the pack config that names the token (its id or URN)
    message: str  # what the rule would have found, "" when the token passes it anyway


class AuditSummary(Out):
    live: int
    not_live: int  # revoked or expired: listed by the API, not judged
    breaking_mandatory: int
    advisory_only: int


def judged(
    findings: Iterable[verdicts.Finding], config: PackConfig, *names: Optional[str]
) -> tuple[list[AuditFinding], list[AuditExemption]]:
    """The failed findings at their configured level, and the rules ``names`` are exempt from (shown whether or not
    the token would pass them). A disabled rule says nothing."""
    failed: list[AuditFinding] = []
    exemptions: list[AuditExemption] = []
    for finding in findings:
        if config.level(finding.rule) == catalog.DISABLED:
            continue
        entry = catalog.exemption(config.config(finding.rule), *names)
        if entry is not None:
            fails = finding.verdict is not verdicts.Verdict.PASS
            exemptions.append(AuditExemption(rule=finding.rule, entry=entry, message=finding.message if fails else ""))
        elif finding.verdict is not verdicts.Verdict.PASS:
            failed.append(AuditFinding(rule=finding.rule, level=config.level(finding.rule), message=finding.message))
    return failed, exemptions


def blocking(findings: Iterable[AuditFinding]) -> bool:
    return any(f.level in BLOCKING_LEVELS for f in findings)


def summary(judged_findings: list[list[AuditFinding]], listed: int) -> AuditSummary:
    """The counts over the live items' findings; ``listed`` counts every listed item, live or not."""
    breaking = sum(1 for found in judged_findings if blocking(found))
    return AuditSummary(
        live=len(judged_findings),
        not_live=listed - len(judged_findings),
        breaking_mandatory=breaking,
        advisory_only=sum(1 for found in judged_findings if found and not blocking(found)),
    )


class JudgedToken(Out):
    """A live token of any kind as the audit judged it."""

    id: str
    description: str
    created_at: str
    expires_at: Optional[str]
    findings: list[AuditFinding]
    orphan: bool = False  # held by no resource of its kind in the --stack-state files, and provably theirs
    # A replaced token a stack keeps valid for its overlap, until then (the first up after it revokes it).
    retiring_until: Optional[str] = None
    exemptions: list[AuditExemption] = []

    @property
    def blocking(self) -> bool:
        return blocking(self.findings)

    @property
    def status(self) -> str:
        """The table's STATUS column."""
        if self.orphan:
            return "ORPHAN"
        if self.blocking:
            return "FAIL"
        if self.findings:
            return "warn"
        if self.retiring_until:
            return "retiring"
        return "exempt" if any(e.message for e in self.exemptions) else "ok"


def unused_exemptions(config: PackConfig, judged_rules: Iterable[str], names: Iterable[str]) -> list[str]:
    """Entries of the rules' ``exemptions`` that are no URN (a URN needs a stack state to be matched) and name
    nothing listed: stale entries worth removing."""
    known = set(names)
    entries = {e for rule in judged_rules for e in getattr(config.config(rule), "exemptions", ())}
    return sorted(e for e in entries if not e.startswith("urn:") and e not in known)
