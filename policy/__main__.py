"""Entry point of the influxdb3-token-policies pack: `pulumi preview --policy-pack policy/`.

``PolicyPack(...)`` serves the engine and never returns, so it is built only here; the policies
live in ``influxdb3_token_policies`` where tests import them.
"""

from pulumi_policy import EnforcementLevel, PolicyPack

from influxdb3_token_policies import PACK_DESCRIPTION, PACK_NAME, all_policies

PolicyPack(
    name=PACK_NAME,
    description=PACK_DESCRIPTION,
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=all_policies(),
)
