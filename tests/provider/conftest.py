"""Provider tests: the dynamic provider's methods called directly, against a real local server."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from support.local_api import LocalApi, start_local_api


@pytest.fixture(scope="module")
def local_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalApi]:
    server = start_local_api(tmp_path_factory.mktemp("server") / "data")
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _journal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pending creates are journaled under the test's own directory, not the user's cache."""
    monkeypatch.setenv("INFLUXDB3_TOKENS_JOURNAL_DIR", str(tmp_path / "journal"))
