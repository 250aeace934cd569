"""A scripted Bolt peer for the Neo4j engine's tests, NOT a Neo4j server.

No Neo4j server can run where these tests run, so this speaks just enough of
the Bolt protocol (version 4.4: handshake, HELLO, ROUTE, BEGIN/RUN/PULL,
COMMIT/ROLLBACK, RESET, PackStream for plain values) for the real `neo4j`
driver to talk to it, and records every message: which server it reached,
in which access mode, against which database. Two of them make a "cluster":
the first is the router and writer, the second a read replica, as a routing
table tells the driver.

It answers the project's own statements from a tiny model of a DBMS
(databases, aliases, node and relationship ids per database, applied at
COMMIT, dropped at ROLLBACK), enough to follow an ingest's administration
commands; it does not evaluate Cypher. What it proves is what our code sends
and where the driver sends it, never that Neo4j accepts it (Neo4j's parser
checks the text: tests/test_cypher_neo4j_parser.py; a live server:
tests/test_engine_neo4j.py with NEO4J_URI set).
"""

from __future__ import annotations

import io
import re
import socket
import socketserver
import struct
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

# ------------------------------------------------------------- PackStream --


@dataclass
class Struct:
    tag: int
    fields: list[Any]


def pack(value: Any, out: io.BytesIO) -> None:
    if value is None:
        out.write(b"\xc0")
    elif value is True:
        out.write(b"\xc3")
    elif value is False:
        out.write(b"\xc2")
    elif isinstance(value, int):
        if -16 <= value < 128:
            out.write(struct.pack(">b", value))
        elif -(2**31) <= value < 2**31:
            out.write(b"\xca" + struct.pack(">i", value))
        else:
            out.write(b"\xcb" + struct.pack(">q", value))
    elif isinstance(value, float):
        out.write(b"\xc1" + struct.pack(">d", value))
    elif isinstance(value, str):
        data = value.encode()
        _header(out, len(data), 0x80, 0xD0)
        out.write(data)
    elif isinstance(value, (list, tuple)):
        _header(out, len(value), 0x90, 0xD4)
        for item in value:
            pack(item, out)
    elif isinstance(value, dict):
        _header(out, len(value), 0xA0, 0xD8)
        for key, item in value.items():
            pack(str(key), out)
            pack(item, out)
    elif isinstance(value, Struct):
        out.write(bytes([0xB0 + len(value.fields), value.tag]))
        for item in value.fields:
            pack(item, out)
    else:
        raise TypeError(f"cannot pack {type(value)}")


def _header(out: io.BytesIO, size: int, tiny: int, sized: int) -> None:
    if size < 16:
        out.write(bytes([tiny + size]))
    elif size < 256:
        out.write(bytes([sized, size]))
    elif size < 65536:
        out.write(bytes([sized + 1]) + struct.pack(">H", size))
    else:
        out.write(bytes([sized + 2]) + struct.pack(">I", size))


def unpack(buf: io.BytesIO) -> Any:
    marker = buf.read(1)[0]
    if marker < 0x80:
        return marker
    if marker >= 0xF0:
        return marker - 0x100
    high, low = marker & 0xF0, marker & 0x0F
    if high == 0x80:
        return buf.read(low).decode()
    if high == 0x90:
        return [unpack(buf) for _ in range(low)]
    if high == 0xA0:
        return {unpack(buf): unpack(buf) for _ in range(low)}
    if high == 0xB0:
        tag = buf.read(1)[0]
        return Struct(tag, [unpack(buf) for _ in range(low)])
    simple = {0xC0: None, 0xC2: False, 0xC3: True}
    if marker in simple:
        return simple[marker]
    if marker == 0xC1:
        return struct.unpack(">d", buf.read(8))[0]
    ints = {0xC8: ">b", 0xC9: ">h", 0xCA: ">i", 0xCB: ">q"}
    if marker in ints:
        fmt = ints[marker]
        return struct.unpack(fmt, buf.read(struct.calcsize(fmt)))[0]
    sizes = {0: ">B", 1: ">H", 2: ">I"}
    for base, kind in ((0xD0, "str"), (0xD4, "list"), (0xD8, "map"), (0xCC, "bytes")):
        if base <= marker <= base + 2:
            fmt = sizes[marker - base]
            size = struct.unpack(fmt, buf.read(struct.calcsize(fmt)))[0]
            if kind == "str":
                return buf.read(size).decode()
            if kind == "bytes":
                return buf.read(size)
            if kind == "list":
                return [unpack(buf) for _ in range(size)]
            return {unpack(buf): unpack(buf) for _ in range(size)}
    raise ValueError(f"unknown PackStream marker 0x{marker:02X}")


