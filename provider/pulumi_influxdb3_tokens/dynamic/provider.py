"""The dynamic ResourceProvider of ``ManagementToken``: a thin adapter from ``pulumi.dynamic`` to the core.

The object is pickled (dill) into every resource's state as ``__provider``. It therefore carries no
data at all: settings come from ``configure`` (the stack config, held only in the provider process)
and the environment, resolved at call time, and HTTP clients live in a process-wide cache.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Optional

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
from ..resources import MANAGEMENT_TOKEN
from . import clean_errors

if TYPE_CHECKING:
    from ..core.management_token.client import TokenClient

# The core (pydantic's models), the settings and the transports (httpx, the influxctl client) are
# imported where an operation needs them (``MANAGEMENT_TOKEN.lifecycle()`` and ``.client()``): the
# Pulumi program imports this module only to pickle the provider, and should not pay for them on
# every `pulumi up` and `preview` (tests/unit/test_import_cost.py holds it).

# The engine's provider process unpickles (imports) this module before any call: from then on our
# errors reach the user as their sentence, without the SDK's traceback around it.
clean_errors.install()
# ...and the engine it serves is recorded now, before any create asks whether it still runs (core/engine.py).
engine.record()

# The dynamic face's own input: which stack-config namespace holds the cluster's settings (connections.py).
CONNECTION = "connection"


class ManagementTokenProvider(ResourceProvider):
    """CRUD for one management token through the Management API."""

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

    def _client(self, props: Mapping[str, Any]) -> TokenClient:
        from .connections import resolve

        config = self._config
        connection = resolve(lambda key: config.get(key) if config else None, plain(props.get(CONNECTION)))
        client: TokenClient = MANAGEMENT_TOKEN.client(connection)
        return client

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        from .connections import connection_problem

        checked = MANAGEMENT_TOKEN.lifecycle().check_inputs(news, olds)
        failures = [CheckFailure(prop, reason) for prop, reason in checked.failures]
        connection = plain(news.get(CONNECTION))
        problem = None if is_unknown(connection) else connection_problem(connection)
        if problem:
            failures.append(CheckFailure(CONNECTION, problem))
        return CheckResult({**checked.inputs, CONNECTION: news.get(CONNECTION)}, failures)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        old, new = plain(olds.get(CONNECTION)), plain(news.get(CONNECTION))
        moves = None
        if is_unknown(new) or old != new:
            moves = (CONNECTION, f"the token moves from connection {old or 'influxdb3'} to {new or 'influxdb3'}")
        decision = MANAGEMENT_TOKEN.lifecycle().diff(olds, news, id_, moves)
        return DiffResult(
            changes=decision.changes,
            replaces=decision.replaces,
            stables=[],
            delete_before_replace=decision.delete_before_replace,
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        created = MANAGEMENT_TOKEN.lifecycle().create(self._client(props), props)
        return CreateResult(created.id, {**created.outputs, CONNECTION: props.get(CONNECTION)})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        found = MANAGEMENT_TOKEN.lifecycle().read(self._client(props), id_, props)
        if not found:
            return ReadResult("", {})  # revoked, expired or gone behind our back: the next `up` mints anew
        token_id, outputs = found
        return ReadResult(token_id, {**outputs, CONNECTION: props.get(CONNECTION)})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        outs = MANAGEMENT_TOKEN.lifecycle().update(lambda: self._client(news), id_, olds, news)
        return UpdateResult({**outs, CONNECTION: news.get(CONNECTION)})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        MANAGEMENT_TOKEN.lifecycle().delete(self._client(props), id_, props)
