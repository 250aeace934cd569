"""The benchmark's own tools: the workloads it sends and the check that keeps
its floor honest (benchmarks/throughput.py, benchmarks/RESULTS.md "Measuring
speed")."""

from __future__ import annotations

import socket
import sys
from collections import Counter
from pathlib import Path

import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.throughput import workers_get_nodelay  # noqa: E402
from benchmarks.workload import FAMILIES, family_of, graph_dates, graph_ids, top_share, urls, zipf_urls  # noqa: E402

IDS = {"bodies": [f"org:b{i}" for i in range(500)], "services": [f"service:s{i}" for i in range(50)], "words": ["trust", "board"]}
DATES = ["2013-04-01", "2019-04-01", "2022-07-01"]


def test_workers_socket_gives_connections_tcp_nodelay() -> None:
    # `nhskg serve --workers N` binds through uvicorn's Config.bind_socket; up
    # to uvicorn 0.54 that socket had proto 0, asyncio then left Nagle on, and
    # every keep-alive request waited ~40 ms for a delayed ACK.
    version, nodelay = workers_get_nodelay()
    assert nodelay, f"uvicorn {version} leaves Nagle on for --workers connections (uvicorn issue #3149)"
    sock = uvicorn.Config(app=None, host="127.0.0.1", port=0).bind_socket()
    try:
        assert sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()


def test_zipf_workload_is_seeded_skewed_and_keeps_its_families() -> None:
    first = zipf_urls(IDS, DATES, 20000, seed=3, families=["accountability", "paths"])
    assert first == zipf_urls(IDS, DATES, 20000, seed=3, families=["accountability", "paths"])
    assert {family_of(u) for u in first} == {"accountability", "paths"}
    counts = Counter(first)
    assert len(counts) > 500  # a long tail of rarely asked URLs
    assert top_share(first) > 0.3  # and a few asked again and again
    assert top_share(urls(IDS, 20000, seed=3, families=["accountability"])) < 0.01  # fresh draws are not skewed
    assert {u.split("as_of=")[1] for u in first if "as_of=" in u} <= set(DATES)


def test_every_family_is_drawn_and_recognised() -> None:
    drawn = urls(IDS, 3000, seed=5)
    assert {family_of(u) for u in drawn} == set(FAMILIES)


def test_graph_ids_and_dates_come_from_the_graph(kg_store) -> None:
    ids, dates = graph_ids(kg_store), graph_dates(kg_store)
    assert "org:nhs-england" in ids["bodies"] and ids["services"] and ids["words"]
    assert "2013-04-01" in dates and all("1995-01-01" <= d <= "2026-12-31" for d in dates)
