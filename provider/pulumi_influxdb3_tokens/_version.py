"""The installed package's version: the plugin reports it and the plugin's classes ask for it."""

from importlib import metadata

try:
    __version__ = metadata.version("pulumi-influxdb3-tokens")
except metadata.PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0.0.0"
