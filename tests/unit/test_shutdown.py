"""Provider processes exit without the interpreter's final garbage collection; a user's program keeps it.

The engine ends a provider with SIGINT and waits for it to exit (pulumi v3.274.1,
sdk/go/common/resource/plugin/plugin.go: InterruptChildren, then up to 5 s before a kill), so the
shutdown of a provider is part of every command; bench/RESULTS.md measures what the final
collection cost. Each case runs in a fresh interpreter whose first atexit callback (so the last to
run) reports whether the collector's objects were frozen by then.
"""

from __future__ import annotations

import signal
import subprocess
import sys

REPORT_AT_EXIT = (
    "import atexit, gc\natexit.register(lambda: print('frozen at exit:', gc.get_freeze_count() > 0, flush=True))\n"
)


def run(script: str) -> str:
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_dynamic_provider_process_exits_without_a_final_collection():
    # This script stands in for the SDK's provider host, pulumi.dynamic.__main__ (it cannot be imported:
    # it serves): a __main__ with `_abort_with_traceback` and `traceback`, as clean_errors recognises it.
    host = "import traceback\ndef _abort_with_traceback(fn):\n    return fn\n"
    assert run(REPORT_AT_EXIT + host + "import pulumi_influxdb3_tokens.dynamic.provider\n").strip() == (
        "frozen at exit: True"
    )


def test_a_pulumi_program_keeps_its_final_collection():
    program = "from pulumi_influxdb3_tokens import ManagementToken\nimport pulumi_influxdb3_tokens.dynamic.provider\n"
    assert run(REPORT_AT_EXIT + program).strip() == "frozen at exit: False"


def test_the_plugin_exits_on_sigint_without_a_final_collection():
    script = REPORT_AT_EXIT + "from pulumi_influxdb3_tokens.plugin.server import main\nmain(['127.0.0.1:1'])\n"
    plugin = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert plugin.stdout is not None
        assert plugin.stdout.readline().strip().isdigit()  # the port, the engine's first line
        plugin.send_signal(signal.SIGINT)  # how the engine ends a plugin
        out, err = plugin.communicate(timeout=30)
    finally:
        plugin.kill()
    assert plugin.returncode == 0, err
    assert out.strip() == "frozen at exit: True"
