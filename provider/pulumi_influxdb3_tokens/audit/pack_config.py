"""Read a ``--policy-pack-config`` file the way the Pulumi engine does, for ``influxdb3-tokens audit``.

So one file sets the numbers and enforcement levels for both the pack and the audit. Accepted: the
flat form (``{"all": "advisory", "<policy>": "mandatory" | {"enforcementLevel": ..., <props>}}``)
and the versioned form (``{"version": 2, "policies": {...}}``). ``all`` sets every level, then each
policy's own entry wins, as in the engine.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional

from pydantic import ValidationError

from ..core.errors import ConfigurationError
from ..policy import catalog


@dataclass(frozen=True)
class PackConfig:
    """Effective enforcement level and config of every rule."""

    levels: dict[str, str] = field(default_factory=lambda: {r.id: r.level for r in catalog.RULES.values()})
    configs: dict[str, catalog.RuleConfig] = field(
        default_factory=lambda: {r.id: r.config() for r in catalog.RULES.values()}
    )

    def level(self, rule: str) -> str:
        return self.levels[rule]

    def config(self, rule: str) -> Any:
        return self.configs[rule]

    def with_overrides(self, rule: str, **values: Any) -> "PackConfig":
        """A copy with some config values of one rule replaced (command-line flags win over the file)."""
        given = {k: v for k, v in values.items() if v is not None}
        if not given:
            return self
        configs = dict(self.configs)
        current = configs[rule]
        try:
            configs[rule] = type(current).model_validate({**current.model_dump(), **given})
        except ValidationError as err:
            first = err.errors()[0]
            raise ConfigurationError(f"{rule}: {first.get('msg', 'invalid value')} ({', '.join(given)}).") from None
        return PackConfig(levels=dict(self.levels), configs=configs)


def _entries(document: Mapping[str, Any], source: str) -> Mapping[str, Any]:
    if isinstance(document.get("version"), (int, float)):
        if document["version"] != 2:
            raise ConfigurationError(f'{source}: "version" must be 2.')
        policies = document.get("policies") or {}
        if not isinstance(policies, dict):
            raise ConfigurationError(f'{source}: "policies" must be an object.')
        return policies
    return {k: v for k, v in document.items() if k != "environments"}


def _check_level(value: Any, where: str, source: str) -> str:
    if value not in catalog.LEVELS:
        raise ConfigurationError(
            f"{source}: {where} has enforcement level {value!r}; use one of {', '.join(catalog.LEVELS)}."
        )
    return str(value)


def parse_pack_config(document: Any, source: str = "policy pack config") -> PackConfig:
    if not isinstance(document, dict):
        raise ConfigurationError(f"{source} must hold a JSON object keyed by policy name.")
    entries = _entries(document, source)
    base = PackConfig()
    levels = dict(base.levels)
    raw_props: dict[str, dict[str, Any]] = {}
    everything = entries.get("all")
    if everything is not None:
        if not isinstance(everything, (str, dict)):
            raise ConfigurationError(f'{source}: "all" must be an enforcement level or an object.')
        level = everything if isinstance(everything, str) else everything.get("enforcementLevel")
        if level is not None:
            level = _check_level(level, '"all"', source)
            levels = dict.fromkeys(levels, level)
    for name, value in entries.items():
        if name == "all" or name not in catalog.RULES:
            continue  # other packs' policies may share the file
        if isinstance(value, str):
            levels[name] = _check_level(value, f'"{name}"', source)
        elif isinstance(value, dict):
            props = dict(value)
            if "enforcementLevel" in props:
                levels[name] = _check_level(props.pop("enforcementLevel"), f'"{name}"', source)
            raw_props[name] = props
        else:
            raise ConfigurationError(f'{source}: "{name}" must be an enforcement level or an object.')
    configs = dict(base.configs)
    for name, props in raw_props.items():
        try:
            configs[name] = catalog.RULES[name].config.model_validate(props)
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ())) or name
            raise ConfigurationError(
                f'{source}: "{name}".{where} is invalid: {first.get("msg", "invalid value")}.'
            ) from None
    return PackConfig(levels=levels, configs=configs)


def load_pack_config(path: Optional[Path]) -> PackConfig:
    """The defaults, or the file's settings on top of them."""
    if path is None:
        return PackConfig()
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigurationError(
            f"The policy pack config file {path} does not exist; fix --policy-pack-config."
        ) from None
    except (OSError, ValueError) as err:
        raise ConfigurationError(
            f"The policy pack config file {path} is not readable JSON ({type(err).__name__}); fix --policy-pack-config."
        ) from None
    return parse_pack_config(document, source=str(path))
