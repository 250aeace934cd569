"""A whole graph as FalkorDB GRAPH.BULK commands: the engine's binary load
endpoint, which builds a NEW graph (our build-under-a-temporary-key swap).

At 100,000 organisations the Cypher path (`UNWIND $rows ... MERGE`) spent a
minute writing and parsing ~370 MB of parameter text; this format is read
straight into the graph.

The format (FalkorDB src/bulk_insert/bulk_insert.c, the falkordb-bulk-loader
and docs.falkordb.com/design/bulk_spec):

    GRAPH.BULK <graph> [BEGIN] <nodes> <edges> <node blobs> <edge blobs> <blob>...

BEGIN on the first command only (the graph must not exist yet). A blob holds
rows of one label set (`A:B:C`) or one relationship type: a header (the name,
NUL-terminated; a 4-byte property count; the property names, NUL-terminated),
then per row (an edge row starts with its two end nodes' ids, 8 bytes each)
one value per header property: a type byte and its payload: 0 null (the
property is absent), 1 bool (1 byte), 2 double (8), 3 string (NUL-terminated),
4 long (8), 5 array (8-byte length, then the values). All little-endian as the
engine's own memory. A node's id is its position in the load, counting from 0.

The result is the graph the Cypher path writes from the same rows, property
for property (tests/test_bulk_load.py reads every one back): `id` on every
node and relationship, a null property absent, rows repeating an id merged
as MERGE + `SET +=` merges them (in row order: the later row's values win),
and a relationship whose end is not in the graph left out, as MATCH leaves
it. Only the engine's internal numbering differs (rows are grouped by their
keys, see _groups; the Cypher path's MERGE numbers a batch's rows in an order
of its own, too).
"""

from __future__ import annotations

import math
import queue
import struct
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, islice
from typing import Any, TypeVar

T = TypeVar("T")

from nhskg.graph.store import GraphData, RelRow, node_labels, rel_type

# A blob may be 512 MB and a command 1 GB; far smaller commands keep the
# engine's main thread free for readers of the live graph between them, keep
# the encoded bytes in memory small, and give a progress step every few
# thousand rows.
COMMAND_BYTES = 8 * 1024 * 1024
# Rows encoded (and sent as one blob) at a time.
SLICE_ROWS = 5000

_NULL = b"\x00"
_LONG = struct.Struct("<Bq")
_DOUBLE = struct.Struct("<Bd")
_ARRAY = struct.Struct("<Bq")
_ENDS = struct.Struct("<QQ")
_COUNT = struct.Struct("<I")
_MIN_LONG, _MAX_LONG = -(2**63), 2**63 - 1

# Text forms of the values whose bytes are all ASCII (see _text_column): the
# type byte of a string, the array header of fewer than 128 values, booleans.
_ARRAY_HEADS = ["\x05" + chr(n) + "\x00" * 7 for n in range(128)]
_SEPARATOR = "\x00\x03"  # ends one string of an array and starts the next
_STRING = "\x03{}\x00".format


class UnstorableValue(ValueError):
    """A value the graph cannot hold as a property (a map, NUL, a huge int...)."""


@dataclass(frozen=True)
class BulkCommand:
    """One GRAPH.BULK call's arguments after the graph name."""

    args: list[Any]
    nodes: int
    edges: int

    @property
    def rows(self) -> int:
        return self.nodes + self.edges


@dataclass
class _Group:
    """Rows of one label set or relationship type with the same keys in the
    same order: one blob header, and columns that encode in one pass each."""

    name: str
    keys: tuple[str, ...]
    rows: list[dict[str, Any]]
    ends: list[tuple[str, str]] | None = None  # relationships: (from id, to id)


# -- one value at a time (exact, and the fallback) ----------------------------------


def _encode(value: Any, out: list[bytes]) -> None:
    """Append `value` in the bulk format."""
    kind = type(value)
    if kind is str:
        if "\x00" in value:
            raise UnstorableValue("a text value contains a NUL character")
        out.append(b"\x03" + value.encode() + _NULL)
    elif kind is list or kind is tuple:
        out.append(_ARRAY.pack(5, len(value)))
        for item in value:
            _encode(item, out)
    elif value is None:
        out.append(_NULL)
    elif kind is bool:
        out.append(b"\x01\x01" if value else b"\x01\x00")
    elif kind is int:
        if not _MIN_LONG <= value <= _MAX_LONG:
            raise UnstorableValue(f"the integer {value} does not fit in 64 bits")
        out.append(_LONG.pack(4, value))
    elif kind is float:
        if not math.isfinite(value):
            raise UnstorableValue(f"{value} is not a finite number")
        out.append(_DOUBLE.pack(2, value))
    else:
        raise UnstorableValue(f"cannot write a {kind.__name__} as a graph property: {value!r}")


