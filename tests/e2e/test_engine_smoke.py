"""The real engine builds and runs: a trivial dynamic resource goes through up and destroy."""

from support.engine import Stack


def test_trivial_dynamic_resource_up_and_destroy(tmp_path):
    stack = Stack.create("smoke", tmp_path)
    up = stack.up().ok()
    assert "+ 2 created" in up.output
    assert stack.outputs() == {"value": "hello from the engine"}
    assert [r["type"] for r in stack.resources("Echo")] == ["pulumi-python:dynamic/smoke:Echo"]
    stack.destroy().ok()
    assert stack.resources("Echo") == []
