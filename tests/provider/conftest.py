"""Provider tests: the dynamic provider's methods called directly, against a real local server."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.local_api import LocalApi


@pytest.fixture(scope="module")
def local_api(module_local_api: LocalApi) -> LocalApi:
    """Provider tests share one server a module: each makes tokens of its own."""
    return module_local_api


@pytest.fixture(autouse=True)
def _journal(journal_dir: Path) -> Path:
    """Every provider test journals its pending creates in its own folder (support/fixtures.py)."""
    return journal_dir
