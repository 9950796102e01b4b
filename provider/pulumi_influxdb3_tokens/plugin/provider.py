"""The resource provider behind ``pulumi-resource-influxdb3``: the core's lifecycle in plugin wire types.

Each provider instance (the default one, configured from the stack's ``influxdb3:*`` config, or an
explicit ``pulumi:providers:influxdb3`` resource) is its own plugin process and gets one Configure;
settings not given there fall back to the environment and the influxctl profile, as for the dynamic
resource. The core is synchronous (httpx, subprocesses), so each call runs in a worker thread:
unlike the dynamic provider host, the plugin serves any number of calls at once.
"""

from __future__ import annotations

import asyncio
import json
from importlib import resources
from typing import Any, Callable, Mapping, Optional, TypeVar

from pulumi.provider.experimental import provider as rpc
from pulumi.provider.experimental.property_value import PropertyValue

from ..core.bags import is_unknown, plain
from ..core.errors import ConfigurationError
from ..core.notices import told_to
from ..core.outcomes import Decision
from ..core.tokens.overlap import RETIRING
from ..resources import PACKAGE, RESOURCES, Resource, of_type
from ..resources import to_camel as camel
from ..settings import (
    ACCOUNT_ID,
    ALL_SETTINGS,
    API_URL,
    CLUSTER_ID,
    PRODUCT,
    Setting,
    config_key,
    resolve_connection,
    resolve_documented_connection,
)
from ..settings import (
    DEDICATED as DEFAULT_PRODUCT,
)
from .engine_log import EngineLog
from .wire import camel_text, from_bag, to_bag, value_of

_T = TypeVar("_T")

# Provider settings that name the cluster (and which API it serves). A change of one would move everything the
# provider manages to another cluster: replacing it all (databases with their data) is no way to do that, so such a
# change is refused (check_config) and the user moves resources with a new provider instead.
CLUSTER_SETTINGS = (PRODUCT, API_URL, ACCOUNT_ID, CLUSTER_ID)


def schema_text() -> str:
    """The package schema, exactly as shipped (the repository's root ``schema.json``)."""
    return resources.files(__package__).joinpath("schema.json").read_text(encoding="utf-8")


