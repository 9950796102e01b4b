"""N ManagementTokens; spec.json says {"count": N}, optionally "expires_in" and "overlap" too.

Settings come from INFLUXDB3_* in the environment."""

import json
from pathlib import Path

import pulumi

from pulumi_influxdb3_tokens import ManagementToken

spec = json.loads((Path(__file__).parent / "spec.json").read_text())
count = int(spec["count"])
# bench/scaling --overlap: the same tokens with an expiry, with and without overlap.
lifetime = {key: spec[key] for key in ("expires_in", "overlap") if spec.get(key)}
for index in range(count):
    token = ManagementToken(f"t{index}", description=f"bench token {index}", **lifetime)
    pulumi.export(f"t{index}", token.id)
