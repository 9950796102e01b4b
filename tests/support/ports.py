"""Ports for the tests' servers: below the kernel's ephemeral range, a slice of them per test process.

A server keeps its port across restarts, since a stack's config holds its URL. With port 0 the kernel
picks from its ephemeral range (``ip_local_port_range``, 32768-60999 on Linux), the range it also takes
every outgoing connection's source port and every other port-0 server's port from: while a server was
down for a restart, one of those could take its port, and the restart failed with "Address already in
use" (seen once in a full run). The kernel never hands out a port below that range by itself. Each test
process takes its ports from a slice of its own (worker gwN the (N+2)th slice of 256 ports down from the
range's start, a run in one process the first), from a random start, so two processes of one run never
pick the same port. Two runs on one machine share the slices of their equal worker numbers: a port in
use is skipped when probed, and a first start that loses the race after the probe tries the next port
(``LocalApi.start``).
"""

from __future__ import annotations

import itertools
import os
import random
import socket
from collections.abc import Iterator
from pathlib import Path

SLICE = 256
_LOWEST = 1024
_RANGE_FILE = Path("/proc/sys/net/ipv4/ip_local_port_range")


def _ephemeral_start() -> int:
    try:
        return int(_RANGE_FILE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768  # Linux's default


def _slice_of_this_process() -> range:
    top = _ephemeral_start()
    slices = max(1, (top - _LOWEST) // SLICE)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw3" in a worker; absent in a one-process run
    index = int(worker[2:]) + 1 if worker.startswith("gw") and worker[2:].isdigit() else 0
    start = top - SLICE * (index % slices + 1)
    return range(max(_LOWEST, start), start + SLICE)


_SLICE = _slice_of_this_process()
_TURN = itertools.count(random.randrange(len(_SLICE)))


def _free(port: int) -> bool:
    """Whether a server could bind 127.0.0.1:``port`` now (with SO_REUSEADDR, as uvicorn does)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_ports() -> Iterator[int]:
    """Ports of this process's slice, in turn, each free when it is handed out."""
    for _ in range(len(_SLICE)):
        port = _SLICE[next(_TURN) % len(_SLICE)]
        if _free(port):
            yield port
