"""The bodies only the REST transport sends or reads: a create's request and an error's answer."""

from __future__ import annotations

from typing import Optional

from ...core.management_token.models import ApiModel


class CreateTokenRequest(ApiModel):
    description: str = ""
    expires_at: Optional[str] = None


class ApiError(ApiModel):
    code: int
    message: str
    token_id: Optional[str] = None  # on a 409 for a reused Idempotency-Key: the token that key created
