"""The REST transport: :class:`HttpTokenClient` on a pooled httpx client (``pool``), with retries
(``retry``), the meaning of each answer (``answers``) and the bodies only it sends (``wire``)."""

from .client import MAX_LOST_ANSWERS, HttpTokenClient
from .pool import new_http_client

__all__ = ["MAX_LOST_ANSWERS", "HttpTokenClient", "new_http_client"]
