"""Property-based run of schemathesis (a maintained OpenAPI fuzzer) against the server's own /openapi.json.

All of schemathesis's checks run (not_a_server_error, status/content-type/schema/header conformance,
positive and negative data, missing auth, unsupported methods and the Allow header, the stateful
use-after-free and resource availability checks), authenticated with the bootstrap admin token and
with the real account and cluster ids, seeded and bounded by schemathesis.toml beside this file,
which also configures the two checks where this API deliberately differs from generic REST.
Traffic goes only to the server on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from support.local_api import StartServer
from support.secrets_scan import check

CONFIG = Path(__file__).parent / "schemathesis" / "schemathesis.toml"
RUN_TIMEOUT_S = 300


@pytest.mark.parametrize("product", ["dedicated", "clustered"])
def test_schemathesis_finds_no_failure_with_every_check_on(start: StartServer, tmp_path: Path, product: str) -> None:
    """Both products: the documented operations under Cloud Dedicated's and under Clustered's paths."""
    server = start(tmp_path / "data", "--product", product)
    boot = server.bootstrap
    report = tmp_path / "schemathesis.json"
    env = {
        **os.environ,
        # Credentials go through the environment (schemathesis.toml reads them), never argv.
        "SCHEMATHESIS_BEARER": server.admin_token,
        "SCHEMATHESIS_ACCOUNT_ID": boot["accountId"],
        "SCHEMATHESIS_CLUSTER_ID": boot["clusterId"],
    }
    st = Path(sys.executable).with_name("st")
    argv = [
        str(st),
        "--config-file",
        str(CONFIG),
        "--no-color",
        "run",
        f"{server.url}/openapi.json",
        "--report",
        "json",
        "--report-json-path",
        str(report),
    ]
    done = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
    output = done.stdout + done.stderr
    check(server.admin_token not in output, "schemathesis printed the admin token")
    assert report.is_file(), output[-4000:]
    result = json.loads(report.read_text())
    # 20 documented and extension operations, and our /inventory extension's 2 reads (inventory_routes.py).
    assert result["seed"] == 11 and result["operations"]["tested"] == 22, output[-4000:]
    assert all(phase["status"] == "success" for phase in result["phases"].values()), output[-4000:]
    assert result["test_cases"]["with_failures"] == 0 and result["failures"] == [], output[-4000:]
    assert result["errors"] == [] and done.returncode == 0, output[-4000:]
    assert result["test_cases"]["generated"] >= 500, result["test_cases"]  # 100 a operation and phase
    cases, seconds = result["test_cases"]["generated"], result["running_time"]
    print(f"schemathesis ({product}): {cases} cases in {seconds:.0f} s, no failures")
