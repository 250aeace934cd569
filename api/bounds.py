"""Every request ends within a bound, and every answer comes from one build.

ASGI middleware around the answer cache and the routes:

- An answer whose reads met a swap (nhskg.graph.pinned.BuildChanged: the
  graph was replaced between two of its reads) is asked again, from the
  start, up to ATTEMPTS times; it is never sent mixed. If the graph keeps
  changing, the answer is a 503 with Retry-After.
- A request that has sent nothing after DEADLINE_S is answered 503 with
  Retry-After, whatever it waits for (a hung engine, a restart, a slow
  query, a turn for a heavy answer): the engine calls carry their own
  timeouts below this (nhskg.graph.falkordb_engine.READ_RETRY_S), so this
  is the backstop. A route running in a worker thread finishes its
  (bounded) engine call in the background; its answer is dropped.
- Heavy answers (is_heavy) are built at most HEAVY_AT_ONCE at a time per
  worker, which bounds a worker's memory under many of them at once; an
  answer over MAX_ANSWER_BYTES is not sent: a 413 names the limit.
"""

from __future__ import annotations

import asyncio
import json
import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nhskg.api.deps import RETRY_AFTER_S
from nhskg.graph.pinned import BuildChanged

logger = logging.getLogger("nhskg.api")

DEADLINE_S = 4.5
ATTEMPTS = 4
# The answers that can be large (a neighbourhood with every record expanded,
# a period's changes, a service's timeline, paths): at most this many are
# built at once in a worker (they are CPU-bound under one GIL: more at once
# only makes each slower); more wait (within the deadline) for a turn.
# 24 full-expansion subgraphs at once held one worker at 1.3 GB; each is at
# most MAX_ANSWER_BYTES of output plus its working data.
HEAVY_PREFIXES = ("/subgraph", "/changes", "/paths/", "/queries/")
HEAVY_SUFFIXES = ("/timeline", "/history")
HEAVY_AT_ONCE = 2
# No answer is sent larger than this: the caller is told to ask for less.
MAX_ANSWER_BYTES = 8 * 1024 * 1024


def is_heavy(path: str) -> bool:
    return path.startswith(HEAVY_PREFIXES) or path.endswith(HEAVY_SUFFIXES)


async def answer_too_large(send: Send, size: int) -> None:
    body = json.dumps(
        {
            "detail": f"the answer is {size} bytes, over the limit of {MAX_ANSWER_BYTES} bytes (MAX_ANSWER_BYTES); "
            "ask for less: a smaller depth or max_nodes, no expand, or a shorter period"
        }
    ).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def answer_unavailable(send: Send, detail: str, path: str = "") -> None:
    # /health/* promises `status` and `reason` on a 503 (api/routes/health.py):
    # a health check the deadline cut short keeps that shape.
    content = {"status": "unavailable", "reason": detail, "detail": detail} if path.startswith("/health") else {"detail": detail}
    body = json.dumps(content).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(RETRY_AFTER_S).encode()),
    ]
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class _NoLimit:
    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, *exc: object) -> None:
        return None


_NO_LIMIT = _NoLimit()


class AnswerBounds:
    def __init__(self, app: ASGIApp, deadline_s: float = DEADLINE_S, attempts: int = ATTEMPTS, heavy_at_once: int = HEAVY_AT_ONCE) -> None:
        self.app = app
        self.deadline_s = deadline_s
        self.attempts = attempts
        self.heavy = asyncio.Semaphore(heavy_at_once)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False
        # The request body, kept so that a second attempt reads it again.
        received: list[Message] = []

        too_large = False

        async def tracked_send(message: Message) -> None:
            nonlocal started, too_large
            if too_large:
                return
            if message["type"] == "http.response.start":
                length = dict(message.get("headers") or []).get(b"content-length")
                if length is not None and length.isdigit() and int(length) > MAX_ANSWER_BYTES:
                    too_large = started = True
                    await answer_too_large(send, int(length))
                    return
            started = True
            await send(message)

        def replaying_receive() -> Receive:
            replay = list(received)

            async def next_message() -> Message:
                if replay:
                    return replay.pop(0)
                message = await receive()
                if message["type"] == "http.request":
                    received.append(message)
                return message

            return next_message

        heavy = is_heavy(scope["path"])
        try:
            async with asyncio.timeout(self.deadline_s), (self.heavy if heavy else _NO_LIMIT):
                for attempt in range(1, self.attempts + 1):
                    try:
                        # A fresh scope each time: what the cache and the
                        # routes note in it belongs to one attempt.
                        await self.app(dict(scope), replaying_receive(), tracked_send)
                        return
                    except BuildChanged as exc:
                        if started:  # cannot happen for a route that reads before it answers; never send a mixed answer silently
                            raise
                        logger.info("%s %s: %s (attempt %d of %d)", scope["method"], scope["path"], exc, attempt, self.attempts)
        except TimeoutError:
            if started:
                raise  # part of an answer went out: all the server can do is close the connection
            logger.warning("%s %s: no answer within %.0fs; answered 503", scope["method"], scope["path"], self.deadline_s)
            await answer_unavailable(send, f"no answer within {self.deadline_s:.0f}s (the graph engine is slow or restarting); try again", scope["path"])
            return
        await answer_unavailable(send, f"the graph was replaced {self.attempts} times while this answer was read; try again", scope["path"])
