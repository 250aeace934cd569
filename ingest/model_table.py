"""The generated parts of docs/model.md, so they cannot drift: the vocabulary
tables (read from the declaration, nhskg/core/vocabulary.yaml) and the "what
the knowledge base holds" counts (read from the compiled graph)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from nhskg.core.vocabulary import PropertySpec, vocabulary
from nhskg.graph.schema import BASE_LABEL, NODE_LABELS, ORGANISATION_KINDS, REL_TYPES
from nhskg.ingest.pipeline import build_graph

BEGIN = "<!-- BEGIN GENERATED: nhskg model-table -->"
END = "<!-- END GENERATED -->"
VOCAB_BEGIN = "<!-- BEGIN GENERATED: nhskg vocabulary -->"


def _prop(spec: PropertySpec) -> str:
    kind = spec.type if not spec.range else f"{spec.type} -> {'/'.join(spec.range)}"
    return f"`{spec.name}` ({kind})"


def vocabulary_tables() -> str:
    """Every label and relationship type as the declaration states it."""
    v = vocabulary()
    lines = ["| label | id prefix | dated | typed properties | meaning |", "|---|---|---|---|---|"]
    for name, spec in v.labels.items():
        props = ", ".join(_prop(p) for p in spec.properties.values()) or "-"
        lines.append(f"| `{name}` | `{spec.prefix}:` | {'yes' if spec.dated else 'timeless'} | {props} | {spec.description} |")
    lines += ["", "Kind labels an `Organisation` may carry: " + ", ".join(f"`{k}` ({d})" for k, d in v.kinds.items()) + "."]
    lines += ["", "| relationship type | from | to | kind | made by | instances inherit | typed properties | meaning |", "|---|---|---|---|---|---|---|---|"]
    for name, rel in v.relationships.items():
        props = ", ".join(_prop(p) for p in rel.properties.values()) or "-"
        lines.append(
            f"| `{name}` | {', '.join(rel.from_labels)} | {', '.join(rel.to_labels)} | {rel.kind}{'' if rel.dated else ' (timeless)'} "
            f"| {', '.join(rel.origins)} | {'yes' if rel.inherited else 'no'} | {props} | {rel.description} |"
        )
    lines += ["", "| status | meaning |", "|---|---|"] + [f"| `{k}` | {d} |" for k, d in v.statuses.items()]
    lines += ["", "| quantifier | meaning |", "|---|---|"] + [f"| `{k}` | {d} |" for k, d in v.quantifiers.items()]
    return "\n".join(lines)


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


def write_generated_section(path: Path, table: str, begin: str = BEGIN) -> None:
    text = path.read_text(encoding="utf-8")
    if begin not in text or END not in text.split(begin, 1)[1]:
        raise ValueError(f"{path} has no generated section ({begin} ... {END})")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(END, 1)
    path.write_text(f"{head}{begin}\n{table}\n{END}{tail}", encoding="utf-8")


def generated_section(path: Path, begin: str = BEGIN) -> str:
    text = path.read_text(encoding="utf-8")
    return text.split(begin, 1)[1].split(END, 1)[0].strip()


def write_model_doc(path: Path) -> None:
    write_generated_section(path, vocabulary_tables(), VOCAB_BEGIN)
    write_generated_section(path, model_table(), BEGIN)
