"""What every resource's core hands its faces: a check's result, a diff's decision, a create's and an import's
outcome. Resource-agnostic, so the faces (and ``resources.Lifecycle``) name one type whatever the resource."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from .notices import say


@dataclass
class Checked:
    """``check``: the normalised inputs, and one (property, sentence) per bad property."""

    inputs: dict[str, Any]
    failures: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Decision:
    """``diff``: whether anything changes, which properties force a replacement and why."""

    changes: bool = False
    replaces: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    # Properties whose change rotates a token in place instead (``overlap`` set: core/tokens/overlap.py).
    rotates: list[str] = field(default_factory=list)
    # The old resource must go before its replacement is made: the engine deletes first. Only for what cannot exist
    # twice at once (a database of one name); a replacement is otherwise made before the old one goes.
    delete_before_replace: bool = False

    def replace(self, prop: str, reason: str) -> None:
        self.changes = True
        if prop not in self.replaces:
            self.replaces.append(prop)
        self.reasons.append(reason)


def replacing(decision: Decision, moves: Optional[tuple[str, str]], resource: str) -> bool:
    """Whether ``decision`` replaces, once the face's own replacement (``moves``: property, reason) is added; each
    replacement's reason is said to the user, since a replacement is where data goes."""
    if moves is not None:
        decision.replace(*moves)
    for reason in decision.reasons if decision.replaces else ():
        say(f"replace: {reason}.", resource)
    return bool(decision.replaces)


@dataclass(frozen=True)
class Created:
    id: str
    outputs: dict[str, Any]


@dataclass(frozen=True)
class Imported:
    """A live resource taken over by id alone (``pulumi import``): the inputs that declare it as it is."""

    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
