"""InfluxData's own Python client (PyPI influxdb3-python, module influxdb_client_3) writes to the local server.

It sends what a real cluster gets: `POST /api/v2/write?org=default&bucket=<db>&precision=ns` with
`Authorization: Token <token>` (its defaults: write_use_v2_api true, auth_scheme "Token"). Database tokens work
as InfluxData documents (admin/tokens/database/create.md: tokens "grant read and write permissions"; the write
reference answers 401 "unauthorized access" to a token that "doesn't have sufficient permissions to write").
"""

from __future__ import annotations

import pytest
from influxdb_client_3 import InfluxDBClient3, InfluxDBError

from server.documented_api import Documented, unique
from support.secrets_scan import check


def write_point(url: str, token: str, database: str) -> None:
    with InfluxDBClient3(host=url, token=token, database=database) as client:
        client.write(record="home,room=kitchen temp=72 1641024000")


def test_the_python_client_writes_with_a_write_token_and_is_refused_with_a_read_only_one(
    documented: Documented,
) -> None:
    database = unique()
    documented.create_database(database)
    writer = documented.create_token([{"action": "write", "resource": database}])["accessToken"]
    reader = documented.create_token([{"action": "read", "resource": database}])["accessToken"]

    write_point(documented.server.url, writer, database)  # raises on anything but success

    with pytest.raises(InfluxDBError) as refused:
        write_point(documented.server.url, reader, database)
    assert refused.value.response.status == 401
    assert refused.value.message == "unauthorized: unauthorized access"  # the client joins code and message
    check(reader not in str(refused.value), "the client's error shows the token")
