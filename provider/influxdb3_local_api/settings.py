"""Runtime settings of the local Management API."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .faults import FaultConfig
from .scrypt_budget import DEFAULT_BURST, DEFAULT_FAILURES_PER_S
from .tokens import DEFAULT_HASH_COST


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    faults: FaultConfig = field(default_factory=FaultConfig)
    failed_auth_per_s: float = DEFAULT_FAILURES_PER_S  # scrypt checks that may fail per second, sustained
    failed_auth_burst: int = DEFAULT_BURST
    token_hash_cost: int = DEFAULT_HASH_COST  # scrypt's N for tokens stored from now on
    product: str = "dedicated"  # whose documented paths to serve: "dedicated" or "clustered" (documented.py)
    database_token_activation_delay_s: float = 0.0  # a new database token answers 401 on writes this long
