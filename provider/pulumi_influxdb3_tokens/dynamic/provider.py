"""The dynamic ResourceProvider of ``ManagementToken``: a thin adapter from ``pulumi.dynamic`` to the core.

The object is pickled (dill) into every resource's state as ``__provider``. It therefore carries no
data at all: settings come from ``configure`` (the stack config, held only in the provider process)
and the environment, resolved at call time, and HTTP clients live in a process-wide cache.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from ..core import lifecycle
from ..core.validation import check_inputs
from . import clean_errors

if TYPE_CHECKING:
    from ..clients import TokenClient

# The transports (httpx, settings, the influxctl client) are imported where an operation needs
# them: the Pulumi program imports this module only to pickle the provider, and would pay ~0.25 s
# for them in every `pulumi up` and `preview`.

# The engine's provider process unpickles (imports) this module before any call: from then on our
# errors reach the user as their sentence, without the SDK's traceback around it.
clean_errors.install()


class ManagementTokenProvider(ResourceProvider):
    """CRUD for one management token through the Management API."""

    def __init__(self) -> None:
        super().__init__()
        self._stack_config: dict[str, Any] = {}

    # Nothing of a live provider goes into state: not the stack config, not a client.
    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: Mapping[str, Any]) -> None:
        self._stack_config = {}

    def configure(self, req: ConfigureRequest) -> None:
        from ..settings import ALL_SETTINGS, config_key

        self._stack_config = {
            config_key(s): req.config.get(config_key(s))
            for s in ALL_SETTINGS
            if req.config.get(config_key(s)) is not None
        }

    def _client(self) -> TokenClient:
        from ..clients import client_for
        from ..settings import resolve_connection

        return client_for(resolve_connection(self._stack_config))

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        checked = check_inputs(news)
        return CheckResult(checked.inputs, [CheckFailure(prop, reason) for prop, reason in checked.failures])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        decision = lifecycle.diff(olds, news)
        return DiffResult(
            changes=decision.changes, replaces=decision.replaces, stables=[], delete_before_replace=False
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        created = lifecycle.create(self._client(), props)
        return CreateResult(created.id, created.outputs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        found = lifecycle.read(self._client(), id_, props)
        # Revoked, expired or gone behind our back: dropped, so the next `up` mints a new one.
        return ReadResult(*found) if found else ReadResult("", {})

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(lifecycle.update(olds, news))

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        lifecycle.delete(self._client(), id_)
