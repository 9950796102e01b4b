"""Issues 17 (1) and 30 (1): `audit --revoke-orphans` on a shared account revokes only what is provably ours.

The account holds the credential the audit uses, other people's tokens (made by another identity),
tokens made by hand with the same admin, and the stack's own. Only a token carrying the create marker
of a create a given stack left pending (core/management_token/marker.py), with that create's
description and an expiry that fits its inputs, and held by no state, may be revoked, and only with
--yes. Creator, description and a count of pending creates prove nothing: a colleague with the same
admin secret matches them all.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import pytest
from pydantic import SecretStr

from pulumi_influxdb3_tokens.audit import command
from pulumi_influxdb3_tokens.audit import orphans as judge
from pulumi_influxdb3_tokens.audit.command import main
from pulumi_influxdb3_tokens.core import timeutil
from pulumi_influxdb3_tokens.core.database_token.models import DatabaseTokenRecord
from pulumi_influxdb3_tokens.core.management_token.models import TokenRecord
from pulumi_influxdb3_tokens.settings import resolve_connection

# The judge's names are looked up when a test runs, so that on the code before the fix the tests of
# the command's behaviour still run (and fail on what they assert) rather than fail to import.
from support.audit_cli import MANAGEMENT_TOKENS_ONLY
from support.influxctl import isolate, stack_config
from support.local_api import LocalApi

DYNAMIC = "pulumi-python:dynamic/influxdb3:ManagementToken"
PLUGIN = "influxdb3:index:ManagementToken"
# How `pulumi stack export` writes a secret it keeps encrypted (the SDK's secret signature).
ENCRYPTED = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "x"}


def mint_as(local_api: LocalApi, token: str, description: str) -> dict[str, Any]:
    """A token made with another credential: the server records that credential as its creator."""
    with local_api.client(token) as http:
        response = http.post(local_api.tokens_path, json={"description": description})
        response.raise_for_status()
        return dict(response.json())


MARKER = "0a1b2c3d4e"  # the create marker a pending create of the stack names
LOST = f"svc-a deployer [pulumi:{MARKER}]"  # what the token that create minted carries


def state_file(
    path: Path,
    held: list[dict[str, Any]],
    resource_type: str = DYNAMIC,
    pending: tuple[dict[str, Any], ...] = (),
) -> Path:
    """`pulumi stack export` output holding these tokens as the provider minted them, and the creates (by their
    checked inputs: description, create marker, expiry) an interrupted update left pending
    (`pending_operations` of type `creating`)."""

    def outputs(token: dict[str, Any]) -> dict[str, Any]:
        facts = {
            "description": token["description"],
            "token": ENCRYPTED,
            "token_prefix": token["tokenPrefix"],
            "created_by": token["createdBy"],
            "account_id": token["accountId"],
            "cluster_id": token["clusterId"],
        }
        if resource_type == PLUGIN:
            return {"createdBy" if k == "created_by" else k: v for k, v in facts.items()} | {
                "accountId": token["accountId"],
                "clusterId": token["clusterId"],
            }
        return facts

    resources = [{"urn": "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev", "type": "pulumi:pulumi:Stack"}] + [
        {
            "urn": f"urn:pulumi:dev::p::{resource_type}::t{i}",
            "type": resource_type,
            "id": token["id"],
            "inputs": {"description": token["description"]},
            "outputs": outputs(token),
        }
        for i, token in enumerate(held)
    ]
    operations = [
        {
            "resource": {
                "urn": f"urn:pulumi:dev::p::{resource_type}::p{i}",
                "type": resource_type,
                "inputs": inputs,
            },
            "type": "creating",
        }
        for i, inputs in enumerate(pending)
    ]
    deployment = {"manifest": {}, "resources": resources, "pending_operations": operations}
    path.write_text(json.dumps({"version": 3, "deployment": deployment}))
    return path


@pytest.fixture
def account(local_api: LocalApi, tmp_path: Path) -> dict[str, Any]:
    """One stack's held token and its lost twin, plus everything else a shared account holds."""
    held = local_api.mint("svc-a deployer")
    lost = local_api.mint(LOST)  # the pending create's token, carrying its marker: the answer was lost
    by_hand = local_api.mint("release script")  # same admin, a description no stack declares
    colleague = local_api.mint("colleague's laptop")
    theirs = mint_as(local_api, colleague["accessToken"], "svc-a deployer")  # another identity, same description
    return {
        "held": held,
        "lost": lost,
        "by_hand": by_hand,
        "colleague": colleague,
        "theirs": theirs,
        "state": state_file(
            tmp_path / "state.json", [held], pending=({"description": "svc-a deployer", "create_marker": MARKER},)
        ),
    }


