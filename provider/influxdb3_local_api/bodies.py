"""JSON request bodies read by hand, after authentication, with their schema for the OpenAPI document.

FastAPI decodes a declared body before any dependency runs, so malformed JSON from a caller without
credentials would get 400 instead of 401; reading the body in a dependency that comes after the
authorizer keeps the order the Management API documents (who you are first, then what you sent).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from .errors import ApiError

Model = TypeVar("Model", bound=BaseModel)


def parse_json_body(raw: bytes, model: type[Model], empty: Model | None = None) -> Model:
    """`raw` as `model`; an empty body is `empty` when given, else refused. Errors are 400s."""
    if not raw.strip():
        if empty is not None:
            return empty
        raise ApiError(400, "The request body must be a JSON object.")
    try:
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ApiError(400, "The request body must be a JSON object.")
        return model.model_validate(data)
    except (ValueError, UnicodeDecodeError) as exc:
        if isinstance(exc, ValidationError):
            raise RequestValidationError([{**err, "loc": ("body", *err["loc"])} for err in exc.errors()]) from None
        raise ApiError(400, "The request body is not valid JSON.") from None
    except RecursionError:
        # json and pydantic recurse once per nesting level; a hostile body nests deeper than the stack.
        raise ApiError(400, "The request body nests too deeply.") from None


def json_body(model: type[Model]) -> Callable[[Request], Awaitable[Model]]:
    """A dependency reading a required JSON body as `model`."""

    async def read(request: Request) -> Model:
        return parse_json_body(await request.body(), model)

    return read


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(defs[ref.removeprefix("#/$defs/")], defs)
        return {key: _inline(value, defs) for key, value in node.items() if key != "$defs"}
    if isinstance(node, list):
        return [_inline(item, defs) for item in node]
    return node


def body_schema(model: type[BaseModel], required: bool = True) -> dict[str, Any]:
    """`openapi_extra` for a route that reads `model` by hand: its JSON schema, nested models inlined
    (a `$defs` reference would point nowhere inside the OpenAPI document)."""
    schema = model.model_json_schema(by_alias=True)
    inlined = _inline(schema, schema.get("$defs", {}))
    return {"requestBody": {"required": required, "content": {"application/json": {"schema": inlined}}}}
