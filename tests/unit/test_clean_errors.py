"""clean_errors: the SDK's own `_abort_with_traceback`, taken from its source, with and without the patch."""

from __future__ import annotations

import ast
import importlib.util
import sys
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

import pytest

from pulumi_influxdb3_tokens import process_gc
from pulumi_influxdb3_tokens.core.errors import ManagementApiError
from pulumi_influxdb3_tokens.dynamic import clean_errors

HOST = "pulumi.dynamic.__main__"


def sdk_host_module() -> ModuleType:
    """A module holding the SDK's real `_abort_with_traceback` (its __main__ cannot be imported: it serves)."""
    spec = importlib.util.find_spec("pulumi.dynamic")
    assert spec and spec.submodule_search_locations
    source = (Path(spec.submodule_search_locations[0]) / "__main__.py").read_text()
    [wrapper] = [
        n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == "_abort_with_traceback"
    ]
    module = ModuleType(HOST)
    module.__dict__.update(traceback=traceback, grpc=ModuleType("grpc"))
    module.grpc.StatusCode = type("StatusCode", (), {"UNKNOWN": "UNKNOWN"})  # type: ignore[attr-defined]
    exec(compile(ast.Module(body=[wrapper], type_ignores=[]), HOST, "exec"), module.__dict__)
    return module


class Context:
    details = ""

    def abort(self, _code: Any, details: str) -> None:
        self.details = details


def abort_details(host: ModuleType, error: Exception) -> str:
    def call(_self: Any, _request: Any, _context: Any) -> None:
        raise error

    wrapped: Callable[..., None] = host._abort_with_traceback(call)
    context = Context()
    wrapped(None, None, context)
    return context.details


@pytest.fixture
def host(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    module = sdk_host_module()
    monkeypatch.setitem(sys.modules, HOST, module)
    return module


def test_without_the_patch_the_sdk_wraps_our_sentence_in_a_traceback(host: ModuleType):
    details = abort_details(host, ManagementApiError("Could not list management tokens (HTTP 500)."))
    assert details.startswith("Traceback") and "Could not list management tokens (HTTP 500)." in details


def test_our_errors_become_their_sentence_and_bugs_keep_their_traceback(host: ModuleType):
    assert clean_errors.install() is True
    assert clean_errors.install() is True  # idempotent
    assert abort_details(host, ManagementApiError("Could not list management tokens (HTTP 500).")) == (
        "Could not list management tokens (HTTP 500)."
    )
    bug = abort_details(host, KeyError("oops"))
    assert bug.startswith("Traceback") and "KeyError: 'oops'" in bug


def test_outside_the_provider_process_nothing_is_patched(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delitem(sys.modules, HOST, raising=False)
    assert clean_errors.install() is False


def test_a_call_the_host_fails_leaves_the_process_its_whole_exit(host: ModuleType, monkeypatch: pytest.MonkeyPatch):
    """process_gc.py: a provider process that failed a call keeps CPython's whole exit, since the SDK's program may
    still be reporting its failed registrations when the engine shuts its resource monitor down after the providers
    exit. The host formats the error of every call it fails, ours and bugs alike."""
    failed: list[bool] = []
    monkeypatch.setattr(process_gc, "_FAILED", failed)
    assert clean_errors.install() is True
    abort_details(host, ValueError("not one of ours"))
    assert failed == [True]
