"""The package runs on Linux and macOS (it locks files with fcntl and stops process groups with os.killpg,
neither of which Windows has); on Windows it says so in one sentence at its first import."""

from __future__ import annotations

import subprocess
import sys

IMPORT_AS_WINDOWS = "import sys; sys.platform = 'win32'; import pulumi_influxdb3_tokens"


def test_windows_is_refused_in_one_sentence_at_import():
    done = subprocess.run([sys.executable, "-c", IMPORT_AS_WINDOWS], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: pulumi-influxdb3-tokens ")
    assert last.endswith("supports Linux and macOS; on Windows, run Pulumi inside WSL 2.")


def test_linux_and_macos_import_cleanly():
    for platform in ("linux", "darwin"):
        script = f"import sys; sys.platform = {platform!r}; import pulumi_influxdb3_tokens as p; print(p.__version__)"
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
