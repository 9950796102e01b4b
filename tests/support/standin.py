"""The stand-in ``influxctl`` (tests/standin): put it first on PATH and point it at a local server."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from support.engine import engine_env
from support.local_api import LocalApi

STANDIN_DIR = Path(__file__).resolve().parents[1] / "standin"


def standin_env(local_api: LocalApi, backend_dir: Path) -> dict[str, str]:
    """PATH with the stand-in influxctl first, and the server URL only the stand-in reads."""
    path = engine_env(backend_dir, "")["PATH"]
    return {"PATH": os.pathsep.join([str(STANDIN_DIR), path]), "INFLUXCTL_STANDIN_API_URL": local_api.url}


def persons_profile(home: Path, local_api: LocalApi) -> None:
    """A person's own influxctl profile in ``home``: no mgmt_token, so the identity provider logs them in."""
    config = home / ".config" / "influxctl" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(
        f'[[profile]]\n  name = "default"\n  product = "dedicated"\n'
        f'  account_id = "{local_api.account_id}"\n  cluster_id = "{local_api.cluster_id}"\n'
    )


def log_in(home: Path, local_api: LocalApi, expires_in_s: float) -> None:
    """What `influxctl auth login` leaves behind, as the stand-in keeps it (its docstring): a login of the
    person that ends in ``expires_in_s`` seconds (a negative one has ended)."""
    cache = home / ".cache" / "influxctl"
    cache.mkdir(parents=True, exist_ok=True)
    login = json.dumps({"access_token": local_api.admin_token, "expires_at": time.time() + expires_in_s})
    (cache / "standin-login.json").write_text(login)
    (cache / "standin-login.json").chmod(0o600)
