"""What every kind's listed token tells alike: whether it is revoked, expired, or live."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from .. import timeutil


class TokenLife:
    """``is_revoked``, ``is_expired`` and ``is_live`` of a record with ``revoked_at`` and ``expires_at`` fields (a
    kind's pydantic record declares them)."""

    revoked_at: Optional[datetime]
    expires_at: Optional[datetime]

    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, at: Optional[datetime] = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (at or timeutil.now())

    def is_live(self, at: Optional[datetime] = None) -> bool:
        return not self.is_revoked() and not self.is_expired(at)
