"""`bench/scaling --overlap`: what `overlap` costs a stack per `up`, side by side with the same stack without it.

Each face's stack of N tokens (all with `expires_in`) is brought up once, then its no-op `preview` and no-op
`up` are timed; the arms without and with `overlap="1d"` alternate within each repetition, on the same
server, so drift on a shared machine falls on both. Nothing rotates: this is the cost every ordinary run pays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import Any, Callable, Optional

import _support

from support.engine import Stack

PROGRAMS = Path(__file__).resolve().parent / "programs"
ARMS: dict[str, Optional[str]] = {"without": None, "with overlap": "1d"}
TIMED = ("preview", "up")


@dataclass
class OverlapRow:
    face: str
    count: int
    seconds: dict[str, dict[str, list[float]]] = field(
        default_factory=lambda: {arm: {op: [] for op in TIMED} for arm in ARMS}
    )

    def median(self, arm: str, op: str) -> float:
        return median(self.seconds[arm][op])


def _no_op(result: Any) -> None:
    output = getattr(result, "output", "")
    if any(word in output for word in ("to create", "to update", "to replace", "to delete", " updated", " created")):
        raise SystemExit(f"bench: the run was supposed to change nothing:\n{output}")


def one_arm(program: str, tmp: Path, count: int, env: dict[str, str], overlap: Optional[str]) -> dict[str, float]:
    spec = {"count": count, "expires_in": "30d", "overlap": overlap}
    stack = Stack.create(program, tmp, spec=spec, source=PROGRAMS / program, extra_env=env)
    stack.up().ok()
    seconds = {
        "preview": _support.timed(lambda: _no_op(stack.preview().ok())),
        "up": _support.timed(lambda: _no_op(stack.up().ok())),
    }
    stack.destroy().ok()
    return seconds


def measure(
    tmp: Path, faces: dict[str, str], sizes: list[int], repeat: int, env: dict[str, str], log: Callable[[str], None]
) -> list[OverlapRow]:
    """``faces``: label -> bench program."""
    rows = [OverlapRow(face, n) for n in sizes for face in faces]
    for rep in range(repeat):
        for row in rows:
            for arm, overlap in ARMS.items():
                log(f"N={row.count} {row.face} {arm}, repetition {rep + 1}/{repeat}")
                where = tmp / f"overlap-{row.face}-{row.count}-{rep}-{'with' if overlap else 'without'}"
                for op, took in one_arm(faces[row.face], where, row.count, env, overlap).items():
                    row.seconds[arm][op].append(took)
    return rows


def table(rows: list[OverlapRow]) -> str:
    header = "| N | face | no-op preview without | with overlap | ratio | no-op up without | with overlap | ratio |"
    lines = [header, "|---|---|---|---|---|---|---|---|"]
    for row in rows:
        cells = [str(row.count), row.face]
        for op in TIMED:
            without, with_ = row.median("without", op), row.median("with overlap", op)
            cells += [f"{without:.2f} s", f"{with_:.2f} s", f"{with_ / without:.2f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
