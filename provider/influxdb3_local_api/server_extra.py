"""Imported first by the package: without the `server` extra, one sentence instead of an ImportError.

The server's dependencies (FastAPI, uvicorn) are not needed by users of the resource, so the wheel
only brings them with ``pip install 'pulumi-influxdb3-tokens[server]'``.
"""

import sys
from importlib.util import find_spec

MISSING = [name for name in ("fastapi", "uvicorn") if find_spec(name) is None]
if MISSING:
    sys.exit(
        f"influxdb3-local-api needs {' and '.join(MISSING)}, which come with the server extra: "
        "pip install 'pulumi-influxdb3-tokens[server]'"
    )
