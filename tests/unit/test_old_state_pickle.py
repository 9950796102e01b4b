"""Stacks written before the package was grouped into folders keep working.

The Pulumi SDK pickles a dynamic provider into every resource's state with
``dill.dumps(provider, protocol=pickle.DEFAULT_PROTOCOL, recurse=True)`` (pulumi/dynamic/dynamic.py,
``serialize_provider``), and dill pickles a class from an importable module by reference: module path
and name. The provider host unpickles ``__provider`` from the old state for read, diff and delete
(pulumi/dynamic/__main__.py, ``get_provider``), so the old path must keep resolving.
"""

from __future__ import annotations

import subprocess
import sys

from support.old_state import PICKLED_BEFORE_THE_MOVE


def test_a_provider_pickled_under_the_old_module_path_loads_in_a_fresh_provider_process():
    script = (
        "import base64, dill\n"
        f"provider = dill.loads(base64.b64decode('{PICKLED_BEFORE_THE_MOVE}'))\n"
        "print(type(provider).__module__, type(provider).__name__)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["pulumi_influxdb3_tokens.dynamic.provider", "ManagementTokenProvider"]
