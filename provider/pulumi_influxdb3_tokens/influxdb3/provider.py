"""``pulumi:providers:influxdb3``: an explicit provider instance, for one cluster among several."""

from __future__ import annotations

from typing import Optional

import pulumi
from pulumi import Input, ResourceOptions

from ..resources import PACKAGE
from ..version import __version__
from .typed import SchemaNames


class Provider(SchemaNames, pulumi.ProviderResource):
    """Reach one cluster with its own account, cluster and credential (the credential a secret).

    Settings left unset fall back to their ``INFLUXDB3_*`` environment variables and the influxctl
    profile, as the stack config does for the default provider. Pass it to resources with
    ``opts=pulumi.ResourceOptions(provider=...)``.
    """

    def __init__(
        self,
        resource_name: str,
        *,
        api_url: Optional[Input[str]] = None,
        account_id: Optional[Input[str]] = None,
        cluster_id: Optional[Input[str]] = None,
        management_token: Optional[Input[str]] = None,
        influxctl_config: Optional[Input[str]] = None,
        influxctl_profile: Optional[Input[str]] = None,
        influxctl_path: Optional[Input[str]] = None,
        transport: Optional[Input[str]] = None,
        request_timeout: Optional[Input[float]] = None,
        retry_timeout: Optional[Input[float]] = None,
        allow_insecure_http: Optional[Input[bool]] = None,
        product: Optional[Input[str]] = None,
        opts: Optional[ResourceOptions] = None,
    ) -> None:
        if management_token is not None:
            management_token = pulumi.Output.secret(management_token)
        props = {
            "api_url": api_url,
            "account_id": account_id,
            "cluster_id": cluster_id,
            "management_token": management_token,
            "influxctl_config": influxctl_config,
            "influxctl_profile": influxctl_profile,
            "influxctl_path": influxctl_path,
            "transport": transport,
            "request_timeout": request_timeout,
            "retry_timeout": retry_timeout,
            "allow_insecure_http": allow_insecure_http,
            "product": product,
        }
        opts = ResourceOptions.merge(
            ResourceOptions(version=__version__, additional_secret_outputs=["management_token"]), opts
        )
        super().__init__(PACKAGE, resource_name, props, opts)
