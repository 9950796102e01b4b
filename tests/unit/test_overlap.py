"""Rotation with overlap in the core (core/overlap.py): what diff decides, what update does and in which order.

The engine side (preview, up, refresh, destroy on both faces) is tests/e2e/test_overlap_e2e.py; here
a recording client shows the order of calls, which decides whether a minted token can be lost.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Optional

import pytest
from pydantic import SecretStr

from pulumi_influxdb3_tokens.core import timeutil
from pulumi_influxdb3_tokens.core.errors import ManagementApiError, TokenNotFoundError
from pulumi_influxdb3_tokens.core.management_token import lifecycle, overlap
from pulumi_influxdb3_tokens.core.management_token.models import CreatedToken, TokenInputs, TokenRecord

NOW = datetime(2030, 1, 1, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def _clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(timeutil.FAKE_NOW_ENV, timeutil.format_rfc3339(NOW))


def iso(days: float) -> str:
    return timeutil.format_rfc3339(NOW + timedelta(days=days))


def news(**kw: Any) -> dict[str, Any]:
    base = dict.fromkeys(("expires_at", "rotate_before", "adopt_token_id", "adopt_token"))
    base.update(description="ci", expires_in="10d", overlap="1d")
    return {**base, **kw}


def olds(**kw: Any) -> dict[str, Any]:
    """A token minted a day before NOW with news()' inputs, as its outputs hold it."""
    base = news(token_id="tok-1", token_prefix="M.V1.aaa", expires_at=iso(9), created_by="admin", retiring=[])
    return {**base, **kw}


class Recorder:
    """A TokenClient that records calls; ``fail_revoke`` makes every revoke fail."""

    def __init__(self, fail_revoke: bool = False, dead: Optional[set[str]] = None) -> None:
        self.calls: list[tuple[str, str]] = []
        self.fail_revoke = fail_revoke
        self.dead = dead or set()

    def mint(self, inputs: TokenInputs) -> CreatedToken:
        self.calls.append(("mint", inputs.description))
        return CreatedToken(
            id="tok-new",
            account_id="a",
            cluster_id="c",
            description=inputs.description,
            token_prefix="M.V1.new",
            created_at=NOW,
            expires_at=inputs.expiry_for_new_token(),
            access_token=SecretStr("M.V1.new-secret"),
        )

    def credential_source(self, token_prefix: str) -> None:
        return None  # the credential is none of the tokens these tests hold

    def revoke(self, token_id: str) -> bool:
        self.calls.append(("revoke", token_id))
        if self.fail_revoke:
            raise ManagementApiError("Could not revoke management token: the server failed (HTTP 500).")
        return True

    def read(self, token_id: str) -> TokenRecord:
        """A refresh's read (TokenClient.read): the same record, recorded as a get."""
        return self.get(token_id)

    def get(self, token_id: str) -> TokenRecord:
        self.calls.append(("get", token_id))
        if token_id == "gone":
            raise TokenNotFoundError("gone", status=404)
        return TokenRecord(
            id=token_id,
            account_id="a",
            cluster_id="c",
            token_prefix="M.V1.x",
            created_at=NOW - timedelta(days=1),
            expires_at=NOW + timedelta(days=9),
            revoked_at=NOW if token_id in self.dead else None,
        )


def test_with_overlap_a_change_that_would_replace_rotates_in_place():
    decision = overlap.decide_at(NOW, olds(), news(description="ci, renamed"))
    assert decision.changes and decision.replaces == [] and decision.rotates == ["description"]


def test_without_overlap_the_same_change_replaces_as_before():
    decision = overlap.decide_at(NOW, olds(overlap=None), news(description="ci, renamed", overlap=None))
    assert decision.replaces == ["description"] and decision.rotates == []


def test_another_cluster_or_an_adopted_token_still_replaces():
    moved = overlap.decide_at(NOW, olds(), news(description="x"), moves=("connection", "another cluster"))
    assert set(moved.replaces) == {"description", "connection"} and moved.rotates == []
    adopting = overlap.decide_at(NOW, olds(), news(adopt_token_id="tok-other"))
    assert "adopt_token_id" in adopting.replaces and adopting.rotates == []


def test_a_retiring_token_is_a_change_only_once_its_end_has_passed():
    entry = {"id": "tok-0", "prefix": "M.V1.old", "until": iso(0.5)}
    assert not overlap.decide_at(NOW, olds(retiring=[entry]), news()).changes
    later = NOW + timedelta(days=0.5)
    decision = overlap.decide_at(later, olds(retiring=[entry]), news())
    assert decision.changes and decision.replaces == [] and decision.rotates == []


def test_overlap_alone_changes_in_place_and_mints_nothing():
    client = Recorder()
    decision = overlap.decide_at(NOW, olds(), news(overlap="2d"))
    assert decision.changes and decision.replaces == [] and decision.rotates == []
    outs = lifecycle.update(lambda: client, "tok-1", olds(), news(overlap="2d"))
    assert outs["overlap"] == "2d" and outs["token_id"] == "tok-1" and client.calls == []


