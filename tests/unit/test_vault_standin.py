"""The Vault transit stand-in that keeps the test stacks' data key (support/vault.py) answers as Vault's
transit API documents (encrypt: ``{"plaintext": base64}`` -> ``data.ciphertext``; decrypt: back), refuses a
wrong ``X-Vault-Token`` with 403 and a changed ciphertext with 400: Pulumi must never get back a wrong key."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from support.vault import KEY_NAME, vault_env


def call(operation: str, body: dict[str, Any], token: str | None = None) -> tuple[int, dict[str, Any]]:
    env = vault_env()
    request = urllib.request.Request(
        f"{env['VAULT_ADDR']}/v1/transit/{operation}/{KEY_NAME}",
        data=json.dumps(body).encode(),
        headers={"X-Vault-Token": token if token is not None else env["VAULT_TOKEN"]},
        method="PUT",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_data_key_is_wrapped_and_unwrapped_and_the_wrap_hides_it():
    key = bytes(range(32))
    status, wrapped = call("encrypt", {"plaintext": base64.b64encode(key).decode()})
    ciphertext = wrapped["data"]["ciphertext"]
    assert status == 200 and ciphertext.startswith("vault:v1:") and base64.b64encode(key).decode() not in ciphertext
    status, unwrapped = call("decrypt", {"ciphertext": ciphertext})
    assert status == 200 and base64.b64decode(unwrapped["data"]["plaintext"]) == key


def test_a_changed_ciphertext_is_refused():
    _, wrapped = call("encrypt", {"plaintext": base64.b64encode(b"k" * 32).decode()})
    raw = bytearray(base64.b64decode(wrapped["data"]["ciphertext"].removeprefix("vault:v1:")))
    raw[20] ^= 1
    status, _ = call("decrypt", {"ciphertext": "vault:v1:" + base64.b64encode(bytes(raw)).decode()})
    assert status == 400


@pytest.mark.parametrize("token", ["", "not-the-token"])
def test_a_wrong_token_is_refused(token: str):
    status, answer = call("encrypt", {"plaintext": base64.b64encode(b"k").decode()}, token=token)
    assert status == 403 and "data" not in answer
