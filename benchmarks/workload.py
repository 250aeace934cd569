"""The mixed workload: many different URLs over the graph that is loaded,
so a benchmark measures real query work, not one URL replayed.

URLs are drawn (seeded, so runs are comparable) from the ids the graph holds
and from dates spread over 1995-2026, across the questions researchers ask:
accountability, who answers to a body (accountable bodies), service
commissioners, delegations of an entity, entity detail, search, delegation
paths and a depth-2 subgraph.

Two shapes:
- `urls`: every request a fresh draw (uniform over the graph's ids, days
  over 1995-2026): with the answer cache off this is query work throughout;
- `zipf_urls`: a pool of distinct URLs (ids of the graph, and the dates its
  facts start and end on, where a researcher's `as_of` usually falls),
  ranked, and requests drawn from it with weight 1 / rank^s (Zipf-like:
  a few questions asked again and again, a long tail asked once). This is
  the workload the answer cache is for.

    .venv/bin/python -m benchmarks.workload --data-dir DIR [--count 2000] [--zipf 1.0] > urls.txt
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
    "accountable": 2,
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


def graph_dates(store: GraphStore) -> list[str]:
    """The dates the graph's facts start and end on (1995-2026): the days a
    question about a change is asked on."""
    rows = store.run_read("MATCH ()-[r]->() RETURN DISTINCT r.valid_from AS d UNION MATCH ()-[r]->() RETURN DISTINCT r.valid_to AS d", {})
    first, last = FIRST_DAY.isoformat(), LAST_DAY.isoformat()
    return sorted({str(r["d"])[:10] for r in rows if r["d"] and first <= str(r["d"])[:10] <= last and len(str(r["d"])) >= 10})


def _day(rng: random.Random) -> str:
    return (FIRST_DAY + dt.timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days))).isoformat()


def urls(ids: dict[str, list[str]], count: int, seed: int = 12, families: Sequence[str] | None = None, days: Sequence[str] | None = None) -> list[str]:
    """`count` requests, each a fresh draw: ids from `ids`, days from `days`
    (default: uniform over 1995-2026)."""
    rng = random.Random(seed)
    names = list(families or FAMILIES)
    weights = [FAMILIES[n] for n in names]
    out = []
    for _ in range(count):
        family = rng.choices(names, weights)[0]
        body = quote(rng.choice(ids["bodies"]), safe=":")
        day = rng.choice(days) if days else _day(rng)
        if family == "accountability":
            out.append(f"/entities/{body}/accountability?as_of={day}")
        elif family == "accountable":
            out.append(f"/entities/{body}/accountable-bodies?as_of={day}")
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


def zipf_urls(ids: dict[str, list[str]], dates: Sequence[str], count: int, seed: int = 12, families: Sequence[str] | None = None, s: float = 1.0, pool: int = 2000) -> list[str]:
    """`count` requests drawn from `pool` distinct URLs with weight 1 / rank^s.

    The pool is built like `urls` (same families and weights) but with days
    taken from `dates` (the graph's own), then shuffled by the seed, so the
    popular URLs are a random mix of families, bodies and days. Deterministic
    for a given seed."""
    rng = random.Random(seed)
    distinct = list(dict.fromkeys(urls(ids, pool * 2, seed=seed, families=families, days=dates or None)))[:pool]
    rng.shuffle(distinct)
    weights = [1 / (rank**s) for rank in range(1, len(distinct) + 1)]
    return rng.choices(distinct, weights, k=count)


def top_share(requests: Sequence[str], top: int = 20) -> float:
    """The share of requests that go to the `top` most requested URLs: how
    skewed a list is (uniform fresh draws: about top / len)."""
    from collections import Counter

    return sum(n for _, n in Counter(requests).most_common(top)) / len(requests) if requests else 0.0


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
    if path.endswith("/accountable-bodies"):
        return "accountable"
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
    parser.add_argument("--zipf", type=float, help="draw from a ranked pool with weight 1 / rank^ZIPF (default: every URL a fresh draw)")
    args = parser.parse_args()
    with open_store(Settings.from_env(data_dir=args.data_dir)) as store:
        ids = graph_ids(store)
        chosen = zipf_urls(ids, graph_dates(store), args.count, args.seed, s=args.zipf) if args.zipf else urls(ids, args.count, args.seed)
    print("\n".join(chosen))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
