"""`profile write` never destroys a credential silently, and writes only a secret that looks like a token.

Outside facts held here: influxctl keeps a management token in a profile's `mgmt_token` (influxctl docs,
"Configure connection profiles"); `pulumi stack output NAME --json` prints a secret output as the string
"[secret]" unless --show-secrets is given (pulumi v3.274.1, checked against a local stack: see
support/profile_cli.py).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest

from support.profile_cli import fake_pulumi, profiles, run_cli, write

TOKEN = "M.V1.profile-safety-token-Qw3"
ADMIN = "M.V1.my-own-admin-token-Hk8"

MINE = f"""# the laptop: my own admin token
[[profile]]
  name = "default"
  product = "dedicated"
  account_id = "acc-default"
  cluster_id = "clu-default"
  mgmt_token = "{ADMIN}"
"""


def backups(config: Path) -> list[Path]:
    return sorted(config.parent.glob(f"{config.name}.bak-*"))


def one_sentence(err: str) -> str:
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert TOKEN not in err and ADMIN not in err
    return err


# Writing another token over the profile's own, and removing the profile: either destroys the credential.
DESTROYING = {"replace": ("default",), "remove": ("default", "--remove")}


@pytest.mark.parametrize("action", sorted(DESTROYING))
def test_a_profiles_mgmt_token_is_not_destroyed_without_force(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], action: str
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(MINE, encoding="utf-8")
    assert write(config, *DESTROYING[action], stdin=TOKEN, monkeypatch=monkeypatch) == 2
    err = one_sentence(capsys.readouterr().err)
    assert "'default'" in err and str(config) in err and "--force" in err
    assert config.read_text(encoding="utf-8") == MINE
    assert backups(config) == []


@pytest.mark.parametrize("action", sorted(DESTROYING))
def test_force_keeps_a_private_backup_of_the_old_file_and_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], action: str
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(MINE, encoding="utf-8")
    config.chmod(0o644)
    assert write(config, *DESTROYING[action], "--force", stdin=TOKEN, monkeypatch=monkeypatch) == 0
    assert profiles(config).get("default", {}).get("mgmt_token") == (None if action == "remove" else TOKEN)
    [backup] = backups(config)
    assert backup.read_text(encoding="utf-8") == MINE
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    err = capsys.readouterr().err
    assert str(backup) in err
    assert TOKEN not in err and ADMIN not in err


def test_the_same_token_again_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(MINE, encoding="utf-8")
    assert write(config, "default", stdin=ADMIN, monkeypatch=monkeypatch) == 0
    assert config.read_text(encoding="utf-8") == MINE
    assert backups(config) == []
    assert "already holds this token" in capsys.readouterr().err


def test_removing_a_profile_without_a_token_needs_no_force(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text(MINE.replace(f'  mgmt_token = "{ADMIN}"\n', ""), encoding="utf-8")
    assert write(config, "default", "--remove", stdin="", monkeypatch=monkeypatch) == 0
    assert profiles(config) == {} and backups(config) == []


# A stack output that is no token: (its value, is it a Pulumi secret, what the refusal says).
NOT_A_TOKEN: dict[str, tuple[Any, bool, str]] = {
    "plainToken": (TOKEN, False, "is not a Pulumi secret"),
    "tokenId": ("3f1c2a9e-7b4d-4e8a-9c51-0d2e6f7a8b90", True, "looks like a token id"),
    "short": ("M.V1.abc", True, "too short"),
    "spaced": ("M.V1.token with-a-space-in-it", True, "a space, a line break"),
    "twoLines": (TOKEN + "\n" + TOKEN, True, "a space, a line break"),
    "number": (12345678901234567890, True, "is not a string"),
    "object": ({"token": TOKEN}, True, "is not a string"),
}


@pytest.mark.parametrize("output", sorted(NOT_A_TOKEN))
def test_a_stack_output_that_is_not_a_secret_token_is_refused_by_name(tmp_path: Path, output: str) -> None:
    value, _, says = NOT_A_TOKEN[output]
    bin_dir, _ = fake_pulumi(tmp_path, {name: (v, secret) for name, (v, secret, _) in NOT_A_TOKEN.items()})
    config = tmp_path / "config.toml"
    config.write_text(MINE, encoding="utf-8")
    done = run_cli(
        "profile",
        *("write", "ci", "--config", str(config), "--stack-output", output),
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"},
    )
    assert done.returncode == 2
    err = one_sentence(done.stderr)
    assert f"'{output}'" in err and says in err, err
    assert str(value) not in done.stdout + err and "3f1c2a9e" not in err
    assert config.read_text(encoding="utf-8") == MINE


def test_a_missing_stack_output_is_named(tmp_path: Path) -> None:
    bin_dir, _ = fake_pulumi(tmp_path, {})
    config = tmp_path / "config.toml"
    done = run_cli(
        "profile",
        *("write", "ci", "--config", str(config), "--stack-output", "nope"),
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"},
    )
    assert done.returncode == 2 and "nope" in one_sentence(done.stderr)
    assert not config.exists()


def test_a_token_on_standard_input_must_look_like_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(MINE, encoding="utf-8")
    assert write(config, "ci", stdin="3f1c2a9e-7b4d-4e8a-9c51-0d2e6f7a8b90", monkeypatch=monkeypatch) == 2
    assert "standard input" in one_sentence(capsys.readouterr().err)
    assert config.read_text(encoding="utf-8") == MINE
