"""`influxdb3-tokens audit`, the installed console script, against the local Management API."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Optional

import pytest

from pulumi_influxdb3_tokens.core import timeutil
from support.audit_cli import Ran, run_audit
from support.local_api import LocalApi
from support.standin import standin_env
from support.times import in_days


@pytest.fixture
def minted(local_api: LocalApi) -> dict[str, dict]:
    """Tokens minted by hand (as with influxctl), never seen by any stack."""
    tokens = {
        "forever": local_api.mint("hand-made, never expires"),
        "year": local_api.mint("hand-made, one year", in_days(365)),
        "soon": local_api.mint("hand-made, expires soon", in_days(2)),
        "revoked": local_api.mint("hand-made, revoked"),
    }
    local_api.revoke(tokens["revoked"]["id"])
    return tokens


def assert_no_token_string(ran: Ran, local_api: LocalApi, minted: dict[str, dict]) -> None:
    for secret in [local_api.admin_token, *(t["accessToken"] for t in minted.values())]:
        assert secret not in ran.stdout and secret not in ran.stderr


def test_table_flags_each_hand_made_token_and_exits_1(local_api: LocalApi, minted: dict[str, dict]):
    ran = run_audit(env=local_api.env())
    assert ran.returncode == 1, ran.stderr
    rows = {line.split()[0]: line for line in ran.stdout.splitlines() if line[:1].isalnum()}
    assert rows[minted["forever"]["id"]].rstrip().endswith("FAIL") and "never" in rows[minted["forever"]["id"]]
    assert rows[minted["year"]["id"]].rstrip().endswith("FAIL")
    assert rows[minted["soon"]["id"]].rstrip().endswith("warn")
    assert minted["revoked"]["id"] not in ran.stdout
    assert f"{minted['forever']['id']} [mandatory] management-token-must-expire: the token never expires" in ran.stdout
    assert f"{minted['year']['id']} [mandatory] management-token-max-lifetime: the token lives 365d" in ran.stdout
    assert f"{minted['soon']['id']} [advisory] management-token-rotation: the token expires in" in ran.stdout
    assert "(1 revoked or expired not judged)" in ran.stdout
    assert_no_token_string(ran, local_api, minted)


def test_json_output_and_thresholds_from_flags_and_the_pack_config_file(
    local_api: LocalApi, minted: dict[str, dict], tmp_path: Path
):
    ran = run_audit("--format", "json", "--max-lifetime-days", "400", env=local_api.env())
    assert ran.returncode == 1, ran.stderr  # the non-expiring ones still break a mandatory rule
    report = json.loads(ran.stdout)
    findings = {t["id"]: [f["rule"] for f in t["findings"]] for t in report["tokens"]}
    assert findings[minted["forever"]["id"]] == ["management-token-must-expire"]
    assert findings[minted["year"]["id"]] == []
    assert findings[minted["soon"]["id"]] == ["management-token-rotation"]
    assert minted["revoked"]["id"] not in findings
    assert report["thresholds"] == {"maxLifetimeDays": 400, "minRotateBeforeDays": 7}
    assert_no_token_string(ran, local_api, minted)

    # The file given to `pulumi preview --policy-pack-config` drives the audit too.
    config = tmp_path / "policy-config.json"
    config.write_text(
        json.dumps(
            {
                "management-token-must-expire": "advisory",
                "management-token-max-lifetime": {"maxLifetimeDays": 400},
                "management-token-rotation": {"minRotateBeforeDays": 1},
            }
        )
    )
    ran = run_audit("--format", "json", "--policy-pack-config", str(config), env=local_api.env())
    assert ran.returncode == 0, ran.stdout
    report = json.loads(ran.stdout)
    findings = {t["id"]: t["findings"] for t in report["tokens"]}
    assert findings[minted["forever"]["id"]][0]["level"] == "advisory"
    assert findings[minted["soon"]["id"]] == []
    # A flag wins over the file.
    assert (
        run_audit("--policy-pack-config", str(config), "--max-lifetime-days", "30", env=local_api.env()).returncode == 1
    )


def test_exits_0_when_every_live_token_keeps_the_mandatory_rules(local_api: LocalApi):
    admin = local_api.mint("audit job", in_days(30))
    soon = local_api.mint("expires soon", in_days(2))
    bootstrap = [t for t in local_api.list_tokens() if t["createdBy"] == "bootstrap"]
    env = {**local_api.env(), "INFLUXDB3_MANAGEMENT_TOKEN": admin["accessToken"]}
    for token in bootstrap:
        local_api.revoke(token["id"])

    ran = run_audit(env=env)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert f"{soon['id']} [advisory] management-token-rotation" in ran.stdout
    assert "mandatory rule broken by 0" in ran.stdout
    assert admin["accessToken"] not in ran.stdout + ran.stderr


def test_reads_the_influxctl_profile_like_the_provider(local_api: LocalApi, minted: dict[str, dict], tmp_path: Path):
    config = tmp_path / "influxctl.toml"
    config.write_text(
        '[[profile]]\nname = "audit"\n'
        f'account_id = "{local_api.account_id}"\ncluster_id = "{local_api.cluster_id}"\n'
        f'mgmt_token = "{local_api.admin_token}"\n'
    )
    flags = ("--format", "json", "--profile", "audit", "--influxctl-config", str(config))
    ran = run_audit(*flags, env=standin_env(local_api, tmp_path))  # no API URL: influxctl, with that profile
    assert ran.returncode == 1, ran.stderr
    assert minted["forever"]["id"] in {t["id"] for t in json.loads(ran.stdout)["tokens"]}
    assert_no_token_string(ran, local_api, minted)

    # Issue 17 (5): the profile's token is never sent to an API URL that came from elsewhere.
    refused = run_audit(*flags, env={"INFLUXDB3_API_URL": local_api.url})
    assert refused.returncode == 2 and refused.stdout == ""
    assert "INFLUXDB3_API_URL is set in the environment but INFLUXDB3_MANAGEMENT_TOKEN is not" in refused.stderr


@pytest.mark.parametrize(
    ("env_change", "args", "message"),
    [
        ({"INFLUXDB3_MANAGEMENT_TOKEN": "M.V1.not-a-real-token-at-all"}, (), "HTTP 401"),
        ({"INFLUXDB3_ACCOUNT_ID": None}, (), "INFLUXDB3_ACCOUNT_ID"),
        ({}, ("--policy-pack-config", "/nonexistent/policy.json"), "fix --policy-pack-config"),
        ({}, ("--profile", "nobody", "--influxctl-config", "/nonexistent/config.toml"), "does not exist"),
    ],
)
def test_settings_and_api_errors_exit_2_with_one_sentence(
    local_api: LocalApi, env_change: dict[str, Optional[str]], args: tuple[str, ...], message: str
):
    env = {k: v for k, v in {**local_api.env(), **env_change}.items() if v is not None}
    ran = run_audit(*args, env=env)
    assert ran.returncode == 2
    assert ran.stdout == ""
    [line] = ran.stderr.strip().splitlines()
    assert line.startswith("influxdb3-tokens audit: ") and message in line and line.endswith(".")
    assert local_api.admin_token not in ran.stderr and "M.V1.not-a-real" not in ran.stderr


def test_bad_flags_are_refused_by_the_parser(local_api: LocalApi):
    ran = run_audit("--max-lifetime-days", "0", env=local_api.env())
    assert ran.returncode == 2 and "--max-lifetime-days" in ran.stderr


def test_the_audit_runs_over_the_influxctl_transport_too(local_api: LocalApi, minted: dict[str, dict], tmp_path: Path):
    env = local_api.env()
    del env["INFLUXDB3_API_URL"]  # no API URL and influxctl on PATH: the influxctl transport
    ran = run_audit("--format", "json", env=env | standin_env(local_api, tmp_path))
    assert ran.returncode == 1, ran.stderr
    findings = {t["id"]: [f["rule"] for f in t["findings"]] for t in json.loads(ran.stdout)["tokens"]}
    assert findings[minted["forever"]["id"]] == ["management-token-must-expire"]
    assert findings[minted["year"]["id"]] == ["management-token-max-lifetime"]
    assert findings[minted["soon"]["id"]] == ["management-token-rotation"]
    assert minted["revoked"]["id"] not in findings
    assert_no_token_string(ran, local_api, minted)


def test_database_tokens_of_the_local_servers_documented_api_are_judged_and_only_a_provable_orphan_is_revoked(
    local_api: LocalApi, tmp_path: Path
):
    """The installed command over the local server's documented Management API (Cloud Dedicated's paths: InfluxData's
    api-docs/influxdb3/cloud-dedicated/management/openapi.yml, CreateClusterDatabase and CreateDatabaseToken under
    /accounts/{accountId}/clusters/{clusterId}/; the admin guide's create.md sends expirationType and expiresAt).
    A token a pending DatabaseToken create provably made (its marker, description and expiry) is revoked; a token
    made by hand with the same description is not."""
    api = f"/api/v0/accounts/{local_api.account_id}/clusters/{local_api.cluster_id}"
    month = timeutil.format_rfc3339(timeutil.now() + timedelta(days=30))
    marker = "0a1b2c3d4e"

    def create(description: str, permissions: list[tuple[str, str]], expires_at: Optional[str] = month) -> dict:
        expiry = {"expirationType": "datetime", "expiresAt": expires_at} if expires_at else {}
        body = {"description": description, "permissions": [{"action": a, "resource": r} for a, r in permissions]}
        response = http.post(f"{api}/tokens", json=body | (expiry or {"expirationType": "noExpiration"}))
        assert response.status_code == 200, response.text
        return dict(response.json())

    with local_api.client() as http:
        database = {"name": "metrics", "maxTables": 500, "maxColumnsPerTable": 250, "retentionPeriod": 0}
        assert http.post(f"{api}/databases", json=database).status_code == 200
        forever = create("grafana", [("read", "metrics")], expires_at=None)
        everywhere = create("backup job", [("read", "*")])
        lost = create(f"app reader [pulumi:{marker}]", [("read", "metrics")])
        by_hand = create("app reader", [("read", "metrics")])
    pending = {"description": "app reader", "expires_in": "30d", "create_marker": marker}
    state = tmp_path / "state.json"
    operation = {"resource": {"urn": "urn:pulumi:dev::p::influxdb3:index:DatabaseToken::app", "inputs": pending}}
    operation["resource"]["type"] = "influxdb3:index:DatabaseToken"
    deployment = {"resources": [], "pending_operations": [operation | {"type": "creating"}]}
    state.write_text(json.dumps({"version": 3, "deployment": deployment}))

    flags = ("--format", "json", "--stack-state", str(state), "--revoke-orphans", "--yes")
    ran = run_audit(*flags, env=local_api.env(), documented=True)

    assert ran.returncode == 1, ran.stderr  # orphan revoked; "grafana" and the bootstrap token never expire
    assert ran.stderr == f"influxdb3-tokens audit: revoked orphan database token {lost['id']}.\n"
    report = json.loads(ran.stdout)["databaseTokens"]
    assert report["product"] == "dedicated" and report["orphans"] == [lost["id"]]
    assert report["notOrphans"][by_hand["id"]].startswith("its description carries no create marker")
    found = {t["id"]: [f["rule"] for f in t["findings"]] for t in report["tokens"]}
    assert found[forever["id"]] == ["database-token-must-expire"]
    assert found[everywhere["id"]] == ["database-token-no-wildcard"]
    assert report["databases"][0]["findings"][0]["rule"] == "database-infinite-retention"
    with local_api.client() as http:
        listed = {t["id"]: t for t in http.get(f"{api}/tokens").json()}
    assert listed[lost["id"]]["revokedAt"] and not listed[by_hand["id"]].get("revokedAt")
    for secret in (local_api.admin_token, forever["accessToken"], lost["accessToken"], by_hand["accessToken"]):
        assert secret not in ran.stdout + ran.stderr
