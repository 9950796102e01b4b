"""Face 2: ``pulumi-resource-influxdb3``, a resource provider plugin on ``pulumi.provider.experimental``.

A thin adapter: it converts the engine's camelCase ``PropertyValue`` maps to the core's property
bags and back, and decides nothing itself.
"""
