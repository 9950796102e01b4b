"""The package's one version number; pyproject.toml reads it from here (a dynamic version).

A literal, not ``importlib.metadata.version``: that lookup imports importlib.metadata and
scans the path for distributions, which a Pulumi program and a provider process would pay on every
command. The pack's ``PulumiPolicy.yaml`` and ``requirements.txt`` and
``schema.json`` cannot compute it; tests/unit/test_packaging.py holds them, and the installed
distribution's metadata, equal to it.
"""

DISTRIBUTION = "pulumi-influxdb3-tokens"

__version__ = "0.1.0"
