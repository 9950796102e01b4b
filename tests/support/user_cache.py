"""The project's folder in the user's cache, where slow builds outlive a checkout (as scripts/ensure-pulumi's)."""

from __future__ import annotations

import os
from pathlib import Path


def project_cache(*parts: str) -> Path:
    """``${XDG_CACHE_HOME:-~/.cache}/pulumi-influxdb3-tokens/<parts>``: the place scripts/ensure-pulumi uses,
    read the same way (an empty XDG_CACHE_HOME counts as unset)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base.joinpath("pulumi-influxdb3-tokens", *parts)
