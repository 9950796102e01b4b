"""The write endpoint of the data API, `POST /api/v2/write`, authorized by database tokens.

What InfluxData's data API reference (api-docs/influxdb3/cloud-dedicated/influxdb3-cloud-dedicated-openapi.yaml,
PostWrite) documents, and this endpoint answers: 204 when every point is written; 400 with a
LineProtocolError body (`{"code": "invalid", "line": N, "message": ...}`) when points are rejected (without
partial writes, a batch with a rejected point writes nothing); 401 with `{"code": "unauthorized", "message":
"unauthorized access"}` for a missing, unknown, revoked, expired or not yet active token, or one without write
permission on the database; 404 with `{"code": "not found", "message": "database \"NAME\" not found"}`. The
token goes as `Authorization: Token <token>` (TokenAuthentication) or `Bearer <token>` (BearerAuthentication:
"works with all endpoints"). `org`/`orgID` are "Ignored"; `bucket` names the database. Nothing is stored but a
count of accepted points per database.
"""

# No `from __future__ import annotations`: FastAPI must see the real Annotated[...] objects.

import re
import zlib
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import JSONResponse

from .auth import Verifier
from .catalog import Catalog, DatabaseTokenRecord, Scope
from .documented_models import DATABASE_NAME_PATTERN
from .line_protocol import check

PRECISIONS = ("ns", "us", "ms", "s")  # WritePrecision
MAX_DECOMPRESSED_BYTES = 10 * 1024 * 1024
MAX_REPORTED = 100  # "The response body contains error details about rejected points, up to 100 points."


def _error(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    headers = {"WWW-Authenticate": 'Token realm="influxdb"'} if status == 401 else None
    return JSONResponse(status_code=status, content={"code": code, "message": message, **extra}, headers=headers)


def _unauthorized() -> JSONResponse:
    return _error(401, "unauthorized", "unauthorized access")


def _presented(authorization: str | None) -> str | None:
    """The token of `Token <t>` (the word is case-sensitive) or `Bearer <t>`."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    token = token.strip()
    return token if scheme in ("Token", "Bearer") and token else None


def _body_text(raw: bytes, encoding: str | None) -> str | None:
    """The line protocol as text, gunzipped when sent so (`Content-Encoding: gzip`); None if unreadable."""
    try:
        if (encoding or "identity").strip().lower() == "gzip":
            decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
            raw = decompressor.decompress(raw, MAX_DECOMPRESSED_BYTES)
            if decompressor.unconsumed_tail or not decompressor.eof:
                return None
        return raw.decode("utf-8")
    except (zlib.error, UnicodeDecodeError):
        return None


def build_write_router(
    catalog: Catalog, verifier: Verifier[DatabaseTokenRecord], activation_delay_s: float
) -> APIRouter:
    router = APIRouter(tags=["Write data"])
    delay = timedelta(seconds=activation_delay_s)

    def writer(authorization: str | None, database: str) -> DatabaseTokenRecord | None:
        """The database token allowed to write to `database` now, or None (then the answer is 401)."""
        presented = _presented(authorization)
        token = None if presented is None else verifier.identify(presented)
        now = datetime.now(timezone.utc)
        if token is None or not token.is_active(now):
            return None
        # created_at is kept to the second: one second more keeps a token from working early.
        if delay and now < token.created_at + delay + timedelta(seconds=1):
            return None
        return token if token.may("write", database) else None

    @router.post(
        "/api/v2/write",
        operation_id="PostWrite",
        status_code=204,
        response_class=Response,
        summary="Write line protocol to a database (database token: Authorization: Token or Bearer)",
    )
    async def write(
        request: Request,
        bucket: Annotated[str | None, Query(description="The database name.")] = None,
        org: Annotated[str | None, Query(description="Ignored.")] = None,
        org_id: Annotated[str | None, Query(alias="orgID", description="Ignored.")] = None,
        precision: Annotated[str | None, Query(description="ns, us, ms or s.")] = None,
        authorization: Annotated[str | None, Header()] = None,
        content_encoding: Annotated[str | None, Header()] = None,
    ) -> Response:
        del org, org_id  # documented as ignored
        if not bucket:
            return _error(400, "invalid", "missing bucket: name the database with ?bucket=")
        token = writer(authorization, bucket)
        if token is None:
            return _unauthorized()
        database = catalog.find_database(Scope(token.account_id, token.cluster_id), bucket)
        if database is None:
            # The documented message names the database; only a valid name is echoed, never a pasted secret.
            named = f'database "{bucket}"' if re.fullmatch(DATABASE_NAME_PATTERN, bucket) else "database"
            return _error(404, "not found", f"{named} not found")
        if precision is not None and precision not in PRECISIONS:
            return _error(400, "invalid", "invalid precision: use ns, us, ms or s")
        text = _body_text(await request.body(), content_encoding)
        if text is None:
            return _error(400, "invalid", "the request body is not valid UTF-8 line protocol (or not valid gzip)")
        points, rejected = check(text)
        if rejected:
            details = "; ".join(f"line {r.line}: {r.reason}" for r in rejected[:MAX_REPORTED])
            message = f"failed to parse line protocol: errors encountered on line(s): {details}"
            return _error(400, "invalid", message, line=rejected[0].line)
        if points == 0:
            return _error(400, "invalid", "no points in the request body")
        catalog.count_points(database, points)
        return Response(status_code=204)

    return router
