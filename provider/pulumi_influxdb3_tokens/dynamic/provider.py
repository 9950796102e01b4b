"""The dynamic ResourceProviders of the registry's resources: thin adapters from ``pulumi.dynamic`` to each core.

The object is pickled (dill) into every resource's state as ``__provider``. It therefore carries no
data at all: settings come from ``configure`` (the stack config, held only in the provider process)
and the environment, resolved at call time, and HTTP clients live in a process-wide cache.
"""

from __future__ import annotations

from typing import Any, ClassVar, Mapping, Optional

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    Config,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from ..core import engine
from ..core.bags import is_unknown, plain
from ..core.notices import told_to
from ..process_gc import tune_for_a_provider_process
from ..resources import DATABASE, DATABASE_TOKEN, MANAGEMENT_TOKEN, TABLE, Resource
from . import clean_errors

# The core (pydantic's models), the settings and the transports (httpx, the influxctl client) are
# imported where an operation needs them (``MANAGEMENT_TOKEN.lifecycle()`` and ``.client()``): the
# Pulumi program imports this module only to pickle the provider, and should not pay for them on
# every `pulumi up` and `preview` (tests/unit/test_import_cost.py holds it).

# The engine's provider process unpickles (imports) this module before any call: from then on our
# errors reach the user as their sentence, without the SDK's traceback around it; and that process, only that
# one, collects garbage less often while it imports the core (process_gc.py).
if clean_errors.install():
    tune_for_a_provider_process()
# ...and the engine it serves is recorded now, before any create asks whether it still runs (core/engine.py).
engine.record()

# The dynamic face's own input: which stack-config namespace holds the cluster's settings (connections.py).
CONNECTION = "connection"
# ...and, on a resource of the documented Management API, the management token its calls send (a secret input,
# e.g. the ``token`` of a ManagementToken of the same stack), instead of the connection's configured one.
CREDENTIAL = "management_token"


