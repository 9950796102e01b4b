"""N ManagementTokens; spec.json says {"count": N}. Settings come from INFLUXDB3_* in the environment."""

import json
from pathlib import Path

import pulumi

from pulumi_influxdb3_tokens import ManagementToken

count = int(json.loads((Path(__file__).parent / "spec.json").read_text())["count"])
for index in range(count):
    token = ManagementToken(f"t{index}", description=f"bench token {index}")
    pulumi.export(f"t{index}", token.id)