def own_profile(tmp_path: Path, local_api: LocalApi, token: Optional[str]) -> Path:
    config = tmp_path / "influxctl.toml"
    mgmt = f'mgmt_token = "{token}"\n' if token is not None else ""
    config.write_text(
        f'[[profile]]\nname = "ci"\nproduct = "dedicated"\naccount_id = "{local_api.account_id}"\n'
        f'cluster_id = "{local_api.cluster_id}"\n{mgmt}'
    )
    config.chmod(0o600)
    return config


@pytest.fixture
def over_own_profile(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, local_api: LocalApi) -> list[str]:
    """influxctl (the stand-in) with the user's own profile `ci`, whose mgmt_token is the admin token."""
    isolate(monkeypatch, tmp_path, standin_on_path=True)
    monkeypatch.setenv("INFLUXCTL_STANDIN_API_URL", local_api.url)
    # Management tokens only: over this profile the documented API would be InfluxData's console.influxdata.com.
    profile = ["--profile", "ci", "--influxctl-config", str(own_profile(tmp_path, local_api, local_api.admin_token))]
    return [*profile, *MANAGEMENT_TOKENS_ONLY]


def admin_id(local_api: LocalApi) -> str:
    [admin] = [t for t in local_api.list_tokens() if local_api.admin_token.startswith(t["tokenPrefix"])]
    return str(admin["id"])


def test_with_the_users_own_profile_the_credential_and_unattributable_tokens_are_never_revoked(
    local_api, account, over_own_profile, capsys
):
    before = local_api.unrevoked_ids()
    code = main(["audit", "--format", "json", "--stack-state", str(account["state"]), *over_own_profile])
    report = json.loads(capsys.readouterr().out)
    assert code == 3
    assert report["orphans"] == [account["lost"]["id"]]
    assert set(report["unattributed"]) == {account[k]["id"] for k in ("by_hand", "colleague", "theirs")}
    assert admin_id(local_api) not in report["orphans"] + report["unattributed"]

    # --revoke-orphans alone only says what it would revoke.
    code = main(["audit", "--stack-state", str(account["state"]), "--revoke-orphans", *over_own_profile])
    err = capsys.readouterr().err
    assert code == 3 and local_api.unrevoked_ids() == before
    assert (
        f"influxdb3-tokens audit: --revoke-orphans would revoke {account['lost']['id']}; nothing was revoked: "
        f"add --yes to revoke them.\n" == err
    )

    # With --yes exactly the orphan goes; the credential, the colleague's and the hand-made tokens stay.
    code = main(["audit", "--stack-state", str(account["state"]), "--revoke-orphans", "--yes", *over_own_profile])
    assert code == 1, capsys.readouterr()  # no orphan left; the never-expiring tokens break a mandatory rule
    assert local_api.unrevoked_ids() == before - {account["lost"]["id"]}
    assert local_api.admin_token and admin_id(local_api) in local_api.unrevoked_ids()


def test_over_http_the_same_tokens_are_orphans_and_only_they_are_revoked(
    local_api, account, monkeypatch, tmp_path, capsys
):
    isolate(monkeypatch, tmp_path, standin_on_path=False)
    for name, value in local_api.env().items():
        monkeypatch.setenv(name, value)
    before = local_api.unrevoked_ids()
    code = main(["audit", "--stack-state", str(account["state"]), "--revoke-orphans", "--yes"])
    out = capsys.readouterr().out
    assert code == 1  # no orphan left; the never-expiring tokens break a mandatory rule
    assert local_api.unrevoked_ids() == before - {account["lost"]["id"]}
    assert "3 live tokens held by no given stack state cannot be attributed to one of its stacks" in out
    # Each says why it is no orphan: the hand-made ones, whatever their description, carry no create marker.
    for name in ("by_hand", "colleague", "theirs"):
        assert f"  {account[name]['id']} is no orphan: its description carries no create marker" in out
    assert local_api.admin_token not in out


