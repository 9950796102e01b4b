"""The garbage collector of a provider process, set for what that process is: short-lived, and importing a lot first.

CPython collects its youngest generation every 700 new container objects. Importing the Pulumi SDK, grpc,
pydantic and our models makes hundreds of thousands of them, nearly all alive until the process ends, so those
collections find almost nothing: ~35 ms of a plugin's ~290 ms start and ~30 ms of the ~165 ms our code adds to
the dynamic host's (bench/first-call). A provider process lives for one command and collects less often.

Only a provider process calls this: the plugin's entry point (``plugin.main``) before its imports, and the
dynamic provider module once it knows it runs in the SDK's provider host. A Pulumi program, the audit and the
tests keep their interpreter's settings (tests/unit/test_import_cost.py).
"""

from __future__ import annotations

import gc

# Young-generation threshold: 100,000 container objects between collections (CPython's default is 700); the older
# generations keep their defaults.
YOUNG_THRESHOLD = 100_000


def tune_for_a_provider_process() -> None:
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
