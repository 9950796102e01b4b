"""The harness's servers listen below the kernel's ephemeral range, so a restart finds its port free.

Linux hands out a port-0 bind and every outgoing connection's source port from ``ip_local_port_range``
(ip(7)); a port below it is taken only by a process that asks for it by number. A test server restarts on
its port (a stack's config holds its URL), so while it is down no other connection or server of the run
may take it: once one did, and the restart failed with "Address already in use".
"""

from __future__ import annotations

import socket
from pathlib import Path

from support.local_api import StartServer

RANGE_FILE = Path("/proc/sys/net/ipv4/ip_local_port_range")


def test_a_server_listens_below_the_ephemeral_range_and_its_restart_keeps_the_port(start: StartServer):
    server = start()
    port = server.port
    assert port < int(RANGE_FILE.read_text().split()[0])

    server.stop()
    # While it is down, the kernel's own picks (what every port-0 server and client connection gets) pass it by.
    picks = []
    for _ in range(300):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            picks.append(sock.getsockname()[1])
    assert port not in picks

    server.restart()
    assert server.port == port and server.url.endswith(f":{port}")
