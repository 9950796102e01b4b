"""Issue 30 (5): no credential reaches the user through a shortened text: scrub the whole text, then cut.

A text cut before it is scrubbed keeps the part of a credential before the cut, and that part no longer
matches the credential, so 27 of a 30-character credential once reached an error. Every place that
shortens text (influxctl's last stderr line, the line of `influxctl version`, the audit table's
description column) now removes every credential in play from the whole text first. Token-shaped
strings that are no known credential (a token of no ``M.V1.`` form, a hex or base64 secret, a JWT) are
masked too, while the UUIDs that name tokens, accounts and clusters, paths and words stay readable.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import httpx
import pytest
from pydantic import SecretStr

from pulumi_influxdb3_tokens.audit.pack_config import PackConfig
from pulumi_influxdb3_tokens.audit.report import audit_tokens, render_table
from pulumi_influxdb3_tokens.clients.http import HttpTokenClient
from pulumi_influxdb3_tokens.clients.influxctl import version as influxctl_version
from pulumi_influxdb3_tokens.clients.influxctl.process import Outcome, failure_error
from pulumi_influxdb3_tokens.core.errors import REDACTED, ManagementApiError, scrub
from pulumi_influxdb3_tokens.core.management_token.models import TokenRecord
from pulumi_influxdb3_tokens.settings import Connection
from support.standin import STANDIN_DIR

# 30 characters, not of the M.V1. form and not random-looking: influxctl profiles take any string, so
# only knowing the credential removes it.
CREDENTIAL = "Passw0rd-correct-horse-battery"
# A token no setting names (another credential, a token string a command printed): only its shape tells.
UNKNOWN_TOKEN = "tok_9fQ2xL7vR3kP8mZ1wB5nT6yH4c"
TOKEN_ID = str(uuid.UUID(int=0x3F2A9C1E5B7D4E6F8A0B1C2D3E4F5A6B))
assert len(CREDENTIAL) == len(UNKNOWN_TOKEN) == 30


def leaked(secret: str, text: str) -> list[str]:
    """Every 6-character piece of ``secret`` that shows in ``text``."""
    return [secret[i : i + 6] for i in range(len(secret) - 5) if secret[i : i + 6] in text]


def influxctl_connection() -> Connection:
    return Connection("", "acc", "clu", SecretStr(CREDENTIAL), transport="influxctl", influxctl_path="/bin/false")


@pytest.mark.parametrize("secret", [CREDENTIAL, UNKNOWN_TOKEN], ids=["the credential", "a token of no known form"])
def test_a_token_straddling_the_cut_of_influxctls_last_line_never_reaches_the_error(secret: str):
    # The last stderr line is shortened for the sentence; wherever the cut falls, nothing of the token shows.
    for start in range(150, 260, 3):
        line = "Error: rpc error: code = Unknown desc = " + "x" * (start - 41) + " " + secret + f" for token {TOKEN_ID}"
        message = str(
            failure_error(
                "list management tokens", Outcome(1, "", f"warn\tsomething\n{line}\n"), influxctl_connection()
            )
        )
        assert leaked(secret, message) == [], (start, message)
        assert message.startswith("Could not list management tokens with influxctl: it exited with status 1 (")


def test_the_token_id_in_influxctls_last_line_stays_readable():
    stderr = f"Error: rpc error: code = Unknown desc = token {TOKEN_ID} was refused with {UNKNOWN_TOKEN}\n"
    message = str(failure_error("revoke a token", Outcome(1, "", stderr), influxctl_connection()))
    assert f"token {TOKEN_ID} was refused with {REDACTED}" in message


def test_a_token_straddling_the_cut_of_the_version_line_never_reaches_the_notice(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    # Output of `influxctl version` that names no version is quoted, shortened, in a notice.
    monkeypatch.setenv("PATH", f"{STANDIN_DIR}:/usr/bin:/bin")
    for start in range(50, 100, 7):
        monkeypatch.setenv(
            "INFLUXCTL_STANDIN_VERSION", "a tool of some other kind " + "y" * (start - 27) + " " + UNKNOWN_TOKEN
        )
        influxctl_version._check_version(str(STANDIN_DIR / "influxctl"))
        notice = capsys.readouterr().err
        assert "which names no version; going on" in notice
        assert leaked(UNKNOWN_TOKEN, notice) == [], (start, notice)


def test_a_token_in_a_description_never_shows_clipped_in_the_audit_table():
    # The table clips descriptions to a column; a pasted token must not show in part.
    now = datetime(2027, 1, 1, tzinfo=timezone.utc)
    records = [
        TokenRecord(
            id=f"tok-{n}",
            account_id="acc",
            cluster_id="clu",
            description="writer " + "z" * n + " " + UNKNOWN_TOKEN,
            token_prefix="M.V1.abcdefg",
            created_at=now,
            expires_at=None,
        )
        for n in range(0, 24, 2)
    ]
    table = render_table(audit_tokens(records, PackConfig(), "acc", "clu", now=now))
    assert leaked(UNKNOWN_TOKEN, table) == [], table
    assert "writer" in table


def test_an_unknown_token_in_a_servers_error_answer_never_reaches_the_error():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            400, json={"code": 400, "message": f"token {TOKEN_ID}: {UNKNOWN_TOKEN} and {CREDENTIAL} are not valid"}
        )

    connection = Connection("http://mgmt.test", "a", "c", SecretStr(CREDENTIAL), request_timeout=1.0, retry_timeout=0.3)
    client = HttpTokenClient(connection, transport=httpx.MockTransport(handler))
    with pytest.raises(ManagementApiError) as raised:
        client.revoke(TOKEN_ID)
    message = str(raised.value)
    assert leaked(UNKNOWN_TOKEN, message) == [] and leaked(CREDENTIAL, message) == [], message
    assert f"token {TOKEN_ID}: {REDACTED} and {REDACTED} are not valid (HTTP 400)." in message


# --- the shapes the fallback masks, and what it leaves alone -------------------------------------------

TOKEN_SHAPES = [
    UNKNOWN_TOKEN,
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b",  # hex (40)
    "Zm9vYmFyYmF6cXV4+/c2VjcmV0IHRva2Vu/dGhhdA==",  # base64 with + and /
    "q8Jz3_VbXw-4kLmN0pR7sTuY2aE",  # base64url
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiIsImV4cCI6MTcwMDAwMDAwMH0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk",
]

READABLE = [
    TOKEN_ID,
    f"/api/v0/accounts/{uuid.uuid4()}/clusters/{uuid.uuid4()}/managementTokens/{uuid.uuid4()}",
    "/run/user/1000/pulumi-influxdb3-tokens/influxctl-ab12cd34-12345-987654321-q8w9e7r6/config.toml",
    "influxdb3:managementToken / INFLUXDB3_MANAGEMENT_TOKEN",
    "ConnectionRefusedError InfluxDB3TokensError x509certificateSignedByUnknownAuthority",
    "2025-12-09T10:11:12Z --timeout=48000ms 12345678901234567890",
    "urn:pulumi:dev::quickstart::influxdb3:index:ManagementToken::ci-writer",
    "https://console.influxdata.com/api/v0/accounts github.com/influxdata/influxctl/v2",
    "rpc error: code = Unauthenticated desc = token is expired",
]


@pytest.mark.parametrize("token", TOKEN_SHAPES)
def test_token_shaped_strings_of_any_form_are_masked(token: str):
    text = scrub(f"influxctl said: {token} is not valid (for {TOKEN_ID})")
    assert all(part not in text for part in token.split(".")), text
    assert text.endswith(f"is not valid (for {TOKEN_ID})")


def test_a_bearer_credential_of_any_form_is_masked():
    assert (
        scrub("sent 'Authorization: Bearer abc' and bearer q")
        == f"sent 'Authorization: {REDACTED}' and bearer {REDACTED}"
    )


@pytest.mark.parametrize("text", READABLE)
def test_ids_paths_and_words_stay_readable(text: str):
    assert scrub(text) == text
