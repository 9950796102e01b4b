"""Kept for old states: they pickle ``pulumi_influxdb3_tokens.lifecycle.ManagementTokenProvider``."""

from .dynamic.provider import ManagementTokenProvider

__all__ = ["ManagementTokenProvider"]
