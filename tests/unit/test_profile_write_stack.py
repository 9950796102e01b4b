"""`profile write --stack-output`: a new profile's account_id and cluster_id from the stack that holds the token.

Documented facts held here:
- docs/guides/pipelines.md ("Where the token goes") and the command's --help give the order, first found wins:
  the flags; with --stack-output the stack's ManagementToken `account_id`/`cluster_id` outputs (`accountId`/
  `clusterId` on the plugin), then the stack's config `influxdb3:accountId`/`influxdb3:clusterId`; the profile's
  own values; INFLUXDB3_ACCOUNT_ID/INFLUXDB3_CLUSTER_ID; the profile influxctl itself uses.
- docs/management-token.md (outputs): `account_id` is the account the token belongs to, `cluster_id` the
  cluster the provider reached it through.
- influxctl's docs ("Configure connection profiles"): a `[[profile]]` has `account_id` and `cluster_id`.
- installation-configuration.md: the stack config wins over the environment, which wins over an influxctl profile.
The stand-in `pulumi` (tests/support/profile_cli.py) answers `stack export` and `config --json` as v3.274.1 does.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Optional

import pytest

from pulumi_influxdb3_tokens.audit.command import main
from pulumi_influxdb3_tokens.resources import MANAGEMENT_TOKEN
from support.profile_cli import fake_pulumi, profiles

TOKEN = "M.V1.stack-ids-token-Zq9abc"
DEFAULT_PROFILE = """[[profile]]
  name = "default"
  product = "dedicated"
  account_id = "acc-profile"
  cluster_id = "clu-profile"
"""
CI_PROFILE = """[[profile]]
  name = "ci"
  product = "dedicated"
  account_id = "acc-own"
  cluster_id = "clu-own"
"""


def token(account: Optional[str], cluster: Optional[str], face: str = "plugin", **extra: Any) -> dict[str, Any]:
    """A ManagementToken as `pulumi stack export` holds it: the plugin's outputs in camelCase, the dynamic
    resource's in snake_case; the token itself a secret (ciphertext) either way."""
    secret = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "v1:abc"}
    names = ("accountId", "clusterId") if face == "plugin" else ("account_id", "cluster_id")
    outputs = {"token": secret, **{n: v for n, v in zip(names, (account, cluster), strict=True) if v is not None}}
    kind = MANAGEMENT_TOKEN.plugin_type if face == "plugin" else MANAGEMENT_TOKEN.dynamic_type
    return {"urn": f"urn:pulumi:dev::p::{kind}::t", "type": kind, "id": "a1b2", "outputs": outputs, **extra}


def config(account: Optional[str] = None, cluster: Optional[str] = None) -> dict[str, Any]:
    found = {"influxdb3:accountId": account, "influxdb3:clusterId": cluster}
    return {key: {"value": value, "secret": False} for key, value in found.items() if value is not None}


def write(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    *flags: str,
    resources: Optional[list[dict[str, Any]]] = None,
    stack_config: Optional[dict[str, Any]] = None,
    env: Optional[dict[str, str]] = None,
    existing: str = DEFAULT_PROFILE,
) -> tuple[int, Path, list[list[str]]]:
    """`profile write ci --stack-output ciToken FLAGS` against a stand-in pulumi; exit code, config, pulumi argv."""
    bin_dir, record = fake_pulumi(tmp_path, {"ciToken": (TOKEN, True)}, resources, stack_config)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    for name in ("INFLUXDB3_ACCOUNT_ID", "INFLUXDB3_CLUSTER_ID", "INFLUXCTL_PROFILE", "INFLUXDB3_INFLUXCTL_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)
    path = tmp_path / "config.toml"
    path.write_text(existing, encoding="utf-8")
    code = main(["profile", "write", "ci", "--config", str(path), "--stack-output", "ciToken", *flags])
    return code, path, [line.split() for line in record.read_text(encoding="utf-8").splitlines()]


def ids(path: Path) -> tuple[str, str]:
    ci = profiles(path)["ci"]
    return ci["account_id"], ci["cluster_id"]


ENV = {"INFLUXDB3_ACCOUNT_ID": "acc-env", "INFLUXDB3_CLUSTER_ID": "clu-env"}


def test_the_flags_come_first_and_then_the_stack_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    code, path, argv = write(
        tmp_path,
        monkeypatch,
        *("--account-id", "acc-flag", "--cluster-id", "clu-flag"),
        resources=[token("acc-token", "clu-token")],
        stack_config=config("acc-config", "clu-config"),
        env=ENV,
    )
    assert code == 0 and ids(path) == ("acc-flag", "clu-flag")
    assert [a[:2] for a in argv] == [["stack", "output"], ["stack", "output"]]  # the token only


@pytest.mark.parametrize("face", ["plugin", "dynamic"])
def test_the_tokens_own_outputs_come_before_the_stack_config_the_environment_and_the_profiles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, face: str
):
    """The README's step 5 on an HTTP stack: no flag, no influxctl profile of the person's, yet the stack knows."""
    code, path, argv = write(
        tmp_path,
        monkeypatch,
        resources=[token("acc-token", "clu-token", face)],
        stack_config=config("acc-config", "clu-config"),
        env=ENV,
        existing=DEFAULT_PROFILE + "\n" + CI_PROFILE,  # the profile's own values give way to the stack's too
    )
    assert code == 0 and ids(path) == ("acc-token", "clu-token")
    assert profiles(path)["ci"]["mgmt_token"] == TOKEN
    # never --show-secrets for anything but the token
    assert [a for a in argv if "--show-secrets" in a] == [
        ["stack", "output", "ciToken", "--show-secrets", "--json", "--non-interactive"]
    ]


