"""The connection the audit reads database tokens and databases through: InfluxData's documented Management API.

Until the settings resolve that API's connection themselves (its own URL default and the ``product`` setting,
issue 31), the audit takes the connection resolved for management tokens and names the product's paths on it:
``--product``, else ``INFLUXDB3_PRODUCT``, else Cloud Dedicated (``Connection.product``'s default). That API is
HTTP only: a connection on influxctl has no URL to reach it with, and the audit says so instead.
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Mapping, Optional, Union

from ..core.errors import ConfigurationError
from ..settings import DEDICATED, INFLUXCTL, PRODUCTS, Connection

PRODUCT_ENV = "INFLUXDB3_PRODUCT"


def product_of(flag: Optional[str], environ: Optional[Mapping[str, str]] = None) -> str:
    """The flag's product, else the environment's, else dedicated; a misspelt one in one sentence."""
    chosen = flag or (os.environ if environ is None else environ).get(PRODUCT_ENV, "").strip()
    if not chosen:
        return DEDICATED
    if chosen.lower() not in PRODUCTS:
        raise ConfigurationError(f"{PRODUCT_ENV} must be dedicated or clustered, got '{chosen}'.")
    return chosen.lower()


def documented_connection(
    connection: Connection, product_flag: Optional[str], environ: Optional[Mapping[str, str]] = None
) -> Union[Connection, str]:
    """The connection to the documented Management API, or why there is none (a sentence without a period)."""
    product = product_of(product_flag, environ)
    if connection.transport == INFLUXCTL:
        return (
            "the connection uses influxctl, and database tokens and databases are listed by the documented Management "
            "API over HTTP only; set INFLUXDB3_API_URL and INFLUXDB3_MANAGEMENT_TOKEN to the cluster's API to "
            "audit them"
        )
    return replace(connection, product=product)
