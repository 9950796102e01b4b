"""`influxdb3-tokens profile write`: a minted token into an influxctl connection profile.

Documented facts held here (influxctl docs, "Configure connection profiles"): the config file is a list
of `[[profile]]` tables with `name`, `product` ("dedicated" for Cloud Dedicated), `account_id`,
`cluster_id` and, to use a management token instead of a user login, `mgmt_token`.
"""

from __future__ import annotations

import os
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from support import profile_cli
from support.profile_cli import fake_pulumi, profiles, run_cli

TOKEN = "M.V1.profile-write-token-Zq9"
OTHER_TOKEN = "M.V1.someone-elses-token-Xy7"

EXISTING = f"""# my influxctl profiles: keep this comment
[[profile]]
  name = "default"
  product = "dedicated"
  # the laptop login: no token here
  account_id = "acc-default"
  cluster_id = "clu-default"

[[profile]]
  name = "ops"   # trailing comment
  product = "dedicated"
  account_id = "acc-ops"
  cluster_id = "clu-ops"
  mgmt_token = "{OTHER_TOKEN}"
"""


def write(config: Path, *args: str, stdin: str = TOKEN, monkeypatch: pytest.MonkeyPatch) -> int:
    return profile_cli.write(config, *args, stdin=stdin, monkeypatch=monkeypatch)


def test_a_new_profile_is_added_and_everything_else_stays_byte_for_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(EXISTING, encoding="utf-8")
    assert write(config, "ci", "--account-id", "acc-ci", "--cluster-id", "clu-ci", monkeypatch=monkeypatch) == 0
    text = config.read_text(encoding="utf-8")
    assert text.startswith(EXISTING)  # other profiles and every comment untouched
    assert profiles(config)["ci"] == {
        "name": "ci",
        "mgmt_token": TOKEN,
        "account_id": "acc-ci",
        "cluster_id": "clu-ci",
        "product": "dedicated",
    }
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    out = capsys.readouterr()
    assert TOKEN not in out.out + out.err
    assert "wrote profile 'ci'" in out.err
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_an_existing_profile_gets_the_new_token_and_keeps_its_other_keys_and_comments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(EXISTING, encoding="utf-8")
    config.chmod(0o644)
    assert write(config, "ops", "--force", monkeypatch=monkeypatch) == 0  # it held another token
    text = config.read_text(encoding="utf-8")
    assert text == EXISTING.replace(OTHER_TOKEN, TOKEN)
    assert profiles(config)["ops"]["account_id"] == "acc-ops"
    assert stat.S_IMODE(config.stat().st_mode) == 0o600  # a file holding a credential is the owner's alone

    # A profile without a token (a person's login) gets one added inside its own table.
    assert write(config, "default", monkeypatch=monkeypatch) == 0
    assert profiles(config)["default"] == {
        "name": "default",
        "product": "dedicated",
        "account_id": "acc-default",
        "cluster_id": "clu-default",
        "mgmt_token": TOKEN,
    }
    assert "# the laptop login: no token here" in config.read_text(encoding="utf-8")


def test_remove_takes_out_only_that_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text(EXISTING, encoding="utf-8")
    assert write(config, "ops", "--remove", "--force", monkeypatch=monkeypatch) == 0  # it held a token
    text = config.read_text(encoding="utf-8")
    assert OTHER_TOKEN not in text
    assert list(profiles(config)) == ["default"]
    assert text.startswith('# my influxctl profiles: keep this comment\n[[profile]]\n  name = "default"')
    # Removing what is not there is not an error: a pipeline's clean-up step may run twice.
    assert write(config, "ops", "--remove", monkeypatch=monkeypatch) == 0