def _rows_one_by_one(rows: Sequence[dict[str, Any]], prefixes: Sequence[bytes] | None, what: str) -> bytes:
    """Rows value by value; an unstorable value is named with its row and key."""
    out: list[bytes] = []
    for i, props in enumerate(rows):
        if prefixes is not None:
            out.append(prefixes[i])
        for key, value in props.items():
            try:
                _encode(value, out)
            except (UnstorableValue, UnicodeEncodeError) as exc:
                raise UnstorableValue(f"{what} {props.get('id')} property {key}: {exc}") from None
    return b"".join(out)


# -- a column at a time (fast) ---------------------------------------------------------


def _text_column(values: tuple[Any, ...]) -> list[str] | None:
    """The column's values in the bulk format as text, when they are all text,
    lists of fewer than 128 texts, booleans or nulls: every byte of their
    formats but the text itself is ASCII, so the text encodes to the same
    bytes in one go. None when the column needs the exact path (numbers,
    long or mixed lists, or something wrong with a value)."""
    kinds = set(map(type, values))
    if kinds == {str}:
        if "\x00" in "".join(values):
            return None
        return list(map(_STRING, values))
    if kinds <= {list, tuple}:
        if max(map(len, values)) >= 128:
            return None
        try:
            if "\x00" in "".join(chain.from_iterable(values)):
                return None
        except TypeError:  # not all text
            return None
        return [f"{_ARRAY_HEADS[len(v)]}\x03{_SEPARATOR.join(v)}\x00" if v else _ARRAY_HEADS[0] for v in values]
    if kinds == {bool}:
        return ["\x01\x01" if v else "\x01\x00" for v in values]
    if kinds == {type(None)}:
        return ["\x00"] * len(values)
    return None


def _encode_rows(rows: Sequence[dict[str, Any]], prefixes: Sequence[bytes] | None, what: str) -> bytes:
    """Rows of one group (same keys, same order) in the bulk format.

    Column by column: at 100,000 organisations there are ~10 million values,
    and a Python loop with a type test per value took 8 s of the ingest; the
    columns go through C-level joins and maps instead. A column that is not
    all of one simple kind, and any problem, take the exact path, which
    also names an unstorable value's row and key."""
    texts = []
    for column in zip(*(props.values() for props in rows)):
        text = _text_column(column)
        if text is None:
            return _rows_one_by_one(rows, prefixes, what)
        texts.append(text)
    try:
        encoded = [row.encode() for row in map("".join, zip(*texts))]
    except UnicodeEncodeError:
        return _rows_one_by_one(rows, prefixes, what)
    if prefixes is None:
        return b"".join(encoded)
    return b"".join(chain.from_iterable(zip(prefixes, encoded)))


# -- the graph as groups, blobs and commands ----------------------------------------------


def _header(name: str, keys: tuple[str, ...]) -> bytes:
    for key in keys:
        if not key or "\x00" in key:
            raise UnstorableValue(f"{name}: a property name cannot be empty or contain NUL: {key!r}")
    return name.encode() + _NULL + _COUNT.pack(len(keys)) + b"".join(k.encode() + _NULL for k in keys)


def _groups(entries: Iterator[tuple[str, dict[str, Any], tuple[str, str] | None]]) -> list[_Group]:
    """Rows grouped by (label set or type, keys in order). The engine's order:
    a name's groups together, names and groups in first-seen order, rows in
    data order. Grouping by keys gives each row a header of its own keys (no
    nulls for what it lacks) with a few hundred blobs for the whole graph:
    rows as they come alternate keys, and tens of thousands of small blobs
    each cost the engine a pass over its relation matrices (at 100,000
    organisations a command took over 20 s)."""
    groups: dict[tuple[str, tuple[str, ...]], _Group] = {}
    for name, props, ends in entries:
        key = (name, tuple(props))
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Group(name, key[1], [], [] if ends is not None else None)
        group.rows.append(props)
        if group.ends is not None:
            group.ends.append(ends)  # type: ignore[arg-type]
    first: dict[str, int] = {}
    for i, (name, _) in enumerate(groups):
        first.setdefault(name, i)
    order = sorted(enumerate(groups), key=lambda item: (first[item[1][0]], item[0]))
    return [groups[key] for _, key in order]


