"""What every typed class of the plugin shares: the camelCase spelling of the schema, and this package's version."""

from __future__ import annotations

from typing import Optional

from pulumi import ResourceOptions

from ..resources import Resource, to_camel, to_snake
from ..version import __version__


class SchemaNames:
    """The SDK asks a resource how the schema spells each Python property name, and back."""

    def translate_input_property(self, prop: str) -> str:
        return to_camel(prop)

    def translate_output_property(self, prop: str) -> str:
        return to_snake(prop)


def plugin_options(resource: Resource, opts: Optional[ResourceOptions]) -> ResourceOptions:
    """This package's plugin version, and the resource's secret outputs encrypted in state."""
    return ResourceOptions.merge(
        ResourceOptions(version=__version__, additional_secret_outputs=list(resource.secret_outputs)), opts
    )
