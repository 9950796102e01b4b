"""400 responses for bad create bodies, and the shape of every error."""

from __future__ import annotations

import httpx
import pytest

from support.local_api import LocalApi


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"expiresAt": "2001-01-01T00:00:00Z"}, "'expiresAt': must be in the future"),
        ({"expiresAt": "2099-01-01T00:00:00"}, "'expiresAt': must include a time zone"),
        ({"expiresAt": "2099-01-01"}, "'expiresAt': must include a time zone"),
        ({"expiresAt": "next tuesday"}, "'expiresAt': must be an RFC3339 timestamp"),
        ({"expiresAt": 4102444800}, "'expiresAt': must be an RFC3339 timestamp"),
        ({"description": "x" * 1025}, "'description'"),
        ({"description": 42}, "'description'"),
        ({"foo": 1}, "Unknown field 'foo'"),
        ({"expires_at": "2099-01-01T00:00:00Z"}, "Unknown field 'expires_at'"),
    ],
    ids=[
        "past",
        "zone-less",
        "date-only",
        "unparsable",
        "number",
        "description-1025",
        "description-not-string",
        "unknown-field",
        "snake-case-field",
    ],
)
def test_invalid_body_is_400_naming_the_field(
    server: LocalApi, admin: httpx.Client, body: dict[str, object], fragment: str
) -> None:
    response = admin.post(server.tokens_path, json=body)
    assert response.status_code == 400
    error = response.json()
    assert set(error) == {"code", "message"} and error["code"] == 400
    assert fragment in error["message"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "The request body is not valid JSON."),
        (b"\xff\xfe", "The request body is not valid JSON."),
        (b"[]", "The request body must be a JSON object."),
        (b'"text"', "The request body must be a JSON object."),
    ],
    ids=["malformed", "not-utf8", "array", "string"],
)
def test_non_object_body_is_400(server: LocalApi, admin: httpx.Client, content: bytes, message: str) -> None:
    response = admin.post(server.tokens_path, content=content, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json() == {"code": 400, "message": message}


def test_description_of_1024_characters_is_accepted(server: LocalApi, admin: httpx.Client) -> None:
    response = admin.post(server.tokens_path, json={"description": "d" * 1024})
    assert response.status_code == 201
    assert response.json()["description"] == "d" * 1024


def test_bad_requests_write_nothing(server: LocalApi, admin: httpx.Client) -> None:
    before = len(admin.get(server.tokens_path).json())
    admin.post(server.tokens_path, json={"expiresAt": "2001-01-01T00:00:00Z"})
    admin.post(server.tokens_path, content=b"{")
    assert len(admin.get(server.tokens_path).json()) == before


def test_unknown_route_and_method_use_the_error_shape(server: LocalApi, admin: httpx.Client) -> None:
    missing = admin.get("/api/v0/nothing-here")
    assert missing.status_code == 404 and missing.json()["code"] == 404
    not_allowed = admin.put(server.tokens_path)
    assert not_allowed.status_code == 405 and not_allowed.json()["code"] == 405
