"""A provider process that ends without the interpreter's final garbage collection.

The engine ends a provider process with SIGINT when a command is done and waits up to 5 s for it
to exit before it kills it (pulumi v3.274.1, sdk/go/common/resource/plugin/plugin.go: the plugin's
``kill``), and exits only after that, so a provider's shutdown is part of every `pulumi up`,
`preview`, `refresh` and `destroy`. Most of that shutdown is CPython's last collections over every object still alive:
~0.1 s for a process that has imported pulumi, ~0.18 s once pydantic, httpx and our core are loaded
too (bench/RESULTS.md). Nothing is left to reclaim when the process is gone, so at exit the objects
are frozen (``gc.freeze``: the collector ignores them from then on) and the interpreter tears the
modules down without scanning them. Only provider processes do this, never a user's program.
"""

from __future__ import annotations

import atexit
import gc

_registered = False


def skip_final_collection() -> None:
    """At interpreter exit, before the modules are torn down, take every live object out of the collector's
    reach. Registered once per process; the callbacks registered later (run earlier) still see a normal
    collector."""
    global _registered
    if not _registered:
        atexit.register(gc.freeze)
        _registered = True
