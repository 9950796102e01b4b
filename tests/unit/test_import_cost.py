"""Every `pulumi up`, `preview`, `refresh` and `destroy` starts a fresh program process and a fresh
provider process, and each imports this package: what they import is paid on every command.

bench/scaling shows what it costs (bench/RESULTS.md: pydantic and its models, httpx and the influxctl
client were ~0.2 s of each command's time over the engine floor). These tests hold the import
boundaries that keep it off: a program only declares resources, so it loads neither pydantic, the
core nor a transport; a provider loads only the transport its connection uses. Each runs in a
fresh interpreter, as the engine starts them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

# What only a provider needs: the API models (pydantic), the settings, the transports and their libraries.
PROVIDER_ONLY = (
    "pydantic",
    "httpx",
    "tenacity",
    "pulumi_influxdb3_tokens.core.management_token.models",
    "pulumi_influxdb3_tokens.core.management_token.lifecycle",
    "pulumi_influxdb3_tokens.settings",
    "pulumi_influxdb3_tokens.clients",
    "pulumi_influxdb3_tokens.plugin",
)

# A provider's client on an HTTP connection, as its first call makes it.
A_REST_CLIENT = (
    "from pulumi_influxdb3_tokens.clients import client_for\n"
    "from pulumi_influxdb3_tokens.settings import resolve_connection\n"
    "client_for(resolve_connection({'influxdb3:apiUrl': 'http://127.0.0.1:8181', 'influxdb3:accountId': 'a',"
    " 'influxdb3:clusterId': 'c', 'influxdb3:managementToken': 'admin-credential-for-the-test'}))"
)

# A user's program: the package's names, the dynamic provider pickled as the state stores it, the plugin's server.
A_PROGRAM = (
    "from pulumi_influxdb3_tokens import ManagementToken, Database, DatabaseToken, influxdb3\n"
    "from pulumi_influxdb3_tokens.dynamic.provider import ManagementTokenProvider\n"
    "import dill; dill.dumps(ManagementTokenProvider(), recurse=True)\n"
    "import pulumi_influxdb3_tokens.plugin.server"
)
# The plugin's entry point, with the server it would start swapped for nothing.
THE_PLUGIN_ENTRY = (
    "import pulumi_influxdb3_tokens.plugin.server as server\n"
    "server.main = lambda: None\n"
    "from pulumi_influxdb3_tokens.plugin import main\n"
    "main()"
)


def printed(script: str) -> str:
    """What a fresh interpreter running ``script`` printed, once it has ended well."""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def after(code: str, value: str) -> Any:
    """``value`` (a Python expression), as a fresh interpreter has it once it has run ``code``."""
    return json.loads(printed(f"import gc, json, sys\n{code}\nprint(json.dumps({value}))\n").splitlines()[-1])


def modules_after(code: str) -> set[str]:
    return set(after(code, "sorted(sys.modules)"))


def loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(name for name in names if name in modules)


@pytest.mark.parametrize(
    "program",
    [
        # the README's dynamic resource, also as a Pulumi program pickles its provider for the state
        "from pulumi_influxdb3_tokens import ManagementToken\n"
        "from pulumi_influxdb3_tokens.dynamic.provider import ManagementTokenProvider\n"
        "import dill; dill.dumps(ManagementTokenProvider(), recurse=True)",
        # the plugin's typed classes
        "from pulumi_influxdb3_tokens.influxdb3 import ManagementToken, Provider",
        # the documented Management API's resources, on both faces
        "from pulumi_influxdb3_tokens import Database, DatabaseToken\n"
        "from pulumi_influxdb3_tokens.dynamic.provider import DatabaseProvider, DatabaseTokenProvider\n"
        "import dill; dill.dumps(DatabaseProvider(), recurse=True); dill.dumps(DatabaseTokenProvider(), recurse=True)\n"
        "from pulumi_influxdb3_tokens.influxdb3 import Database, DatabaseToken",
    ],
    ids=["dynamic", "plugin", "documented"],
)
def test_a_program_declaring_tokens_loads_no_models_and_no_transport(program: str):
    assert loaded(modules_after(program), PROVIDER_ONLY) == []


def test_the_package_still_offers_every_documented_name():
    modules = modules_after(
        "import pulumi_influxdb3_tokens as p\n"
        "assert set(p.__all__) <= set(dir(p)), dir(p)\n"
        "from pulumi_influxdb3_tokens import *\n"
        "assert ManagementToken.__module__ == 'pulumi_influxdb3_tokens.dynamic.resource'\n"
        "assert Database.__module__ == 'pulumi_influxdb3_tokens.dynamic.database'\n"
        "assert DatabaseToken.__module__ == 'pulumi_influxdb3_tokens.dynamic.database_token'\n"
        "assert influxdb3.ManagementToken.__module__ == 'pulumi_influxdb3_tokens.influxdb3.management_token'\n"
        "assert issubclass(AdoptionError, InfluxDB3TokensError)\n"
        "assert issubclass(ConfigurationError, InfluxDB3TokensError)\n"
        "try:\n    p.NoSuchName\nexcept AttributeError as e:\n    assert 'NoSuchName' in str(e)\n"
        "else:\n    raise SystemExit('an unknown name resolved')"
    )
    assert "pulumi_influxdb3_tokens.core.errors" in modules


def test_a_provider_on_the_rest_api_never_loads_the_influxctl_client():
    modules = modules_after(A_REST_CLIENT)
    assert "pulumi_influxdb3_tokens.clients.http" in modules
    assert (
        loaded(
            modules, ("pulumi_influxdb3_tokens.clients.influxctl", "pulumi_influxdb3_tokens.clients.influxctl.client")
        )
        == []
    )


def test_a_management_token_on_the_rest_api_builds_no_database_token_models():
    """A provider process serving management tokens over HTTP reads them with the clients' shared list
    (clients/http/listing.py), which serves database tokens too: their pydantic models are built only where a
    database token is served (issue 34: each model costs its build in every provider process that imports it)."""
    modules = modules_after(A_REST_CLIENT)
    assert "pulumi_influxdb3_tokens.clients.http.listing" in modules
    assert loaded(modules, ("pulumi_influxdb3_tokens.core.database_token.models",)) == []


def test_a_provider_s_http_client_imports_httpx_without_its_command_line_and_httpx_main_still_runs():
    """httpx's package imports its command line client (httpx._main: click, rich, pygments) whenever those are
    installed, as they are in this checkout's .venv (schemathesis needs them) and beside many users' tools: ~85
    modules of every provider process's first call (issue 34). The REST client imports httpx without it
    (clients/http/httpx_library.py), and ``httpx.main`` answers as httpx's own does, in this environment (the
    real command line here; at the lowest versions, whose tools lack rich, httpx's sentence on what to install)."""
    cli = ("httpx._main", "click", "rich", "pygments")
    assert loaded(modules_after("import httpx"), cli) != []  # here, httpx alone imports (some of) them
    modules = modules_after(A_REST_CLIENT)
    assert "httpx" in modules
    assert loaded(modules, cli) == []

    def help_of(imports: str) -> tuple[int, str]:
        code = f"import sys, {imports}\nsys.argv = ['httpx', '--help']\nhttpx.main()"
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60)
        return done.returncode, done.stdout

    httpx_alone = help_of("httpx")
    assert "httpx" in httpx_alone[1]
    assert help_of("pulumi_influxdb3_tokens.clients.http, httpx") == httpx_alone


