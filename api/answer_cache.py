"""Answers by graph build: ETag, `If-None-Match` -> 304, and a small cache.

An answer (to a GET) is fixed by the URL, the graph it was read from and, for the
questions that default to today, the day. So every answer to a GET on the
API carries `ETag: W/"<build>-<digest of day and URL>"`, where <build> is the
build id the graph records with itself (graph/store.py, written in the same
atomic replace as the graph). Each request reads the live build (one small
query), so:

- a client that sends back the ETag it holds gets `304 Not Modified` with no
  query run, as long as the graph is the one it was answered from;
- after an ingest replaces the graph, every ETag differs, in every worker,
  from the first request on: nothing answered from the old graph is served
  as current (the build is read per request, never remembered);
- answers are kept in an in-process LRU keyed by (build, day, URL), up to
  NHSKG_ANSWER_CACHE_MB per worker process (0 turns the cache off; ETags and
  304s stay), counting everything an entry holds: key, headers, body and
  the dictionary's own share (entry_cost). Entries of an older build are
  never hit again and age out.

The build is read before the route asks its questions, so an answer is never
labelled with a build newer than the graph it came from. With the cache off
and no If-None-Match there is nothing to decide before the route runs, so
the build is read with the route's first question, in the same round trip
(nhskg.api.deps.BuildStampedReads): neither a round trip nor a thread
hand-off of its own (an answer that read nothing from the graph, such as
the list of catalogue queries, reads it when it is sent).

The throughput benchmark turns the cache off, so its figures are query
work, not replays (benchmarks/throughput.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nhskg.api.deps import BUILD_SCOPE_KEY
from nhskg.core.errors import UserError

# The answers the graph determines; not health, docs, the explorer page or the landing page.
CACHED_PREFIXES = ("/entities", "/services/", "/statutes/", "/changes", "/paths/", "/budgets", "/subgraph", "/sources", "/queries")
MAX_ENTRY_BYTES = 2 * 1024 * 1024  # a bigger answer (a large export) is not kept


def etag_matches(header: str, etag: str) -> bool:
    """`If-None-Match` compares weakly: any listed tag equal to ours, with or
    without W/. Not `*`: whether the URL has an answer at all (not a 404) is
    only known by asking the graph."""
    bare = etag.removeprefix("W/")
    return any(tag.strip() in (etag, bare) for tag in header.split(","))


class AnswerCache:
    """ASGI middleware. `read_build` returns the live graph's build id (or
    None: no build record, so no ETag); it is awaited on the event loop."""

    def __init__(self, app: ASGIApp, read_build: Callable[[], Awaitable[str | None]], max_mb: int = 64) -> None:
        self.app = app
        self.read_build = read_build
        self.max_bytes = max(0, max_mb) * 1024 * 1024
        # (build, day, URL) -> (body, headers, the bytes the entry costs: entry_cost)
        self.entries: OrderedDict[tuple[str, str, str], tuple[bytes, list[tuple[bytes, bytes]], int]] = OrderedDict()
        self.size = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith(CACHED_PREFIXES):
            await self.app(scope, receive, send)
            return
        day = dt.date.today().isoformat()  # answers without as_of are about today
        url = scope["path"] + "?" + scope.get("query_string", b"").decode("latin-1")
        asked = dict(scope.get("headers") or []).get(b"if-none-match")
        if asked is None and not self.max_bytes:
            # Nothing to decide before the route runs: the route's first read
            # reads the build too (nhskg.api.deps.BuildStampedReads).
            scope[BUILD_SCOPE_KEY] = None
            await self._answer_and_keep(scope, receive, send, day, url, None)
            return
        build = await self._live_build()
        if not build:
            await self.app(scope, receive, send)
            return
        scope[BUILD_SCOPE_KEY] = build  # a route that needs the build (search's directory) reads it from here
        etag = _etag(build, day, url)
        if asked is not None and etag_matches(asked.decode("latin-1"), etag):
            await _send(send, 304, [(b"etag", etag.encode()), (b"cache-control", b"no-cache")], b"")
            return
        hit = self.entries.get((build, day, url))
        if hit is not None:
            self.entries.move_to_end((build, day, url))
            body, kept, _ = hit
            await _send(send, 200, kept, body)
            return
        await self._answer_and_keep(scope, receive, send, day, url, build)

    async def _live_build(self) -> str | None:
        try:
            return await self.read_build()
        except (UserError, OSError):  # EngineUnavailable is a UserError
            return None  # the engine is down: the route answers (503) without an ETag

    async def _answer_and_keep(self, scope: Scope, receive: Receive, send: Send, day: str, url: str, build: str | None) -> None:
        """Run the route; tag a 200 with the ETag of `build` (or, when None,
        of the build the route's first read read) and keep it when the cache is on."""
        status = 0
        kept: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []
        keep = self.max_bytes > 0

        async def tagged_send(message: Message) -> None:
            nonlocal status, kept, keep, build
            if message["type"] == "http.response.start":
                status = message["status"]
                if status == 200 and build is None and scope.get(BUILD_SCOPE_KEY, "") is None:
                    # The route read nothing from the graph (its first read
                    # would have read the build too): the live build labels it.
                    build = await self._live_build()
                build = build or scope.get(BUILD_SCOPE_KEY)
                if status == 200 and build:
                    message["headers"] = [*message.get("headers", []), (b"etag", _etag(build, day, url).encode()), (b"cache-control", b"no-cache")]
                    kept = [(k, v) for k, v in message["headers"] if k.lower() != b"content-length"]
                else:
                    keep = False
            elif message["type"] == "http.response.body" and keep:
                chunks.append(message.get("body", b""))
                if sum(map(len, chunks)) > MAX_ENTRY_BYTES:
                    keep, chunks[:] = False, []
            await send(message)

        await self.app(scope, receive, tagged_send)
        if keep and status == 200 and build:
            # A copy of exactly the body's size: orjson's answer is allocated
            # with room to spare (8 KB held for a 4.6 KB answer), which a
            # kept answer would hold for as long as it is kept.
            self._keep((build, day, url), bytes(memoryview(b"".join(chunks))), kept)

    def _keep(self, key: tuple[str, str, str], body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
        if key in self.entries:
            return
        cost = entry_cost(key, body, headers)
        if cost > self.max_bytes:
            return
        self.entries[key] = (body, headers, cost)
        self.size += cost
        while self.size > self.max_bytes and self.entries:
            _, (_, _, old) = self.entries.popitem(last=False)
            self.size -= old


# What the OrderedDict itself spends on an entry (its hash table slot and
# its doubly linked list node), measured on CPython 3.11, rounded up.
ORDERED_DICT_ENTRY_BYTES = 160


def entry_cost(key: tuple[str, str, str], body: bytes, headers: list[tuple[bytes, bytes]]) -> int:
    """The bytes an entry holds: the key (a tuple of three strings), the body,
    the header list and each header pair, the entry tuple and the
    OrderedDict's own share. Counting bodies alone let 13,247 small answers
    take 104 MB while the cache counted 1.7 MB."""
    size = sys.getsizeof(key) + sum(sys.getsizeof(part) for part in key)
    size += sys.getsizeof(body) + sys.getsizeof(headers)
    size += sum(sys.getsizeof(pair) + sys.getsizeof(pair[0]) + sys.getsizeof(pair[1]) for pair in headers)
    return size + sys.getsizeof((body, headers, 0)) + ORDERED_DICT_ENTRY_BYTES


def _etag(build: str, day: str, url: str) -> str:
    return f'W/"{build[:16]}-{hashlib.blake2b(f"{day} {url}".encode(), digest_size=8).hexdigest()}"'


async def _send(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    length = [] if status == 304 else [(b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": [*headers, *length]})
    await send({"type": "http.response.body", "body": body})
