"""The "what the knowledge base holds" tables in docs/model.md, generated
from the compiled graph so they cannot drift from the data."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from nhskg.graph.schema import BASE_LABEL, NODE_LABELS, ORGANISATION_KINDS, REL_TYPES
from nhskg.ingest.pipeline import build_graph

BEGIN = "<!-- BEGIN GENERATED: nhskg model-table -->"
END = "<!-- END GENERATED -->"


def model_table() -> str:
    data = build_graph()
    labels: Counter[str] = Counter()
    for node in data.nodes:
        labels.update(lab for lab in node.labels if lab != BASE_LABEL)
    explicit: Counter[str] = Counter()
    derived: Counter[str] = Counter()
    for rel in data.relationships:
        (derived if rel.props.get("derived") else explicit)[rel.type] += 1

    lines = ["| label | nodes | meaning |", "|---|---:|---|"]
    for label in sorted(labels, key=lambda lab: (lab not in NODE_LABELS, lab)):
        meaning = NODE_LABELS.get(label) or f"kind of Organisation: {ORGANISATION_KINDS.get(label, '')}"
        lines.append(f"| `{label}` | {labels[label]} | {meaning} |")
    lines += ["", "| relationship type | stated | derived at ingest | meaning |", "|---|---:|---:|---|"]
    for rel_type in sorted(set(explicit) | set(derived)):
        lines.append(f"| `{rel_type}` | {explicit[rel_type]} | {derived[rel_type]} | {REL_TYPES[rel_type]} |")
    lines += ["", f"Total: {len(data.nodes)} nodes, {len(data.relationships)} relationships ({sum(derived.values())} derived)."]
    return "\n".join(lines)


def write_generated_section(path: Path, table: str) -> None:
    text = path.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        raise ValueError(f"{path} has no generated section ({BEGIN} ... {END})")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    path.write_text(f"{head}{BEGIN}\n{table}\n{END}{tail}", encoding="utf-8")


def generated_section(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text.split(BEGIN, 1)[1].split(END, 1)[0].strip()
