"""Declare what spec.json says: {"tokens": {name: kwargs}, "get": {name: id}, "face": "dynamic" | "plugin"}.

The face picks the class: the dynamic resource, or the plugin's typed class (same arguments, same outputs).
"""

import json
from pathlib import Path

import pulumi

spec = json.loads((Path(__file__).parent / "spec.json").read_text())
if spec.get("face") == "plugin":
    from pulumi_influxdb3_tokens.influxdb3 import ManagementToken
else:
    from pulumi_influxdb3_tokens import ManagementToken

for name, kwargs in spec.get("tokens", {}).items():
    token = ManagementToken(name, **kwargs)
    pulumi.export(f"{name}.id", token.id)
    pulumi.export(f"{name}.token", token.token)
    pulumi.export(f"{name}.token_prefix", token.token_prefix)
    pulumi.export(f"{name}.expires_at", token.expires_at)
    pulumi.export(f"{name}.token_id", token.token_id)
    pulumi.export(f"{name}.retiring", token.retiring)

for name, token_id in spec.get("get", {}).items():
    ref = ManagementToken.get(name, token_id)
    pulumi.export(f"{name}.description", ref.description)
    pulumi.export(f"{name}.token_prefix", ref.token_prefix)
