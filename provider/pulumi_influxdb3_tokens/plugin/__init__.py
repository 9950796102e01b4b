"""Face 2: ``pulumi-resource-influxdb3``, a resource provider plugin on ``pulumi.provider.experimental``.

A thin adapter: it converts the engine's camelCase ``PropertyValue`` maps to the core's property
bags and back, and decides nothing itself.
"""

from __future__ import annotations


def main() -> None:
    """``pulumi-resource-influxdb3``: the collector set for a provider process before the imports it spares
    (``process_gc.py``), then the server (``server.main``)."""
    from ..process_gc import tune_for_a_provider_process

    tune_for_a_provider_process()
    from .server import main as serve

    serve()
