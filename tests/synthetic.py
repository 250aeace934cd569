"""A synthetic landscape with the real shape, at any size.

It starts from the real knowledge base (its types, services, statutes,
delegations and evidence) and adds, for a requested number of organisations:

- a family of synthetic organisation types, each with a few type-level facts
  (accountable to a national body, commissioning services from a synthetic
  service tree, a delegation from a national body to the type) so that real
  inheritance happens at ingest;
- organisations that are INSTANCE_OF those types over dated intervals
  between 1995 and 2026, PART_OF a parent organisation (a region-like
  hierarchy), and merged into successors (SUCCEEDED_BY events), the way CCGs
  merged and became ICBs;
- register-kind evidence on every fact, as the register layer writes it.

`synthetic_source` is the generator alone (benchmark-only work, timed
apart); `synthetic_landscape` then runs the pipeline's own last step on it
(nhskg.ingest.pipeline.complete_graph: normalise events, derive), so that
with the engine's replace_graph a benchmark measures what `nhskg ingest`
does. Deterministic for a given size and seed.

It lives with the tests (they build graphs with it: `from synthetic import
...`, tests/ being on the path as for `faults`); the scale benchmark imports
it from here the same way.

    .venv/bin/python tests/synthetic.py 100000   # prints counts
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass

from nhskg.core.evidence import EvidenceItem, pack
from nhskg.graph.store import GraphData, NodeRow, RelRow
from nhskg.ingest.compile import compile_graph
from nhskg.ingest.kb import load_knowledge_base
from nhskg.ingest.pipeline import complete_graph

SOURCE = "source:synthetic-register"
NATIONAL = "org:nhs-england"
TYPES_PER_10K = 4
SERVICES = 60


@dataclass(frozen=True)
class SyntheticSizes:
    organisations: int
    nodes: int
    relationships: int
    derived: int


def _evidence(rng: random.Random, key: str) -> dict:
    return pack([EvidenceItem(SOURCE, f"{key},SYNTHETIC ROW {rng.randrange(10**6)}", "register", f"synthetic.csv {key}")])


def _day(rng: random.Random, first: int, last: int) -> str:
    return f"{rng.randint(first, last)}-{rng.randint(1, 12):02d}-01"


def synthetic_landscape(organisations: int, seed: int = 7) -> GraphData:
    """The synthetic landscape, normalised and derived as ingest does it."""
    return complete_graph(synthetic_source(organisations, seed))


def synthetic_source(organisations: int, seed: int = 7) -> GraphData:
    """The real knowledge base plus the synthetic bodies, before the
    pipeline's last step (events not yet normalised, nothing derived)."""
    rng = random.Random(seed)
    data = compile_graph(load_knowledge_base())
    data.nodes.append(NodeRow(SOURCE, ("Source",), {"name": "Synthetic register", "title": "Synthetic register", "kind": "register", "external": False}))

    # A service tree: a few roots with children and grandchildren.
    services = [f"service:syn-{i}" for i in range(SERVICES)]
    for i, sid in enumerate(services):
        data.nodes.append(NodeRow(sid, ("Service",), {"name": f"Synthetic service {i}", **_evidence(rng, sid)}))
        if i >= 6:
            parent = services[(i - 6) // 3]
            data.relationships.append(RelRow(f"rel:part_of:{sid}", "PART_OF", sid, parent, {**_evidence(rng, sid)}))

    n_types = max(3, organisations * TYPES_PER_10K // 10_000)
    types = [f"type:syn-{t}" for t in range(n_types)]
    for t, tid in enumerate(types):
        start = _day(rng, 1995, 2015)
        data.nodes.append(NodeRow(tid, ("OrganisationType",), {"name": f"Synthetic body type {t}", "valid_from": start, "status": "in_force", **_evidence(rng, tid)}))
        data.relationships.append(RelRow(f"rel:accountable_to:{tid}", "ACCOUNTABLE_TO", tid, NATIONAL, {"valid_from": start, "quantifier": "all", **_evidence(rng, tid)}))
        for k in range(2):
            svc = rng.choice(services)
            data.relationships.append(
                RelRow(f"rel:commissions:{tid}:{k}", "COMMISSIONS", tid, svc, {"valid_from": start, "basis": "statutory", "quantifier": "all", **_evidence(rng, tid)})
            )
        if t % 3 == 0:
            did = f"delegation:syn-{t}"
            data.nodes.append(
                NodeRow(did, ("Delegation",), {"name": f"Synthetic delegation {t}", "by": NATIONAL, "to": tid, "services": [rng.choice(services)], "valid_from": _day(rng, 2016, 2024), **_evidence(rng, did)})
            )
            data.relationships.append(RelRow(f"rel:delegated_by:{did}", "DELEGATED_BY", did, NATIONAL, {**_evidence(rng, did)}))
            data.relationships.append(RelRow(f"rel:delegated_to:{did}", "DELEGATED_TO", did, tid, {**_evidence(rng, did)}))

    # Organisations: a parent layer (about 2%) and the rest beneath it.
    parents = max(10, organisations // 50)
    ids = [f"org:syn-{i:06d}" for i in range(organisations)]
    lives: dict[str, tuple[str, str | None]] = {}
    for i, oid in enumerate(ids):
        start_year = rng.randint(1995, 2022)
        start = _day(rng, start_year, start_year)
        end = _day(rng, start_year + 1, 2026) if rng.random() < 0.6 and start_year < 2026 else None
        if end is not None and end <= start:
            end = None
        lives[oid] = (start, end)
        tid = types[i % n_types]
        props = {"name": f"NHS Synthetic Body {i}", "ods_code": f"S{i:06d}", "valid_from": start, "valid_to": end, "status": "in_force", **_evidence(rng, oid)}
        data.nodes.append(NodeRow(oid, ("Organisation", "StatutoryBody"), {k: v for k, v in props.items() if v is not None}))
        inst = {"valid_from": start, "valid_to": end, **_evidence(rng, oid)}
        data.relationships.append(RelRow(f"rel:instance_of:{oid}", "INSTANCE_OF", oid, tid, {k: v for k, v in inst.items() if v is not None}))
        if i >= parents:
            parent = ids[rng.randrange(parents)]
            data.relationships.append(RelRow(f"rel:part_of:{oid}", "PART_OF", oid, parent, {"valid_from": start, **_evidence(rng, oid)}))
    # Successions: a closed body is succeeded by a later one, on its close date.
    for i, oid in enumerate(ids):
        start, end = lives[oid]
        if end is None:
            continue
        successor = ids[(i + 1 + rng.randrange(50)) % organisations]
        data.relationships.append(RelRow(f"rel:succeeded_by:{oid}", "SUCCEEDED_BY", oid, successor, {"valid_from": end, **_evidence(rng, oid)}))
    return data


def sizes(data: GraphData, organisations: int) -> SyntheticSizes:
    derived = sum(1 for r in data.relationships if r.props.get("derived"))
    return SyntheticSizes(organisations, len(data.nodes), len(data.relationships), derived)


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    print(sizes(synthetic_landscape(n), n))
