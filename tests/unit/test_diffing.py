"""diff: equal instants are no change; description/expiry replace; rotation window replaces."""

from pulumi.output import Unknown

from pulumi_influxdb3_tokens.core.management_token.diff import decide
from support.times import in_days


def news(**kw):
    base = {
        "description": "ci",
        "expires_at": "2099-03-01T00:00:00Z",
        "expires_in": None,
        "rotate_before": None,
        "adopt_token_id": None,
        "adopt_token": None,
    }
    base.update(kw)
    return base


def olds(**kw):
    """The stored state: the inputs as news() gives them, plus the secret token output."""
    return news(**{"token": {"secret": True}, **kw})


def test_same_inputs_no_change():
    d = decide(olds(), news())
    assert not d.changes and d.replaces == []


def test_same_instant_written_differently_is_no_change():
    d = decide(olds(), news(expires_at="2099-03-01T01:00:00+01:00"))
    assert not d.changes


def test_description_change_replaces():
    d = decide(olds(), news(description="other"))
    assert d.replaces == ["description"] and "description" in d.reasons[0]


def test_expiry_change_replaces():
    assert decide(olds(), news(expires_at="2099-04-01T00:00:00Z")).replaces == ["expires_at"]
    assert decide(olds(), news(expires_at=None)).replaces == ["expires_at"]


def test_expires_in_is_compared_as_declared_not_against_the_minted_expiry():
    minted = olds(expires_in="30d", expires_at=in_days(29))
    assert not decide(minted, news(expires_at=None, expires_in="30d")).changes
    assert decide(minted, news(expires_at=None, expires_in="60d")).replaces == ["expires_in"]


def test_rotate_before_alone_is_an_update_in_place():
    d = decide(olds(), news(rotate_before="7d"))
    assert d.changes and d.replaces == []


def test_inside_the_rotation_window_replaces_with_a_reason():
    minted = olds(expires_in="30d", expires_at=in_days(5), rotate_before="7d")
    d = decide(minted, news(expires_at=None, expires_in="30d", rotate_before="7d"))
    assert d.replaces == ["expires_in"]
    assert "within rotate_before (7d)" in d.reasons[0]


def test_outside_the_rotation_window_no_change():
    minted = olds(expires_in="30d", expires_at=in_days(20), rotate_before="7d")
    assert not decide(minted, news(expires_at=None, expires_in="30d", rotate_before="7d")).changes


def test_expired_token_replaces():
    minted = olds(expires_in="30d", expires_at=in_days(-1))
    d = decide(minted, news(expires_at=None, expires_in="30d"))
    assert d.replaces == ["expires_in"] and "expired" in d.reasons[0]


def test_unknown_description_may_replace():
    assert decide(olds(), news(description=Unknown())).replaces == ["description"]


def test_adopting_another_token_replaces_but_dropping_the_hint_does_not():
    adopted = olds(adopt_token_id="t1")
    assert decide(adopted, news(adopt_token_id="t2")).replaces == ["adopt_token_id"]
    d = decide(adopted, news(adopt_token_id=None))
    assert d.changes and d.replaces == []
