"""What an answer of the Management API means: its status as one sentence naming the setting to check,
its body as the model it must be, or a sentence saying how it is not."""

from __future__ import annotations

from typing import Any, Mapping, TypeVar

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError

from ...core.errors import ManagementApiError, scrub
from ...core.management_token.models import TokenRecord
from ...settings import Connection
from .wire import ApiError

_M = TypeVar("_M", bound=BaseModel)


def _secrets(connection: Connection) -> tuple[str, ...]:
    return (connection.management_token.get_secret_value(),)


def raise_for_status(response: httpx.Response, action: str, connection: Connection) -> None:
    """Nothing for a success; else one sentence: ``Could not <action>: <what to check> (HTTP <status>).``"""
    status = response.status_code
    if status < 400:
        return
    detail = _server_message(response)
    if status == 401:
        hint = (
            "the management token was rejected (missing, unknown, revoked or expired); "
            "check influxdb3:managementToken or INFLUXDB3_MANAGEMENT_TOKEN"
        )
    elif status == 403:
        hint = (
            f"the management token may not act on account {connection.account_id} / cluster "
            f"{connection.cluster_id}; check influxdb3:accountId and influxdb3:clusterId"
        )
    elif status == 404:
        hint = "the account or cluster does not exist; check influxdb3:accountId and influxdb3:clusterId"
    elif status in (400, 409, 422):
        hint = f"the server refused the request: {detail}" if detail else "the server refused the request"
    else:
        hint = f"the server failed: {detail}" if detail else "the server failed"
    raise ManagementApiError(
        f"Could not {action}: {hint} (HTTP {status}).",
        status=status,
        secrets=_secrets(connection),
    ) from None


def _server_message(response: httpx.Response) -> str:
    try:
        return ApiError.model_validate_json(response.content).message.rstrip(".")
    except (ValidationError, ValueError):
        content_type = _content_type(response)
        if content_type != "application/json":
            return f"it answered with '{content_type or 'no content type'}' instead of JSON"
        return "its answer is not valid JSON"


def _check_json(response: httpx.Response, connection: Connection) -> None:
    content_type = _content_type(response)
    if content_type != "application/json":
        raise ManagementApiError(
            f"{response.request.method} {response.request.url} answered HTTP {response.status_code} with "
            f"'{content_type or 'no content type'}' instead of JSON; check influxdb3:apiUrl points at the "
            f"Management API.",
            status=response.status_code,
            secrets=_secrets(connection),
        )


def parse(response: httpx.Response, model: type[_M], connection: Connection, what: str = "management token") -> _M:
    """The body as ``model``, or one sentence saying it is no valid ``what`` response."""
    _check_json(response, connection)
    try:
        return model.model_validate_json(response.content)
    except ValidationError as err:
        raise _bad_body(response, err, connection, what) from None


def parse_list(response: httpx.Response, connection: Connection) -> list[TokenRecord]:
    return parse_items(response, TokenRecord, connection)


def parse_items(
    response: httpx.Response, item: type[_M], connection: Connection, what: str = "management token"
) -> list[_M]:
    """The body as a list of ``item``, or one sentence saying it is no valid ``what`` response."""
    _check_json(response, connection)
    try:
        return TypeAdapter(list[item]).validate_json(response.content)  # type: ignore[valid-type]
    except ValidationError as err:
        raise _bad_body(response, err, connection, what) from None


def _bad_body(response: httpx.Response, err: ValidationError, connection: Connection, what: str) -> ManagementApiError:
    first: Mapping[str, Any] = err.errors()[0] if err.errors() else {}
    where = ".".join(str(p) for p in first.get("loc", ())) or "body"
    return ManagementApiError(
        f"{response.request.method} {response.request.url} answered HTTP {response.status_code} with a body "
        f"that is not a valid {what} response ({where}: {scrub(str(first.get('msg', 'invalid')))}).",
        status=response.status_code,
        secrets=_secrets(connection),
    )


def _content_type(response: httpx.Response) -> str:
    return str(response.headers.get("content-type", "")).split(";")[0].strip().lower()
