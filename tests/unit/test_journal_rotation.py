"""Issue 17 (7): the pending-create journal survives a rotation of the admin credential.

An answer lost under admin A leaves a journal entry whose Idempotency-Key only A's requests can
settle (the server scopes keys to the calling token). A retry under admin B must not reuse it (it
would mint a second token and then drop the entry, leaving A's token live and unnoticed): the entry
records which credential made it, by a keyed fingerprint that is never the secret, and under
another credential it is kept and reported.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from pathlib import Path

import pytest
from pydantic import SecretStr

from pulumi_influxdb3_tokens.clients.http import HttpTokenClient
from pulumi_influxdb3_tokens.clients.pending import Journal
from pulumi_influxdb3_tokens.core.management_token.models import TokenInputs
from pulumi_influxdb3_tokens.settings import Connection
from support.local_api import LocalApi


def connection(local_api: LocalApi, token: str) -> Connection:
    return Connection(local_api.url, local_api.account_id, local_api.cluster_id, SecretStr(token))


def request_of(inputs: TokenInputs) -> str:
    """The journal's request key, as HttpTokenClient.mint writes it."""
    return json.dumps([inputs.description, inputs.expires_at, inputs.expires_in])


def test_a_create_lost_under_another_admin_is_kept_and_reported_never_reused(
    local_api: LocalApi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    journal_dir = tmp_path / "journal"
    admin_a = local_api.admin_token
    admin_b = str(local_api.mint("admin B")["accessToken"])  # the rotated credential
    inputs = TokenInputs(description="deployer", expires_in="30d")

    # Under A: the create reached the server (it minted), and its answer was lost.
    lost_entry = Journal(connection(local_api, admin_a), journal_dir).begin(
        request_of(inputs), inputs.description, inputs.expiry_for_new_token()
    )
    with local_api.client(admin_a) as http:
        body = {"description": lost_entry.description, "expiresAt": lost_entry.expires_at.isoformat()}
        http.post(local_api.tokens_path, json=body, headers={"Idempotency-Key": lost_entry.key}).raise_for_status()
    Journal(connection(local_api, admin_a), journal_dir).release(lost_entry)
    entry_file = journal_dir / f"{lost_entry.key}.json"

    # Under B, the next `up` mints its token and leaves A's entry alone, saying so.
    client = HttpTokenClient(
        connection(local_api, admin_b), journal=Journal(connection(local_api, admin_b), journal_dir)
    )
    created = client.mint(inputs)

    assert entry_file.exists(), "the entry of A's lost create was dropped"
    kept = json.loads(entry_file.read_text())
    assert kept["key"] == lost_entry.key
    notice = capsys.readouterr().err
    assert (
        f"a create of this token ('deployer') under another admin credential (fingerprint {kept['credential']}) "
        f"lost its answer and may have left a live token that no state holds; its journal entry {entry_file} is "
        f"kept for that credential"
    ) in notice
    assert admin_a not in notice and admin_b not in notice
    live = [t for t in local_api.list_tokens() if t["description"] == "deployer" and t["revokedAt"] is None]
    assert len(live) == 2 and created.id in {t["id"] for t in live}  # A's is live, and not unnoticed

    # Back under A, the kept key settles it: the server names A's token, which is revoked, and A mints anew.
    again = HttpTokenClient(
        connection(local_api, admin_a), journal=Journal(connection(local_api, admin_a), journal_dir)
    )
    again.mint(inputs)
    assert not entry_file.exists()


def test_the_fingerprint_is_keyed_and_never_the_secret(local_api: LocalApi, tmp_path: Path):
    journal_dir = tmp_path / "journal"
    # A short credential must not be recoverable by hashing guesses. Not hex ("abc" once was): the entry's
    # hex fields would hold it by chance about once in a hundred runs.
    short = "xyz"
    entry = Journal(connection(local_api, short), journal_dir).begin("req", "d", None)
    text = (journal_dir / f"{entry.key}.json").read_text()
    fingerprint = json.loads(text)["credential"]
    assert short not in text.replace(entry.key, "")
    assert fingerprint not in hashlib.sha256(short.encode()).hexdigest()
    assert len(fingerprint) == 16
    # Another journal directory keys its fingerprints differently.
    other = Journal(connection(local_api, short), tmp_path / "elsewhere").begin("req", "d", None)
    assert json.loads((tmp_path / "elsewhere" / f"{other.key}.json").read_text())["credential"] != fingerprint
    key_file = journal_dir / ".fingerprint-key"
    assert key_file.stat().st_mode & 0o777 == 0o600


def test_an_entry_from_before_fingerprints_is_kept_and_reported(
    local_api: LocalApi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    journal_dir = tmp_path / "journal"
    journal = Journal(connection(local_api, local_api.admin_token), journal_dir)
    entry = journal.begin("req", "d", None)
    journal.release(entry)
    path = journal_dir / f"{entry.key}.json"
    legacy = json.loads(path.read_text())
    del legacy["credential"]
    path.write_text(json.dumps(legacy))

    fresh = Journal(connection(local_api, local_api.admin_token), journal_dir).begin("req", "d", None)
    assert fresh.key != entry.key and path.exists()
    assert "under an admin credential it did not record" in capsys.readouterr().err


def test_first_uses_of_a_journal_agree_on_one_key_however_long_its_first_writer_is_held_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # Four provider processes of one program (two providers, both faces) begin their first creates at
    # once on a loaded machine. The first to write the key file is held up in fsync for 2 s; the others
    # must neither fail on a key file that is there but empty (a wait of 1 s once did, in CI) nor end up
    # with a key of their own, which would make each other's entries foreign.
    real_fsync = os.fsync
    held = threading.Event()

    def slow_first_fsync(fd: int) -> None:
        if threading.current_thread().name == "held-up" and not held.is_set():
            held.set()
            time.sleep(2.0)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", slow_first_fsync)
    credential = Connection("http://mgmt.test", "a", "c", SecretStr("M.V1.admin"))
    fingerprints: dict[str, str] = {}
    failures: list[BaseException] = []

    def begin(name: str) -> None:
        try:
            entry = Journal(credential, tmp_path / "journal").begin(f"req-{name}", "d", None)
            fingerprints[name] = str(entry.credential)
        except BaseException as exc:  # reported below
            failures.append(exc)

    first = threading.Thread(target=begin, args=("held-up",), name="held-up")
    first.start()
    assert held.wait(5)
    others = [threading.Thread(target=begin, args=(f"other-{i}",)) for i in range(3)]
    for thread in others:
        thread.start()
    for thread in [first, *others]:
        thread.join(10)
    assert failures == []
    assert len(fingerprints) == 4 and len(set(fingerprints.values())) == 1
    assert sorted(p.name for p in (tmp_path / "journal").glob(".*key")) == [".fingerprint-key"]
