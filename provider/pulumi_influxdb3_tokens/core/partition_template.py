"""Partition templates, as databases and tables share them: the API's form, its rules, and when two are alike.

InfluxData's docs (influxdata/docs-v2): ``ClusterDatabasePartitionTemplate`` in both OpenAPI files, create.md of
``admin/databases/`` and ``admin/tables/``, and ``admin/custom-partitions/partition-templates``. A template is fixed
when its database or table is created ("You can only apply a partition template when creating a table. You can't
update a partition template on an existing table", admin/tables/create.md; the same for databases).
"""

from __future__ import annotations

import re
from typing import Any

# "A template has a maximum of 8 parts: 1 time part and up to 7 total tag and tag bucket parts" (create.md).
MAX_TEMPLATE_PARTS = 8
# "Supported number of tag buckets: 1-1,000" (partition-templates.md); the OpenAPI schema allows up to 100000.
MAX_BUCKETS = 1000
# "Time part templates allow only the following date specifiers": %Y, %m, %d (partition-templates.md).
TIME_SPECIFIERS = ("%Y", "%m", "%d")
_SPECIFIER = re.compile(r"%.?")
# "The following reserved keywords cannot be used in partition templates: time" (partition-templates.md).
RESERVED_KEYWORD = "time"
PART_TYPES = ("time", "tag", "bucket")


def checked_template(value: object) -> list[dict[str, Any]]:
    """A partition template in the API's form, or a ValueError naming partition_template and the rule it breaks."""
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"partition_template must be a list of parts {{type, value}}, got {type(value).__name__}")
    if not 1 <= len(value) <= MAX_TEMPLATE_PARTS:
        raise ValueError(
            f"partition_template must have 1 to {MAX_TEMPLATE_PARTS} parts (1 time part and up to 7 tag and bucket "
            f"parts), got {len(value)}"
        )
    parts = [_checked_part(index, part) for index, part in enumerate(value)]
    times = sum(part["type"] == "time" for part in parts)
    if times != 1:
        raise ValueError(
            f"partition_template must have exactly one time part, such as {{type: time, value: '%Y-%m-%d'}}, "
            f"and it has {times}"
        )
    seen: set[str] = set()
    for part in parts:
        tag = part["value"]["tagName"] if part["type"] == "bucket" else part["value"]
        if part["type"] != "time":
            if tag in seen:
                raise ValueError(
                    f"partition_template uses tag '{tag}' twice: a tag may appear once, in a tag or a bucket part"
                )
            seen.add(tag)
    return parts


def _checked_part(index: int, part: object) -> dict[str, Any]:
    where = f"partition_template part {index + 1}"
    if not isinstance(part, dict) or set(part) - {"type", "value"} or "type" not in part or "value" not in part:
        raise ValueError(f"{where} must be a map with exactly the keys type and value")
    kind, value = part["type"], part["value"]
    if kind not in PART_TYPES:
        raise ValueError(f"{where} has type {kind!r}; a part's type is time, tag or bucket")
    if kind == "time":
        return {"type": "time", "value": _time_format(where, value)}
    if kind == "tag":
        return {"type": "tag", "value": _tag_name(where, "value", value)}
    return {"type": "bucket", "value": _bucket(where, value)}


def _time_format(where: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{where} (time) needs a format such as '%Y-%m-%d' as its value")
    specifiers = _SPECIFIER.findall(value)
    wrong = [spec for spec in specifiers if spec not in TIME_SPECIFIERS]
    if wrong or not specifiers:
        found = f"'{wrong[0]}' is not allowed" if wrong else "it has no date specifier"
        raise ValueError(
            f"{where} (time) has the format '{value}', and {found}: a time part uses only the date specifiers "
            f"%Y, %m and %d ('%Y-%m-%d' daily, '%Y-%m' monthly, '%Y' yearly)"
        )
    return value


def _tag_name(where: str, key: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{where} needs a tag name (a non-empty string) as its {key}")
    if value == RESERVED_KEYWORD:
        raise ValueError(f"{where} names the tag 'time', a reserved keyword partition templates cannot use")
    return value


def _bucket(where: str, value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{where} (bucket) needs {{tagName, numberOfBuckets}} as its value")
    tag = value.get("tagName", value.get("tag_name"))
    count = value.get("numberOfBuckets", value.get("number_of_buckets"))
    tag = _tag_name(f"{where} (bucket)", "tagName", tag)
    # The engine sends numbers as floats: 10.0 is 10.
    if (
        isinstance(count, bool)
        or not isinstance(count, (int, float))
        or not float(count).is_integer()
        or not 1 <= count <= MAX_BUCKETS
    ):
        raise ValueError(
            f"{where} (bucket) needs numberOfBuckets from 1 to {MAX_BUCKETS} (the supported number of tag buckets), "
            f"got {count!r}"
        )
    return {"tagName": tag, "numberOfBuckets": int(count)}


def same_template(old: object, new: object) -> bool:
    """Two partition templates alike, whatever their spelling (a state's floats, snake_case keys); parts in order,
    since "each partition template part is evaluated in sequence" (ClusterDatabasePartitionTemplate)."""
    return _comparable(old) == _comparable(new)


def _comparable(template: object) -> object:
    if not template:
        return None
    try:
        return checked_template(template)
    except ValueError:
        return template  # not ours to judge here: compared as it is
