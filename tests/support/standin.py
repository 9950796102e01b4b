"""The stand-in ``influxctl`` (tests/standin): put it first on PATH and point it at a local server."""

from __future__ import annotations

import os
from pathlib import Path

from support.engine import engine_env
from support.local_api import LocalApi

STANDIN_DIR = Path(__file__).resolve().parents[1] / "standin"


def standin_env(local_api: LocalApi, backend_dir: Path) -> dict[str, str]:
    """PATH with the stand-in influxctl first, and the server URL only the stand-in reads."""
    path = engine_env(backend_dir, "")["PATH"]
    return {"PATH": os.pathsep.join([str(STANDIN_DIR), path]), "INFLUXCTL_STANDIN_API_URL": local_api.url}
