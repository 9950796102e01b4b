"""schema.json documents the resource; this fails the moment it drifts from the code."""

import json
import re
from importlib import resources

from pulumi_influxdb3_tokens.core.management_token.models import TokenInputs
from pulumi_influxdb3_tokens.core.management_token.props import (
    COMPUTED_INPUTS,
    INPUT_NAMES,
    OUTPUT_NAMES,
    SECRET_INPUTS,
    SECRET_OUTPUTS,
)
from pulumi_influxdb3_tokens.resources import MANAGEMENT_TOKEN, PACKAGE, RESOURCES, to_camel, to_snake
from pulumi_influxdb3_tokens.settings import ALL_SETTINGS, CONFIG_NAMESPACE

SCHEMA = json.loads((resources.files("pulumi_influxdb3_tokens") / "plugin" / "schema.json").read_text())
RESOURCE = SCHEMA["resources"][f"{CONFIG_NAMESPACE}:index:ManagementToken"]

PROVIDER_INPUTS = SCHEMA["provider"]["inputProperties"]


def snake(name: str) -> str:
    """The schema's spelling, independently of the code under test."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def test_package_name_matches_the_config_namespace():
    assert SCHEMA["name"] == CONFIG_NAMESPACE == PACKAGE


def test_the_schema_holds_exactly_the_registered_resources():
    assert set(SCHEMA["resources"]) == {resource.plugin_type for resource in RESOURCES}
    assert MANAGEMENT_TOKEN.plugin_type == "influxdb3:index:ManagementToken"


def test_inputs_match_the_pydantic_model_and_the_resource():
    schema_inputs = {snake(k) for k in RESOURCE["inputProperties"]}
    assert schema_inputs == set(INPUT_NAMES)
    # check sets the computed inputs itself (the create marker): the model has them, the schema's inputs do not
    assert set(TokenInputs.model_fields) == set(INPUT_NAMES) | set(COMPUTED_INPUTS) and COMPUTED_INPUTS


def test_outputs_cover_every_output_and_echoed_input():
    schema_outputs = {snake(k) for k in RESOURCE["properties"]}
    assert schema_outputs == set(OUTPUT_NAMES) | set(INPUT_NAMES)


def test_secret_flags_match():
    secret_outputs = {snake(k) for k, v in RESOURCE["properties"].items() if v.get("secret")}
    secret_inputs = {snake(k) for k, v in RESOURCE["inputProperties"].items() if v.get("secret")}
    assert secret_outputs == set(SECRET_OUTPUTS)
    assert secret_inputs == set(SECRET_INPUTS)


def test_config_variables_match_the_settings():
    variables = SCHEMA["config"]["variables"]
    assert set(variables) == {s.key for s in ALL_SETTINGS}
    for setting in ALL_SETTINGS:
        assert setting.env in variables[setting.key]["description"]
    assert variables["managementToken"]["secret"] is True


def test_every_name_in_the_schema_is_spelled_as_the_code_spells_it():
    """The plugin's wire, its typed Python classes and the API models convert names with to_camel/to_snake:
    each name the schema documents must come back as itself."""
    names = {*RESOURCE["inputProperties"], *RESOURCE["properties"], *SCHEMA["config"]["variables"], *PROVIDER_INPUTS}
    for name in names:
        assert to_snake(name) == snake(name)
        assert to_camel(to_snake(name)) == name
    for name in (*INPUT_NAMES, *OUTPUT_NAMES):
        assert to_snake(to_camel(name)) == name


def test_the_package_metadata_is_ours_and_every_property_is_described():
    """Pulumi's schema reference: `license`, `publisher` and `homepage` are shown on the package's page; a
    homepage must be this package's own (influxctl's repository is not), so none is given until one exists."""
    assert SCHEMA["license"] == "Apache-2.0"  # pyproject.toml's license and the LICENSE file
    assert SCHEMA["publisher"]
    assert "influxctl" not in SCHEMA.get("homepage", "")
    described = [
        *RESOURCE["properties"].values(),
        *RESOURCE["inputProperties"].values(),
        *SCHEMA["provider"]["inputProperties"].values(),
        *SCHEMA["config"]["variables"].values(),
    ]
    assert described and all(prop.get("description", "").strip() for prop in described)
