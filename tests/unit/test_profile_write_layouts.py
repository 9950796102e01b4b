"""`profile write` edits every valid TOML layout of an influxctl config, or refuses it in one sentence.

Outside facts held here: influxctl reads `profile` as an array of tables with `name`, `product`,
`account_id`, `cluster_id` and `mgmt_token` (influxctl docs, "Configure connection profiles"), and TOML
(v1.0.0, "Array of Tables", "Inline Table", "Keys") lets that array be written as `[[profile]]` tables
(also with other tables between them), or as an inline array of inline tables on one line or several, with
comments, and lets a table hold dotted keys and sub-tables. Whatever the layout, what tomllib reads back
must be the old file with only the one profile changed, and every comment must stay.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from support.profile_cli import write

TOKEN = "M.V1.profile-layout-token-Rt5"
OPS = 'name = "ops", product = "dedicated", account_id = "acc-ops", cluster_id = "clu-ops"'

LAYOUTS = {
    "array of tables": """# mine
default_profile_note = "kept"   # a key of my own

[[profile]]
  name = "ops"
  product = "dedicated"
  account_id = "acc-ops"   # the ops account
  cluster_id = "clu-ops"
  extra.note = "dotted keys stay"

[[profile]]
  name = "laptop"
""",
    "inline array": f'profile = [{{{OPS}}}, {{name = "laptop"}}]  # one line\n',
    "inline array over several lines": f"""other = 1
profile = [
  # ops first
  {{{OPS}, tags = {{team = "ops"}}}},
  {{name = "laptop"}},  # the laptop
]
""",
    "empty file": "",
    "only comments": "# nothing here yet\n\n# really\n",
    "tables between profiles": """[[profile]]
name = "laptop"

[settings]
colour = "never"   # mine

[[profile]]
name = "ops"
product = "dedicated"
account_id = "acc-ops"
cluster_id = "clu-ops"

[profile.extra]
kept = true
""",
}

NEW = {"name": "ci", "mgmt_token": TOKEN, "product": "dedicated", "account_id": "acc-env", "cluster_id": "clu-env"}


def comments(text: str) -> list[str]:
    return [line.split("#", 1)[1] for line in text.splitlines() if "#" in line]


def expected(before: dict[str, Any], action: tuple[str, ...]) -> dict[str, Any]:
    profiles = [dict(p) for p in before.get("profile", [])]
    name = action[0]
    if "--remove" in action:
        profiles = [p for p in profiles if p["name"] != name]
    elif any(p["name"] == name for p in profiles):
        next(p for p in profiles if p["name"] == name)["mgmt_token"] = TOKEN
    else:
        profiles.append({**NEW, "name": name})
    after = {**before, "profile": profiles}
    return after if profiles or "profile" in before else before


@pytest.mark.parametrize("action", [("ops",), ("ci",), ("ops", "--remove")], ids=" ".join)
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_every_layout_is_edited_keeping_everything_else(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    layout: str,
    action: tuple[str, ...],
) -> None:
    monkeypatch.setenv("INFLUXDB3_ACCOUNT_ID", "acc-env")
    monkeypatch.setenv("INFLUXDB3_CLUSTER_ID", "clu-env")
    text = LAYOUTS[layout]
    config = tmp_path / "config.toml"
    config.write_text(text, encoding="utf-8")
    assert write(config, *action, stdin=TOKEN, monkeypatch=monkeypatch) == 0, capsys.readouterr().err
    after = config.read_text(encoding="utf-8")
    assert tomllib.loads(after) == expected(tomllib.loads(text), action)
    if "--remove" not in action:  # a removed profile's own comments may go with it
        assert set(comments(text)) <= set(comments(after))
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize(
    "content",
    [
        'profile = "ops"\n',
        '[profile]\nname = "ops"\n',
        "profile = [1, 2]\n",
        'profile = [[{name = "ops"}]]\n',
    ],
    ids=["a string", "one table", "numbers", "nested arrays"],
)
def test_a_profile_that_is_not_a_list_of_tables_is_refused_in_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(content, encoding="utf-8")
    assert write(config, "ops", stdin=TOKEN, monkeypatch=monkeypatch) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and TOKEN not in err
    assert str(config) in err and "not a list of tables" in err
    assert config.read_text(encoding="utf-8") == content
