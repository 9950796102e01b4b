"""Management token strings: generation, prefix and salted hashing.

Plaintext tokens never reach storage; only `token_prefix()` and `hash_token()` output do.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_SCHEME = "M.V1."
PREFIX_LENGTH = 12
SALT_BYTES = 16

# Generated tokens carry 256 bits of entropy, so a moderate scrypt cost (~tens of ms)
# is enough to make a leaked database useless without slowing every request down. The cost
# (scrypt's N) is stored with each hash, so a server started with another --token-hash-cost
# still verifies what it stored before.
DEFAULT_HASH_COST = 2**14
MAX_HASH_COST = 2**14  # 128 * r * N bytes: the most hashlib.scrypt allows by default (maxmem 32 MiB)
_SCRYPT_R = 8
_SCRYPT_P = 1
_HASH_BYTES = 32


def new_access_token() -> str:
    """A fresh random access token: `M.V1.` followed by 43 URL-safe characters."""
    return TOKEN_SCHEME + secrets.token_urlsafe(32)


def token_prefix(token: str) -> str:
    """The non-secret prefix used to find candidate rows (first 12 characters)."""
    return token[:PREFIX_LENGTH]


def new_salt() -> bytes:
    return secrets.token_bytes(SALT_BYTES)


def hash_token(token: str, salt: bytes, cost: int) -> bytes:
    return hashlib.scrypt(token.encode("utf-8"), salt=salt, n=cost, r=_SCRYPT_R, p=_SCRYPT_P, dklen=_HASH_BYTES)


def token_matches(token: str, salt: bytes, expected_hash: bytes, cost: int) -> bool:
    """Constant-time comparison of a presented token against a hash stored at that cost."""
    return hmac.compare_digest(hash_token(token, salt, cost), expected_hash)


# Database tokens look like the examples of InfluxData's OpenAPI files (DatabaseTokenAccessToken:
# `apiv1_` and 64 characters, "minLength: 64"), so they never share a prefix with a management token
# (`M.V1.`): a database token presented to the Management API matches no management token's prefix.
DATABASE_TOKEN_SCHEME = "apiv1_"


def new_database_token() -> str:
    """A fresh random database token: `apiv1_` followed by 64 hex digits (256 bits)."""
    return DATABASE_TOKEN_SCHEME + secrets.token_hex(32)
