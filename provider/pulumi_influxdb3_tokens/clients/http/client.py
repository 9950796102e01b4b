"""The REST transport's client: management tokens over ``/api/v0``, and the recovery of lost answers.

Requests are retried within a bounded total time (``retry``). A retried POST is safe because every create carries an
``Idempotency-Key``; GET and DELETE are idempotent.

A create whose answer is lost is handled by outcome: a garbled 2xx answer is asked for again with
the same key (the server replays it); a 409 naming the token our key already made (the server
restarted and cannot replay) raises ``LostAnswerError``; and a create that fails with its outcome
unknown says the server may hold a token nobody knows of. An answer the server marks as a replay
(``Idempotency-Replayed: true``) is only taken once the token it names is read back live: a replayed
token since revoked or expired is never a fresh success. ``mint`` wraps ``create`` in the recovery:
it journals the key until the outcome is known (``pending``), and revokes a token whose answer was
lost before minting a fresh one. A create is sent only while the engine that started this provider
runs (``core.engine``): checked before each attempt, so a killed ``pulumi`` CLI leaves its creates to the
next ``up`` instead of minting tokens whose answers no state can record.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Callable, Optional
from urllib.parse import quote, urlsplit

import httpx
from pydantic import ValidationError

from ...core import timeutil
from ...core.engine import EngineGoneError, require_engine
from ...core.errors import (
    ConfigurationError,
    LostAnswerError,
    ManagementApiError,
    OutcomeUnknownError,
    TokenNotFoundError,
)
from ...core.management_token.models import CreatedToken, TokenInputs, TokenRecord
from ...core.notices import say
from ...settings import API_URL, INFLUXDATA_API_HOST, TRANSPORT, Connection, config_key
from ..credential import source_if_credential
from ..pending import Journal
from . import answers, listing
from .pool import new_http_client, shared_http_client
from .sending import send
from .wire import ApiError, CreateTokenRequest

GARBLED_CREATE_ATTEMPTS = 3  # asks, with the same key, for a create answer that came back garbled
# How many lost create answers (409 naming the token our key made) one mint recovers from.
MAX_LOST_ANSWERS = 3
ORPHAN_HINT = (
    "the server may have created the token before its answer was lost: the next `pulumi up` on this machine "
    "asks again with the same key, and `influxdb3-tokens audit --stack-state FILE` (FILE from "
    "`pulumi stack export`) lists such a token"
)

# The header our server sets on an answer replayed for a reused Idempotency-Key (influxdb3_local_api.routes).
REPLAYED_HEADER = "Idempotency-Replayed"


def refuse_influxdata_service(connection: Connection) -> None:
    """InfluxData's documented Management API has no management-token endpoints (its OpenAPI files list databases,
    tables and database tokens only): influxctl and the Admin UI make management tokens. Say so before any call."""
    host = (urlsplit(connection.api_url).hostname or "").rstrip(".").lower()
    if host == INFLUXDATA_API_HOST:
        raise ConfigurationError(
            f"InfluxData's Management API at {INFLUXDATA_API_HOST} has no management-token endpoints (only influxctl "
            f"and the Admin UI make management tokens), so a ManagementToken cannot go over http there; set "
            f"{config_key(TRANSPORT)} / {TRANSPORT.env} to influxctl (databases and database tokens still use "
            f"{config_key(API_URL)})."
        )


class DeadReplayError(LostAnswerError):
    """The create our key made has a token that is revoked or expired: its answer is no fresh token."""


class HttpTokenClient:
    """Management tokens over our REST contract (``/api/v0``).

    Clients share one connection pool per API URL. A ``transport`` (e.g. ``httpx.MockTransport``)
    gives this client its own pool that sends every request through it instead. ``journal`` is
    where mint records a create's key until its outcome is known (by default the connection's own).
    """

    def __init__(
        self,
        connection: Connection,
        journal: Optional[Journal] = None,
        transport: Optional[httpx.BaseTransport] = None,
    ) -> None:
        refuse_influxdata_service(connection)
        self._connection = connection
        if transport is None:
            self._http = shared_http_client(connection.api_url, connection.request_timeout)
        else:
            self._http = new_http_client(connection.api_url, connection.request_timeout, transport)
        self._journal = journal or Journal(connection)
        self._base = (
            f"/api/v0/accounts/{quote(connection.account_id, safe='')}"
            f"/clusters/{quote(connection.cluster_id, safe='')}/managementTokens"
        )
        # Reads share a list on the process-wide pool only: a client with its own transport reads with GETs.
        self._list_key = listing.key_of(connection, listing.MANAGEMENT_TOKENS) if transport is None else None

    # --- operations ----------------------------------------------------------------------------

    def mint(self, inputs: TokenInputs) -> CreatedToken:
        """Create, recovering from answers lost on the way back.

        The key and request are journaled until the outcome is known, so a create whose outcome stays
        unknown is retried with the same key by the next mint of the same request. When the server
        says a key of ours already made a token whose answer was lost (it restarted, so it cannot replay
        it), that token, whose string nobody can ever see, is revoked and a fresh one minted. A create that
        succeeds stays journaled as answered until a later run's state is seen holding its token.
        """
        request = json.dumps([inputs.description, inputs.expires_at, inputs.expires_in])
        self._check_answered_earlier(request)
        for attempt in range(MAX_LOST_ANSWERS + 1):
            entry = self._journal.begin(request, inputs.description_to_send(), inputs.expiry_for_new_token())
            try:
                created = self.create(entry.description, entry.expires_at, idempotency_key=entry.key)
            except LostAnswerError as lost:
                try:
                    if attempt == MAX_LOST_ANSWERS:
                        raise
                    self.revoke(lost.token_id)
                except Exception:
                    self._journal.release(entry)  # the token is still there: the next mint asks again
                    raise
                self._journal.finish(entry)
                if isinstance(lost, DeadReplayError):
                    say(
                        f"an earlier create of this token made {lost.token_id}, now revoked or expired; "
                        f"minting a new one."
                    )
                else:
                    say(
                        f"the server created token {lost.token_id} but its answer was lost; "
                        f"revoked it and minting a new one."
                    )
                continue
            except (OutcomeUnknownError, EngineGoneError):
                self._journal.release(entry)  # the next mint of this request asks again with this key
                raise
            except Exception:
                self._journal.finish(entry)  # refused: nothing was created
                raise
            self._journal.answered(entry, created.id)
            return created
        raise AssertionError("unreachable")  # pragma: no cover

    def create(self, description: str, expires_at: Optional[datetime], idempotency_key: str) -> CreatedToken:
        body = CreateTokenRequest(
            description=description,
            expires_at=timeutil.format_rfc3339(expires_at) if expires_at else None,
        ).model_dump(by_alias=True, exclude_none=True)
        garbled: Optional[ManagementApiError] = None
        for _ in range(GARBLED_CREATE_ATTEMPTS):
            try:
                response = self._send(
                    "POST",
                    self._base,
                    json=body,
                    headers={"Idempotency-Key": idempotency_key},
                    before_each=lambda: require_engine("the create of a management token"),
                )
            except ManagementApiError as unknown:
                raise self._outcome_unknown(unknown) from None
            finally:
                self._changed()  # minted, or may have: no list from before serves a read
            lost = self._lost_answer(response, idempotency_key)
            if lost is not None:
                raise lost
            try:
                answers.raise_for_status(response, "create a management token", self._connection)
            except ManagementApiError as failed:
                if response.status_code >= 500:  # it may have failed after the token was stored
                    raise self._outcome_unknown(failed) from None
                raise
            try:
                created = answers.parse(response, CreatedToken, self._connection)
            except ManagementApiError as err:
                garbled = err  # the token exists; the same key makes the server replay its answer
                continue
            if response.headers.get(REPLAYED_HEADER, "").strip().lower() == "true":
                self._check_replayed(created, idempotency_key)
            return created
        assert garbled is not None
        raise self._outcome_unknown(garbled)

    def read(self, token_id: str) -> TokenRecord:
        """The token as a refresh reads it: from a connection's second read in this process on, its record in the
        list those reads share (listing.py); the first read, and a token the list does not show, are a ``get``."""
        return listing.read(self._list_key, token_id, self.list, self.get)

    def get(self, token_id: str) -> TokenRecord:
        """The token as the server answers a GET now (adoption, import and the proofs read it so)."""
        response = self._send("GET", f"{self._base}/{quote(token_id, safe='')}")
        if response.status_code == 404:
            raise TokenNotFoundError(f"Management token {token_id} does not exist (HTTP 404).", status=404)
        answers.raise_for_status(response, f"read management token {token_id}", self._connection)
        return answers.parse(response, TokenRecord, self._connection)

    def list(self) -> list[TokenRecord]:
        response = self._send("GET", self._base)
        answers.raise_for_status(response, "list management tokens", self._connection)
        return answers.parse_list(response, self._connection)

    def credential_source(self, token_prefix: str) -> Optional[str]:
        return source_if_credential(self._connection, token_prefix)

    def revoke(self, token_id: str) -> bool:
        try:
            response = self._send("DELETE", f"{self._base}/{quote(token_id, safe='')}")
        finally:
            self._changed()  # revoked, or may have: no list from before serves a read
        if response.status_code == 404:
            return False
        answers.raise_for_status(response, f"revoke management token {token_id}", self._connection)
        return True

    # --- plumbing -----------------------------------------------------------------------------

    def _changed(self) -> None:
        listing.changed(self._list_key)

    def _secrets(self) -> tuple[str, ...]:
        return (self._connection.management_token.get_secret_value(),)

    def _send(
        self, method: str, path: str, before_each: Optional[Callable[[], None]] = None, **kwargs: Any
    ) -> httpx.Response:
        return send(self._http, self._connection, method, path, before_each, **kwargs)

    def _check_answered_earlier(self, request: str) -> None:
        """Creates of this request answered in an earlier process that no state was seen holding: forget those
        whose token is dead, report (never revoke) a live one, since nothing proves no state holds it."""
        for entry, path in self._journal.answered_earlier(request):
            try:
                live = self.get(entry.token_id).is_live()
            except TokenNotFoundError:
                live = False
            if not live:
                path.unlink(missing_ok=True)
                continue
            say(
                f"an earlier create of this token on this machine got token {entry.token_id}, but its `pulumi up` "
                f"stopped before the stack recorded it, so it may be held by no state: check with `influxdb3-tokens "
                f"audit --stack-state FILE` (FILE from `pulumi stack export`) and revoke it if no stack holds it; "
                f"its journal entry {path} goes at the next create of this token once it is revoked, or when you "
                f"remove it. Minting a new one."
            )

    def _outcome_unknown(self, err: ManagementApiError) -> OutcomeUnknownError:
        """A create that failed after it may have reached the server: say where to find its token."""
        return OutcomeUnknownError(
            f"{str(err).rstrip('.')}; {ORPHAN_HINT}.", status=err.status, secrets=self._secrets()
        )

    def _check_replayed(self, created: CreatedToken, key: str) -> None:
        """A replayed answer is as old as the first create: read the token back and refuse it unless it is live."""
        try:
            live = self.get(created.id).is_live()
        except TokenNotFoundError:
            live = False
        if not live:
            raise DeadReplayError(
                f"The server replayed the answer of an earlier create with Idempotency-Key {key}, but its token "
                f"{created.id} has since been revoked or has expired, so it is not used as a new token.",
                token_id=created.id,
                secrets=(*self._secrets(), created.access_token.get_secret_value()),
            )

    def _lost_answer(self, response: httpx.Response, key: str) -> Optional[LostAnswerError]:
        """A 409 naming a token means an earlier attempt with this (random, one-create) key committed."""
        if response.status_code != 409:
            return None
        try:
            token_id = ApiError.model_validate_json(response.content).token_id
        except (ValidationError, ValueError):
            return None
        if not token_id:
            return None
        return LostAnswerError(
            f"The server already created management token {token_id} for Idempotency-Key {key}, but its answer "
            f"was lost and the token string cannot be shown again (HTTP 409).",
            token_id=token_id,
            secrets=self._secrets(),
        )
