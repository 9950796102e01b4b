"""What the stack behind ``profile write --stack-output`` knows of a profile's ``account_id`` and ``cluster_id``.

The stack that holds the token knows where it lives: each ManagementToken's own ``account_id``/``cluster_id``
outputs (``accountId``/``clusterId`` on the plugin) name the account it belongs to and the cluster the provider
reached it through, and the stack's config ``influxdb3:accountId``/``influxdb3:clusterId`` names the cluster of
its default provider. Both are read with the pulumi CLI that reads the token, never with ``--show-secrets``:
``pulumi stack export`` keeps every secret encrypted and ``pulumi config --json`` leaves a secret's value out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .. import settings
from ..core.errors import ConfigurationError
from ..resources import MANAGEMENT_TOKEN
from . import orphans, stack_cli

KEYS = {"account_id": settings.ACCOUNT_ID, "cluster_id": settings.CLUSTER_ID}  # profile key -> its setting
HINT = "check --stack and --cwd"


@dataclass(frozen=True)
class StackIds:
    """Per profile key: the values the stack's management tokens carry, and the stack config's value."""

    outputs: dict[str, frozenset[str]] = field(default_factory=dict)
    config: dict[str, str] = field(default_factory=dict)

    def value(self, key: str) -> Optional[str]:
        """The tokens' own value when they agree, else the stack config's; several values are refused."""
        found = self.outputs.get(key, frozenset())
        if len(found) > 1:
            raise ConfigurationError(
                f"The stack's management tokens name more than one {key} ({', '.join(sorted(found))}); pass "
                f"--{key.replace('_', '-')} to say which."
            )
        return next(iter(found), None) or self.config.get(key)


def token_ids(export: object) -> dict[str, frozenset[str]]:
    """Each key's values among the ManagementTokens of ``pulumi stack export`` output (replaced ones left out)."""
    deployment = orphans.exported_deployment(export, "`pulumi stack export`")
    held = [r for r in deployment.resources or [] if r.type in MANAGEMENT_TOKEN.types and not r.delete]
    found = {key: frozenset(v for r in held if (v := orphans.plain_output(r, key))) for key in KEYS}
    return {key: values for key, values in found.items() if values}


def config_ids(config: object) -> dict[str, str]:
    """Each key's plain value in ``pulumi config --json`` output (a secret one shows no value and is left out)."""
    found: dict[str, str] = {}
    for key, setting in KEYS.items():
        entry = config.get(settings.config_key(setting)) if isinstance(config, dict) else None
        value = entry.get("value") if isinstance(entry, dict) and not entry.get("secret") else None
        if isinstance(value, str) and value.strip():
            found[key] = value.strip()
    return found


def read(stack: Optional[str], cwd: Optional[Path]) -> StackIds:
    """The stack's ids, through ``pulumi stack export`` and ``pulumi config --json``."""
    pulumi = stack_cli.pulumi_cli()
    export = stack_cli.read_json(pulumi, ["stack", "export"], stack, cwd, HINT)
    config = stack_cli.read_json(pulumi, ["config", "--json"], stack, cwd, HINT)
    return StackIds(outputs=token_ids(export), config=config_ids(config))
