"""The module path stacks written before the dynamic/ folder existed name for their provider.

The SDK pickles the dynamic provider (dill, by reference) into every resource's state; old states
name ``pulumi_influxdb3_tokens.lifecycle.ManagementTokenProvider``, and the provider process
unpickles that name for read, diff and delete, so it must keep resolving to the provider.
"""

from .dynamic.provider import ManagementTokenProvider

__all__ = ["ManagementTokenProvider"]