def test_a_rotation_mints_and_keeps_the_old_token_until_now_plus_overlap():
    client = Recorder()
    outs = lifecycle.update(lambda: client, "tok-1", olds(), news(description="ci, renamed"))
    assert client.calls == [("mint", "ci, renamed")]
    assert outs["token_id"] == "tok-new" and outs["token_prefix"] == "M.V1.new"
    assert outs["retiring"] == [{"id": "tok-1", "prefix": "M.V1.aaa", "until": iso(1)}]


def test_the_old_token_never_stays_past_its_own_expiry():
    client = Recorder()
    outs = lifecycle.update(lambda: client, "tok-1", olds(expires_at=iso(0.25)), news(description="x"))
    assert outs["retiring"] == [{"id": "tok-1", "prefix": "M.V1.aaa", "until": iso(0.25)}]


def test_an_expired_token_rotated_away_leaves_nothing_to_retire():
    client = Recorder()
    outs = lifecycle.update(lambda: client, "tok-1", olds(expires_at=iso(-1)), news())
    assert client.calls == [("mint", "ci")] and outs["retiring"] == []


def test_ended_overlaps_are_revoked_before_the_new_token_is_minted():
    """Nothing may fail after the mint: an update that fails keeps the old state, and a token minted
    before the failure would be held by none."""
    ended = {"id": "tok-0", "prefix": "M.V1.old", "until": iso(-0.1)}
    waiting = {"id": "tok-2", "prefix": "M.V1.two", "until": iso(0.5)}
    client = Recorder()
    outs = lifecycle.update(lambda: client, "tok-1", olds(retiring=[ended, waiting]), news(description="x"))
    assert client.calls == [("revoke", "tok-0"), ("mint", "x")]
    assert [entry["id"] for entry in outs["retiring"]] == ["tok-2", "tok-1"]

    failing = Recorder(fail_revoke=True)
    with pytest.raises(ManagementApiError):
        lifecycle.update(lambda: failing, "tok-1", olds(retiring=[ended]), news(description="x"))
    assert failing.calls == [("revoke", "tok-0")]  # nothing minted


def test_states_written_before_token_id_name_the_token_by_the_resource_id():
    old_state = {k: v for k, v in olds().items() if k not in ("token_id", "retiring")}
    assert overlap.current_token_id("tok-1", old_state) == "tok-1"
    client = Recorder()
    outs = lifecycle.update(lambda: client, "tok-1", old_state, news(description="x"))
    assert outs["retiring"][0]["id"] == "tok-1"
    lifecycle.delete(client, "tok-1", old_state)
    assert client.calls[-1] == ("revoke", "tok-1")


def test_an_entry_whose_end_cannot_be_read_is_revoked_never_dropped():
    entry = {"id": "tok-0", "prefix": "M.V1.old", "until": "not a time"}
    assert overlap.decide_at(NOW, olds(retiring=[entry]), news()).changes
    client = Recorder()
    outs = lifecycle.update(lambda: client, "tok-1", olds(retiring=[entry]), news())
    assert client.calls == [("revoke", "tok-0")] and outs["retiring"] == []


def test_delete_revokes_the_current_and_every_retiring_token():
    client = Recorder()
    entries = [{"id": "tok-0", "prefix": "p", "until": iso(1)}, {"id": "tok-2", "prefix": "p", "until": iso(1)}]
    lifecycle.delete(client, "first-id", olds(retiring=entries))
    assert client.calls == [("revoke", "tok-1"), ("revoke", "tok-0"), ("revoke", "tok-2")]


def test_refresh_drops_dead_retiring_tokens_and_keeps_the_resource_while_one_lives():
    entries = [{"id": "gone", "prefix": "p", "until": iso(1)}, {"id": "tok-0", "prefix": "p", "until": iso(1)}]
    found = lifecycle.read(Recorder(), "first-id", olds(retiring=entries))
    assert found is not None and found[0] == "first-id"
    assert [entry["id"] for entry in found[1]["retiring"]] == ["tok-0"]

    # The current token revoked out of band while one retires: kept, marked revoked, replaced by the next up.
    kept = lifecycle.read(Recorder(dead={"tok-1"}), "first-id", olds(retiring=entries))
    assert kept is not None and kept[1]["revoked_at"] == timeutil.format_rfc3339(NOW)
    decision = overlap.decide_at(NOW, kept[1], news())
    assert decision.rotates == ["expires_in"]
    assert lifecycle.read(Recorder(dead={"tok-1"}), "first-id", olds()) is None  # nothing retiring: as before


def test_check_refuses_an_overlap_longer_than_the_lifetime_or_with_adoption():
    with pytest.raises(ValueError, match=r"overlap \(2d\) is longer than the token's lifetime \(expires_in 1d\)"):
        TokenInputs.model_validate({"description": "x", "expires_in": "1d", "overlap": "2d"})
    with pytest.raises(ValueError, match="an adopted token is taken as it is and cannot be rotated"):
        TokenInputs.model_validate({"description": "x", "adopt_token_id": "t", "overlap": "1d"})
    assert TokenInputs.model_validate({"expires_in": "1d", "overlap": "24h"}).overlap == "1d"
