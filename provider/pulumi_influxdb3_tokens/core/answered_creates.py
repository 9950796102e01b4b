"""Where the create journal lives, and the settling of its answered creates by the state that holds them.

A create whose answer arrived is not forgotten at once: the engine that asked may have died before
its state recorded the token (the CLI killed), and then no state holds it. So its journal entry is
kept as *answered* (the token id, never the string) under ``answered/``, named by a hash of the
token id, until a state is seen holding the token: a Python program is handed the token's id only once
the engine has saved it in the state, and settles it then (``management_token/declared.py``); and the
engine calls read, diff, update and delete only for resources its state holds, and each settles the ids
it is given. The first matters for ``pulumi up --replace``, which creates the replacement without a diff
first: left to the diffs, the entry of the token being replaced would be reported as lost. Settling is a
few unlink attempts, no listing, so a preview of many tokens pays nearly nothing for it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path
from typing import Iterable

JOURNAL_ENV = "INFLUXDB3_TOKENS_JOURNAL_DIR"
DEFAULT_JOURNAL = Path("~/.cache/pulumi-influxdb3-tokens/pending-creates")
ANSWERED = "answered"


def journal_directory() -> Path:
    """The journal's folder: ``INFLUXDB3_TOKENS_JOURNAL_DIR``, else the user's cache."""
    return Path(os.environ.get(JOURNAL_ENV) or DEFAULT_JOURNAL).expanduser()


def answered_path(directory: Path, token_id: str) -> Path:
    """The answered entry of ``token_id`` in the journal ``directory``."""
    return directory / ANSWERED / f"{hashlib.sha256(token_id.encode()).hexdigest()[:32]}.json"


def settle(token_ids: Iterable[str]) -> None:
    """The state holds these tokens: forget their answered creates, if any."""
    directory = journal_directory()
    if not (directory / ANSWERED).is_dir():
        return
    for token_id in token_ids:
        # An entry left behind (a read-only cache) only costs a warning at a later create of the same token.
        with contextlib.suppress(OSError):
            answered_path(directory, token_id).unlink(missing_ok=True)
