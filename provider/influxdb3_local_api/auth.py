"""Bearer authentication and account/cluster authorization for `/api/v0` routes.

A presented string is matched against the stored scrypt hashes once; after that a keyed-hash
cache (verified.py) names its token, whose revocation and expiry are still read from the
database on every request. A string that failed is remembered too, and failed checks draw on a
budget (scrypt_budget.py): past it, unverified strings get 429, so guesses cannot buy unbounded CPU.

Order of checks: 401 (no valid token) first; then, for the account and then the cluster,
404 when it does not exist and 403 when it exists but is not the token's. Messages never
echo path values, so a token pasted into a URL is not reflected back.
"""

# No `from __future__ import annotations`: FastAPI must see the real Annotated[...] objects,
# because the Depends() targets are closures it could not resolve from strings.

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Generic, Protocol, TypeVar

from fastapi import Depends, Path
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from .errors import ApiError
from .scrypt_budget import ScryptBudget
from .store import Store, TokenRecord
from .timefmt import utc_now
from .verified import RejectedStrings, VerifiedTokens

bearer_scheme = HTTPBearer(auto_error=False, description="A management token: `Authorization: Bearer <token>`.")

_CHALLENGE = {"WWW-Authenticate": "Bearer"}


@dataclass(frozen=True)
class Caller:
    """The authenticated token, already checked against the account and cluster in the path."""

    token: TokenRecord

    @property
    def account_id(self) -> str:
        return self.token.account_id

    @property
    def cluster_id(self) -> str:
        return self.token.cluster_id


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, message, _CHALLENGE)


class _Identified(Protocol):
    @property
    def id(self) -> str: ...


Found = TypeVar("Found", bound=_Identified)
Found_co = TypeVar("Found_co", bound=_Identified, covariant=True)


class TokenSource(Protocol[Found_co]):
    """Where stored tokens of one kind are looked up: the Store (management tokens) or the Catalog
    (database tokens)."""

    def get_token_by_id(self, token_id: str) -> Found_co | None: ...
    def prefix_in_use(self, access_token: str) -> bool: ...
    def find_by_secret(self, access_token: str) -> Found_co | None: ...


@dataclass
class Verifier(Generic[Found]):
    """Names the stored token a presented string belongs to, paying scrypt as rarely as it can."""

    store: TokenSource[Found]
    verified: VerifiedTokens = field(default_factory=VerifiedTokens)
    rejected: RejectedStrings = field(default_factory=RejectedStrings)
    budget: ScryptBudget = field(default_factory=ScryptBudget)

    def identify(self, presented: str) -> Found | None:
        """The stored token `presented` belongs to, as it is in the database right now.

        Raises a 429 when the scrypt check is needed but the failure budget is spent.
        """
        token_id = self.verified.get(presented)
        if token_id is not None:
            token = self.store.get_token_by_id(token_id)
            if token is not None:
                return token
        if presented in self.rejected or not self.store.prefix_in_use(presented):
            return None
        wait = self.budget.take()
        if wait is not None:
            raise ApiError(429, "Too many failed authentication attempts; retry later.", {"Retry-After": str(wait)})
        token = self.store.find_by_secret(presented)  # the scrypt check
        if token is None:
            self.rejected.add(presented)
        else:
            self.budget.give_back()
            self.verified.put(presented, token.id)
        return token


def make_authenticator(store: Store, verifier: Verifier[TokenRecord] | None = None) -> Callable[..., TokenRecord]:
    """The dependency naming the live management token of the request's bearer credentials (else 401)."""
    identify = (verifier or Verifier(store)).identify

    def authenticate(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    ) -> TokenRecord:
        if credentials is None or not credentials.credentials.strip():
            raise _unauthorized("Missing or malformed Authorization header; expected 'Bearer <management token>'.")
        token = identify(credentials.credentials.strip())
        if token is None:
            raise _unauthorized("The bearer token is not a valid management token.")
        if token.revoked_at is not None:
            raise _unauthorized("The bearer token has been revoked.")
        if not token.is_active(utc_now()):
            raise _unauthorized("The bearer token has expired.")
        return token

    return authenticate


def make_token_cluster_authorizer(authenticate: Callable[..., TokenRecord]) -> Callable[..., Caller]:
    """For paths without account and cluster (InfluxDB Clustered): the caller acts on its token's own cluster."""

    def authorize_own_cluster(token: Annotated[TokenRecord, Depends(authenticate)]) -> Caller:
        return Caller(token)

    return authorize_own_cluster


def make_authorizer(
    store: Store, verifier: Verifier[TokenRecord] | None = None, authenticate: Callable[..., TokenRecord] | None = None
) -> Callable[..., Caller]:
    """Build the dependency that every route under `/accounts/{accountId}/clusters/{clusterId}` uses."""
    authenticated = authenticate or make_authenticator(store, verifier)

    def authorize(
        account_id: Annotated[str, Path(alias="accountId")],
        cluster_id: Annotated[str, Path(alias="clusterId")],
        token: Annotated[TokenRecord, Depends(authenticated)],
    ) -> Caller:
        if not store.account_exists(account_id):
            raise ApiError(404, "Account not found.")
        if account_id != token.account_id:
            raise ApiError(403, "The management token does not belong to this account.")
        if store.cluster_account(cluster_id) != account_id:
            raise ApiError(404, "Cluster not found in this account.")
        if cluster_id != token.cluster_id:
            raise ApiError(403, "The management token does not belong to this cluster.")
        return Caller(token)

    return authorize
