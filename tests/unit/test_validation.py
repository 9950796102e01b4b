"""check: every bad input is a failure on its own property, before any HTTP call."""

from datetime import datetime, timedelta, timezone

import pytest
from pulumi.output import Unknown

from pulumi_influxdb3_tokens.core.bags import is_unknown, plain
from pulumi_influxdb3_tokens.core.management_token.validation import check_inputs
from support.times import in_days


def failures(news):
    return dict(check_inputs(news).failures)


def test_good_inputs_are_normalised():
    checked = check_inputs({"description": "ci", "expires_at": "2099-03-01T01:00:00+01:00", "rotate_before": "168h"})
    assert checked.failures == []
    assert checked.inputs["expires_at"] == "2099-03-01T00:00:00Z"
    assert checked.inputs["rotate_before"] == "7d"


@pytest.mark.parametrize(
    ("news", "prop", "words"),
    [
        ({"expires_at": "2027-03-01T00:00:00"}, "expires_at", "no time zone"),
        ({"expires_at": "next tuesday"}, "expires_at", "RFC3339"),
        ({"expires_at": "2001-01-01T00:00:00Z"}, "expires_at", "in the past"),
        ({"expires_at": "2099-01-01T00:00:00Z", "expires_in": "90d"}, "expires_in", "not both"),
        ({"expires_in": "ninety days"}, "expires_in", "not a duration"),
        ({"expires_in": 90.0}, "expires_in", "float"),
        ({"rotate_before": "7d"}, "rotate_before", "needs an expiry"),
        ({"expires_in": "7d", "rotate_before": "7d"}, "rotate_before", "shorter than the token's lifetime"),
        ({"description": "x" * 1025}, "description", "1024"),
        ({"description": 12.0}, "description", "string"),
        ({"adopt_token": "M.V1.abc"}, "adopt_token", "adopt_token_id"),
        ({"adopt_token_id": "t1", "expires_in": "30d"}, "expires_in", "expires_at"),
    ],
)
def test_bad_inputs_fail_on_their_property(news, prop, words):
    found = failures(news)
    assert prop in found, found
    assert words in found[prop]


def test_rotate_before_against_a_fixed_expiry_uses_the_remaining_lifetime():
    found = failures({"expires_at": in_days(5), "rotate_before": "7d"})
    assert "remaining lifetime" in found["rotate_before"]
    assert failures({"expires_at": in_days(30), "rotate_before": "7d"}) == {}


def test_a_description_fits_the_apis_1024_characters_with_its_create_marker():
    """The marker (" [pulumi:" + 10 hex digits + "]", 20 characters) is part of what the server stores."""
    assert failures({"description": "x" * 1004}) == {}
    assert "the create marker takes 20" in failures({"description": "x" * 1005})["description"]
    assert failures({"description": "x" * 1024, "mark_description": False}) == {}
    assert "1024" in failures({"description": "x" * 1025, "mark_description": False})["description"]


def test_check_keeps_the_create_marker_of_the_state_and_draws_one_for_a_new_resource():
    new = check_inputs({"description": "ci"}).inputs["create_marker"]
    assert len(new) == 10 and new != check_inputs({"description": "ci"}).inputs["create_marker"]
    assert check_inputs({"description": "ci"}, {"create_marker": new}).inputs["create_marker"] == new
    # The program cannot choose one: only check makes markers, so only the state knows them.
    assert check_inputs({"description": "ci", "create_marker": "0123456789"}).inputs["create_marker"] != "0123456789"
    assert (
        check_inputs({"description": "ci", "mark_description": False}, {"create_marker": new}).inputs["create_marker"]
        is None
    )
    assert "create marker" in failures({"description": "ci [pulumi:0123456789]"})["description"]


def test_unknown_values_pass_through_preview_without_failures():
    checked = check_inputs({"expires_at": Unknown(), "rotate_before": "7d", "description": "ci"})
    assert checked.failures == []
    assert is_unknown(checked.inputs["expires_at"])


def test_secret_adopt_token_stays_wrapped_and_never_appears_in_failures():
    secret = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": "M.V1.s3cr3t-value"}
    checked = check_inputs({"adopt_token_id": "t1", "adopt_token": secret, "expires_at": "1999-01-01T00:00:00Z"})
    assert plain(checked.inputs["adopt_token"]) == "M.V1.s3cr3t-value"
    assert checked.inputs["adopt_token"] != "M.V1.s3cr3t-value"  # still wrapped as a secret
    assert all("s3cr3t" not in reason for _, reason in checked.failures)


@pytest.mark.parametrize(
    ("news", "prop", "words"),
    [
        ({"expires_in": "99999999999d"}, "expires_in", "longer than"),
        ({"expires_in": "3000000d"}, "expires_in", "after the year 9999"),
        ({"expires_in": "1d", "rotate_before": "99999999999d"}, "rotate_before", "longer than"),
        ({"expires_at": "9999-12-31T23:59:59-01:00"}, "expires_at", "years 1 to 9999"),
        ({"expires_at": "0001-01-01T00:00:00+01:00"}, "expires_at", "years 1 to 9999"),
        ({"expires_at": datetime(9999, 12, 31, 23, tzinfo=timezone(-timedelta(hours=2)))}, "expires_at", "9999"),
    ],
    ids=[
        "duration-overflows-timedelta",
        "expiry-past-9999",
        "rotate-before-overflows",
        "offset-past-9999",
        "offset-before-year-1",
        "aware-datetime-past-9999",
    ],
)
def test_values_beyond_the_calendar_fail_on_their_property_instead_of_raising(news, prop, words):
    # Python's datetime covers years 1..9999 (docs.python.org/3/library/datetime.html, MINYEAR/MAXYEAR);
    # RFC3339 allows offsets that push such an instant out of that range once it is moved to UTC.
    found = failures(news)
    assert prop in found, found
    assert words in found[prop]
