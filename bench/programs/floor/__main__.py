"""N dynamic resources whose provider does no I/O: what the engine and the Python dynamic-provider
machinery cost on their own. spec.json says {"count": N}; same names and exports as bench-tokens.

With {"first": true} one more resource ("db") comes first and the N depend on it: the shape of
bench/programs/db-tokens (one Database, then N DatabaseTokens)."""

import json
import uuid
from pathlib import Path
from typing import Any, Optional

import pulumi
from pulumi.dynamic import CreateResult, Resource, ResourceProvider


class NoIoProvider(ResourceProvider):
    """create returns its inputs; read, diff and delete keep the SDK's defaults (no I/O either)."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(str(uuid.uuid4()), dict(props))


class Floor(Resource, module="bench", name="Floor"):
    description: pulumi.Output[str]

    def __init__(self, name: str, description: str, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(NoIoProvider(), name, {"description": description}, opts)


spec = json.loads((Path(__file__).parent / "spec.json").read_text())
count = int(spec["count"])
after: Optional[pulumi.ResourceOptions] = None
if spec.get("first"):
    first = Floor("db", description="bench database")
    pulumi.export("db", first.id)
    after = pulumi.ResourceOptions(depends_on=[first])
for index in range(count):
    resource = Floor(f"t{index}", description=f"bench token {index}", opts=after)
    pulumi.export(f"t{index}", resource.id)
