"""Error responses: every failure is `{"code": N, "message": "..."}` (plus `tokenId` on a reused key).

Messages are fixed sentences; the only inputs they echo are field names (plain identifiers
only) and an Idempotency-Key, never a body value, a bearer token or the Authorization header.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

_LOCATIONS = {"body", "header", "query", "path", "cookie"}
_SAFE_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$")


class ApiError(StarletteHTTPException):
    """An HTTP error whose message is safe to show to the client."""

    def __init__(
        self,
        status_code: int,
        message: str,
        headers: Mapping[str, str] | None = None,
        token_id: str | None = None,
    ) -> None:
        super().__init__(status_code=status_code, detail=message, headers=dict(headers) if headers else None)
        self.token_id = token_id


def error_response(
    status_code: int, message: str, headers: Mapping[str, str] | None = None, token_id: str | None = None
) -> JSONResponse:
    """The error body; `tokenId` (only on 409/422 of a reused Idempotency-Key) lets a client act on it."""
    content: dict[str, Any] = {"code": status_code, "message": message}
    if token_id is not None:
        content["tokenId"] = token_id
    return JSONResponse(status_code=status_code, content=content, headers=headers)


def _field_name(loc: Sequence[Any]) -> str | None:
    """Dotted field name without the location part, or None if empty or not a plain name."""
    parts = [str(part) for part in loc]
    if parts and parts[0] in _LOCATIONS:
        parts = parts[1:]
    # A list index (partitionTemplate.1...) is a plain name too.
    if not parts or not all(_SAFE_FIELD.match(part) or (part.isdigit() and len(part) < 4) for part in parts):
        return None
    return ".".join(parts)


def validation_message(errors: Sequence[Mapping[str, Any]]) -> str:
    """One sentence describing the first validation error and naming its field."""
    if not errors:
        return "The request is invalid."
    error = errors[0]
    kind = error.get("type")
    field = _field_name(error.get("loc", ()))
    if kind == "model_type" or (kind == "missing" and field is None):
        return "The request body must be a JSON object."
    if kind == "json_invalid":
        return "The request body is not valid JSON."
    reason = str(error.get("msg", "is invalid")).removeprefix("Value error, ").rstrip(".")
    if field is None:
        if kind == "value_error":  # a rule over the whole body; its sentence is fixed by the server
            return f"Invalid request body: {reason}."
        return "The request has an invalid or unknown field."
    if kind == "extra_forbidden":
        return f"Unknown field '{field}' is not allowed."
    return f"Invalid value for field '{field}': {reason[:1].lower()}{reason[1:]}."


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _allowed_methods(request: Request) -> str:
    """Every method some route serves at this path; Starlette's 405 names only the first route's."""
    routes = request.app.router.routes
    return ", ".join(
        method
        for method in _METHODS
        if any(route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes)
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    message = str(exc.detail).strip() or "Request failed."
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = _allowed_methods(request)
    return error_response(exc.status_code, message, headers or None, getattr(exc, "token_id", None))


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return error_response(400, validation_message(exc.errors()))


async def _internal_error(_: Request, __: Exception) -> JSONResponse:
    return error_response(500, "Internal server error.")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _internal_error)