def test_the_core_imports_without_the_pulumi_sdk():
    """The core holds the resources' logic; the SDK belongs to the faces (issue 34): each resource's lifecycle,
    its diff and its inputs import without loading ``pulumi``, so the core can be used and measured on its own.
    (core/declared.py is the program's declarations, on the SDK's Input and Output by nature.)"""
    modules = modules_after(
        "import pulumi_influxdb3_tokens.core.management_token.lifecycle\n"
        "import pulumi_influxdb3_tokens.core.database.lifecycle\n"
        "import pulumi_influxdb3_tokens.core.database_token.lifecycle\n"
        "import pulumi_influxdb3_tokens.core.bags, pulumi_influxdb3_tokens.core.inputs"
    )
    assert "pulumi_influxdb3_tokens.core.bags" in modules
    assert sorted(name for name in modules if name == "pulumi" or name.startswith("pulumi.")) == []


def test_the_plugin_loads_a_resource_s_models_only_when_that_resource_is_called():
    """The plugin's process serves every resource, and a stack may hold only Databases: its server and provider
    modules load no resource's models or lifecycle (issue 34); ``Resource.lifecycle()`` imports them at the
    first call of that resource."""
    modules = modules_after("import pulumi_influxdb3_tokens.plugin.server")
    assert "pulumi_influxdb3_tokens.plugin.provider" in modules
    models_and_lifecycles = tuple(
        f"pulumi_influxdb3_tokens.core.{core}.{module}"
        for core in ("management_token", "database", "database_token")
        for module in ("models", "lifecycle", "overlap")
    )
    assert loaded(modules, (*models_and_lifecycles, "pulumi_influxdb3_tokens.core.tokens.inputs")) == []


def frozen_at_exit(code: str) -> int:
    """How many objects a fresh interpreter that ran ``code`` had frozen when its atexit handlers ended: a handler
    registered first runs last (atexit calls them in reverse order)."""
    script = "import atexit, gc\natexit.register(lambda: print('frozen', gc.get_freeze_count()))\n" + code
    return int(printed(script).split()[-1])


def test_a_provider_process_freezes_its_objects_at_exit_and_a_program_does_not():
    """process_gc.py: the engine waits for a provider process to exit at the end of every command (pulumi v3.274.1
    pkg/resource/plugin/plugin.go: SIGINT, then up to 5 s), and CPython's finalization would walk every object the
    imports made; a provider process freezes them at exit so it skips them. A user's program, which imports the same
    package, keeps its interpreter's exit: its reference cycles are still collected."""
    assert frozen_at_exit(A_PROGRAM) == 0
    assert frozen_at_exit(THE_PLUGIN_ENTRY) > 10_000  # ~50,000 here: the SDK, grpc and our modules
    # ...unless one of its calls failed: then the whole exit, as before (process_gc.py says why).
    failed = "\nfrom pulumi_influxdb3_tokens.process_gc import a_call_failed\na_call_failed()"
    assert frozen_at_exit(THE_PLUGIN_ENTRY + failed) == 0


def gc_thresholds_after(code: str) -> tuple[int, int, int]:
    first, middle, last = after(code, "gc.get_threshold()")
    return first, middle, last


def test_a_program_keeps_its_interpreters_garbage_collector_and_only_a_provider_process_changes_it():
    """process_gc.py: a provider process collects less often while it imports (it lives for one command); the
    user's program, which imports the same modules to declare resources and pickle the provider, keeps its
    interpreter's settings, as does anything else that imports the package."""
    default = gc_thresholds_after("")
    assert gc_thresholds_after(A_PROGRAM) == default
    assert gc_thresholds_after(THE_PLUGIN_ENTRY)[0] > 50 * default[0]
