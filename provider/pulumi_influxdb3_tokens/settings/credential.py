"""Which admin credential goes with an API URL, and whether a server could receive it at all."""

from __future__ import annotations

import ipaddress
import os
import re
from typing import Any, Mapping, Optional
from urllib.parse import urlsplit

from ..core.errors import ConfigurationError
from .sources import FROM_CONFIG, lookup, present
from .table import ALLOW_INSECURE_HTTP, API_URL, MANAGEMENT_TOKEN, config_key

# A management token is sent in an HTTP header or gRPC metadata: visible ASCII only, no whitespace.
CREDENTIAL_SHAPE = re.compile(r"[\x21-\x7e]+")


def checked_credential(value: str, where: str) -> str:
    """Refuse at once, naming where it was set, a credential no server can receive (never its value)."""
    if not CREDENTIAL_SHAPE.fullmatch(value):
        raise ConfigurationError(
            f"The admin management token in {where} contains a space, a line break or a character that is "
            f"not ASCII, which no management token has; set it again without them."
        )
    return value


def token_beside_url(
    stack_config: Mapping[str, Any], environ: Optional[Mapping[str, str]], url_source: Optional[str]
) -> str:
    """The admin token from where the API URL came from: never another source's, nor a profile's."""
    if url_source == FROM_CONFIG:
        token = present(stack_config.get(config_key(MANAGEMENT_TOKEN)))
        if token is None:
            raise ConfigurationError(
                f"{config_key(API_URL)} is set in the stack config but {config_key(MANAGEMENT_TOKEN)} is not; set it "
                f"with `pulumi config set --secret {config_key(MANAGEMENT_TOKEN)} ...` (the admin token sent to a URL "
                f"comes from where that URL does, never from {MANAGEMENT_TOKEN.env} or an influxctl profile)."
            )
        return checked_credential(token, config_key(MANAGEMENT_TOKEN))
    token = present((os.environ if environ is None else environ).get(MANAGEMENT_TOKEN.env))
    if token is None:
        raise ConfigurationError(
            f"{API_URL.env} is set in the environment but {MANAGEMENT_TOKEN.env} is not; set it (the admin token "
            f"sent to a URL comes from where that URL does, never from the stack config or an influxctl profile)."
        )
    return checked_credential(token, MANAGEMENT_TOKEN.env)


def _is_loopback(host: str) -> bool:
    """Only a literal loopback address: a name, even ``localhost``, is whatever the resolver (or an
    /etc/hosts line) answers, which RFC 6761 asks but nothing guarantees to be loopback."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def refuse_cleartext_off_this_machine(
    api_url: str, stack_config: Mapping[str, Any], environ: Optional[Mapping[str, str]]
) -> None:
    """Over http:// the admin token in the Authorization header crosses the network readable."""
    host = urlsplit(api_url).hostname or ""
    if not api_url.startswith("http://") or _is_loopback(host):
        return
    if (lookup(ALLOW_INSECURE_HTTP, stack_config, {}, environ) or "").lower() in ("true", "1", "yes"):
        return
    raise ConfigurationError(
        f"{config_key(API_URL)} / {API_URL.env} uses plain http:// to {host}, which is not a literal loopback "
        f"address (127.x.x.x or [::1]), so the admin token could cross the network in clear; use https://, or set "
        f"{config_key(ALLOW_INSECURE_HTTP)} / {ALLOW_INSECURE_HTTP.env} to true if that network is trusted."
    )
