"""Adopt: bring a management token that was minted by hand under this stack's management.

`pulumi import` does not work for Python dynamic resources (pulumi/pulumi#16175). Instead:

* ``adopt_token_id`` makes the stack own an existing live token: no new token is minted, and a
  later `pulumi destroy` (or removing the resource) revokes it. Declare it as it is on the server
  (same description, same expires_at), or the adoption fails and says what differs.
* ``ManagementToken.get(name, id)`` only reads a token: the stack never changes or revokes it.

Stack config (namespace ``adopt``):
  tokenId       id of the token to take over (required)
  description   its description on the server (default: empty)
  expiresAt     its expiry on the server, RFC3339 (omit for a token that never expires)
  token         the token string, if you still have it (set it with --secret); checked
                against the server's token prefix and kept as a secret output
  referenceId   optional id of another token to reference read-only
"""

import pulumi

from pulumi_influxdb3_tokens import ManagementToken

config = pulumi.Config("adopt")

adopted = ManagementToken(
    "hand-made-admin",
    adopt_token_id=config.require("tokenId"),
    adopt_token=config.get_secret("token"),
    description=config.get("description") or "",
    expires_at=config.get("expiresAt"),
    # Keep the token if this program ever stops declaring it; revoke it on purpose instead.
    opts=pulumi.ResourceOptions(protect=config.get_bool("protect") or False),
)
pulumi.export("adopted.id", adopted.id)
pulumi.export("adopted.token_prefix", adopted.token_prefix)
pulumi.export("adopted.expires_at", adopted.expires_at)
pulumi.export("adopted.token", adopted.token)

reference_id = config.get("referenceId")
if reference_id:
    referenced = ManagementToken.get("referenced", reference_id)
    pulumi.export("referenced.description", referenced.description)
    pulumi.export("referenced.expires_at", referenced.expires_at)
