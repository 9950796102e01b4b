"""The package's one version number; pyproject.toml reads it from here (a dynamic version).

A literal, not ``importlib.metadata.version``: that lookup costs ~40 ms (importing
importlib.metadata, scanning the path for distributions), and a Pulumi program and a provider
process pay it on every command. The pack's ``PulumiPolicy.yaml`` and ``requirements.txt`` and
``schema.json`` cannot compute it; tests/unit/test_packaging.py holds them, and the installed
distribution's metadata, equal to it.
"""

DISTRIBUTION = "pulumi-influxdb3-tokens"

__version__ = "0.1.0"
