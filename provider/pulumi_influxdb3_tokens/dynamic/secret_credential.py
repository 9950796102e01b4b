"""The ``management_token`` input of a dynamic resource of the documented Management API: a secret from the start.

It is an input (the state's inputs) and an output (read and delete find it there): both encrypted, the input as a
Pulumi secret, the output through ``additional_secret_outputs``.
"""

from __future__ import annotations

from typing import Any, Optional

import pulumi
from pulumi import Input, Output, ResourceOptions

from .provider import CREDENTIAL


class FaceOutputs:
    """The dynamic face's own inputs, echoed as outputs: the connection's name and the credential (a secret)."""

    connection: Output[Optional[str]]
    management_token: Output[Optional[str]]


def with_secret_credential(
    props: dict[str, Any],
    credential: Optional[Input[str]],
    secret_outputs: tuple[str, ...],
    opts: Optional[ResourceOptions],
) -> tuple[dict[str, Any], ResourceOptions]:
    """``props`` with the credential as a secret, and ``opts`` that keep it and the resource's secret outputs
    encrypted in state. Whether a replacement deletes first is the core's decision (its diff), not set here."""
    props[CREDENTIAL] = None if credential is None else pulumi.Output.secret(credential)
    merged = ResourceOptions.merge(ResourceOptions(additional_secret_outputs=[*secret_outputs, CREDENTIAL]), opts)
    return props, merged
