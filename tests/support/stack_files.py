"""What a test stack's set-up writes, without an engine start each time it can be spared.

- ``pulumi stack init`` writes the same files for every stack of one project and stack name in one test
  process (the backend's empty checkpoint, and the stack settings file with the secrets provider and its
  wrapped data key, support/vault.py). The engine writes them once per process in a folder of its own,
  and each stack gets a copy. Every stack still has its own backend folder; sharing the data key between
  test stacks shares nothing else.
- Plain settings go into ``Pulumi.<stack>.yaml`` as a user may write them by hand: its ``config`` map of
  ``namespace:key: value`` (pulumi.com/docs, "Configuration"). Secrets go through
  ``pulumi config set --secret`` and stdin, which encrypt them under the stack's data key, once per
  process for each data key, setting and value: a later copy of the same stack init holds the same data
  key, so it gets the ciphertext that command wrote (``{secure: v1:...}``) and decrypts it as its own.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable, Mapping

import yaml

InitStack = Callable[[Path, Path], None]
"""Runs ``pulumi stack init`` for a project folder and a backend folder."""

_INITIALISED: dict[tuple[str, str], list[tuple[str, Path, bytes]]] = {}
_ENCRYPTED: dict[tuple[str, str, str], str] = {}  # (wrapped data key, setting, SHA-256 of the value) -> ciphertext
_WORK, _BACKEND = "work", "backend"


def settings_file(work_dir: Path, stack: str) -> Path:
    return work_dir / f"Pulumi.{stack}.yaml"


def init_stack(work_dir: Path, backend_dir: Path, stack: str, run_init: InitStack) -> None:
    """The files of ``pulumi stack init`` in ``work_dir`` and ``backend_dir``, copied when this process
    has made them for the same project file and stack name before."""
    project_file = work_dir / "Pulumi.yaml"
    if settings_file(work_dir, stack).exists() or not project_file.is_file():
        run_init(work_dir, backend_dir)  # settings shipped with the program: init merges into them
        return
    key = (project_file.read_text(), stack)
    if key not in _INITIALISED:
        _INITIALISED[key] = _made_once(project_file, stack, run_init)
    for where, relative, data in _INITIALISED[key]:
        target = (work_dir if where == _WORK else backend_dir) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _made_once(project_file: Path, stack: str, run_init: InitStack) -> list[tuple[str, Path, bytes]]:
    with tempfile.TemporaryDirectory(prefix="stack-init-") as tmp:
        work_dir, backend_dir = Path(tmp, _WORK), Path(tmp, _BACKEND)
        work_dir.mkdir()
        backend_dir.mkdir()
        shutil.copy2(project_file, work_dir / project_file.name)
        run_init(work_dir, backend_dir)
        state = backend_dir / ".pulumi"  # not .pulumi-home: the engine's own folder for this backend
        written = [p for p in sorted(state.rglob("*")) if p.is_file()]
        files = [(_BACKEND, p.relative_to(backend_dir), p.read_bytes()) for p in written]
        settings = settings_file(work_dir, stack)
        return [*files, (_WORK, Path(settings.name), settings.read_bytes())]


def write_plain_settings(work_dir: Path, stack: str, values: Mapping[str, str]) -> None:
    """``values`` (keys with their namespace) into the stack settings file's ``config`` map."""
    for key in values:
        if ":" not in key:
            raise ValueError(f"the setting {key!r} needs its namespace (influxdb3:...)")
    _write_config(work_dir, stack, {key: str(value) for key, value in values.items()})


def set_secret(work_dir: Path, stack: str, key: str, value: str, run_set: Callable[[], None]) -> None:
    """The secret setting ``key``: ``run_set`` (``pulumi config set --secret``) the first time this process
    sets that value under this stack's data key, the ciphertext it wrote after that."""
    wrapped_key = str(_settings(work_dir, stack).get("encryptedkey") or "")
    cached = (wrapped_key, key, hashlib.sha256(value.encode()).hexdigest())
    if wrapped_key and cached in _ENCRYPTED:
        _write_config(work_dir, stack, {key: {"secure": _ENCRYPTED[cached]}})
        return
    run_set()
    written = (_settings(work_dir, stack).get("config") or {}).get(key)
    if wrapped_key and isinstance(written, dict) and str(written.get("secure", "")).startswith("v1:"):
        _ENCRYPTED[cached] = str(written["secure"])


def _settings(work_dir: Path, stack: str) -> dict[str, Any]:
    settings = settings_file(work_dir, stack)
    return dict((yaml.safe_load(settings.read_text()) if settings.exists() else None) or {})


def _write_config(work_dir: Path, stack: str, values: Mapping[str, Any]) -> None:
    document = _settings(work_dir, stack)
    document["config"] = {**(document.get("config") or {}), **values}
    settings_file(work_dir, stack).write_text(yaml.safe_dump(document, sort_keys=False))
