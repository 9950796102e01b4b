"""The engine's ``Log`` call: how a plugin shows a line beside a resource (the engine hides its stderr)."""

from __future__ import annotations

import sys
import threading
from typing import Optional

import grpc
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

from ..core.notices import Sink


class EngineLog:
    """One channel to the engine for the plugin process, opened on first use."""

    def __init__(self, engine_address: Optional[str]) -> None:
        self._address = engine_address
        self._stub: Optional[engine_pb2_grpc.EngineStub] = None
        self._lock = threading.Lock()

    def sink_for(self, urn: str) -> Sink:
        def send(line: str) -> None:
            try:
                self._engine().Log(engine_pb2.LogRequest(severity=engine_pb2.INFO, message=line, urn=urn))
            except grpc.RpcError:
                print(line, file=sys.stderr, flush=True)  # no engine to tell (a test): keep the line

        return send

    def _engine(self) -> engine_pb2_grpc.EngineStub:
        with self._lock:
            if self._stub is None:
                channel = grpc.insecure_channel(self._address or "127.0.0.1:1")
                self._stub = engine_pb2_grpc.EngineStub(channel)
            return self._stub
