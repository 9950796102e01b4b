"""What the routes of InfluxData's documented Management API share: where they live per product, who
the caller is, the documented error answers, and path parameters decoded.

Cloud Dedicated serves them under `/api/v0/accounts/{accountId}/clusters/{clusterId}`, InfluxDB Clustered
under `/api/v0` alone (the `paths` of the two OpenAPI files), where the caller's management token names
the cluster.
"""

# No `from __future__ import annotations`: FastAPI must see the real Annotated[...] objects.

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Path

from .auth import Caller
from .catalog import Scope
from .models import ErrorBody
from .path_encoding import decoded

DEDICATED = "dedicated"
CLUSTERED = "clustered"
PRODUCTS = (DEDICATED, CLUSTERED)

_TEXT = {
    400: "Bad Request: invalid input (the message names the field).",
    401: "Unauthorized: missing, unknown, revoked or expired management token (a database token is not one).",
    403: "Forbidden: the management token belongs to another account or cluster.",
    404: "Not Found.",
    409: "Conflict: the name is taken.",
    413: "Request body larger than 64 KiB.",
    429: "Rate limited, or too many failed authentication attempts (see Retry-After).",
    503: "Temporarily unavailable.",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The `responses` of a documented operation: `{code, message}` bodies, plus the server-wide 429/503."""
    return {code: {"model": ErrorBody, "description": _TEXT[code]} for code in (*codes, 401, 403, 429, 503)}


def api_prefix(product: str) -> str:
    return "/api/v0/accounts/{accountId}/clusters/{clusterId}" if product == DEDICATED else "/api/v0"


def scope_of(authorize: Callable[..., Caller]) -> Callable[..., Scope]:
    """The dependency naming the cluster an operation acts on, after authorization."""

    def scope(caller: Annotated[Caller, Depends(authorize)]) -> Scope:
        return Scope(caller.account_id, caller.cluster_id)

    return scope


def shown_ids(product: str, scope: Scope) -> dict[str, str]:
    """`accountId` and `clusterId` of an answer: Cloud Dedicated's answers carry them, Clustered's do not."""
    return {"account_id": scope.account_id, "cluster_id": scope.cluster_id} if product == DEDICATED else {}


def database_name(
    name: Annotated[str, Path(alias="databaseName", description="The database name, percent-encoded.")],
) -> str:
    return decoded(name)


def table_name(name: Annotated[str, Path(alias="tableName", description="The table name, percent-encoded.")]) -> str:
    return decoded(name)


DatabaseNameParam = Annotated[str, Depends(database_name)]
TableNameParam = Annotated[str, Depends(table_name)]
