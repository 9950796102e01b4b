"""The management token routes under `/api/v0`."""

# No `from __future__ import annotations`: FastAPI must see the real Annotated[...] objects,
# because the Depends() targets are closures it could not resolve from strings.

from collections.abc import Callable
from contextlib import nullcontext
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Request, Response

from .auth import Caller
from .bodies import parse_json_body
from .errors import ApiError
from .idempotency import IDEMPOTENCY_KEY_PATTERN, ReplayCache, request_hash, valid_key
from .keyed_lock import KeyedLock
from .models import CreatedManagementToken, CreateManagementTokenRequest, ErrorBody, ManagementToken
from .store import IdempotencyKey, Store
from .timefmt import utc_now

TOKENS_PATH = "/accounts/{accountId}/clusters/{clusterId}/managementTokens"

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text}
    for code, text in {
        401: "Missing, unknown, revoked or expired management token.",
        403: "The token belongs to another account or cluster.",
        404: "Unknown account, cluster or token.",
        429: "Rate limited, or too many failed authentication attempts (see Retry-After).",
        503: "Temporarily unavailable.",
    }.items()
}
_CREATE_ERRORS: dict[int | str, dict[str, Any]] = {
    **_ERRORS,
    400: {
        "model": ErrorBody,
        "description": "Invalid request body, including a well-formed expiresAt that is not in the future.",
    },
    413: {"model": ErrorBody, "description": "Request body larger than 64 KiB."},
    409: {
        "model": ErrorBody,
        "description": "Idempotency-Key already used, and the access token cannot be shown again, or the token it "
        "made has since been revoked or has expired (a replay never answers with a dead token).",
    },
    422: {"model": ErrorBody, "description": "Idempotency-Key reused with a different request body."},
}
_CREATE_BODY_SCHEMA = {
    "requestBody": {
        "required": False,
        "content": {"application/json": {"schema": CreateManagementTokenRequest.model_json_schema(by_alias=True)}},
    }
}


async def read_create_body(request: Request) -> CreateManagementTokenRequest:
    """Parse the create body by hand so authentication (a prior dependency) runs first; empty means `{}`."""
    return parse_json_body(await request.body(), CreateManagementTokenRequest, CreateManagementTokenRequest())


def build_router(store: Store, replays: ReplayCache, authorize: Callable[..., Caller]) -> APIRouter:
    """OUR extension, not InfluxData's: management tokens over HTTP (influxctl manages them otherwise)."""
    router = APIRouter(prefix="/api/v0", tags=["managementTokens"])
    # Makes "look up the key, then create, record and cache" atomic per Idempotency-Key only:
    # creates without a key, or with different keys, hash their tokens concurrently.
    key_locks = KeyedLock()

    @router.post(
        TOKENS_PATH,
        status_code=201,
        response_model=CreatedManagementToken,
        responses=_CREATE_ERRORS,
        openapi_extra=_CREATE_BODY_SCHEMA,
        summary="Create a management token",
    )
    def create_management_token(
        caller: Annotated[Caller, Depends(authorize)],
        body: Annotated[CreateManagementTokenRequest, Depends(read_create_body)],
        response: Response,
        idempotency_key: Annotated[
            str | None,
            Header(
                alias="Idempotency-Key",
                description="Makes retries safe: the same key and body within this token's scope answer with the "
                "first create's token instead of minting another.",
                json_schema_extra={"pattern": IDEMPOTENCY_KEY_PATTERN},
            ),
        ] = None,
    ) -> CreatedManagementToken:
        """Create a token; `accessToken` is returned only by this call."""
        response.headers["Cache-Control"] = "no-store"  # RFC 9111 section 5.2.2.5: it carries a secret
        if idempotency_key is not None and not valid_key(idempotency_key):
            raise ApiError(400, "Idempotency-Key must be 1 to 255 printable ASCII characters.")
        key = (
            None
            if idempotency_key is None
            else IdempotencyKey(caller.account_id, caller.cluster_id, caller.token.id, idempotency_key)
        )
        body_hash = request_hash(body.description, body.expires_at)
        with key_locks.hold(key) if key is not None else nullcontext():
            if key is not None and (entry := store.find_idempotency_key(key)) is not None:
                if entry.request_hash != body_hash:
                    raise ApiError(
                        422,
                        f"Idempotency-Key {key.key} was already used with a different request body.",
                        token_id=entry.token_id,
                    )
                made = store.get_token(caller.account_id, caller.cluster_id, entry.token_id)
                if made is None or not made.is_active(utc_now()):
                    # The cached answer would hand back a dead token as if it were fresh.
                    raise ApiError(
                        409,
                        f"Idempotency-Key {key.key} was already used for token {entry.token_id}, which has since "
                        "been revoked or has expired; send a new key to create a new token.",
                        token_id=entry.token_id,
                    )
                replay = replays.get(key)
                if replay is None:
                    raise ApiError(
                        409,
                        f"Idempotency-Key {key.key} was already used for token {entry.token_id}; "
                        "its access token cannot be shown again.",
                        token_id=entry.token_id,
                    )
                response.headers["Idempotency-Replayed"] = "true"
                return replay
            record, access_token = store.create_token(
                account_id=caller.account_id,
                cluster_id=caller.cluster_id,
                description=body.description,
                expires_at=body.expires_at,
                created_by=caller.token.id,
                now=utc_now(),
                idempotency=None if key is None else (key, body_hash),
            )
            created = CreatedManagementToken.from_created(record, access_token)
            if key is not None:
                replays.put(key, created)
        return created

    @router.get(
        TOKENS_PATH,
        response_model=list[ManagementToken],
        responses=_ERRORS,
        summary="List management tokens (revoked ones included)",
    )
    def list_management_tokens(caller: Annotated[Caller, Depends(authorize)]) -> list[ManagementToken]:
        return [ManagementToken.from_record(r) for r in store.list_tokens(caller.account_id, caller.cluster_id)]

    @router.get(
        TOKENS_PATH + "/{tokenId}",
        response_model=ManagementToken,
        responses=_ERRORS,
        summary="Get a management token",
        description="A revoked token stays readable, with `revokedAt` set, as `influxctl management list` shows "
        "revoked tokens: revocation is not deletion, so a GET after the DELETE answers 200, not 404.",
    )
    def get_management_token(
        caller: Annotated[Caller, Depends(authorize)], token_id: Annotated[str, Path(alias="tokenId")]
    ) -> ManagementToken:
        record = store.get_token(caller.account_id, caller.cluster_id, token_id)
        if record is None:
            raise ApiError(404, "Management token not found.")
        return ManagementToken.from_record(record)

    @router.delete(
        TOKENS_PATH + "/{tokenId}",
        status_code=204,
        response_class=Response,
        responses=_ERRORS,
        summary="Revoke a management token (idempotent)",
        description="Sets `revokedAt`; the token stays in listings and readable by id (see GET).",
    )
    def revoke_management_token(
        caller: Annotated[Caller, Depends(authorize)], token_id: Annotated[str, Path(alias="tokenId")]
    ) -> Response:
        if store.revoke_token(caller.account_id, caller.cluster_id, token_id, utc_now()) is None:
            raise ApiError(404, "Management token not found.")
        return Response(status_code=204)

    return router