class _Listed:
    """A client whose list is given: the credential in use is not among the listed tokens."""

    def __init__(self, records: list[Any]) -> None:
        self.records, self.revoked = records, []

    def list(self) -> list[Any]:
        return self.records

    def revoke(self, token_id: str) -> bool:
        self.revoked.append(token_id)
        return True


def record(token_id: str, prefix: str, created_by: str, description: str = "svc-a deployer") -> TokenRecord:
    return TokenRecord(
        id=token_id,
        account_id="acc",
        cluster_id="clu",
        description=description,
        token_prefix=prefix,
        created_at=timeutil.now(),
        created_by=created_by,
    )


def database_token(token_id: str, description: str) -> DatabaseTokenRecord:
    """A database token that never expires: what a pending create without expiry inputs made."""
    return DatabaseTokenRecord(id=token_id, description=description, created_at=timeutil.now())


@pytest.mark.parametrize("yes", [[], ["--yes"]], ids=["dry-run", "confirmed"])
def test_revoking_is_refused_in_one_sentence_when_the_credential_is_not_listed(monkeypatch, tmp_path, capsys, yes):
    isolate(monkeypatch, tmp_path, standin_on_path=False)
    monkeypatch.setenv("INFLUXDB3_API_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("INFLUXDB3_ACCOUNT_ID", "acc")
    monkeypatch.setenv("INFLUXDB3_CLUSTER_ID", "clu")
    monkeypatch.setenv("INFLUXDB3_MANAGEMENT_TOKEN", "M.V1.unlisted-credential")
    listed = _Listed([record("held", "M.V1.held", "admin"), record("lost", "M.V1.lost", "admin")])
    monkeypatch.setattr(command, "client_for", lambda connection: listed)
    # The cluster also lists a database token a pending create of the state provably made: it is not revoked either.
    database_tokens = _Listed([database_token("db-lost", f"app [pulumi:{MARKER}]")])
    monkeypatch.setattr(command, "database_token_client_for", lambda connection: database_tokens)
    monkeypatch.setattr(command, "database_client_for", lambda connection: _Listed([]))
    held = {"id": "held", "description": "svc-a deployer", "tokenPrefix": "M.V1.held", "createdBy": "admin"}
    state = state_file(tmp_path / "state.json", [held | {"accountId": "acc", "clusterId": "clu"}])
    with_database_token = json.loads(state.read_text())
    with_database_token["deployment"]["pending_operations"] = [
        {
            "resource": {
                "urn": "urn:pulumi:dev::p::influxdb3:index:DatabaseToken::app",
                "type": "influxdb3:index:DatabaseToken",
                "inputs": {"description": "app", "createMarker": MARKER},
            },
            "type": "creating",
        }
    ]
    state.write_text(json.dumps(with_database_token))

    code = main(["audit", "--format", "json", "--stack-state", str(state), "--revoke-orphans", *yes])

    out, err = capsys.readouterr()
    assert json.loads(out)["databaseTokens"]["orphans"] == ["db-lost"]
    assert code == 2 and listed.revoked == [] and database_tokens.revoked == []
    assert err == (
        "influxdb3-tokens audit: --revoke-orphans refused: the credential in use (influxdb3:managementToken / "
        "INFLUXDB3_MANAGEMENT_TOKEN) is not listed once among the tokens of account acc / cluster clu, so the "
        "audit cannot tell which token is its own; nothing was revoked.\n"
    )


def test_yes_alone_is_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["audit", "--yes"])
    assert raised.value.code == 2 and "--yes confirms --revoke-orphans" in capsys.readouterr().err


# --- the judge itself ---------------------------------------------------------------------------


def _credential() -> Any:
    from pulumi_influxdb3_tokens.clients.credential import Credential

    return Credential


