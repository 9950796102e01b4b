"""A stand-in for HashiCorp Vault's transit secrets engine on 127.0.0.1, the keeper of the test stacks' data key.

Why: the passphrase secrets provider derives its key with PBKDF2, 1,000,000 rounds of SHA-256 (pulumi
sdk/v3 go/common/resource/config/crypt.go), in every pulumi command that reads or writes a secret: most
of a command's own CPU. With ``--secrets-provider hashivault://<key>`` Pulumi's cloud secrets manager
(pkg/v3 secrets/cloud/manager.go) makes a random 256-bit data key at ``stack init``, has the keeper wrap
it once, keeps it wrapped in ``Pulumi.<stack>.yaml`` (``encryptedkey``) and has it unwrapped once per
later command. Secret values are AES-256-GCM encrypted by Pulumi with that data key, as with a
passphrase, so the state holds ciphertext either way and the scans for plaintext mean the same.

What it answers is what gocloud.dev/secrets/hashivault v0.46 (vault.go) asks through Vault's Go client
(``Logical().Write``: a PUT with the ``X-Vault-Token`` header), as Vault's transit API documents it:
- ``/v1/transit/encrypt/<key>`` ``{"plaintext": <base64>}`` -> ``{"data": {"ciphertext": "vault:v1:..."}}``;
- ``/v1/transit/decrypt/<key>`` ``{"ciphertext": "vault:v1:..."}`` -> ``{"data": {"plaintext": <base64>}}``.
A wrong token gets 403, anything else 404 or 400. The wrap is a keyed HMAC-SHA256 stream with a random
nonce and a tag, under a key only this process holds: good for a stand-in, not meant as a cipher.

One server per test process, started on first use; stacks made in one process are used in that process.
"""

from __future__ import annotations

import base64
import hmac
import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Optional

KEY_NAME = "influxdb3-tokens-tests"
SECRETS_PROVIDER = f"hashivault://{KEY_NAME}"
_PREFIX = "vault:v1:"


class _Wrap:
    """Authenticated, reversible wrapping of short byte strings under a process-local key."""

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)

    def _stream(self, nonce: bytes, length: int) -> bytes:
        blocks = (length + 31) // 32
        stream = b"".join(hmac.digest(self._key, b"s" + nonce + i.to_bytes(4, "big"), "sha256") for i in range(blocks))
        return stream[:length]

    def seal(self, plaintext: bytes) -> str:
        nonce = secrets.token_bytes(16)
        body = bytes(a ^ b for a, b in zip(plaintext, self._stream(nonce, len(plaintext)), strict=True))
        tag = hmac.digest(self._key, b"t" + nonce + body, "sha256")
        return _PREFIX + base64.b64encode(nonce + body + tag).decode()

    def open(self, ciphertext: str) -> Optional[bytes]:
        if not ciphertext.startswith(_PREFIX):
            return None
        try:
            raw = base64.b64decode(ciphertext[len(_PREFIX) :], validate=True)
        except ValueError:
            return None
        nonce, body, tag = raw[:16], raw[16:-32], raw[-32:]
        if len(raw) < 48 or not hmac.compare_digest(tag, hmac.digest(self._key, b"t" + nonce + body, "sha256")):
            return None
        return bytes(a ^ b for a, b in zip(body, self._stream(nonce, len(body)), strict=True))


class _Transit(BaseHTTPRequestHandler):
    server: _VaultServer

    def log_message(self, format: str, *args: Any) -> None:  # keep the test output clean
        return

    def do_PUT(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def _answer(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if not hmac.compare_digest(self.headers.get("X-Vault-Token", ""), self.server.token):
            return self._send(403, {"errors": ["permission denied"]})
        try:
            request = json.loads(body or b"{}")
        except ValueError:
            return self._send(400, {"errors": ["the body is not JSON"]})
        wrap = self.server.wrap
        if self.path == f"/v1/transit/encrypt/{KEY_NAME}" and isinstance(request.get("plaintext"), str):
            try:
                plaintext = base64.b64decode(request["plaintext"], validate=True)
            except ValueError:
                return self._send(400, {"errors": ["plaintext is not base64"]})
            return self._send(200, {"data": {"ciphertext": wrap.seal(plaintext)}})
        if self.path == f"/v1/transit/decrypt/{KEY_NAME}" and isinstance(request.get("ciphertext"), str):
            opened = wrap.open(request["ciphertext"])
            if opened is None:
                return self._send(400, {"errors": ["invalid ciphertext"]})
            return self._send(200, {"data": {"plaintext": base64.b64encode(opened).decode()}})
        return self._send(404, {"errors": [f"no handler for {self.path}"]})

    def _send(self, status: int, document: dict[str, Any]) -> None:
        payload = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class _VaultServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Transit)
        self.token = secrets.token_urlsafe(24)
        self.wrap = _Wrap()


_SERVER: Optional[_VaultServer] = None
_LOCK = threading.Lock()


def vault_env() -> dict[str, str]:
    """VAULT_ADDR and VAULT_TOKEN of this process's stand-in, started on the first call."""
    global _SERVER
    with _LOCK:
        if _SERVER is None:
            _SERVER = _VaultServer()
            threading.Thread(target=_SERVER.serve_forever, name="vault-stand-in", daemon=True).start()
        host, port = _SERVER.server_address[:2]
        return {"VAULT_ADDR": f"http://{host!s}:{port}", "VAULT_TOKEN": _SERVER.token}
