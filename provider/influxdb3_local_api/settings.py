"""Runtime settings of the local Management API."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .faults import FaultConfig


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    faults: FaultConfig = field(default_factory=FaultConfig)
