"""How the Neo4j alias-switch ingest would split the synthetic landscape into
transactions (graph/neo4j_plan.py), without a Neo4j server: how many write
transactions, how many rows each, and how many bytes of parameters each
sends (JSON-encoded, a proxy for the Bolt payload and the transaction's
state on the server). It measures the plan, not Neo4j.

    .venv/bin/python -m benchmarks.neo4j_batches [--organisations 100000]
"""

from __future__ import annotations

import argparse
import json
import time

from benchmarks.synthetic import synthetic_landscape
from nhskg.graph.neo4j_plan import TRANSACTION_ROWS, statement_rows, transaction_batches
from nhskg.graph.store import build_statement, load_statements, new_build


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--organisations", type=int, default=100_000)
    args = parser.parse_args()
    started = time.perf_counter()
    data = synthetic_landscape(args.organisations)
    generated = time.perf_counter() - started
    statements = [*load_statements(data), build_statement(new_build("plan"))]
    started = time.perf_counter()
    batches = transaction_batches(statements, TRANSACTION_ROWS)
    planned = time.perf_counter() - started
    rows = [sum(statement_rows(s) for s in batch) for batch in batches]
    payload = [sum(len(json.dumps(params, default=str)) for _, params in batch) for batch in batches]
    print(f"graph: {len(data.nodes)} nodes, {len(data.relationships)} relationships (generated in {generated:.1f} s)")
    print(f"statements: {len(statements)} (at most 500 rows each)")
    print(f"write transactions: {len(batches)} of at most {TRANSACTION_ROWS} rows (planned in {planned * 1000:.0f} ms)")
    print(f"rows per transaction: min {min(rows)}, max {max(rows)}, total {sum(rows)}")
    print(f"parameter bytes per transaction: max {max(payload) / 1e6:.1f} MB, total {sum(payload) / 1e6:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
