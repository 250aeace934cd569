"""The mixed workload: many different URLs over the graph that is loaded,
so a benchmark measures real query work, not one URL replayed.

URLs are drawn (seeded, so runs are comparable) from the ids the graph holds
and from dates spread over 1995-2026, across the questions researchers ask:
accountability, service commissioners, delegations of an entity, entity
detail, search, delegation paths and a depth-2 subgraph.

    .venv/bin/python -m benchmarks.workload --data-dir DIR [--count 2000] > urls.txt
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from nhskg.graph import GraphStore

# Each family: (name, weight). Heavy families (paths, subgraph) are rarer, as in use.
FAMILIES: dict[str, int] = {
    "accountability": 3,
    "commissioners": 3,
    "delegations": 2,
    "entity": 3,
    "search": 2,
    "paths": 1,
    "subgraph": 1,
}
FIRST_DAY = dt.date(1995, 1, 1)
LAST_DAY = dt.date(2026, 12, 31)


def graph_ids(store: GraphStore) -> dict[str, list[str]]:
    """Organisation-like ids (bodies and types), services, and words for search."""
    rows = store.run_read("MATCH (n) RETURN n.id AS id, labels(n) AS labels, n.name AS name", {})
    out: dict[str, list[str]] = {"bodies": [], "services": [], "words": []}
    words: set[str] = set()
    for r in rows:
        labels = set(r["labels"] or [])
        if labels & {"Organisation", "OrganisationType", "StatutoryBody"}:
            out["bodies"].append(r["id"])
        if "Service" in labels:
            out["services"].append(r["id"])
        for w in str(r.get("name") or "").lower().split():
            if len(w) > 4 and w.isalpha():
                words.add(w)
    out["words"] = sorted(words)
    out["bodies"].sort()
    out["services"].sort()
    return out


def _day(rng: random.Random) -> str:
    return (FIRST_DAY + dt.timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days))).isoformat()


def urls(ids: dict[str, list[str]], count: int, seed: int = 12, families: Sequence[str] | None = None) -> list[str]:
    rng = random.Random(seed)
    names = list(families or FAMILIES)
    weights = [FAMILIES[n] for n in names]
    out = []
    for _ in range(count):
        family = rng.choices(names, weights)[0]
        body = quote(rng.choice(ids["bodies"]), safe=":")
        day = _day(rng)
        if family == "accountability":
            out.append(f"/entities/{body}/accountability?as_of={day}")
        elif family == "commissioners":
            out.append(f"/services/{quote(rng.choice(ids['services']), safe=':')}/commissioners?as_of={day}")
        elif family == "delegations":
            out.append(f"/entities/{body}/delegations?direction={rng.choice(['out', 'in'])}&as_of={day}")
        elif family == "entity":
            out.append(f"/entities/{body}")
        elif family == "search":
            out.append(f"/entities?q={quote(rng.choice(ids['words']))}&limit=20")
        elif family == "paths":
            out.append(f"/paths/delegation?delegator={body}&as_of={day}")
        else:
            out.append(f"/subgraph?seed={body}&depth=2&as_of={day}")
    return out


def family_of(url: str) -> str:
    """The family a workload URL belongs to (the inverse of `urls`)."""
    path = url.split("?", 1)[0]
    if path.startswith("/services/"):
        return "commissioners"
    if path.startswith("/paths/"):
        return "paths"
    if path.startswith("/subgraph"):
        return "subgraph"
    if path == "/entities":
        return "search"
    if path.endswith("/accountability"):
        return "accountability"
    if path.endswith("/delegations"):
        return "delegations"
    return "entity"


def main() -> int:
    from nhskg.graph import open_store
    from nhskg.core.settings import Settings

    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    with open_store(Settings.from_env(data_dir=args.data_dir)) as store:
        print("\n".join(urls(graph_ids(store), args.count, args.seed)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
