"""Database tokens of InfluxData's documented Management API (tag "Database tokens" of both OpenAPI files).

Five operations: list, create (200; `accessToken` only in this answer: "Token strings are viewable only on
token creation and aren't stored by InfluxDB"), get, update (PATCH: description and/or the whole permission
list) and delete (204), which revokes: the token stays readable with `revokedAt`, as management tokens do.
The string is kept only as a salted scrypt hash (tokens.py, at the server's --token-hash-cost).
"""

# No `from __future__ import annotations`: FastAPI must see the real Annotated[...] objects.

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from .bodies import body_schema, json_body
from .catalog import Catalog, DatabaseTokenRecord, Scope
from .documented import api_prefix, errors, shown_ids
from .documented_models import (
    CreateDatabaseTokenRequest,
    CreatedDatabaseToken,
    DatabaseToken,
    UpdateDatabaseTokenRequest,
)
from .errors import ApiError
from .path_encoding import decoded
from .timefmt import utc_now

NOT_FOUND = "Database token not found."


def build_database_tokens_router(catalog: Catalog, product: str, scope: Callable[..., Scope]) -> APIRouter:
    router = APIRouter(prefix=api_prefix(product) + "/tokens", tags=["Database tokens"])
    Where = Annotated[Scope, Depends(scope)]

    def token_id(value: Annotated[str, Path(alias="tokenId", description="The database token's id (UUID).")]) -> str:
        return decoded(value)

    TokenId = Annotated[str, Depends(token_id)]

    def shown(where: Scope, record: DatabaseTokenRecord) -> DatabaseToken:
        return DatabaseToken.model_validate(
            {
                **shown_ids(product, where),
                "id": record.id,
                "description": record.description,
                "permissions": record.permissions,
                "created_at": record.created_at,
                "expires_at": record.expires_at,
                "revoked_at": record.revoked_at,
            }
        )

    @router.get(
        "",
        operation_id="GetDatabaseTokens",
        response_model=list[DatabaseToken],
        response_model_exclude_none=True,
        responses=errors(400, 404),
        summary="Get all database tokens for a cluster (revoked ones included, with revokedAt)",
    )
    def list_tokens(where: Where) -> list[DatabaseToken]:
        return [shown(where, record) for record in catalog.list_tokens(where)]

    @router.post(
        "",
        operation_id="CreateDatabaseToken",
        response_model=CreatedDatabaseToken,
        response_model_exclude_none=True,
        responses=errors(400, 404, 409, 413),
        openapi_extra=body_schema(CreateDatabaseTokenRequest),
        summary="Create a database token",
        description="`accessToken` is in this answer only. A new token may answer 401 on writes for the server's "
        "--database-token-activation-delay (InfluxData: 'from a few seconds to a few minutes').",
    )
    def create_token(
        where: Where,
        body: Annotated[CreateDatabaseTokenRequest, Depends(json_body(CreateDatabaseTokenRequest))],
        response: Response,
    ) -> CreatedDatabaseToken:
        response.headers["Cache-Control"] = "no-store"  # RFC 9111 section 5.2.2.5: it carries a secret
        record, access_token = catalog.create_token(
            where,
            description=body.description,
            permissions=[permission.model_dump() for permission in body.permissions],
            expires_at=body.expires_at,
            now=utc_now(),
        )
        return CreatedDatabaseToken.model_validate({**dict(shown(where, record)), "access_token": access_token})

    @router.get(
        "/{tokenId}",
        operation_id="GetDatabaseToken",
        response_model=DatabaseToken,
        response_model_exclude_none=True,
        responses=errors(400, 404),
        summary="Get a database token",
    )
    def get_token(where: Where, token: TokenId) -> DatabaseToken:
        record = catalog.get_token(where, token)
        if record is None:
            raise ApiError(404, NOT_FOUND)
        return shown(where, record)

    @router.patch(
        "/{tokenId}",
        operation_id="UpdateDatabaseToken",
        response_model=DatabaseToken,
        response_model_exclude_none=True,
        responses=errors(400, 404, 409, 413),
        openapi_extra=body_schema(UpdateDatabaseTokenRequest),
        summary="Update a database token",
        description="Replaces the description and/or the whole permission list. expiresAt cannot be updated "
        "(400). A revoked token cannot be updated (409).",
    )
    def update_token(
        where: Where,
        token: TokenId,
        body: Annotated[UpdateDatabaseTokenRequest, Depends(json_body(UpdateDatabaseTokenRequest))],
    ) -> DatabaseToken:
        existing = catalog.get_token(where, token)
        if existing is None:
            raise ApiError(404, NOT_FOUND)
        if existing.revoked_at is not None:
            raise ApiError(409, "The database token has been revoked and cannot be updated.")
        permissions = None if body.permissions is None else [p.model_dump() for p in body.permissions]
        record = catalog.update_token(where, token, body.description, permissions)
        assert record is not None
        return shown(where, record)

    @router.delete(
        "/{tokenId}",
        operation_id="DeleteDatabaseToken",
        status_code=204,
        response_class=Response,
        responses=errors(400, 404),
        summary="Delete (revoke) a database token",
        description="Revocation is immediate; the token stays readable, with revokedAt set. Idempotent.",
    )
    def delete_token(where: Where, token: TokenId) -> Response:
        if catalog.revoke_token(where, token, utc_now()) is None:
            raise ApiError(404, NOT_FOUND)
        return Response(status_code=204)

    return router