def test_a_device_flow_login_is_no_listed_token_and_orphans_are_still_only_the_stacks(tmp_path):
    state = state_file(
        tmp_path / "state.json",
        [
            {
                "id": "held",
                "description": "svc-a deployer",
                "tokenPrefix": "M.V1.held",
                "createdBy": "user-7",
                "accountId": "acc",
                "clusterId": "clu",
            }
        ],
        resource_type=PLUGIN,
        pending=({"description": "svc-a deployer", "createMarker": MARKER},),
    )
    records = [
        record("held", "M.V1.held", "user-7"),
        record("lost", "M.V1.lost", "user-7", description=LOST),
        record("admin", "M.V1.admin", "bootstrap", description="admin"),
        record("elsewhere", "M.V1.else", "user-7", description="svc-b deployer"),
    ]
    verdict = judge.judge_orphans(records, judge.held_tokens([state]), _credential()(None, "login"))
    assert verdict.credential_known and verdict.credential_id is None
    assert verdict.orphans == ["lost"] and verdict.unattributed == ["admin", "elsewhere"]
    # A second given state naming the same marker (a copied state): which stack's create it was cannot be told.
    copy = tmp_path / "copy.json"
    copy.write_text(state.read_text())
    both = judge.judge_orphans(records, judge.held_tokens([state, copy]), _credential()(None, "login"))
    assert both.orphans == [] and both.unattributed == ["admin", "elsewhere", "lost"]


def test_adopted_imported_and_recovered_tokens_say_nothing_about_who_mints_for_the_stack(tmp_path):
    base = {"description": "svc-a deployer", "created_by": "colleague", "account_id": "acc", "cluster_id": "clu"}
    resources = [
        {"type": DYNAMIC, "id": "adopted", "outputs": base | {"token": ENCRYPTED, "adopt_token_id": "adopted"}},
        {"type": DYNAMIC, "id": "imported", "outputs": base | {"token": None}},
    ]
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"deployment": {"resources": resources}}))
    records = [record("theirs", "M.V1.theirs", "colleague")]
    verdict = judge.judge_orphans(records, judge.held_tokens([state]), _credential()(None, "login"))
    assert verdict.orphans == [] and verdict.unattributed == ["theirs"]


def test_the_credential_of_the_users_own_profile_is_read_from_that_profile(tmp_path, monkeypatch, local_api):
    isolate(monkeypatch, tmp_path, standin_on_path=True)
    with_token = own_profile(tmp_path, local_api, "M.V1.the-profiles-own-token")
    connection = resolve_connection(
        stack_config(influxctlProfile="ci", influxctlConfig=str(with_token), accountId=None, clusterId=None)
    )
    from pulumi_influxdb3_tokens.clients.credential import credential_in_play

    credential = credential_in_play(connection)
    assert credential.token == SecretStr("M.V1.the-profiles-own-token") and not credential.is_login
    assert credential.source == "the mgmt_token of influxctl profile 'ci'"
    assert "the-profiles-own-token" not in repr(credential)

    own_profile(tmp_path, local_api, None)  # the person logs in through the identity provider instead
    connection = resolve_connection(
        stack_config(influxctlProfile="ci", influxctlConfig=str(with_token), accountId=None, clusterId=None)
    )
    login = credential_in_play(connection)
    assert login.is_login and login.own_records([record("admin", "M.V1", "x")]) == []


def test_two_listed_tokens_matching_the_credential_mean_it_cannot_tell(tmp_path):
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"deployment": {"resources": []}}))
    records = [record("a", "M.V1.ab", "x"), record("b", "M.V1.abc", "x")]
    verdict = judge.judge_orphans(records, judge.held_tokens([state]), _credential()(SecretStr("M.V1.abcdef"), "t"))
    assert not verdict.credential_known and verdict.orphans == []


def connect_all(local_api: LocalApi) -> list[TokenRecord]:
    """Every token of the server's account, as the audit lists them (over http)."""
    from pulumi_influxdb3_tokens.clients import client_for

    settings = stack_config(
        apiUrl=local_api.url,
        accountId=local_api.account_id,
        clusterId=local_api.cluster_id,
        managementToken=local_api.admin_token,
    )
    return client_for(resolve_connection(settings)).list()


def test_a_twin_of_a_held_tokens_description_is_no_orphan_without_a_pending_create(local_api, account, tmp_path):
    """The stranger's case: another stack (its state not given) made a token with the same description and the
    same admin. Only an interrupted create of the given stack accounts for an unheld token; none is recorded."""
    state = state_file(tmp_path / "no-pending.json", [account["held"]])
    records = connect_all(local_api)
    verdict = judge.judge_orphans(records, judge.held_tokens([state]), _credential()(None, "login"))
    assert verdict.orphans == [] and account["lost"]["id"] in verdict.unattributed


