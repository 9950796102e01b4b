import pulumi
from pulumi.dynamic import CreateResult, Resource, ResourceProvider


class EchoProvider(ResourceProvider):
    def create(self, props):
        return CreateResult("echo-1", {"value": props["value"]})


class Echo(Resource, module="smoke", name="Echo"):
    value: pulumi.Output[str]

    def __init__(self, name: str, value: str) -> None:
        super().__init__(EchoProvider(), name, {"value": value})


pulumi.export("value", Echo("echo", "hello from the engine").value)
