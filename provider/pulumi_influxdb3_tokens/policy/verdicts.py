"""What a rule answers: pass, fail, exempt, or unknown when a fact is not known yet (a preview value)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Optional, Union


class _Unknown:
    """A value that is not known yet (``pulumi preview`` of an input computed from an output)."""

    _instance: Optional["_Unknown"] = None

    def __new__(cls) -> "_Unknown":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()

Fact = Union[str, datetime, None, _Unknown]


class Verdict(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"  # cannot be verified yet: report it, never treat it as a pass
    EXEMPT = "exempt"  # the config names this token as a deliberate exception to the rule


@dataclass(frozen=True)
class Finding:
    rule: str
    verdict: Verdict
    message: str

    @property
    def failed(self) -> bool:
        return self.verdict is Verdict.FAIL
