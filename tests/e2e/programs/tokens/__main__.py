"""Declare what spec.json says: {"tokens": {name: kwargs}, "get": {name: id}, "face": "dynamic" | "plugin"}.

The face picks the class: the dynamic resource, or the plugin's typed class (same arguments, same outputs).
With "faces": ["dynamic", "plugin"] instead, every token and get is declared once per face (same names: the
two types differ), its outputs exported as "<face>/<name>.<output>"; "of_face": {face: {"tokens": ...}}
replaces "tokens" (or "get") for that face alone.
"""

import json
from pathlib import Path

import pulumi

spec = json.loads((Path(__file__).parent / "spec.json").read_text())


def class_of(face):
    if face == "plugin":
        from pulumi_influxdb3_tokens.influxdb3 import ManagementToken
    else:
        from pulumi_influxdb3_tokens import ManagementToken
    return ManagementToken


def declare(face, prefix):
    ManagementToken = class_of(face)
    own = {**spec, **spec.get("of_face", {}).get(face, {})}
    for name, kwargs in own.get("tokens", {}).items():
        token = ManagementToken(name, **kwargs)
        pulumi.export(f"{prefix}{name}.id", token.id)
        pulumi.export(f"{prefix}{name}.token", token.token)
        pulumi.export(f"{prefix}{name}.token_prefix", token.token_prefix)
        pulumi.export(f"{prefix}{name}.expires_at", token.expires_at)
        pulumi.export(f"{prefix}{name}.token_id", token.token_id)
        pulumi.export(f"{prefix}{name}.retiring", token.retiring)
        pulumi.export(f"{prefix}{name}.create_marker", token.create_marker)

    for name, token_id in own.get("get", {}).items():
        ref = ManagementToken.get(name, token_id)
        pulumi.export(f"{prefix}{name}.description", ref.description)
        pulumi.export(f"{prefix}{name}.token_prefix", ref.token_prefix)


if "faces" in spec:
    for face in spec["faces"]:
        declare(face, f"{face}/")
else:
    declare(spec.get("face", "dynamic"), "")
