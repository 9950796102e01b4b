"""The parts of the audit's table every kind of token prints alike: findings, exemptions, orphans."""

from __future__ import annotations

from typing import Iterable, Optional, Protocol, Sequence

from .findings import AuditExemption, AuditFinding, AuditSummary, JudgedToken
from .text import printable


def finding_lines(judged: Iterable[tuple[str, list[AuditFinding]]]) -> list[str]:
    """``Findings:`` and one line per finding of each (name, findings)."""
    lines = [
        f"  {printable(name)} [{f.level}] {f.rule}: {printable(f.message)}." for name, found in judged for f in found
    ]
    return ["", "Findings:", *lines] if lines else []


def exemption_lines(judged: Iterable[tuple[str, list[AuditExemption]]]) -> list[str]:
    lines = [
        f"  {printable(name)} [exempt] {e.rule}: "
        + (
            f"{printable(e.message)} (exempted by {printable(e.entry)})."
            if e.message
            else f"exempted by {printable(e.entry)}; it passes anyway."
        )
        for name, exemptions in judged
        for e in exemptions
    ]
    return ["", "Exemptions (the pack config's `exemptions`):", *lines] if lines else []


def unused_exemption_lines(unused: list[str], what: str) -> list[str]:
    if not unused:
        return []
    return ["", f"Exemptions naming no live {what} (remove them from the config): {', '.join(map(printable, unused))}."]


def orphan_lines(
    orphans: Optional[list[str]],
    unattributed: Optional[list[str]],
    not_orphans: dict[str, str],
    pending_creates: int,
    resource: str,
) -> list[str]:
    """What --stack-state found among one kind's tokens (``resource``: the type that holds them): the orphans, the
    unattributed ones, and why each of those is no orphan."""
    lines = []
    if orphans is not None:
        pending = (
            f"; the stack state records {pending_creates} pending creates of an interrupted update, which may have "
            f"made them"
            if pending_creates
            else ""
        )
        if not orphans:
            lines.append(f"No orphans: every live token minted for the given stacks is held by their state{pending}.")
        else:
            lines.append(
                f"{len(orphans)} orphans, live tokens minted for the given stacks and held by no {resource} in their "
                f"state: {', '.join(printable(o) for o in orphans)}{pending}; revoke them (--revoke-orphans --yes) "
                "unless something else uses them."
            )
    if unattributed:
        lines.append(
            f"{len(unattributed)} live tokens held by no given stack state cannot be attributed to one of its stacks "
            f"(someone else's, another stack's or made by hand), so they are reported, never revoked: "
            f"{', '.join(printable(u) for u in unattributed)}."
        )
        lines += [
            f"  {printable(token_id)} is no orphan: {printable(why)}."
            for token_id, why in not_orphans.items()
            if token_id in unattributed
        ]
    return lines


def retiring_lines(tokens: Iterable[JudgedToken]) -> list[str]:
    retiring = [f"{printable(t.id)} until {t.retiring_until}" for t in tokens if t.retiring_until]
    if not retiring:
        return []
    return [
        f"{len(retiring)} held tokens are retiring: replaced, and kept valid for their overlap; the first "
        f"`pulumi up` after its end revokes each: {', '.join(retiring)}."
    ]


class HeldReport(Protocol):
    """What a kind's report says of the tokens the given stack states hold or do not."""

    @property
    def tokens(self) -> Sequence[JudgedToken]: ...
    @property
    def orphans(self) -> Optional[list[str]]: ...
    @property
    def unattributed(self) -> Optional[list[str]]: ...
    @property
    def not_orphans(self) -> dict[str, str]: ...
    @property
    def pending_creates(self) -> int: ...


def judged_lines(tokens: Sequence[JudgedToken]) -> list[str]:
    """Each token's findings, then its exemptions."""
    return finding_lines((t.id, t.findings) for t in tokens) + exemption_lines((t.id, t.exemptions) for t in tokens)


def held_lines(report: HeldReport, resource: str) -> list[str]:
    """The retiring tokens, then the orphans and the unattributed ones (``resource``: the type that holds them)."""
    return retiring_lines(report.tokens) + orphan_lines(
        report.orphans, report.unattributed, report.not_orphans, report.pending_creates, resource
    )


def summary_lines(summary: AuditSummary, counted: str, not_judged: str, thresholds: dict[str, int]) -> list[str]:
    """The sentence under a kind's table: ``counted`` what was judged, then what was not, the verdicts and the
    numbers in force."""
    numbers = ", ".join(f"{name} {value}" for name, value in thresholds.items())
    return [
        "",
        f"{counted} ({summary.not_live} {not_judged}); mandatory rule broken by {summary.breaking_mandatory}, "
        f"advisory findings only on {summary.advisory_only} ({numbers}).",
    ]