class InfluxDB3Provider(rpc.Provider):
    """The registry's resources (``resources.RESOURCES``) for the engine; every decision is their core's."""

    def __init__(self, engine_address: Optional[str] = None) -> None:
        self._config: dict[str, Any] = {}
        self._log = EngineLog(engine_address)

    async def _run(self, urn: str, work: Callable[[], _T]) -> _T:
        """Blocking work (the core, a client's set-up) in a worker thread, its lines to the user logged
        beside ``urn``."""
        with told_to(lambda line: self._log.sink_for(urn)(camel_text(line))):
            return await asyncio.to_thread(work)

    async def get_schema(self, request: rpc.GetSchemaRequest) -> rpc.GetSchemaResponse:
        return rpc.GetSchemaResponse(schema=schema_text())

    async def configure(self, request: rpc.ConfigureRequest) -> rpc.ConfigureResponse:
        self._config = _stack_config(request.args, request.variables)
        return rpc.ConfigureResponse(accept_secrets=True, supports_preview=False)

    async def check_config(self, request: rpc.CheckRequest) -> rpc.CheckResponse:
        """A provider that already exists keeps its cluster: a change of product, apiUrl, accountId or clusterId
        is refused, since the engine would otherwise replace everything the provider manages."""
        failures = []
        for setting in CLUSTER_SETTINGS if request.old_inputs else ():
            old, new = _cluster_value(request.old_inputs, setting), _cluster_value(request.new_inputs, setting)
            if not is_unknown(new) and old != new:
                failures.append(rpc.CheckFailure(setting.key, _moved(setting, old, new)))
        return rpc.CheckResponse(inputs=request.new_inputs, failures=failures)

    async def diff_config(self, request: rpc.DiffRequest) -> rpc.DiffResponse:
        """Any change reconfigures the provider in place, a new (or not yet known) credential above all: it never
        replaces a resource. A change of cluster never gets here (check_config refuses it)."""
        detailed: dict[str, rpc.PropertyDiff] = {}
        for setting in ALL_SETTINGS:
            old, new = _setting(request.old_state, setting.key), _setting(request.new_inputs, setting.key)
            if is_unknown(new) or old != new:
                detailed[setting.key] = _property_diff(old, new, False)
        return rpc.DiffResponse(changes=bool(detailed), replaces=[], diffs=list(detailed), detailed_diff=detailed)

    async def check(self, request: rpc.CheckRequest) -> rpc.CheckResponse:
        lifecycle = _resource(request.urn).lifecycle()
        checked = lifecycle.check_inputs(to_bag(request.new_inputs), to_bag(request.old_inputs))
        inputs = {name: value for name, value in checked.inputs.items() if value is not None}
        failures = [rpc.CheckFailure(camel(prop), camel_text(reason)) for prop, reason in checked.failures]
        return rpc.CheckResponse(inputs=from_bag(inputs), failures=failures)

    async def diff(self, request: rpc.DiffRequest) -> rpc.DiffResponse:
        olds, news = to_bag(request.old_state), to_bag(request.new_inputs)
        lifecycle = _resource(request.urn).lifecycle()
        decision = await self._run(
            request.urn, lambda: lifecycle.diff(olds, news, request.resource_id, None, self._client)
        )
        detailed = _detailed_diff(olds, news, decision, lifecycle.IN_PLACE_INPUTS)
        return rpc.DiffResponse(
            changes=decision.changes,
            replaces=[camel(name) for name in decision.replaces],
            delete_before_replace=decision.delete_before_replace,
            diffs=list(detailed),
            detailed_diff=detailed,
        )

    async def create(self, request: rpc.CreateRequest) -> rpc.CreateResponse:
        props, resource = to_bag(request.properties), _resource(request.urn)
        created = await self._run(request.urn, lambda: resource.lifecycle().create(self._client(resource), props))
        return rpc.CreateResponse(resource_id=created.id, properties=from_bag(created.outputs))

    async def read(self, request: rpc.ReadRequest) -> rpc.ReadResponse:
        token_id, resource = request.resource_id, _resource(request.urn)
        lifecycle = resource.lifecycle()
        if not request.properties:
            # `pulumi import`: only the id is known; answer with the inputs that declare the token as it is.
            imported = await self._run(request.urn, lambda: lifecycle.import_token(self._client(resource), token_id))
            return rpc.ReadResponse(imported.id, from_bag(imported.outputs), from_bag(imported.inputs))
        props = to_bag(request.properties)
        found = await self._run(request.urn, lambda: lifecycle.read(self._client(resource), token_id, props))
        if found is None:
            return rpc.ReadResponse(resource_id=None)  # revoked, expired or gone: the next up mints anew
        live_id, outputs = found
        return rpc.ReadResponse(live_id, from_bag(outputs), request.inputs)

    async def update(self, request: rpc.UpdateRequest) -> rpc.UpdateResponse:
        resource = _resource(request.urn)
        olds, news = to_bag(request.olds), to_bag(request.news)
        outs = await self._run(
            request.urn,
            lambda: resource.lifecycle().update(lambda: self._client(resource), request.resource_id, olds, news),
        )
        return rpc.UpdateResponse(from_bag(outs))

    async def delete(self, request: rpc.DeleteRequest) -> None:
        resource, props = _resource(request.urn), to_bag(request.properties)
        await self._run(
            request.urn, lambda: resource.lifecycle().delete(self._client(resource), request.resource_id, props)
        )

    def _client(self, resource: Resource) -> Any:
        """The resource's client; one of the documented Management API goes over HTTP unless the transport is set
        to influxctl (settings/documented.py), with the provider's credential (``managementToken``, which may be
        another resource's output)."""
        if resource.documented_api:
            return resource.client(resolve_documented_connection(self._config))
        return resource.client(resolve_connection(self._config))


