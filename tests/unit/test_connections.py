"""Named connections of the dynamic resource: one cluster's settings under a namespace of the stack config."""

from __future__ import annotations

import pytest

from pulumi_influxdb3_tokens.core.errors import ConfigurationError
from pulumi_influxdb3_tokens.dynamic.connections import connection_config, connection_problem
from pulumi_influxdb3_tokens.settings import resolve_connection

STACK_CONFIG = {
    "influxdb3:apiUrl": "http://127.0.0.1:1",
    "influxdb3:accountId": "prod-account",
    "influxdb3:clusterId": "prod-cluster",
    "influxdb3:managementToken": "M.V1.prod-credential",
    "staging:apiUrl": "http://127.0.0.1:2",
    "staging:accountId": "staging-account",
    "staging:clusterId": "staging-cluster",
    "staging:managementToken": "M.V1.staging-credential",
    "half:apiUrl": "http://127.0.0.1:3",
    "half:accountId": "half-account",
    "half:clusterId": "half-cluster",
}


def test_a_named_connection_reads_its_own_namespace_and_the_default_reads_influxdb3():
    staging = resolve_connection(connection_config(STACK_CONFIG.get, "staging"))
    assert (staging.api_url, staging.account_id, staging.cluster_id) == (
        "http://127.0.0.1:2",
        "staging-account",
        "staging-cluster",
    )
    assert staging.management_token.get_secret_value() == "M.V1.staging-credential"
    default = resolve_connection(connection_config(STACK_CONFIG.get, None))
    assert default.account_id == "prod-account"


def test_a_named_connection_never_borrows_the_credential_from_the_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("INFLUXDB3_MANAGEMENT_TOKEN", "M.V1.from-the-environment")
    with pytest.raises(ConfigurationError) as missing:
        connection_config(STACK_CONFIG.get, "half")
    assert str(missing.value) == (
        "Connection 'half' has no half:managementToken; "
        "set it with `pulumi config set --secret half:managementToken ...`."
    )


@pytest.mark.parametrize("value", ["", "two words", "../etc", 3])
def test_a_connection_must_be_a_namespace_name(value: object):
    assert connection_problem(value) is not None
    assert connection_problem("staging") is None and connection_problem(None) is None
