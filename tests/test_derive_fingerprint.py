"""The pipeline's last step (normalise events, derive edges) gives exactly
the output it gave before it was made faster: frozen inputs, pinned digests.

The inputs are frozen copies (tests/fixtures/derive/*.json.gz) of the graph
just before that step: the real knowledge base with the register layer, and
a small synthetic landscape (tests/synthetic.py). They do not follow
later edits of the knowledge base, so the digests change only when the rules
change. A deliberate rule change regenerates them:

    .venv/bin/python -m tests.test_derive_fingerprint
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest

from nhskg.graph.store import GraphData, NodeRow, RelRow
from nhskg.ingest.pipeline import complete_graph

FIXTURES = Path(__file__).parent / "fixtures" / "derive"
EXPECTED = FIXTURES / "digests.json"
INPUTS = ("kb", "synthetic")


def read_input(name: str) -> GraphData:
    raw = json.loads(gzip.decompress((FIXTURES / f"{name}.json.gz").read_bytes()))
    return GraphData(
        [NodeRow(i, tuple(labels), props) for i, labels, props in raw["nodes"]],
        [RelRow(i, t, a, b, props) for i, t, a, b, props in raw["relationships"]],
    )


def write_input(name: str, data: GraphData) -> None:
    raw = {
        "nodes": [[n.id, list(n.labels), n.props] for n in data.nodes],
        "relationships": [[r.id, r.type, r.from_id, r.to_id, r.props] for r in data.relationships],
    }
    (FIXTURES / f"{name}.json.gz").write_bytes(gzip.compress(json.dumps(raw, sort_keys=True).encode(), mtime=0))


def fingerprint(data: GraphData) -> dict[str, object]:
    """Every relationship after the step (ids, ends, properties, in order)
    and the node properties (normalising may touch them), as one digest."""
    digest = hashlib.sha256()
    for r in data.relationships:
        digest.update(json.dumps([r.id, r.type, r.from_id, r.to_id, r.props], sort_keys=True).encode())
    for n in data.nodes:
        digest.update(json.dumps([n.id, list(n.labels), n.props], sort_keys=True).encode())
    derived = sum(1 for r in data.relationships if r.props.get("derived"))
    return {"relationships": len(data.relationships), "derived": derived, "sha256": digest.hexdigest()}


@pytest.mark.parametrize("name", INPUTS)
def test_normalise_and_derive_give_the_pinned_output(name: str) -> None:
    expected = json.loads(EXPECTED.read_text())[name]
    assert fingerprint(complete_graph(read_input(name))) == expected


def _regenerate() -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from synthetic import synthetic_source
    from nhskg.ingest.compile import compile_graph
    from nhskg.ingest.kb import load_knowledge_base
    from nhskg.ingest.registers import add_registers

    kb = compile_graph(load_knowledge_base())
    add_registers(kb)
    write_input("kb", kb)
    write_input("synthetic", synthetic_source(3000))
    digests = {name: fingerprint(complete_graph(read_input(name))) for name in INPUTS}
    EXPECTED.write_text(json.dumps(digests, indent=2) + "\n")
    print(json.dumps(digests, indent=2))


if __name__ == "__main__":
    _regenerate()
