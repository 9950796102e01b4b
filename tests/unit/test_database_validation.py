"""check of a Database: each rule of InfluxData's docs is one failure sentence on the property it is about.

Docs: influxdata/docs-v2 content/influxdb3/cloud-dedicated/admin/databases/{_index,create}.md,
content/shared/v3-distributed-admin-custom-partitions/partition-templates.md and the ClusterDatabase* schemas of
api-docs/influxdb3/{cloud-dedicated,clustered}/management/openapi.yml.
"""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.output import Unknown

from pulumi_influxdb3_tokens.core.bags import is_unknown
from pulumi_influxdb3_tokens.core.database.validation import check_inputs


def failures(**news: Any) -> dict[str, str]:
    found = dict(check_inputs({"name": "mydb", **news}).failures)
    for prop, sentence in found.items():
        assert prop in sentence, (prop, sentence)  # every sentence names its property
        assert "\n" not in sentence and "Value error" not in sentence
    return found


def checked(**news: Any) -> dict[str, Any]:
    result = check_inputs({"name": "mydb", **news})
    assert result.failures == []
    return result.inputs


TEMPLATE = [
    {"type": "time", "value": "%Y-%m-%d"},
    {"type": "tag", "value": "room"},
    {"type": "bucket", "value": {"tagName": "customerID", "numberOfBuckets": 500}},
]


def test_a_name_alone_gets_the_documented_defaults():
    """_index.md: "Default maximum number of tables: 500"; "Default maximum number of columns: 250" (the prose,
    and CreateClusterDatabase's description; the schema's default 200 is not sent: we always send 250)."""
    inputs = checked()
    assert inputs["max_tables"] == 500
    assert inputs["max_columns_per_table"] == 250
    assert inputs["retention_period"] is None and inputs["partition_template"] is None


@pytest.mark.parametrize("name", ["mydb", "sensor_data", "prod-metrics", "logs/application", "webserver123", "a" * 64])
def test_the_documented_valid_names_pass(name: str):
    """create.md "Valid database name examples" (and ClusterDatabaseName maxLength 64)."""
    assert check_inputs({"name": name}).failures == []


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("my database", "may hold only letters, digits, '_', '-' and '/'"),  # create.md: "Contains whitespace"
        ("sensor.data", "holds '.'"),  # create.md: "Contains period"
        ("app@server", "holds '@'"),  # create.md: "Contains special character"
        ("_internal", "must start with a letter or a digit"),  # create.md: "Starts with underscore (reserved)"
        ("-metrics", "must start with a letter or a digit"),  # create.md: "Should start with a letter or number"
        ("a" * 65, "1 to 64 characters"),  # create.md: "Maximum 64 characters"
        ("", "1 to 64 characters"),  # ClusterDatabaseName: minLength 1
    ],
)
def test_names_the_docs_refuse_fail_on_name(name: str, words: str):
    assert words in check_inputs({"name": name}).failures[0][1]
    assert check_inputs({"name": name}).failures[0][0] == "name"


def test_a_missing_name_fails_on_name():
    """ClusterDatabaseName is the one required field of CreateClusterDatabase."""
    assert dict(check_inputs({}).failures) == {
        "name": "name is required: the database's name on the cluster, 1 to 64 characters"
    }


@pytest.mark.parametrize(("given", "normalised"), [("30d", "30d"), ("720h", "30d"), ("90m", "1h30m"), ("1h", "1h")])
def test_retention_periods_are_durations_in_their_shortest_spelling(given: str, normalised: str):
    """create.md: "Use the --retention-period flag to define the retention period as a duration. For example, 30d"."""
    assert checked(retention_period=given)["retention_period"] == normalised


@pytest.mark.parametrize("zero", ["0", "0s", "0d", 0, 0.0])
def test_a_zero_retention_period_is_infinite(zero: Any):
    """create.md: "A zero duration (0d) keeps data indefinitely"; ClusterDatabaseRetentionPeriod: "set to 0 ...
    infinite retention"."""
    assert checked(retention_period=zero)["retention_period"] == "0"


@pytest.mark.parametrize(("given", "words"), [("59m", "at least 1h"), ("30s", "at least 1h")])
def test_a_retention_period_under_one_hour_fails(given: str, words: str):
    """_index.md: "The minimum retention period for an InfluxDB database is 1 hour"."""
    assert words in failures(retention_period=given)["retention_period"]


@pytest.mark.parametrize(
    ("given", "words"),
    [("thirty days", "not a duration"), ("-1d", "not a duration"), (30.0, "duration such as '30d'")],
)
def test_a_retention_period_that_is_no_duration_fails(given: Any, words: str):
    """update.md: "The retention period value cannot be negative or contain whitespace"."""
    assert words in failures(retention_period=given)["retention_period"]


def test_a_retention_period_beyond_int64_nanoseconds_fails():
    """ClusterDatabaseRetentionPeriod: "type: integer, format: int64" nanoseconds (about 292 years)."""
    assert "int64 nanoseconds" in failures(retention_period="110000d")["retention_period"]
    assert checked(retention_period="100000d")["retention_period"] == "100000d"


