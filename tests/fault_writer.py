"""Run by tests/test_faults_load.py in its own process: swap the graph of a
data directory between the knowledge base and a copy with every name
marked, again and again, sharing the engine `serve` owns (as `nhskg ingest`
does), until killed. A write the engine's death interrupts is reported by
the store and the loop goes on."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from nhskg.core.errors import UserError
from nhskg.graph.falkordb_engine import FalkorDBStore
from nhskg.ingest.pipeline import build_graph
from test_faults_one_build import _renamed

data_dir = Path(sys.argv[1])
a = build_graph()
graphs = [a, _renamed(a)]
store = FalkorDBStore(data_dir)
i = 0
while True:
    i += 1
    try:
        store.replace_graph(graphs[i % 2], version=f"load:{i}")
        print(f"swap {i} ok", flush=True)
    except UserError as exc:
        print(f"swap {i} failed: {exc}", flush=True)
        time.sleep(0.5)