class RegistryProvider(ResourceProvider):
    """CRUD for one resource of the registry (``RESOURCE``) through its core; every decision is the core's.

    A subclass names its resource and nothing else: states pickle the subclass by module path and name.
    """

    RESOURCE: ClassVar[Resource]
    NOUN: ClassVar[str]  # what the resource is called in a sentence: "token", "database"

    def __init__(self) -> None:
        super().__init__()
        self._config: Optional[Config] = None

    # Nothing of a live provider goes into state: not the stack config, not a client.
    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: Mapping[str, Any]) -> None:
        self._config = None

    def configure(self, req: ConfigureRequest) -> None:
        self._config = req.config  # held in the provider process only
        # Only the provider process configures a provider (pulumi.dynamic's get_provider, at its first call): it
        # ends with its engine, as the program that imports this module does not.
        engine.watch()

    def _client(self, props: Mapping[str, Any], resource: Optional[Resource] = None) -> Any:
        """The resource's client (or ``resource``'s, on the same connection) on the connection ``props`` name, with
        the credential ``props`` carry, if any: the news' for create and update, the state's latest for the rest."""
        from .connections import resolve

        config = self._config
        documented = self.RESOURCE.documented_api
        credential = plain(props.get(CREDENTIAL)) if documented else None
        connection = resolve(
            lambda key: config.get(key) if config else None,
            plain(props.get(CONNECTION)),
            documented,
            credential if isinstance(credential, str) and credential else None,
        )
        return (resource or self.RESOURCE).client(connection)

    def _faces_own(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """The inputs of this face alone, carried into the outputs so read and delete find them."""
        own = {CONNECTION: props.get(CONNECTION)}
        if self.RESOURCE.documented_api:
            own[CREDENTIAL] = props.get(CREDENTIAL)
        return own

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        from .connections import connection_problem

        checked = self.RESOURCE.lifecycle().check_inputs(news, olds)
        failures = [CheckFailure(prop, reason) for prop, reason in checked.failures]
        connection = plain(news.get(CONNECTION))
        problem = None if is_unknown(connection) else connection_problem(connection)
        if problem:
            failures.append(CheckFailure(CONNECTION, problem))
        wrong_credential = credential_problem(plain(news.get(CREDENTIAL))) if self.RESOURCE.documented_api else None
        if wrong_credential:
            failures.append(CheckFailure(CREDENTIAL, wrong_credential))
        return CheckResult({**checked.inputs, **self._faces_own(news)}, failures)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        old, new = plain(olds.get(CONNECTION)), plain(news.get(CONNECTION))
        moves = None
        if is_unknown(new) or old != new:
            moves = (
                CONNECTION,
                f"the {self.NOUN} moves from connection {old or 'influxdb3'} to {new or 'influxdb3'}",
            )
        # Other resources' clients on the state's connection: a rename names the database tokens it stops.
        decision = self.RESOURCE.lifecycle().diff(olds, news, id_, moves, lambda other: self._client(olds, other))
        return DiffResult(
            changes=decision.changes or self._credential_changed(olds, news),
            replaces=decision.replaces,
            stables=[],
            delete_before_replace=decision.delete_before_replace,
        )

    def _credential_changed(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
        """A new (or not yet known) credential is an update that stores it, never a replacement."""
        if not self.RESOURCE.documented_api:
            return False
        new = plain(news.get(CREDENTIAL))
        return is_unknown(new) or plain(olds.get(CREDENTIAL)) != new

    def create(self, props: dict[str, Any]) -> CreateResult:
        created = self.RESOURCE.lifecycle().create(self._client(props), props)
        return CreateResult(created.id, {**created.outputs, **self._faces_own(props)})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        found = self.RESOURCE.lifecycle().read(self._client(props), id_, props)
        if not found:
            return ReadResult("", {})  # gone behind our back: the next `up` makes it anew
        live_id, outputs = found
        return ReadResult(live_id, {**outputs, **self._faces_own(props)})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        lifecycle = self.RESOURCE.lifecycle()
        if self.RESOURCE.documented_api and not self._changes_past_the_credential(id_, olds, news):
            # Only this face's inputs changed (a new credential): store them, call nothing.
            kept = {name: value for name, value in olds.items() if not name.startswith("__")}
            return UpdateResult({**kept, **self._faces_own(news)})
        outs = lifecycle.update(lambda: self._client(news), id_, olds, news)
        return UpdateResult({**outs, **self._faces_own(news)})

    def _changes_past_the_credential(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
        """Whether the core sees a change (the credential is this face's own): asked again at update, its notices
        kept back, since the diff before it has said them already."""
        with told_to(lambda _line: None):
            return self.RESOURCE.lifecycle().diff(olds, news, id_).changes

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        self.RESOURCE.lifecycle().delete(self._client(props), id_, props)


def credential_problem(value: Any) -> Optional[str]:
    """Why a ``management_token`` input cannot be sent, or None; never its value."""
    from ..settings.credential import CREDENTIAL_SHAPE

    if value is None or is_unknown(value):
        return None
    if not isinstance(value, str) or not CREDENTIAL_SHAPE.fullmatch(value):
        return (
            "management_token must be a management token: a string without spaces, line breaks or characters "
            "that are not ASCII"
        )
    return None


class ManagementTokenProvider(RegistryProvider):
    """CRUD for one management token (kept at this path: states pickle it here and at ``lifecycle``)."""

    RESOURCE = MANAGEMENT_TOKEN
    NOUN = "token"


class DatabaseProvider(RegistryProvider):
    """CRUD for one database of the documented Management API."""

    RESOURCE = DATABASE
    NOUN = "database"


class DatabaseTokenProvider(RegistryProvider):
    """CRUD for one database token of the documented Management API."""

    RESOURCE = DATABASE_TOKEN
    NOUN = "token"


class TableProvider(RegistryProvider):
    """CRUD for one table, over the documented Management API or influxctl."""

    RESOURCE = TABLE
    NOUN = "table"
