"""Behaviour of the server's performance changes (no timings here: bench/ measures them)."""

from __future__ import annotations

import asyncio
import socket

from influxdb3_local_api.cli import bind_socket


def test_accepted_connections_have_nagle_off() -> None:
    """asyncio sets TCP_NODELAY only when the listening socket says IPPROTO_TCP; without it every
    small response waits for the client's delayed ACK."""

    async def accepted_nodelay() -> int:
        listener = bind_socket("127.0.0.1", 0)
        seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        def on_connect(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            sock = writer.get_extra_info("socket")
            seen.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(on_connect, sock=listener)
        async with server:
            _reader, writer = await asyncio.open_connection(*listener.getsockname()[:2])
            value = await asyncio.wait_for(seen, 10)
            writer.close()
        return value

    assert asyncio.run(accepted_nodelay()) != 0