def _node_groups(data: GraphData) -> list[_Group]:
    """One row per distinct node id; `MERGE (n:Labels {id}) SET n += props`
    applied to repeated ids."""
    by_id: dict[str, tuple[str, dict[str, Any]]] = {}
    for node in data.nodes:
        labels = ":".join(node_labels(node))
        props = {"id": node.id, **node.props}
        seen = by_id.get(node.id)
        if seen is None:
            by_id[node.id] = (labels, props)
        elif seen[0] != labels:
            raise UnstorableValue(f"node {node.id} appears twice with different labels ({seen[0]}; {labels})")
        else:
            seen[1].update(props)
    return _groups((labels, props, None) for labels, props in by_id.values())


def _merged_rels(data: GraphData) -> list[RelRow]:
    """Relationships with repeated (type, ends, id) merged like `MERGE ... SET r += props`."""
    rels = data.relationships
    if len({r.id for r in rels}) == len(rels):
        return rels
    out: dict[tuple[str, str, str, str], RelRow] = {}
    for rel in rels:
        key = (rel.type, rel.from_id, rel.to_id, rel.id)
        seen = out.get(key)
        if seen is None:
            out[key] = RelRow(rel.id, rel.type, rel.from_id, rel.to_id, dict(rel.props))
        else:
            seen.props.update(rel.props)
    return list(out.values())


def _edge_groups(data: GraphData, known: dict[str, int]) -> list[_Group]:
    """Relationships whose two ends are nodes of the graph (`MATCH (a {id:
    row.from}) MATCH (b ...)` finds no row for the others)."""
    return _groups(
        (rel_type(rel), rel.props if "id" in rel.props else {"id": rel.id, **rel.props}, (rel.from_id, rel.to_id))
        for rel in _merged_rels(data)
        if rel.from_id in known and rel.to_id in known
    )


def _blobs(groups: list[_Group], position: dict[str, int] | None) -> Iterator[tuple[bytes, int]]:
    """(blob, rows in it) for each slice of each group."""
    what = "node" if position is None else "relationship"
    pack = _ENDS.pack
    for group in groups:
        header = _header(group.name, group.keys)
        for start in range(0, len(group.rows), SLICE_ROWS):
            rows = group.rows[start : start + SLICE_ROWS]
            prefixes = None
            if position is not None and group.ends is not None:
                prefixes = [pack(position[a], position[b]) for a, b in islice(group.ends, start, start + SLICE_ROWS)]
            yield header + _encode_rows(rows, prefixes, what), len(rows)


def bulk_commands(data: GraphData) -> tuple[int, Iterator[BulkCommand]]:
    """(rows to write, the commands writing them, made as they are sent).

    Checks labels and types against the vocabulary first, like the Cypher
    path; a value the graph cannot hold raises UnstorableValue when its
    command is made (before it is sent)."""
    nodes = _node_groups(data)
    position = {props["id"]: i for i, props in enumerate(chain.from_iterable(g.rows for g in nodes))}
    edges = _edge_groups(data, position)
    total = sum(len(g.rows) for g in nodes) + sum(len(g.rows) for g in edges)

    def commands() -> Iterator[BulkCommand]:
        first = True
        pending: list[bytes] = []
        node_rows = edge_rows = node_blobs = size = 0
        for is_node, (blob, count) in chain(((True, b) for b in _blobs(nodes, None)), ((False, b) for b in _blobs(edges, position))):
            pending.append(blob)
            size += len(blob)
            if is_node:
                node_rows += count
                node_blobs += 1
            else:
                edge_rows += count
            if size >= COMMAND_BYTES:
                yield BulkCommand([*(["BEGIN"] if first else []), node_rows, edge_rows, node_blobs, len(pending) - node_blobs, *pending], node_rows, edge_rows)
                first, pending, node_rows, edge_rows, node_blobs, size = False, [], 0, 0, 0, 0
        if pending:
            yield BulkCommand([*(["BEGIN"] if first else []), node_rows, edge_rows, node_blobs, len(pending) - node_blobs, *pending], node_rows, edge_rows)

    return total, commands()


def prefetched(items: Iterator[T], depth: int = 1) -> Iterator[T]:
    """`items`, with up to `depth` of them made ahead in a thread: the bulk
    commands are encoded while the caller waits on the engine for the last
    one (socket waits release the GIL). An error making an item is raised
    here, in the caller's thread, at the point it would have come; if the
    caller stops early, the thread stops too before this returns."""
    ready: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(entry: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                ready.put(entry, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(("item", item)):
                    return
            put(("end", None))
        except BaseException as exc:  # handed to the caller
            put(("error", exc))

    worker = threading.Thread(target=produce, name="bulk-encoder", daemon=True)
    worker.start()
    try:
        while True:
            kind, value = ready.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()
        worker.join()