def test_twins_without_the_marker_are_left_alone_while_a_create_is_pending(local_api, account, tmp_path):
    """One create left pending; unheld twins of its description by the same creator carry no marker: only the
    token carrying the marker is that create's."""
    another = local_api.mint("svc-a deployer")
    verdict = judge.judge_orphans(
        connect_all(local_api), judge.held_tokens([account["state"]]), _credential()(None, "login")
    )
    assert verdict.orphans == [account["lost"]["id"]]
    assert {another["id"], account["theirs"]["id"]} <= set(verdict.unattributed)


def test_the_reviews_hand_made_token_is_never_an_orphan(local_api, tmp_path, monkeypatch, capsys):
    """Issue 30 (1), over HTTP: the stack holds "Other token"; someone makes "CI deployer" by hand with the same
    admin and expiresAt 2027-01-01 (before the pending create, and not created + 30d); an `up` adding
    ManagementToken("ci", description="CI deployer", expires_in="30d") was killed, leaving that create pending.
    On 2e07e1d `--revoke-orphans --yes` revoked the hand-made token."""
    other = local_api.mint("Other token")
    by_hand = local_api.mint("CI deployer", expires_at="2027-01-01T00:00:00Z")
    pending = {"description": "CI deployer", "expires_in": "30d", "create_marker": "5e6f7a8b9c"}
    state = state_file(tmp_path / "state.json", [other], pending=(pending,))
    isolate(monkeypatch, tmp_path, standin_on_path=False)
    for name, value in local_api.env().items():
        monkeypatch.setenv(name, value)

    main(["audit", "--format", "json", "--stack-state", str(state), "--revoke-orphans", "--yes"])

    report = json.loads(capsys.readouterr().out)
    assert report["orphans"] == [] and by_hand["id"] in report["unattributed"]
    assert by_hand["id"] in local_api.unrevoked_ids()


def test_a_token_carrying_the_marker_but_not_the_pending_expiry_is_no_orphan(tmp_path):
    """The marker alone is not taken on trust: the token must also be what the pending create asked for."""
    pending = {"description": "svc-a deployer", "expires_in": "30d", "create_marker": MARKER}
    state = state_file(tmp_path / "state.json", [], pending=(pending,))
    now = timeutil.now()
    fits = record("fits", "M.V1.fits", "x", description=LOST).model_copy(
        update={"created_at": now, "expires_at": now + timeutil.parse_duration("30d")}
    )
    too_long = fits.model_copy(update={"id": "too-long", "expires_at": now + timeutil.parse_duration("31d")})
    never = fits.model_copy(update={"id": "never", "expires_at": None})
    verdict = judge.judge_orphans([fits, too_long, never], judge.held_tokens([state]), _credential()(None, "login"))
    assert verdict.orphans == ["fits"] and verdict.unattributed == ["never", "too-long"]


def test_a_confirmed_revoke_ends_the_table_with_what_it_revoked(local_api, tmp_path, monkeypatch, capsys):
    """Issue 32 (1): after `--revoke-orphans --yes` the table, printed before the revokes, still ended by advising
    "revoke them (--revoke-orphans --yes)"; its last line now says what was revoked and that none is left."""
    expires = timeutil.format_rfc3339(timeutil.now() + timeutil.parse_duration("30d"))
    lost = local_api.mint(LOST, expires_at=expires)
    pending = {"description": "svc-a deployer", "expires_in": "30d", "create_marker": MARKER}
    state = state_file(tmp_path / "state.json", [], pending=(pending,))
    isolate(monkeypatch, tmp_path, standin_on_path=False)
    for name, value in local_api.env().items():
        monkeypatch.setenv(name, value)

    main(["audit", "--management-tokens-only", "--stack-state", str(state), "--revoke-orphans", "--yes"])

    out = capsys.readouterr().out
    assert out.rstrip().splitlines()[-1] == f"Revoked 1 orphans: {lost['id']}; none is left."
    assert lost["id"] not in local_api.unrevoked_ids()