# ------------------------------------------------------- the DBMS model --

SUCCESS, RECORD, IGNORED, FAILURE = 0x70, 0x71, 0x7E, 0x7F


class Failure(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Database:
    nodes: set[str] = field(default_factory=set)
    rels: set[str] = field(default_factory=set)
    build: dict[str, Any] | None = None


@dataclass
class Seen:
    server: str  # "writer" or "reader"
    kind: str  # "begin", "run", "commit", "rollback", "route"
    db: str | None
    mode: str  # "r" or "w"
    query: str = ""
    bookmarks: tuple[str, ...] = ()


def _name(text: str) -> str:
    return text.strip("`").replace("``", "`").lower()


class Dbms:
    """What the stub knows about: databases, aliases, and the log of messages.
    `fail` may raise a Failure for a statement (by query, database) to inject
    a fault."""

    def __init__(self, edition: str = "enterprise") -> None:
        self.edition = edition
        self.databases: dict[str, Database] = {"system": Database(), "neo4j": Database()}
        self.aliases: dict[str, str] = {}
        self.seen: list[Seen] = []
        self.fail: Callable[[str, str], None] = lambda query, db: None
        # Commit a transaction whose statements this accepts, then drop the
        # connection before answering: the client cannot know the outcome.
        self.cut_after_commit: Callable[[list[str]], bool] = lambda queries: False
        # requestedPrimariesCount / requestedSecondariesCount of every database
        self.topology = (1, 0)
        self.lock = threading.Lock()
        self.bookmark = 0

    def resolve(self, db: str | None) -> str:
        name = (db or "neo4j").lower()
        return self.aliases.get(name, name)

    def answer(self, query: str, params: dict[str, Any], db: str | None, staged: list[Callable[[], None]]) -> tuple[list[str], list[list[Any]]]:
        """The (fields, rows) of one statement; writes to data are staged
        until COMMIT, administration commands apply at once (as with WAIT)."""
        self.fail(query, db or "")
        target = self.resolve(db)
        if target not in self.databases:
            raise Failure("Neo.ClientError.Database.DatabaseNotFound", f"Database does not exist. Database name: '{db}'.")
        if query.startswith("CALL dbms.components()"):
            return ["name", "versions", "edition"], [["Neo4j Kernel", ["5.26.0"], self.edition]]
        if query.startswith("SHOW DATABASES"):
            keys = ["name", "type", "default", "requestedPrimariesCount", "requestedSecondariesCount"]
            rows = [[n, "system" if n == "system" else "standard", n == "neo4j", *self.topology] for n in sorted(self.databases)]
            return keys, rows
        if query.startswith("SHOW ALIASES"):
            if self.edition != "enterprise":
                raise Failure("Neo.ClientError.Statement.UnsupportedAdministrationCommand", "Unsupported administration command")
            return ["name", "database", "location"], [[a, t, "local"] for a, t in sorted(self.aliases.items())]
        if m := re.match(r"CREATE DATABASE (`[^`]+`)", query):
            self.databases[_name(m.group(1))] = Database()
            return ["address", "state", "message", "success"], [["writer:7687", "CaughtUp", "caught up", True]]
        if m := re.match(r"DROP DATABASE (`[^`]+`)", query):
            self.databases.pop(_name(m.group(1)), None)
            return ["address", "state", "message", "success"], [["writer:7687", "CaughtUp", "dropped", True]]
        if m := re.match(r"(?:ALTER|CREATE) ALIAS (`[^`]+`) (?:SET DATABASE TARGET|FOR DATABASE) (`[^`]+`)", query):
            alias, to = _name(m.group(1)), _name(m.group(2))
            staged.append(lambda: self.aliases.__setitem__(alias, to))
            return [], []
        if query.startswith(("CREATE CONSTRAINT", "CREATE INDEX")):
            return [], []
        data = self.databases[target]
        if query.startswith("MATCH (n:Entity) DETACH DELETE") or query.startswith("MATCH (n:NhskgBuild) DETACH DELETE"):
            staged.append(lambda: (data.nodes.clear(), data.rels.clear()))
            return [], []
        if query.startswith("UNWIND $rows AS row MERGE (n:"):
            ids = [r["id"] for r in params["rows"]]
            staged.append(lambda: data.nodes.update(ids))
            return [], []
        if query.startswith("UNWIND $rows AS row MATCH (a:"):
            rows = params["rows"]  # MATCH sees the nodes staged before it in the same transaction
            staged.append(lambda: data.rels.update(r["id"] for r in rows if r["from"] in data.nodes and r["to"] in data.nodes))
            return [], []
        if query.startswith("CREATE (b:NhskgBuild)"):
            props = params["props"]
            staged.append(lambda: setattr(data, "build", props))
            return [], []
        if query.startswith("CALL { MATCH (n) RETURN count(n)"):
            return ["nodes", "relationships"], [[len(data.nodes) + (data.build is not None), len(data.rels)]]
        if query.startswith("MATCH (n:Entity) RETURN n.id"):
            return ["id"], [[i] for i in sorted(data.nodes)]
        if query.startswith("MATCH (b:NhskgBuild)"):
            b = data.build or {}
            return ["source_version", "build_id", "built_at"], ([[b.get("source_version"), b.get("build_id"), b.get("built_at")]] if b else [])
        raise Failure("Neo.ClientError.Statement.SyntaxError", f"the Bolt stub has no answer for: {query[:80]}")


# ---------------------------------------------------------- the server --


class _Handler(socketserver.BaseRequestHandler):
    server: "_Server"

    def handle(self) -> None:
        sock = self.request
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # no 40 ms Nagle stalls per reply
        if self._read_exactly(4) != b"\x60\x60\xb0\x17":
            return
        self._read_exactly(16)
        sock.sendall(b"\x00\x00\x04\x04")  # Bolt 4.4
        self.failed = False
        self.tx: dict[str, Any] | None = None
        self.pending: list[tuple[list[str], list[list[Any]]]] = []
        while True:
            message = self._read_message()
            if message is None or message.tag == 0x02:  # GOODBYE
                return
            try:
                for reply in self._dispatch(message):
                    self._send(reply)
            except ConnectionAbortedError:
                return

    def _dispatch(self, msg: Struct) -> Iterator[Struct]:
        dbms = self.server.dbms
        if msg.tag == 0x0F:  # RESET
            self.failed, self.tx, self.pending = False, None, []
            yield Struct(SUCCESS, [{}])
            return
        if self.failed:
            yield Struct(IGNORED, [])
            return
        try:
            if msg.tag == 0x01:  # HELLO
                yield Struct(SUCCESS, [{"server": "Neo4j/5.26.0", "connection_id": "bolt-stub"}])
            elif msg.tag == 0x66:  # ROUTE
                db = msg.fields[2].get("db")
                self._log("route", db, "w")
                yield Struct(SUCCESS, [{"rt": self.server.routing_table(db)}])
            elif msg.tag == 0x11:  # BEGIN
                extra = msg.fields[0]
                self.tx = {"db": extra.get("db"), "mode": extra.get("mode", "w"), "staged": [], "queries": []}
                self._log("begin", self.tx["db"], self.tx["mode"], bookmarks=tuple(extra.get("bookmarks") or ()))
                yield Struct(SUCCESS, [{}])
            elif msg.tag == 0x10:  # RUN
                query, params, extra = msg.fields
                auto = self.tx is None
                tx = self.tx or {"db": extra.get("db"), "mode": extra.get("mode", "w"), "staged": []}
                self._log("run", tx["db"], tx["mode"], query)
                tx.setdefault("queries", []).append(query)
                if tx["mode"] == "r" and not query.startswith(("CALL dbms", "SHOW", "MATCH", "CALL {")):
                    raise Failure("Neo.ClientError.Statement.AccessMode", "Writing in read access mode not allowed.")
                with dbms.lock:
                    fields, rows = dbms.answer(query, params, tx["db"], tx["staged"])
                    if auto:
                        for apply in tx["staged"]:
                            apply()
                self.pending.append((fields, rows))
                yield Struct(SUCCESS, [{"fields": fields, "t_first": 0, **({} if auto else {"qid": 0})}])
            elif msg.tag in (0x3F, 0x2F):  # PULL, DISCARD
                fields, rows = self.pending.pop(0) if self.pending else ([], [])
                if msg.tag == 0x3F:
                    for row in rows:
                        yield Struct(RECORD, [row])
                yield Struct(SUCCESS, [{"has_more": False, **({"bookmark": self._bookmark()} if self.tx is None else {})}])
            elif msg.tag == 0x12:  # COMMIT
                assert self.tx is not None
                bookmark = self._bookmark()
                self._log("commit", self.tx["db"], self.tx["mode"], bookmarks=(bookmark,))
                with dbms.lock:
                    for apply in self.tx["staged"]:
                        apply()
                if dbms.cut_after_commit(self.tx["queries"]):
                    raise ConnectionAbortedError("committed, then the connection was lost")
                self.tx = None
                yield Struct(SUCCESS, [{"bookmark": bookmark}])
            elif msg.tag == 0x13:  # ROLLBACK
                if self.tx is not None:
                    self._log("rollback", self.tx["db"], self.tx["mode"])
                self.tx = None
                yield Struct(SUCCESS, [{}])
            else:
                raise Failure("Neo.ClientError.Request.Invalid", f"the Bolt stub does not handle message 0x{msg.tag:02X}")
        except Failure as exc:
            self.failed, self.pending = True, []
            if self.tx is not None:
                self.tx["staged"] = []
            yield Struct(FAILURE, [{"code": exc.code, "message": exc.message}])

    def _log(self, kind: str, db: str | None, mode: str, query: str = "", bookmarks: tuple[str, ...] = ()) -> None:
        with self.server.dbms.lock:
            self.server.dbms.seen.append(Seen(self.server.role, kind, db, mode, query, bookmarks))

    def _bookmark(self) -> str:
        with self.server.dbms.lock:
            self.server.dbms.bookmark += 1
            return f"stub:{self.server.dbms.bookmark}"

    def _read_exactly(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self.request.recv(n - len(data))
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        return data

    def _read_message(self) -> Struct | None:
        body = b""
        try:
            while True:
                size = struct.unpack(">H", self._read_exactly(2))[0]
                if size == 0:
                    if body:
                        return unpack(io.BytesIO(body))
                    continue  # a NOOP chunk
                body += self._read_exactly(size)
        except (ConnectionError, OSError):
            return None

    def _send(self, message: Struct) -> None:
        out = io.BytesIO()
        pack(message, out)
        data = out.getvalue()
        framed = b"".join(struct.pack(">H", len(data[i : i + 65535])) + data[i : i + 65535] for i in range(0, len(data), 65535))
        self.request.sendall(framed + b"\x00\x00")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, role: str, dbms: Dbms, cluster: "Cluster") -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.role = role
        self.dbms = dbms
        self.cluster = cluster

    def routing_table(self, db: str | None) -> dict[str, Any]:
        writer, reader = self.cluster.addresses
        return {
            "ttl": 300,
            "db": (db or "neo4j"),
            "servers": [
                {"addresses": [writer], "role": "WRITE"},
                {"addresses": [reader], "role": "READ"},
                {"addresses": [writer], "role": "ROUTE"},
            ],
        }


class Cluster:
    """A writer (also the router) and a read replica sharing one Dbms."""

    def __init__(self, dbms: Dbms) -> None:
        self.dbms = dbms
        self.servers = [_Server("writer", dbms, self), _Server("reader", dbms, self)]
        self.addresses = [f"127.0.0.1:{s.server_address[1]}" for s in self.servers]

    @property
    def uri(self) -> str:
        return f"neo4j://{self.addresses[0]}"

    @property
    def direct_uri(self) -> str:
        return f"bolt://{self.addresses[0]}"


@contextmanager
def cluster(edition: str = "enterprise") -> Iterator[Cluster]:
    c = Cluster(Dbms(edition))
    threads = [threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True) for s in c.servers]
    for t in threads:
        t.start()
    try:
        yield c
    finally:
        for s in c.servers:
            s.shutdown()
            s.server_close()
