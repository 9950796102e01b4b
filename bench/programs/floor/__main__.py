"""N dynamic resources whose provider does no I/O: what the engine and the Python dynamic-provider
machinery cost on their own. spec.json says {"count": N}; same names and exports as bench-tokens."""

import json
import uuid
from pathlib import Path
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, Resource, ResourceProvider


class NoIoProvider(ResourceProvider):
    """create returns its inputs; read, diff and delete keep the SDK's defaults (no I/O either)."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(str(uuid.uuid4()), dict(props))


class Floor(Resource, module="bench", name="Floor"):
    description: pulumi.Output[str]

    def __init__(self, name: str, description: str) -> None:
        super().__init__(NoIoProvider(), name, {"description": description})


count = int(json.loads((Path(__file__).parent / "spec.json").read_text())["count"])
for index in range(count):
    resource = Floor(f"t{index}", description=f"bench token {index}")
    pulumi.export(f"t{index}", resource.id)
