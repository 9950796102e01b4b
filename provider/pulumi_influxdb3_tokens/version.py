"""The package's one version number: pyproject.toml's, read back from the installed distribution.

The pack's ``PulumiPolicy.yaml`` and ``requirements.txt`` and ``schema.json`` cannot compute it;
tests/unit/test_packaging.py holds them equal to it.
"""

from importlib.metadata import version

DISTRIBUTION = "pulumi-influxdb3-tokens"

__version__ = version(DISTRIBUTION)
