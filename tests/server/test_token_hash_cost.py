"""`--token-hash-cost`: scrypt's cost for tokens stored from then on, kept with each hash (issue 22).

Test suites that start many servers lower it; a data directory must keep working whatever the cost
of a later start, and one made before the cost was stored reads as the default it was made with.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from support.local_api import StartServer, refused_start

DEFAULT_COST = 16384  # influxdb3-local-api --help: "default 16384"


def stored_costs(data_dir: Path) -> dict[str, int]:
    with sqlite3.connect(data_dir / "management.db") as db:
        return dict(db.execute("SELECT description, hash_cost FROM management_tokens").fetchall())


def minted_at_the_default(start: StartServer, data_dir: Path, description: str) -> str:
    """A token minted by a server at the default cost, which is then stopped."""
    server = start(data_dir)
    token = str(server.mint(description)["accessToken"])
    server.stop()
    return token


def test_each_token_keeps_the_cost_it_was_stored_with_across_restarts_at_another(
    start: StartServer, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    at_default = minted_at_the_default(start, data_dir, "at the default")

    cheap = start(data_dir, "--token-hash-cost", "16")
    assert cheap.authenticates(at_default) and cheap.authenticates(cheap.admin_token)
    at_sixteen = cheap.mint("at sixteen")["accessToken"]
    assert cheap.authenticates(at_sixteen)
    cheap.stop()

    again = start(data_dir)
    assert again.authenticates(at_sixteen) and again.authenticates(at_default)
    assert not again.authenticates(at_sixteen[:-1] + ("A" if at_sixteen[-1] != "A" else "B"))
    assert stored_costs(data_dir) == {
        "bootstrap admin token": DEFAULT_COST,
        "at the default": DEFAULT_COST,
        "at sixteen": 16,
    }


def test_a_data_directory_from_before_the_cost_was_stored_still_serves_its_tokens(
    start: StartServer, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    minted = minted_at_the_default(start, data_dir, "from an older release")
    with sqlite3.connect(data_dir / "management.db") as db:  # the table as releases before the cost made it
        db.execute("ALTER TABLE management_tokens DROP COLUMN hash_cost")

    later = start(data_dir, "--token-hash-cost", "16")
    assert later.authenticates(minted) and later.authenticates(later.admin_token)
    assert stored_costs(data_dir) == {"bootstrap admin token": DEFAULT_COST, "from an older release": DEFAULT_COST}


def test_a_cost_that_scrypt_cannot_take_is_refused_naming_the_option(tmp_path: Path) -> None:
    for value in ("1000", "1", "32768"):  # not a power of two; below 2; over 32 MiB of scrypt memory
        done = refused_start(tmp_path / "data", "--token-hash-cost", value)
        assert done.returncode == 2 and done.stdout == ""
        assert "argument --token-hash-cost: must be a power of two from 2 to 16384" in done.stderr
        assert "Traceback" not in done.stderr
    assert not (tmp_path / "data").exists()
