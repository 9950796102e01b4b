"""Route `/api/v0` requests on the path as sent, so an encoded `/` stays inside its path parameter.

Database names may contain `/` (admin/databases/create.md, "Database naming restrictions"), and a client
sends one percent-encoded (`my%2Fdb`). The ASGI server decodes the path before routing, which would turn
that into two segments and a 404; this middleware hands the router the raw path instead, and the routes
decode each parameter themselves (`decoded`).
"""

from __future__ import annotations

from urllib.parse import unquote

from starlette.types import ASGIApp, Receive, Scope, Send

API_PREFIX = b"/api/v0/"


class RawPathRouting:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = scope.get("raw_path") if scope["type"] == "http" else None
        if isinstance(raw, bytes) and raw.startswith(API_PREFIX):
            scope = {**scope, "path": raw.decode("latin-1")}
        await self.app(scope, receive, send)


def decoded(value: str) -> str:
    """A path parameter as the client meant it (`my%2Fdb` -> `my/db`)."""
    return unquote(value, errors="replace")