def test_one_flag_and_the_rest_from_the_stack_config_then_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # Tokens without the outputs (a state written before them) and a replaced one the engine has yet to delete.
    resources = [token(None, None), token("acc-gone", "clu-gone", delete=True)]
    code, path, _ = write(
        tmp_path, monkeypatch, "--account-id", "acc-flag", resources=resources, stack_config=config(cluster="clu-c")
    )
    assert code == 0 and ids(path) == ("acc-flag", "clu-c")

    # No stack config: the environment, then (for what it lacks) the profile influxctl uses.
    code, path, _ = write(
        tmp_path, monkeypatch, resources=resources, env={"INFLUXDB3_CLUSTER_ID": "clu-env"}, stack_config={}
    )
    assert code == 0 and ids(path) == ("acc-profile", "clu-env")


def test_an_existing_profile_keeps_its_own_values_when_the_stack_names_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    code, path, _ = write(tmp_path, monkeypatch, env=ENV, existing=DEFAULT_PROFILE + "\n" + CI_PROFILE)
    assert code == 0 and ids(path) == ("acc-own", "clu-own")


def test_a_secret_config_value_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """`pulumi config --json` shows a secret without its value: it names nothing, so the next source answers."""
    secret = {"influxdb3:accountId": {"secret": True}, **config(cluster="clu-config")}
    code, path, _ = write(tmp_path, monkeypatch, stack_config=secret)
    assert code == 0 and ids(path) == ("acc-profile", "clu-config")


def test_tokens_on_two_clusters_need_the_flag_in_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    resources = [token("acc-1", "clu-a"), token("acc-1", "clu-b", face="dynamic")]
    code, path, _ = write(tmp_path, monkeypatch, resources=resources, stack_config=config("acc-c", "clu-c"))
    err = capsys.readouterr().err
    assert code == 2 and path.read_text(encoding="utf-8") == DEFAULT_PROFILE
    assert err.strip().splitlines() == [
        "influxdb3-tokens profile: The stack's management tokens name more than one cluster_id (clu-a, clu-b); "
        "pass --cluster-id to say which."
    ]
    assert TOKEN not in err

    code, path, _ = write(tmp_path, monkeypatch, "--cluster-id", "clu-b", resources=resources)
    assert code == 0 and ids(path) == ("acc-1", "clu-b")


def test_with_nothing_anywhere_the_sentence_names_the_stack_sources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    code, path, _ = write(tmp_path, monkeypatch, existing="")
    err = capsys.readouterr().err
    assert code == 2 and path.read_text(encoding="utf-8") == ""
    assert err.strip() == (
        "influxdb3-tokens profile: A new profile needs --account-id (or INFLUXDB3_ACCOUNT_ID, a ManagementToken's "
        f"account_id output or influxdb3:accountId in the stack's config, or a 'default' profile in {path} to take "
        "it from)."
    )
