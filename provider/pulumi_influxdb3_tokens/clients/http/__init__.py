"""The REST transport: :class:`HttpTokenClient` on a pooled httpx client (``pool``), with retries
(``retry``), the meaning of each answer (``answers``) and the bodies only it sends (``wire``).
httpx is imported first, here, without its command line client (``httpx_library``)."""

from .httpx_library import import_httpx

import_httpx()

from .client import MAX_LOST_ANSWERS, HttpTokenClient  # noqa: E402
from .pool import new_http_client  # noqa: E402

__all__ = ["MAX_LOST_ANSWERS", "HttpTokenClient", "new_http_client"]
