"""Issue 30 (3): the journal holds until the state does.

A create whose answer arrived stays journaled as answered (its token id, never its string) until a
later run reads, diffs, updates or deletes a resource that holds the token: the engine calls those
only for resources its state holds. A create of the same request in a later process that finds an
answered entry nobody settled asks the server: a live token is reported and kept (never revoked:
nothing proves that no state holds it), a dead one is forgotten silently.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr

from pulumi_influxdb3_tokens.clients.http import HttpTokenClient
from pulumi_influxdb3_tokens.core.answered_creates import answered_path
from pulumi_influxdb3_tokens.core.management_token import lifecycle
from pulumi_influxdb3_tokens.core.management_token.models import TokenInputs
from pulumi_influxdb3_tokens.settings import Connection
from support.local_api import LocalApi

INPUTS = TokenInputs(description="deployer", expires_in="30d")
# A create in another process (an earlier `pulumi up` whose engine died before its state recorded the token).
EARLIER_PROCESS = """
import os
from pydantic import SecretStr
from pulumi_influxdb3_tokens.clients.http import HttpTokenClient
from pulumi_influxdb3_tokens.core.management_token.models import TokenInputs
from pulumi_influxdb3_tokens.settings import Connection
env = os.environ
connection = Connection(env["API_URL"], env["ACCOUNT"], env["CLUSTER"], SecretStr(env["ADMIN"]))
print(HttpTokenClient(connection).mint(TokenInputs(description="deployer", expires_in="30d")).id)
"""


def connection(local_api: LocalApi) -> Connection:
    return Connection(local_api.url, local_api.account_id, local_api.cluster_id, SecretStr(local_api.admin_token))


def minted_in_another_process(local_api: LocalApi, journal_dir: Path) -> str:
    env = {
        **os.environ,
        "API_URL": local_api.url,
        "ACCOUNT": local_api.account_id,
        "CLUSTER": local_api.cluster_id,
        "ADMIN": local_api.admin_token,
        "INFLUXDB3_TOKENS_JOURNAL_DIR": str(journal_dir),
    }
    done = subprocess.run(
        [sys.executable, "-c", EARLIER_PROCESS], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_minted_token_stays_journaled_as_answered_until_a_run_holding_it_settles_it(
    local_api: LocalApi, journal_dir: Path, capsys: pytest.CaptureFixture[str]
):
    created = HttpTokenClient(connection(local_api)).mint(INPUTS)
    entry = answered_path(journal_dir, created.id)
    assert json.loads(entry.read_text())["token_id"] == created.id
    assert created.access_token.get_secret_value() not in entry.read_text()
    assert list(journal_dir.glob("*.json")) == []  # no longer pending: the next up does not ask again
    HttpTokenClient(connection(local_api)).mint(INPUTS)  # this process's own answers are never reported
    assert capsys.readouterr().err == ""

    # The next run's preview diffs the resource its state holds: that settles the entry.
    held = {"description": "deployer", "expires_in": "30d", "token_id": created.id, "retiring": []}
    lifecycle.diff(held, held, created.id)
    assert not entry.exists()


def test_a_later_create_reports_a_live_unsettled_token_keeps_it_and_forgets_a_revoked_one(
    local_api: LocalApi, journal_dir: Path, capsys: pytest.CaptureFixture[str]
):
    earlier = minted_in_another_process(local_api, journal_dir)
    entry = answered_path(journal_dir, earlier)
    assert entry.exists()

    created = HttpTokenClient(connection(local_api)).mint(INPUTS)
    notice = capsys.readouterr().err
    assert (
        f"ManagementToken: an earlier create of this token on this machine got token {earlier}, but its "
        f"`pulumi up` stopped before the stack recorded it, so it may be held by no state: check with "
        f"`influxdb3-tokens audit --stack-state FILE` (FILE from `pulumi stack export`) and revoke it if no stack "
        f"holds it; its journal entry {entry} goes at the next create of this token once it is revoked, or when you "
        f"remove it. Minting a new one."
    ) in notice
    assert local_api.admin_token not in notice
    assert entry.exists()  # kept: nothing proves no state holds it
    assert local_api.live_ids() == {earlier, created.id}  # never revoked by the provider

    local_api.revoke(earlier)  # the user resolved it
    HttpTokenClient(connection(local_api)).mint(INPUTS)
    assert capsys.readouterr().err == ""
    assert not entry.exists()


# A Python program declaring one token on each face, run against Pulumi's mocks (pulumi.runtime.set_mocks): the
# mocks answer each registration as the engine does once it has saved the step, with the token's id and outputs.
PROGRAM = """
import pulumi

class Engine(pulumi.runtime.Mocks):
    def new_resource(self, args):
        token_id = "current-" + args.name
        retiring = [{"id": "retiring-" + args.name, "prefix": "M.V1.x", "until": "2030-01-01T00:00:00Z"}]
        return "first-" + args.name, {**args.inputs, "token_id": token_id, "retiring": retiring}

    def call(self, args):
        return {}

pulumi.runtime.set_mocks(Engine(), preview=False)

from pulumi_influxdb3_tokens import ManagementToken
from pulumi_influxdb3_tokens.influxdb3 import ManagementToken as PluginManagementToken

@pulumi.runtime.test
def program():
    ManagementToken("dynamic", description="deployer", expires_in="30d")
    PluginManagementToken("plugin", description="deployer", expires_in="30d")

program()
"""


def test_a_python_program_settles_the_answered_creates_of_its_tokens_once_the_engine_answers(journal_dir: Path):
    """Issue: `pulumi up --replace URN` right after the up that minted the token reported that token as lost. The
    engine skips the provider's diff for a replace target (pulumi/pulumi v3.274.1 pkg/resource/deploy/
    step_generator.go ``diff``: "If this resource is marked for replacement, just return a "replace" diff") and
    creates the replacement first, while the state still holds the old token, whose entry no diff had settled. The
    engine answers a program's registration only after saving the step (step_executor.go: ``stepComplete`` after
    ``OnResourceStepPost``), so both ManagementToken classes settle their tokens' entries when the ids arrive; an
    entry of a token no program was given (a lost answer) stays, to be reported."""
    held = [f"{kind}-{face}" for face in ("dynamic", "plugin") for kind in ("first", "current", "retiring")]
    for token_id in [*held, "lost"]:
        path = answered_path(journal_dir, token_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"token_id": token_id}))

    done = subprocess.run(
        [sys.executable, "-c", PROGRAM], env=dict(os.environ), capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert [token_id for token_id in held if answered_path(journal_dir, token_id).exists()] == []
    assert answered_path(journal_dir, "lost").exists()
