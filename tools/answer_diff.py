"""Fetch a few thousand answers from the real app, or compare two such runs.

    python tools/answer_diff.py fetch OUT.json [--limit N]
    python tools/answer_diff.py diff BEFORE.json AFTER.json

`fetch` ingests the knowledge base into a temporary FalkorDB, starts the app
in-process (fastapi TestClient, answer cache off, so every answer is a query
answer) and fetches URLs covering every endpoint over several dates, periods
and statuses, writing {url: {"status": ..., "body": ...}}. The URLs are chosen
from what the graph holds (ids come from /entities), deterministically, so
two runs of two versions of the code ask the same questions.

`diff` reports the URLs whose answers differ, and for each whether only the
order of some list differs (the lists compared as multisets).

Run each side with the interpreter of the version it measures, e.g.
/work/main/.venv/bin/python tools/answer_diff.py fetch /tmp/before.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import random
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

DATES = ["1995-06-01", "2003-01-01", "2010-06-01", "2013-04-01", "2016-06-01", "2020-01-01", "2022-07-01", "2024-06-01"]
PERIODS = [("2012-01-01", "2014-01-01"), ("2019-01-01", "2023-01-01"), ("1990-01-01", "2027-01-01")]
STATUSES = [None, "any", "in_force,planned"]
SEARCH_TEXTS = ["trust", "nhs", "ccg", "icb", "dental", "public health", "commissioning board", "comissioning bord", "09Y", "E38000246",
                "london", "north", "primary care", "zzzxq", "specialised", "mental", "leeds", "care trust", "strategic health", "pct"]


def when(rng: random.Random) -> dict[str, str]:
    """A date, a period or nothing (today), sometimes with a status."""
    pick = rng.random()
    params: dict[str, str] = {}
    if pick < 0.6:
        params["as_of"] = rng.choice(DATES)
    elif pick < 0.85:
        params["from"], params["to"] = rng.choice(PERIODS)
    status = rng.choice(STATUSES)
    if status:
        params["status"] = status
    return params


def url(path: str, **params: Any) -> str:
    kept = {k: v for k, v in params.items() if v is not None}
    return path + ("?" + urlencode(kept) if kept else "")


def urls(client: Any, limit: int) -> list[str]:
    rng = random.Random(23)
    entities: list[dict[str, Any]] = []
    offset = 0
    while True:
        page = client.get(url("/entities", status="any", limit=500, offset=offset)).json()
        entities += page["items"]
        offset += 500
        if offset >= page["total"]:
            break
    by_label: dict[str, list[str]] = {}
    for e in entities:
        for label in e.get("labels") or []:
            by_label.setdefault(label, []).append(e["id"])
    ids = sorted(e["id"] for e in entities)
    services = sorted(by_label.get("Service", []))
    types = sorted(by_label.get("OrganisationType", []))
    orgs = sorted(by_label.get("Organisation", []))
    statutes = sorted(set(by_label.get("Statute", [])) | set(by_label.get("Policy", [])) | set(by_label.get("StatuteSection", [])))
    bodies = types + rng.sample(orgs, min(len(orgs), 200))
    out: list[str] = []

    def some(pool: list[str], n: int) -> list[str]:
        return rng.sample(pool, min(n, len(pool)))

    for q in SEARCH_TEXTS:
        for _ in range(3):
            out.append(url("/entities", q=q, **when(rng)))
        out.append(url("/entities", q=q, label="Organisation", limit=20, offset=rng.choice([0, 20])))
    for t in types[:20]:
        out.append(url("/entities", instance_of=t, **when(rng)))
    for label in sorted(by_label):
        out.append(url("/entities", label=label, limit=50, **when(rng)))
    for i in some(ids, 150) + ["org:nhs-england", "type:icb", "org:no-such-thing", "org:nhs-englnd", "type:ccgg"]:
        out.append(url(f"/entities/{i}"))
    for b in some(bodies, 120) + ["org:nhs-england", "type:icb", "type:ccg", "org:dhsc"]:
        out.append(url(f"/entities/{b}/accountability", **when(rng)))
        out.append(url(f"/entities/{b}/accountability", expand="nodes", **when(rng)))
        out.append(url(f"/entities/{b}/accountable-bodies", **when(rng)))
        out.append(url(f"/entities/{b}/delegations", direction=rng.choice(["out", "in"]), **when(rng)))
        out.append(url(f"/entities/{b}/history", **when(rng)))
    for b in some(bodies, 40):
        out.append(url(f"/entities/{b}/history", expand="node"))
        out.append(url(f"/entities/{b}/accountable-bodies", limit=5, offset=rng.choice([0, 5])))
    for s in services:
        for _ in range(4):
            out.append(url(f"/services/{s}/commissioners", **when(rng)))
        out.append(url(f"/services/{s}/commissioners", expand="instances", **when(rng)))
        out.append(url(f"/services/{s}/commissioners", instances="list", **when(rng)))
        out.append(url(f"/services/{s}/commissioners", include_parts="false", **when(rng)))
        out.append(url(f"/services/{s}/commissioners", expand="commissioner,instances", include_parts="false", **when(rng)))
        out.append(url(f"/services/{s}/timeline", **when(rng)))
    out.append(url("/services/service:no-such/commissioners"))
    out.append(url("/services/org:nhs-england/commissioners"))
    for delegator in ["org:nhs-england", "org:dhsc", None, *some(types, 5)]:
        for _ in range(4):
            out.append(url("/paths/delegation", delegator=delegator, **when(rng)))
        out.append(url("/paths/delegation", delegator=delegator, expand="nodes", **when(rng)))
    for delegate in some(bodies, 30) + ["type:icb", "type:ccg"]:
        out.append(url("/paths/delegation", delegate=delegate, **when(rng)))
    for s in some(services, 15):
        out.append(url("/paths/delegation", service=s, **when(rng)))
        out.append(url("/paths/delegation", delegator="org:nhs-england", service=s, **when(rng)))
    for seed in some(ids, 80) + ["org:nhs-england", "type:icb", "type:ccg", "service:primary-care"]:
        depth = rng.choice([0, 1, 1, 2, 2, 3])
        out.append(url("/subgraph", seed=seed, depth=depth, **when(rng)))
        out.append(url("/subgraph", seed=seed, depth=rng.choice([1, 2]), labels="Organisation,OrganisationType", **when(rng)))
        out.append(url("/subgraph", seed=seed, depth=rng.choice([1, 2]), expand=rng.choice(["nodes", "edges", "nodes,edges"]), max_nodes=rng.choice([10, 100, 500]), **when(rng)))
    for seed in ["org:nhs-england", "type:icb"]:
        out.append(url("/subgraph", seed=seed, depth=4, max_nodes=1000, as_of="2024-06-01"))
        out.append(url("/subgraph", seed=seed, depth=2, format="csv"))
        out.append(url("/subgraph", seed=seed, depth=2, format="graphml"))
    for w in [{"as_of": d} for d in DATES] + [{"from": a, "to": b} for a, b in PERIODS]:
        out.append(url("/changes", **w))
        out.append(url("/changes", kind=rng.choice(["established,abolished", "merged,succeeded,renamed", "commissioning_moved,commissioning_started", "delegation"]), **w))
    out.append(url("/changes", **{"from": "1990-01-01", "to": "2027-01-01"}, limit=100, offset=100))
    sources = [s["id"] for s in client.get("/sources").json().get("items", [])]
    out.append("/sources")
    for s in sources:
        out.append(url(f"/sources/{s}"))
        out.append(url(f"/sources/{s}", include_derived="true", limit=20))
    for y in ["2013/14", "2017/18", "2021/22", "2024/25", None]:
        out.append(url("/budgets", fiscal_year=y))
        out.append(url("/budgets", fiscal_year=y, q="public health"))
    for h in ["type:ccg", "org:nhs-england", "type:icb", *some(orgs, 5)]:
        out.append(url("/budgets", holder=h))
    for st in statutes:
        out.append(url(f"/statutes/{st}/effects", **when(rng)))
    out.append("/queries")
    catalogue = client.get("/queries").json()
    for q in catalogue.get("queries", catalogue.get("items", [])):
        name = q["name"]
        if name in ("entity_directory", "entity_names", "entity_name_candidates", "subgraph_adjacency", "delegation_steps"):
            continue  # whole-graph dumps kept for the memory models, removed with them
        out.append(url(f"/queries/{name}"))
        example = q.get("example") or {}
        flat = {k: (",".join(v) if isinstance(v, list) else v) for k, v in example.items()}
        out.append(url(f"/queries/{name}", **{k: (str(v).lower() if isinstance(v, bool) else v) for k, v in flat.items()}))
    # Relationship ids, from the edges of a few neighbourhoods.
    rels: set[str] = set()
    for seed in ["org:nhs-england", "type:icb", "type:ccg"]:
        body = client.get(url("/subgraph", seed=seed, depth=1, expand="edges", as_of="2020-01-01")).json()
        rels |= {e["id"] for e in body.get("edges", []) if e.get("id")}
    for r in sorted(rels)[:80] + ["rel:no-such"]:
        out.append(url(f"/relationships/{r}"))
    seen: dict[str, None] = dict.fromkeys(out)
    return list(seen)[:limit]


def _body(response: Any) -> Any:
    """The answer as compared: parsed JSON, a zip's files (not its bytes,
    which carry the time it was written), or the text."""
    if response.headers.get("content-type", "").startswith("application/zip"):
        with zipfile.ZipFile(io.BytesIO(response.content)) as z:
            return {name: z.read(name).decode("utf-8") for name in sorted(z.namelist())}
    try:
        return response.json()
    except ValueError:
        return response.text


def fetch(out_path: Path, limit: int) -> None:
    from fastapi.testclient import TestClient

    from nhskg.api.app import create_app
    from nhskg.core.settings import Settings
    from nhskg.graph.falkordb_engine import FalkorDBStore
    from nhskg.ingest.pipeline import ingest

    with tempfile.TemporaryDirectory() as tmp:
        store = FalkorDBStore(Path(tmp) / "data")
        try:
            ingest(store)
            settings = dataclasses.replace(Settings.from_env(data_dir=Path(tmp) / "data"), answer_cache_mb=0)
            with TestClient(create_app(settings, store=store)) as client:
                answers: dict[str, Any] = {}
                chosen = urls(client, limit)
                for n, u in enumerate(chosen):
                    r = client.get(u)
                    body = _body(r)
                    answers[u] = {"status": r.status_code, "body": body}
                    if n % 250 == 0:
                        print(f"{n}/{len(chosen)}", file=sys.stderr)
        finally:
            store.close()
    out_path.write_text(json.dumps(answers, indent=0, sort_keys=True))
    print(f"{len(answers)} URLs -> {out_path}")


def canonical(value: Any) -> Any:
    """The value with every list sorted (by its items' JSON), for an order-blind comparison."""
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((canonical(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


def first_difference(a: Any, b: Any, path: str = "") -> str:
    if type(a) is not type(b):
        return f"{path}: {str(a)[:120]!r} != {str(b)[:120]!r}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}.{k}: only in {'after' if k in b else 'before'}"
            if a[k] != b[k]:
                return first_difference(a[k], b[k], f"{path}.{k}")
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return first_difference(x, y, f"{path}[{i}]")
    return f"{path}: {str(a)[:120]!r} != {str(b)[:120]!r}"


def diff(before_path: Path, after_path: Path) -> int:
    before, after = json.loads(before_path.read_text()), json.loads(after_path.read_text())
    common = sorted(set(before) & set(after))
    changed = [u for u in common if before[u] != after[u]]
    ordering = [u for u in changed if canonical(before[u]) == canonical(after[u])]
    print(f"{len(common)} URLs in both ({len(set(before) - set(after))} only before, {len(set(after) - set(before))} only after)")
    print(f"{len(changed)} differ, of which {len(ordering)} only in the order of a list")
    for u in changed:
        kind = "ORDER" if u in ordering else "ANSWER"
        print(f"{kind} {u}\n    {first_difference(before[u], after[u])}")
    return 1 if len(changed) > len(ordering) else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    f = sub.add_parser("fetch")
    f.add_argument("out", type=Path)
    f.add_argument("--limit", type=int, default=5000)
    d = sub.add_parser("diff")
    d.add_argument("before", type=Path)
    d.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "fetch":
        fetch(args.out, args.limit)
        return 0
    return diff(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
