"""httpx, imported without its command line client.

httpx's package imports its command line client (``httpx._main``, which imports click, rich and pygments)
whenever those three are installed, and they often are: beside any rich-based tool, or the test tools of this
project. That is ~85 modules and ~47 ms of CPU of a provider process's first call (issue 34, measured in this
project's .venv), for a command line no provider runs. While httpx imports, a stand-in takes that module's place;
``httpx.main`` still works, as it imports the real client when called.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

CLI_MODULE = "httpx._main"


def _main(*args: Any, **kwargs: Any) -> Any:
    """httpx's ``main``: its real command line client, imported when run; without its libraries, httpx's own
    answer (its package defines that ``main`` when the import fails)."""
    try:
        cli = importlib.import_module(CLI_MODULE)
    except ImportError:
        print(
            "The httpx command line client could not run because the required dependencies were not installed.\n"
            "Make sure you've installed everything with: pip install 'httpx[cli]'"
        )
        sys.exit(1)
    return cli.main(*args, **kwargs)


def import_httpx() -> types.ModuleType:
    """``httpx``, with a stand-in for its command line module while it imports (once per process)."""
    if "httpx" in sys.modules or CLI_MODULE in sys.modules:  # imported before us: as it is
        return importlib.import_module("httpx")
    stand_in = types.ModuleType(CLI_MODULE, "Stood in while httpx imported (pulumi_influxdb3_tokens.clients.http).")
    stand_in.main = _main  # type: ignore[attr-defined]
    sys.modules[CLI_MODULE] = stand_in
    try:
        return importlib.import_module("httpx")
    finally:
        if sys.modules.get(CLI_MODULE) is stand_in:
            del sys.modules[CLI_MODULE]
