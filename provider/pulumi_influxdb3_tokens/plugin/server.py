"""``pulumi-resource-influxdb3``: serve the provider over gRPC, as the engine expects of a plugin.

This is ``pulumi.provider.experimental.server.main`` with one difference: the SDK's servicer turns
every failure into its message plus a Python traceback, and our errors are written to be read
alone. So a failure whose cause is one of ours (``InfluxDB3TokensError``, already scrubbed of
secrets) ends the call with just its sentence; anything else keeps the SDK's traceback, as a bug
should. Nothing but the port may reach stdout: the engine reads it as the first line.

DiffConfig is answered here too: the SDK's own passes the ``PropertyDiff`` objects' Python
enum and a missing ``inputDiff`` attribute to the proto and a bool as the ``changes`` enum, so any
provider diff with a detailed diff fails and ``changes=True`` reads as DIFF_NONE.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Awaitable, Callable

import grpc
import grpc.aio
from pulumi.provider.experimental import provider as rpc
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.server import ProviderServicer
from pulumi.runtime import proto
from pulumi.runtime.proto import provider_pb2_grpc

from ..core import engine as engine_process
from ..core.errors import InfluxDB3TokensError
from ..process_gc import a_call_failed
from ..version import __version__
from .provider import InfluxDB3Provider
from .wire import camel_text

Call = Callable[[Any, Any], Awaitable[Any]]

# The options the SDK's own server.main gives its gRPC server (pulumi/runtime/_grpc_settings.py;
# the oldest SDKs within our range have no such module), written out here so
# the plugin starts on every SDK the package allows: 400 MB messages, as the engine may send, and
# half an hour for a request to wait in the queue while the event loop is busy.
GRPC_SERVER_OPTIONS = [
    ("grpc.max_receive_message_length", 400 * 1024 * 1024),
    ("grpc.server_max_unrequested_time_in_server", 30 * 60),
]


def _cause(error: BaseException) -> BaseException:
    """The SDK re-raises our error as a new Exception while handling it: the original is its context."""
    return error.__context__ if error.__context__ is not None and type(error) is Exception else error


_KINDS = {
    rpc.PropertyDiffKind.ADD: proto.PropertyDiff.ADD,
    rpc.PropertyDiffKind.ADD_REPLACE: proto.PropertyDiff.ADD_REPLACE,
    rpc.PropertyDiffKind.DELETE: proto.PropertyDiff.DELETE,
    rpc.PropertyDiffKind.DELETE_REPLACE: proto.PropertyDiff.DELETE_REPLACE,
    rpc.PropertyDiffKind.UPDATE: proto.PropertyDiff.UPDATE,
    rpc.PropertyDiffKind.UPDATE_REPLACE: proto.PropertyDiff.UPDATE_REPLACE,
}


def _diff_proto(answer: rpc.DiffResponse) -> Any:
    changes = {None: proto.DiffResponse.DIFF_UNKNOWN, False: proto.DiffResponse.DIFF_NONE}.get(
        answer.changes, proto.DiffResponse.DIFF_SOME
    )
    return proto.DiffResponse(
        replaces=answer.replaces,
        stables=answer.stables,
        deleteBeforeReplace=answer.delete_before_replace,
        changes=changes,
        diffs=answer.diffs,
        detailedDiff={
            name: proto.PropertyDiff(kind=_KINDS[diff.kind], inputDiff=diff.input_diff)
            for name, diff in answer.detailed_diff.items()
        },
        hasDetailedDiff=True,
    )


class _Servicer(ProviderServicer):
    async def _clean(self, call: Call, request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        try:
            return await call(request, context)
        except Exception as error:
            a_call_failed()  # process_gc.py
            cause = _cause(error)
            if isinstance(cause, InfluxDB3TokensError):
                await context.abort(grpc.StatusCode.UNKNOWN, camel_text(str(cause)))
            raise

    async def Check(self, request: Any, context: Any) -> Any:
        return await self._clean(super().Check, request, context)

    async def Configure(self, request: Any, context: Any) -> Any:
        return await self._clean(super().Configure, request, context)

    async def Diff(self, request: Any, context: Any) -> Any:
        return await self._clean(super().Diff, request, context)

    async def DiffConfig(self, request: Any, context: Any) -> Any:
        return await self._clean(self._diff_config, request, context)

    async def _diff_config(self, request: Any, _context: Any) -> Any:
        olds, news = PropertyValue.unmarshal_map(request.olds), PropertyValue.unmarshal_map(request.news)
        ask = rpc.DiffRequest(request.urn, request.id, olds, news, list(request.ignoreChanges))
        return _diff_proto(await self._provider.diff_config(ask))

    async def Create(self, request: Any, context: Any) -> Any:
        return await self._clean(super().Create, request, context)

    async def Read(self, request: Any, context: Any) -> Any:
        return await self._clean(super().Read, request, context)

    async def Update(self, request: Any, context: Any) -> Any:
        return await self._clean(super().Update, request, context)

    async def Delete(self, request: Any, context: Any) -> Any:
        return await self._clean(super().Delete, request, context)


# The core runs in worker threads (``asyncio.to_thread``), which wait on the network most of the time.
# Python's default pool has min(32, cores + 4) of them, 6 on two cores, fewer than the engine's default
# `--parallel`, four per core (GOMAXPROCS * 4, pulumi cmd/pulumi/operations/up.go): match the engine.
CORE_THREADS = 4 * (os.cpu_count() or 2)


def main(argv: list[str] | None = None) -> None:
    engine_process.record()  # the engine that started us, before any create asks whether it still runs
    engine_process.watch()  # and we end with it: an orphaned plugin would only hold its journal locks
    args = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="pulumi-resource-influxdb3", description="Pulumi resource provider plugin")
    parser.add_argument("engine", help="the Pulumi engine's gRPC address")
    parser.add_argument("--logflow", action="store_true", help="ignored")
    parser.add_argument("--logtostderr", action="store_true", help="ignored")
    engine = parser.parse_known_args(args)[0].engine

    async def serve() -> None:
        asyncio.get_running_loop().set_default_executor(
            ThreadPoolExecutor(max_workers=CORE_THREADS, thread_name_prefix="influxdb3-core")
        )
        server = grpc.aio.server(options=GRPC_SERVER_OPTIONS)
        servicer = _Servicer(args, __version__, InfluxDB3Provider(engine), engine_address=engine)
        provider_pb2_grpc.add_ResourceProviderServicer_to_server(servicer, server)
        port = server.add_insecure_port(address="127.0.0.1:0")
        await server.start()
        sys.stdout.buffer.write(f"{port}\n".encode())
        sys.stdout.buffer.flush()
        await server.wait_for_termination()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())


if __name__ == "__main__":
    main()
