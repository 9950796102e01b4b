"""The checks a maintainer runs before a merge, configured in pyproject.toml: ruff (lint and format), mypy.

ruff reads ``[tool.ruff]`` (line length 120, the rule sets, the extension-less Python scripts) and
mypy reads ``[tool.mypy]`` (strict, with pydantic's plugin) from pyproject.toml, found from the
working directory (docs.astral.sh/ruff "Configuring Ruff"; mypy.readthedocs.io "The mypy
configuration file"). Each test prints what the tool found, so a failure says what to fix.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from support.user_cache import project_cache

REPO = Path(__file__).resolve().parents[2]
CHECKED = ["provider", "policy", "tests", "bench"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=REPO, capture_output=True, text=True, timeout=600, check=False
    )


def test_ruff_finds_nothing_to_lint():
    done = run("ruff", "check", "--no-cache", "--output-format", "concise", *CHECKED)
    assert done.returncode == 0, f"ruff check found:\n{done.stdout}{done.stderr}"


def test_the_code_is_formatted_as_ruff_format_writes_it():
    done = run("ruff", "format", "--no-cache", "--check", *CHECKED)
    assert done.returncode == 0, f"ruff format would change (run `ruff format {' '.join(CHECKED)}`):\n{done.stdout}"


def mypy_cache() -> Path:
    """mypy's incremental cache, outside the checkout and kept per mypy and Python version: a module whose
    text is unchanged is not checked again (mypy compares a file's hash when its mtime differs, as in a
    fresh clone), and the cache is rebuilt when the configuration or a plugin changes
    (mypy.readthedocs.io, "Incremental mode")."""
    import mypy.version

    python = f"py{sys.version_info.major}.{sys.version_info.minor}"
    return project_cache("mypy", f"{mypy.version.__version__}-{python}")


def test_mypy_finds_no_type_error_in_the_provider():
    done = run("mypy", "--cache-dir", str(mypy_cache()))  # files = ["provider"] in pyproject.toml
    assert done.returncode == 0, f"mypy found:\n{done.stdout}{done.stderr}"
    assert "no issues found" in done.stdout
