"""Declare what spec.json says, on one face or both side by side:

{"face": "dynamic" | "plugin"  (or "faces": [...], each face's outputs prefixed "<face>/"),
 "databases": {name: kwargs}, "tokens": {name: kwargs},
 "tables": {name: kwargs, "database" naming a key of "databases": that Database is passed itself},
 "chain": {"description": ..., "expires_in": ..., "overlap": ...}  (optional)}
Every "{face}" in a string of the spec becomes the face declaring it ("metrics-{face}").

Without "chain", the resources use the stack's ``influxdb3:*`` config and its admin credential. With it, the stack
mints a ManagementToken (through the stack's config) and every Database and DatabaseToken acts with that token's
``token``: the plugin face through an explicit provider whose ``managementToken`` is that output, the dynamic face
through each resource's ``management_token`` input. A token's permissions name databases by name; every token
depends on every database, as a program that hands a database's name to a token would.
"""

import json
from pathlib import Path

import pulumi

spec = json.loads((Path(__file__).parent / "spec.json").read_text())
OUTPUTS = {
    "database": ("name", "retention_period", "retention_period_ns", "max_tables", "max_columns_per_table"),
    "token": ("token", "token_id", "expires_at", "revoked_at", "retiring", "permissions", "description"),
    "table": ("name", "database", "database_resource_id"),
}


def classes(face):
    if face == "plugin":
        from pulumi_influxdb3_tokens.influxdb3 import Database, DatabaseToken, ManagementToken, Provider, Table

        return Database, DatabaseToken, ManagementToken, Provider, Table
    from pulumi_influxdb3_tokens import Database, DatabaseToken, ManagementToken, Table

    return Database, DatabaseToken, ManagementToken, None, Table


def for_face(value, face):
    """Every "{face}" in the spec's strings becomes the face: two faces in one stack need two database names."""
    if isinstance(value, str):
        return value.replace("{face}", face)
    if isinstance(value, list):
        return [for_face(item, face) for item in value]
    if isinstance(value, dict):
        return {key: for_face(item, face) for key, item in value.items()}
    return value


def declare(face, prefix):
    Database, DatabaseToken, ManagementToken, Provider, Table = classes(face)
    own = for_face(spec, face)
    extra = {}
    chain = own.get("chain")
    if chain is not None:
        admin = ManagementToken("chain", **chain)
        pulumi.export(f"{prefix}chain.token_id", admin.token_id)
        pulumi.export(f"{prefix}chain.token", admin.token)
        pulumi.export(f"{prefix}chain.retiring", admin.retiring)
        if Provider is None:
            extra["management_token"] = admin.token
        else:
            settings = pulumi.Config("influxdb3")
            provider = Provider(
                f"{face}-chained",
                api_url=settings.require("apiUrl"),
                account_id=settings.get("accountId"),
                cluster_id=settings.get("clusterId"),
                product=settings.get("product"),
                management_token=admin.token,
                allow_insecure_http=settings.get_bool("allowInsecureHttp"),
            )
            extra["opts"] = pulumi.ResourceOptions(provider=provider)
    databases = {}
    for name, kwargs in own.get("databases", {}).items():
        database = Database(name, **kwargs, **extra)
        databases[name] = database
        pulumi.export(f"{prefix}{name}.id", database.id)
        for output in OUTPUTS["database"]:
            pulumi.export(f"{prefix}{name}.{output}", getattr(database, output))
    for name, kwargs in own.get("tokens", {}).items():
        options = pulumi.ResourceOptions.merge(
            extra.get("opts"), pulumi.ResourceOptions(depends_on=list(databases.values()))
        )
        token_extra = {key: value for key, value in extra.items() if key != "opts"}
        token = DatabaseToken(name, **kwargs, **token_extra, opts=options)
        pulumi.export(f"{prefix}{name}.id", token.id)
        for output in OUTPUTS["token"]:
            pulumi.export(f"{prefix}{name}.{output}", getattr(token, output))
    for name, kwargs in own.get("tables", {}).items():
        kwargs = dict(kwargs)
        table = Table(name, database=databases[kwargs.pop("database")], **kwargs, **extra)
        pulumi.export(f"{prefix}{name}.id", table.id)
        for output in OUTPUTS["table"]:
            pulumi.export(f"{prefix}{name}.{output}", getattr(table, output))


if "faces" in spec:
    for face in spec["faces"]:
        declare(face, f"{face}/")
else:
    declare(spec.get("face", "dynamic"), "")