def _resource(urn: str) -> Resource:
    """The registry's resource of the URN's type; any other type is refused, naming the ones we manage."""
    kind = (urn.split("::")[-2] if urn.count("::") >= 3 else "").split("$")[-1]
    resource = of_type(kind)
    if resource is None:
        managed = ", ".join(r.plugin_type for r in RESOURCES)
        raise ConfigurationError(f"The influxdb3 provider has no resource type {kind}; it manages {managed}.")
    return resource


def _setting(args: Mapping[str, PropertyValue], key: str) -> Any:
    return plain(value_of(args[key])) if key in args else None


def _cluster_value(args: Mapping[str, PropertyValue], setting: Setting) -> Any:
    """A cluster setting as compared across a change: the product's default spelled out, a URL without its
    trailing slash, ids as given."""
    value = _setting(args, setting.key)
    if is_unknown(value):
        return value
    text = None if value is None else str(value).strip() or None
    if setting is PRODUCT:
        return (text or DEFAULT_PRODUCT).lower()
    if setting is API_URL and text is not None:
        return text.rstrip("/")
    return text


def _moved(setting: Setting, old: Any, new: Any) -> str:
    """One sentence: why a provider's cluster cannot change, and how to move resources instead."""
    return (
        f"{setting.key} cannot change on an existing influxdb3 provider (from {_shown(old)} to {_shown(new)}), "
        f"since that would replace everything it manages (databases with their data); to move resources, "
        f"declare a new provider with the new settings and new resources on it, run `pulumi up`, then remove "
        f"the old resources and provider (set {setting.key} back to run this update)."
    )


def _shown(value: Any) -> str:
    return "unset" if value is None else f"'{value}'"


def _stack_config(args: Mapping[str, PropertyValue], variables: Mapping[str, str]) -> dict[str, Any]:
    """Provider inputs (``apiUrl``, ...) in the ``influxdb3:apiUrl`` form the settings resolve."""
    config: dict[str, Any] = {}
    for setting in ALL_SETTINGS:
        value = _setting(args, setting.key)
        if value is None:
            # Older engines pass the config as variables named `influxdb3:config:apiUrl`.
            value = variables.get(f"{PACKAGE}:config:{setting.key}")
        if value is not None and not is_unknown(value):
            config[config_key(setting)] = _text(value)
    return config


def _text(value: Any) -> str:
    """Config values may arrive typed (a number) or as text; the settings read text."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else json.dumps(value)


def _detailed_diff(
    olds: Mapping[str, Any], news: Mapping[str, Any], decision: Decision, in_place_inputs: tuple[str, ...]
) -> dict[str, rpc.PropertyDiff]:
    """The core's decision per property: what it replaces for, what it rotates in place (overlap), and the
    inputs that change in place; a change of none of them is the retiring tokens' (an overlap ended)."""
    replaces = decision.replaces
    detailed = {camel(name): _property_diff(olds.get(name), news.get(name), True) for name in replaces}
    for name in decision.rotates:
        detailed[camel(name)] = _property_diff(olds.get(name), news.get(name), False)
    for name in in_place_inputs:
        old, new = plain(olds.get(name)), plain(news.get(name))
        if name not in replaces and (is_unknown(new) or old != new):
            detailed[camel(name)] = _property_diff(old, new, False)
    if decision.changes and not detailed:
        detailed[camel(RETIRING)] = rpc.PropertyDiff(rpc.PropertyDiffKind.UPDATE, input_diff=False)
    return detailed


def _property_diff(old: Any, new: Any, replace: bool) -> rpc.PropertyDiff:
    kinds = rpc.PropertyDiffKind
    if plain(old) is None and plain(new) is not None:
        kind = kinds.ADD_REPLACE if replace else kinds.ADD
    elif plain(new) is None and plain(old) is not None:
        kind = kinds.DELETE_REPLACE if replace else kinds.DELETE
    else:
        kind = kinds.UPDATE_REPLACE if replace else kinds.UPDATE
    return rpc.PropertyDiff(kind, input_diff=True)