@pytest.mark.parametrize(
    ("value", "ok"), [(1, True), (20000, True), (500.0, True), (0, False), (2**31, False), (1.5, False), (True, False)]
)
def test_max_tables_is_a_whole_number_of_at_least_one(value: Any, ok: bool):
    """ClusterDatabaseMaxTables: "type: integer, format: int32 ... minimum: 1"; _index.md: "can be raised beyond the
    default limit of 500"."""
    assert ("max_tables" not in failures(max_tables=value)) is ok


@pytest.mark.parametrize(("value", "ok"), [(1, True), (1000, True), (1000.0, True), (0, False), (1001, False)])
def test_max_columns_per_table_is_at_most_1000(value: Any, ok: bool):
    """_index.md: "Configurable maximum number of columns: 1000"; ClusterDatabaseMaxColumnsPerTable: minimum 1."""
    found = failures(max_columns_per_table=value)
    assert ("max_columns_per_table" not in found) is ok
    if not ok:
        assert "from 1 to 1000" in found["max_columns_per_table"]


def test_a_documented_partition_template_passes_in_the_apis_form():
    """create.md's Management API example: tag, tag, bucket {tagName, numberOfBuckets} and one time part."""
    assert checked(partition_template=TEMPLATE)["partition_template"] == TEMPLATE


def test_a_bucket_part_spelled_in_snake_case_and_with_float_counts_is_the_apis_form():
    """The engine sends numbers as floats; the API's bucket value is {tagName, numberOfBuckets}
    (ClusterDatabasePartitionTemplatePartBucket)."""
    template = [
        {"type": "time", "value": "%Y"},
        {"type": "bucket", "value": {"tag_name": "c", "number_of_buckets": 10.0}},
    ]
    assert checked(partition_template=template)["partition_template"][1] == {
        "type": "bucket",
        "value": {"tagName": "c", "numberOfBuckets": 10},
    }


def part(kind: str, value: Any) -> dict[str, Any]:
    return {"type": kind, "value": value}


TIME = part("time", "%Y-%m-%d")


@pytest.mark.parametrize(
    ("template", "words"),
    [
        # partition-templates.md: "Include exactly one time part"
        ([part("tag", "room")], "exactly one time part"),
        ([TIME, part("time", "%Y")], "exactly one time part"),
        # create.md: "A template has a maximum of 8 parts: 1 time part and up to 7 total tag and tag bucket parts"
        ([TIME, *[part("tag", f"t{i}") for i in range(8)]], "1 to 8 parts"),
        ([], "1 to 8 parts"),  # ClusterDatabasePartitionTemplate: minItems 1
        # partition-templates.md: "Supported number of tag buckets: 1-1,000" (the schema allows 100000: the docs'
        # stricter statement holds)
        ([TIME, part("bucket", {"tagName": "c", "numberOfBuckets": 1001})], "numberOfBuckets from 1 to 1000"),
        ([TIME, part("bucket", {"tagName": "c", "numberOfBuckets": 0})], "numberOfBuckets from 1 to 1000"),
        ([TIME, part("bucket", {"tagName": "c", "numberOfBuckets": 2.5})], "numberOfBuckets from 1 to 1000"),
        # ClusterDatabasePartitionTemplatePartBucket: tagName minLength 1
        ([TIME, part("bucket", {"numberOfBuckets": 5})], "tag name"),
        # partition-templates.md: "Time part templates allow only the following date specifiers": %Y, %m, %d
        ([part("time", "%Y-%m-%d %H")], "'%H' is not allowed"),
        ([part("time", "daily")], "no date specifier"),
        # ClusterDatabasePartitionTemplatePartTagValue: value minLength 1
        ([TIME, part("tag", "")], "tag name"),
        # partition-templates.md: "A partition template may include a given tag key only once"
        ([TIME, part("tag", "region"), part("bucket", {"tagName": "region", "numberOfBuckets": 5})], "twice"),
        # partition-templates.md: "reserved keywords cannot be used in partition templates: time"
        ([TIME, part("tag", "time")], "reserved keyword"),
        # ClusterDatabasePartitionTemplatePart: one of tag, time or bucket
        ([TIME, part("field", "x")], "time, tag or bucket"),
        ([TIME, {"type": "tag"}], "exactly the keys type and value"),
        ("%Y-%m-%d", "must be a list"),
    ],
)
def test_partition_templates_the_docs_refuse_fail_on_partition_template(template: Any, words: str):
    found = failures(partition_template=template)
    assert list(found) == ["partition_template"], found
    assert words in found["partition_template"]


def test_every_bad_property_fails_once_on_its_own():
    found = failures(name="bad name", retention_period="5m", max_columns_per_table=5000, partition_template=[])
    assert sorted(found) == ["max_columns_per_table", "name", "partition_template", "retention_period"]


def test_unknown_values_pass_through_a_preview():
    """A preview does not know outputs of other resources yet: they are judged once known."""
    news = {
        "name": Unknown(),
        "retention_period": Unknown(),
        "partition_template": [TIME, part("tag", Unknown())],
        "max_tables": 100,
    }
    result = check_inputs(news)
    assert result.failures == []
    assert is_unknown(result.inputs["name"]) and is_unknown(result.inputs["retention_period"])
    assert result.inputs["partition_template"] is news["partition_template"]
    assert result.inputs["max_tables"] == 100
