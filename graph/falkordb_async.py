"""A lean asyncio client for the embedded engine's unix socket.

The API's small answers (an entity, its accountability chains, its
delegations) run on the event loop, so they pay no thread hand-off; their
engine reads must then not block the loop. redis-py's asyncio client spent
~375 microseconds of CPU on a pipeline of two reads (connection pool lock,
retry and observability wrappers, per-command response callbacks) against
~170 for the blocking client and ~110 for this one, which does only what
these reads need: write the commands in the Redis protocol, read the replies
with hiredis (redis-py's own C parser, with redis-py's error classes), one
request at a time per connection, connections kept per event loop.

Only reads go through here (FalkorDBStore.run_reads_async). A connection that
fails raises redis.ConnectionError; the store then falls back to its blocking
path, which restarts the engine and retries as every read does.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from typing import Any

import hiredis
import redis
from redis._parsers.base import BaseParser


def pack(commands: Sequence[Sequence[str]]) -> bytes:
    """Commands in the Redis protocol (arrays of bulk strings), one after the other."""
    out: list[bytes] = []
    for args in commands:
        out.append(b"*%d\r\n" % len(args))
        for arg in args:
            data = arg.encode()
            out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


class _Connection(asyncio.Protocol):
    """One socket to the engine; `ask` sends commands and waits for as many replies."""

    def __init__(self) -> None:
        # Errors as redis-py makes them (ResponseError, BusyLoadingError, ...).
        self._reader = hiredis.Reader(encoding="utf-8", replyError=BaseParser.parse_error)
        self._transport: asyncio.Transport | None = None
        self._replies: list[Any] = []
        self._wanted = 0
        self._waiter: asyncio.Future[list[Any]] | None = None
        self.open = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]
        self.open = True

    def data_received(self, data: bytes) -> None:
        self._reader.feed(data)
        while (reply := self._reader.gets()) is not False:
            self._replies.append(reply)
        if self._waiter is not None and len(self._replies) >= self._wanted:
            if not self._waiter.done():
                self._waiter.set_result(self._replies)
            self._waiter = None

    def connection_lost(self, exc: Exception | None) -> None:
        self.open = False
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(redis.ConnectionError(f"the engine closed the connection: {exc or 'end of stream'}"))
        self._waiter = None

    async def ask(self, payload: bytes, count: int) -> list[Any]:
        assert self._transport is not None
        self._replies = []
        self._wanted = count
        self._waiter = asyncio.get_running_loop().create_future()
        self._transport.write(payload)
        return await self._waiter

    def close(self) -> None:
        self.open = False
        if self._transport is not None:
            # From another thread, or once its loop has closed (the store
            # closes after the server stops), the socket just goes with the process.
            with contextlib.suppress(RuntimeError):
                self._transport.close()


class AsyncEngineClient:
    """Connections to one engine socket, for one event loop."""

    def __init__(self, socket_path: str, timeout_s: float, connect_timeout_s: float) -> None:
        self.socket_path = socket_path
        self.timeout_s = timeout_s
        self.connect_timeout_s = connect_timeout_s
        self._idle: list[_Connection] = []

    async def _connection(self) -> _Connection:
        while self._idle:
            conn = self._idle.pop()
            if conn.open:
                return conn
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(self.connect_timeout_s):
                _, conn = await loop.create_unix_connection(_Connection, self.socket_path)
        except (OSError, TimeoutError) as exc:
            raise redis.ConnectionError(f"cannot connect to the engine at {self.socket_path}: {exc}") from None
        return conn

    async def execute(self, commands: Sequence[Sequence[str]]) -> list[Any]:
        """The replies to `commands`, in order (an error the engine answered
        with is returned in its place, as a redis-py exception); raises
        redis.ConnectionError or redis.TimeoutError when the engine does not answer."""
        conn = await self._connection()
        try:
            async with asyncio.timeout(self.timeout_s):
                replies = await conn.ask(pack(commands), len(commands))
        except TimeoutError:
            conn.close()
            raise redis.TimeoutError(f"the engine did not answer within {self.timeout_s:.0f}s") from None
        except BaseException:
            conn.close()  # a reply may still be on its way: never reuse this socket
            raise
        self._idle.append(conn)
        return replies

    def close(self) -> None:
        while self._idle:
            self._idle.pop().close()
