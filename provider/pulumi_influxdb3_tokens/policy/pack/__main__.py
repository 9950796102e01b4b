"""Entry point of the influxdb3-token-policies pack: `pulumi preview --policy-pack "$(influxdb3-tokens policy-pack)"`.

``PolicyPack(...)`` serves the engine and never returns, so it is built only here; the policies live
in ``pulumi_influxdb3_tokens.policy.policies``, which the pack imports from the installed package (its
``requirements.txt`` names it), and where tests import them. The checkout's ``policy/`` folder links
to these files, so `pulumi preview --policy-pack policy` runs this same pack.
"""

from pulumi_policy import EnforcementLevel, PolicyPack

from pulumi_influxdb3_tokens.policy.policies import PACK_DESCRIPTION, PACK_NAME, all_policies

PolicyPack(
    name=PACK_NAME,
    description=PACK_DESCRIPTION,
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=all_policies(),
)
