"""A real uvicorn server on 127.0.0.1 for tests that talk HTTP to the app
(the client library, the notebook page): the same app `nhskg serve` runs,
over a given store, on a free port, in a daemon thread."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from nhskg.api.app import create_app
from nhskg.client import Client
from nhskg.graph.falkordb_engine import FalkorDBStore
from nhskg.core.settings import Settings
from nhskg.graph import GraphStore


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def live_server(store: GraphStore) -> Iterator[str]:
    """Serve the app over `store`; yields its base URL and stops it afterwards."""
    import uvicorn

    config = uvicorn.Config(create_app(Settings.from_env(), store=store), host="127.0.0.1", port=free_port(), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def base_url(kg_store: FalkorDBStore) -> Iterator[str]:
    """The live server over the session's ingested graph, for a test module."""
    with live_server(kg_store) as url:
        yield url


@pytest.fixture
def kg(base_url: str) -> Iterator[Client]:
    """A client of the live server."""
    with Client(base_url) as client:
        yield client
