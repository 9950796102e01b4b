"""N ManagementTokens served by the provider plugin; spec.json says {"count": N}.

The same program shape, names and exports as bench-tokens, with the plugin's typed class
(`influxdb3:index:ManagementToken`) in place of the dynamic resource, so only the provider behind
the resources differs. Settings come from INFLUXDB3_* in the environment, read by the plugin as by
the dynamic provider.
"""

import json
from pathlib import Path

import pulumi

from pulumi_influxdb3_tokens.influxdb3 import ManagementToken

spec = json.loads((Path(__file__).parent / "spec.json").read_text())
count = int(spec["count"])
# bench/scaling --overlap: the same tokens with an expiry, with and without overlap.
lifetime = {key: spec[key] for key in ("expires_in", "overlap") if spec.get(key)}
for index in range(count):
    token = ManagementToken(f"t{index}", description=f"bench token {index}", **lifetime)
    pulumi.export(f"t{index}", token.id)