def test_a_new_file_is_made_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "fresh" / "influxctl" / "config.toml"
    monkeypatch.setenv("INFLUXDB3_ACCOUNT_ID", "acc-env")
    monkeypatch.setenv("INFLUXDB3_CLUSTER_ID", "clu-env")
    assert write(config, "ci", monkeypatch=monkeypatch) == 0
    assert profiles(config)["ci"]["account_id"] == "acc-env"
    assert stat.S_IMODE(config.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(config.stat().st_mode) == 0o600


def test_a_link_is_followed_not_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = tmp_path / "dotfiles" / "influxctl.toml"
    real.parent.mkdir()
    real.write_text(EXISTING, encoding="utf-8")
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    assert write(link, "ops", "--force", monkeypatch=monkeypatch) == 0
    assert link.is_symlink()
    assert TOKEN in real.read_text(encoding="utf-8")
    assert [p.name.split(".bak-")[0] for p in real.parent.glob("*.bak-*")] == ["influxctl.toml"]  # beside the file


@pytest.mark.parametrize(
    ("content", "args", "says"),
    [
        (EXISTING.replace('name = "default"', 'name = "laptop"'), ["ci"], "A new profile needs --account-id"),
        ("[[profile]\nname = 'x'\n", ["ops"], "is not valid TOML"),
        (EXISTING + EXISTING, ["ops"], "more than one profile named 'ops'"),
    ],
)
def test_refusals_are_one_sentence_and_leave_the_file_alone(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    content: str,
    args: list[str],
    says: str,
) -> None:
    monkeypatch.delenv("INFLUXDB3_ACCOUNT_ID", raising=False)
    config = tmp_path / "config.toml"
    config.write_text(content, encoding="utf-8")
    assert write(config, *args, monkeypatch=monkeypatch) == 2
    err = capsys.readouterr().err
    assert says in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert TOKEN not in err and OTHER_TOKEN not in err
    assert config.read_text(encoding="utf-8") == content


def test_a_non_utf8_file_is_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_bytes(b"# caf\xe9\n")
    assert write(config, "ops", monkeypatch=monkeypatch) == 2
    assert "is not UTF-8 text" in capsys.readouterr().err


def test_an_empty_stdin_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(EXISTING, encoding="utf-8")
    assert write(config, "ops", stdin="", monkeypatch=monkeypatch) == 2
    assert "No token on standard input" in capsys.readouterr().err


def test_concurrent_writers_lose_nobodys_profile(tmp_path: Path) -> None:
    """Each writer is a real process (the lock is per open file description); none may drop another's profile."""
    config = tmp_path / "config.toml"
    config.write_text(EXISTING, encoding="utf-8")
    env = {**os.environ, "INFLUXDB3_ACCOUNT_ID": "acc", "INFLUXDB3_CLUSTER_ID": "clu"}

    def one(n: int) -> int:
        done = run_cli("profile", "write", f"p{n}", "--config", str(config), stdin=f"M.V1.concurrent-{n}\n", env=env)
        return done.returncode

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert list(pool.map(one, range(12))) == [0] * 12
    found = profiles(config)
    assert {f"p{n}" for n in range(12)} | {"default", "ops"} == set(found)
    assert all(found[f"p{n}"]["mgmt_token"] == f"M.V1.concurrent-{n}" for n in range(12))


def test_the_token_comes_from_a_stack_output_through_a_pipe_not_argv(tmp_path: Path) -> None:
    """The stand-in `pulumi` records its argv: the token must never be in it, only in what it prints. The
    output is read first without --show-secrets (to see that it is a secret), then with it; the stack's ids
    (no flag names them) without it."""
    bin_dir, record = fake_pulumi(tmp_path, {"ciToken": (TOKEN, True)})
    config = tmp_path / "config.toml"
    config.write_text(EXISTING, encoding="utf-8")
    done = run_cli(
        "profile",
        "write",
        "ci",
        "--config",
        str(config),
        "--stack-output",
        "ciToken",
        "--stack",
        "prod",
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"},
    )
    assert done.returncode == 0, done.stderr
    assert profiles(config)["ci"]["mgmt_token"] == TOKEN
    argv = record.read_text(encoding="utf-8")
    assert [line.split() for line in argv.splitlines()] == [
        ["stack", "output", "ciToken", "--json", "--non-interactive", "--stack", "prod"],
        ["stack", "output", "ciToken", "--show-secrets", "--json", "--non-interactive", "--stack", "prod"],
        ["stack", "export", "--non-interactive", "--stack", "prod"],
        ["config", "--json", "--non-interactive", "--stack", "prod"],
    ]
    assert TOKEN not in done.stdout + done.stderr


def test_a_new_profile_takes_the_cluster_of_the_profile_influxctl_uses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The person's road: `influxctl` already works with their `default` profile, so the new profile is for
    that account and cluster unless told otherwise."""
    monkeypatch.delenv("INFLUXDB3_ACCOUNT_ID", raising=False)
    monkeypatch.delenv("INFLUXDB3_CLUSTER_ID", raising=False)
    monkeypatch.delenv("INFLUXCTL_PROFILE", raising=False)
    monkeypatch.delenv("INFLUXDB3_INFLUXCTL_PROFILE", raising=False)
    config = tmp_path / "config.toml"
    config.write_text(EXISTING, encoding="utf-8")
    assert write(config, "ci", monkeypatch=monkeypatch) == 0
    assert (profiles(config)["ci"]["account_id"], profiles(config)["ci"]["cluster_id"]) == (
        "acc-default",
        "clu-default",
    )
