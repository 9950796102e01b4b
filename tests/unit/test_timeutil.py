from datetime import datetime, timedelta, timezone

import pytest

from pulumi_influxdb3_tokens.core import timeutil


@pytest.mark.parametrize(
    "text",
    ["2027-03-01T00:00:00Z", "2027-03-01T00:00:00+00:00", "2027-03-01T01:00:00+01:00", "2027-02-28T19:00:00-05:00"],
)
def test_equal_instants_normalise_to_one_spelling(text):
    assert timeutil.normalize_rfc3339(text) == "2027-03-01T00:00:00Z"


def test_aware_datetime_is_accepted_and_naive_is_not():
    assert timeutil.normalize_rfc3339(datetime(2027, 3, 1, tzinfo=timezone.utc)) == "2027-03-01T00:00:00Z"
    with pytest.raises(timeutil.TimeFormatError, match="no time zone"):
        timeutil.parse_rfc3339(datetime(2027, 3, 1))


@pytest.mark.parametrize("text", ["2027-03-01T00:00:00", "2027-03-01 00:00:00"])
def test_zone_less_time_names_the_missing_zone(text):
    with pytest.raises(timeutil.TimeFormatError, match="no time zone"):
        timeutil.parse_rfc3339(text)


@pytest.mark.parametrize("text", ["tomorrow", "2027-13-01T00:00:00Z", "", "1700000000"])
def test_unparsable_times_are_refused(text):
    with pytest.raises(timeutil.TimeFormatError, match="RFC3339"):
        timeutil.parse_rfc3339(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90d", timedelta(days=90)),
        ("12h", timedelta(hours=12)),
        ("1w2d", timedelta(days=9)),
        ("30m", timedelta(minutes=30)),
        ("45s", timedelta(seconds=45)),
    ],
)
def test_durations(text, expected):
    assert timeutil.parse_duration(text) == expected


@pytest.mark.parametrize("text", ["90", "d", "-1d", "0d", "1y", "1.5d", ""])
def test_bad_durations(text):
    with pytest.raises(timeutil.TimeFormatError):
        timeutil.parse_duration(text)


def test_duration_of_a_float_is_refused_with_its_type():
    with pytest.raises(timeutil.TimeFormatError, match="float"):
        timeutil.parse_duration(90.0)  # numbers reach the provider as floats


def test_format_duration_round_trips():
    assert timeutil.format_duration(timeutil.parse_duration("36h")) == "1d12h"
    assert timeutil.format_duration(timeutil.parse_duration("2w")) == "14d"


def test_fake_clock(monkeypatch):
    monkeypatch.setenv(timeutil.FAKE_NOW_ENV, "2030-01-01T00:00:00Z")
    assert timeutil.now() == datetime(2030, 1, 1, tzinfo=timezone.utc)
