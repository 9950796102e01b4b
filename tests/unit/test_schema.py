"""schema.json documents the resource; this fails the moment it drifts from the code."""

import json
import re
from importlib import resources

import pytest

from pulumi_influxdb3_tokens.core.management_token.models import TokenInputs
from pulumi_influxdb3_tokens.core.management_token.props import (
    COMPUTED_INPUTS,
    INPUT_NAMES,
    OUTPUT_NAMES,
    SECRET_INPUTS,
    SECRET_OUTPUTS,
)
from pulumi_influxdb3_tokens.resources import (
    DATABASE,
    DATABASE_TOKEN,
    MANAGEMENT_TOKEN,
    PACKAGE,
    RESOURCES,
    Resource,
    to_camel,
    to_snake,
)
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
    assert (DATABASE.plugin_type, DATABASE_TOKEN.plugin_type) == (
        "influxdb3:index:Database",
        "influxdb3:index:DatabaseToken",
    )


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda resource: resource.name)
def test_each_resource_documents_exactly_its_registered_inputs_outputs_and_secrets(resource: Resource):
    documented = SCHEMA["resources"][resource.plugin_type]
    assert {snake(k) for k in documented["inputProperties"]} == set(resource.input_names)
    assert {snake(k) for k in documented["properties"]} == set(resource.input_names) | set(resource.output_names)
    secret_outputs = {snake(k) for k, v in documented["properties"].items() if v.get("secret")}
    secret_inputs = {snake(k) for k, v in documented["inputProperties"].items() if v.get("secret")}
    assert (secret_outputs, secret_inputs) == (set(resource.secret_outputs), set(resource.secret_inputs))
    described = [*documented["properties"].values(), *documented["inputProperties"].values()]
    assert documented["description"].strip() and all(prop.get("description", "").strip() for prop in described)
    for name in (*documented["inputProperties"], *documented["properties"]):
        assert to_camel(to_snake(name)) == name and to_snake(name) == snake(name)


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda resource: resource.name)
def test_an_input_the_core_changes_in_place_is_described_as_changing_in_place(resource: Resource):
    """What a TypeScript or YAML user reads in the SDK must be what the diff does: an input of the lifecycle's
    IN_PLACE_INPUTS never "replaces the token" (a DatabaseToken's description is PATCHed, UpdateDatabaseToken:
    "Update the description and permissions of a database token")."""
    documented = SCHEMA["resources"][resource.plugin_type]["inputProperties"]
    for name in resource.lifecycle().IN_PLACE_INPUTS:
        text = documented[to_camel(name)]["description"]
        said = re.findall(r"A change[^.]*\.", text)  # what the description says a change does, if anything
        in_place = all(re.search(r"in[ -]place", s) and "replaces" not in s for s in said)
        assert in_place, f"{resource.name}.{name}: {text}"


def test_the_database_limits_state_the_defaults_the_provider_sends():
    """The provider sends maxTables 500 and maxColumnsPerTable 250 when a program omits them ("Default maximum number
    of columns: 250" in admin/databases/_index.md), so the schema says those, not the OpenAPI schema's 200."""
    from pulumi_influxdb3_tokens.core.database.models import DEFAULT_MAX_COLUMNS_PER_TABLE, DEFAULT_MAX_TABLES

    documented = SCHEMA["resources"][DATABASE.plugin_type]
    for props in (documented["inputProperties"], documented["properties"]):
        assert re.search(r"default: (\d+)", props["maxTables"]["description"])[1] == str(DEFAULT_MAX_TABLES)
        columns = re.search(r"default: (\d+)", props["maxColumnsPerTable"]["description"])
        assert columns is not None and columns[1] == str(DEFAULT_MAX_COLUMNS_PER_TABLE)


def resolved(spec: dict) -> dict:
    ref = spec.get("$ref", "")
    return SCHEMA["types"][ref.removeprefix("#/types/")] if ref else spec


def test_database_token_permissions_are_objects_of_action_and_resource():
    """api-docs/influxdb3/cloud-dedicated/management/openapi.yml, DatabaseTokenPermission: an object of `action`
    (read, write) and `resource` (a database name or `*`), in an array (DatabaseTokenPermissions)."""
    permissions = SCHEMA["resources"][DATABASE_TOKEN.plugin_type]["inputProperties"]["permissions"]
    assert permissions["type"] == "array"
    permission = resolved(permissions["items"])
    assert permission["type"] == "object" and set(permission["properties"]) == {"action", "resource"}
    assert all(permission["properties"][name]["type"] == "string" for name in ("action", "resource"))


def test_a_partition_template_part_is_a_type_and_a_string_or_a_bucket():
    """openapi.yml, ClusterDatabasePartitionTemplatePart: anyOf a tag part {type: tag, value: string}, a time part
    {type: time, value: string} and a bucket part {type: bucket, value: {tagName: string, numberOfBuckets:
    integer}}; at most 8 parts (ClusterDatabasePartitionTemplate maxItems). One object type with `value` a string
    or a bucket is what a YAML or TypeScript program writes as the API has it."""
    template = SCHEMA["resources"][DATABASE.plugin_type]["inputProperties"]["partitionTemplate"]
    part = resolved(template["items"])
    assert template["type"] == "array" and set(part["properties"]) == {"type", "value"}
    choices = part["properties"]["value"]["oneOf"]
    assert choices[0] == {"type": "string"}
    bucket = resolved(choices[1])
    assert {name: spec["type"] for name, spec in bucket["properties"].items()} == {
        "tagName": "string",
        "numberOfBuckets": "integer",
    }
    for spec in (
        part,
        bucket,
        resolved(SCHEMA["resources"][DATABASE_TOKEN.plugin_type]["properties"]["retiring"]["items"]),
    ):
        assert all(prop.get("description", "").strip() for prop in spec["properties"].values())


def test_database_limits_are_integers_and_the_token_string_a_secret():
    """openapi.yml: ClusterDatabaseMaxTables and ClusterDatabaseMaxColumnsPerTable are int32, the retention period
    an int64 of nanoseconds; DatabaseTokenAccessToken "is only returned once when the token is created"."""
    database = SCHEMA["resources"][DATABASE.plugin_type]["properties"]
    assert {database[name]["type"] for name in ("maxTables", "maxColumnsPerTable", "retentionPeriodNs")} == {"integer"}
    assert SCHEMA["resources"][DATABASE_TOKEN.plugin_type]["properties"]["token"]["secret"] is True


def test_the_provider_names_its_product_and_keeps_its_credential_secret():
    """influxctl's config.toml (reference/cli/influxctl): `product` is "clustered" or "dedicated"."""
    for where in (SCHEMA["config"]["variables"], PROVIDER_INPUTS, SCHEMA["provider"]["properties"]):
        assert "INFLUXDB3_PRODUCT" in where["product"]["description"] and where["product"]["type"] == "string"
        assert where["managementToken"]["secret"] is True


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
