"""Reading influxctl's JSON: the documented list entries, and create answers of any shape."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from pulumi_influxdb3_tokens.clients.influxctl.answer import read_create_answer
from pulumi_influxdb3_tokens.clients.influxctl.output import TOKEN_LIST

SECRET = "M.V1.abCD1234+/efgh5678ijkl"
PREFIX = "M.V1.abCD"

# The JSON example of admin/tokens/management/list (Cloud Dedicated docs): revoked_at present, zero
# nanos left out of expires_at, no expires_at at all for tokens that never expire.
DOCUMENTED_LIST = """[
  {"id": "000x0000", "account_id": "0x0x", "token_prefix": "M.V1.+5Jk",
   "revoked_at": {"seconds": 1710273809, "nanos": 948178000},
   "created_at": {"seconds": 1710273527, "nanos": 622095000},
   "description": "Client1 token", "created_by": "X0x0"},
  {"id": "000x000X", "account_id": "0x0x", "token_prefix": "M.V1.nAHw",
   "expires_at": {"seconds": 1719491696},
   "revoked_at": {"seconds": 1710274650, "nanos": 63389000},
   "created_at": {"seconds": 1710274420, "nanos": 436126000},
   "description": "Client3 token", "created_by": "X0x0"}
]"""


def test_the_documented_list_example_reads_as_documented():
    first, second = (e.to_record("acc", "clu") for e in TOKEN_LIST.validate_json(DOCUMENTED_LIST) or [])
    assert first.expires_at is None and first.revoked_at == datetime(2024, 3, 12, 20, 3, 29, 948178, timezone.utc)
    assert second.expires_at == datetime.fromtimestamp(1719491696, timezone.utc)  # nanos left out: zero
    assert (first.cluster_id, first.account_id, first.token_prefix) == ("clu", "0x0x", "M.V1.+5Jk")


@pytest.mark.parametrize(
    "unset",
    [
        {},  # left out (documented)
        {"expires_at": {"seconds": 0}, "revoked_at": {}},  # the epoch, as the table shows it
        {"expires_at": None, "revoked_at": None},  # a nil pointer printed by Go
    ],
)
def test_unset_expiry_and_revocation_read_as_none_in_every_shape(unset):
    entry = {"id": "t1", "created_at": {"seconds": 1710273527}, **unset}
    [record] = [e.to_record("acc", "clu") for e in TOKEN_LIST.validate_json(json.dumps([entry])) or []]
    assert record.expires_at is None and record.revoked_at is None
    assert record.description == "" and record.created_by == "" and record.account_id == "acc"


def test_protojson_timestamps_and_null_strings_are_accepted_too():
    entry = {
        "id": "t1",
        "created_at": "2024-03-12T19:58:47.5Z",
        "expires_at": "2099-01-01T00:00:00Z",
        "description": None,
        "token_prefix": None,
    }
    [record] = [e.to_record("acc", "clu") for e in TOKEN_LIST.validate_json(json.dumps([entry])) or []]
    assert record.created_at == datetime(2024, 3, 12, 19, 58, 47, 500000, timezone.utc)
    assert record.expires_at == datetime(2099, 1, 1, tzinfo=timezone.utc) and record.description == ""


def test_an_empty_cluster_lists_as_null_or_an_empty_list():
    assert TOKEN_LIST.validate_json("null") is None and TOKEN_LIST.validate_json("[]") == []


# Release notes 2.11.0: create now prints a table, warnings and the token string; the JSON of create is
# not documented. Wherever the string sits, it is the one starting with the token's listed prefix.
@pytest.mark.parametrize(
    "printed",
    [
        json.dumps({"id": "t1", "token_prefix": PREFIX, "access_token": SECRET}),
        json.dumps({"management_token": {"id": "t1", "token_prefix": PREFIX}, "token": {"value": SECRET}}),
        json.dumps({"id": "t1", "token_prefix": PREFIX}, indent=2) + "\n" + SECRET + "\n",
        "+----+\n| id | t1 |\n+----+\nwarn\tthis is the *only time* you will see the token\n" + SECRET,
    ],
)
def test_the_token_string_is_found_wherever_the_answer_puts_it(printed):
    answer = read_create_answer(printed)
    assert answer.token_string(PREFIX) == SECRET


def test_no_string_and_two_strings_are_both_no_token():
    assert read_create_answer(json.dumps({"id": "t1", "token_prefix": PREFIX})).token_string(PREFIX) is None
    two = read_create_answer(json.dumps({"a": SECRET, "b": SECRET + "x"}))
    assert two.token_string(PREFIX) is None
    assert read_create_answer(SECRET).token_string("") is None  # no prefix, no guess


def test_the_shape_names_keys_and_counts_never_values():
    answer = read_create_answer('{"id": "t1", "token": "' + SECRET + '"}\nsome words\nmore words\n')
    assert answer.shape() == "a JSON object with keys id, token and 2 lines of other text"
    assert SECRET not in answer.shape()
    assert read_create_answer("").shape() == "nothing"
    assert read_create_answer("[1, 2]").shape() == "a JSON list of 2 items"


def test_the_entry_is_the_first_complete_object_with_an_id():
    printed = json.dumps({"meta": {"id": "not-a-token"}, "token": {"id": "t1", "created_at": {"seconds": 5}}})
    answer = read_create_answer(printed)
    assert answer.entry() is not None and answer.entry().id == "t1"  # type: ignore[union-attr]
    assert answer.token_id() == "not-a-token"  # the first id seen, used only when no entry is complete
