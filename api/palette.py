"""Colours, shapes and captions per label, read from the vocabulary declaration.

The explorer page (/explore) and the Neo4j Browser style (/browser/style.grass)
both draw from here, so a label looks the same in both and a new label in
nhskg/core/vocabulary.yaml gets a colour without anyone editing a style.
Colours are given by position in the declaration: main labels from one
palette, organisation kinds from another, so adding a label at the end of
the declaration never repaints the existing ones.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from nhskg.core.vocabulary import Vocabulary, vocabulary

# Main labels: strong, well-separated hues (Tableau 10 and its light partners).
LABEL_COLOURS = (
    "#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948",
    "#B07AA1", "#FF9DA7", "#9C755F", "#BAB0AC", "#86BCB6", "#D37295",
    "#8CD17D", "#B6992D", "#499894", "#79706E",
)
# Organisation kinds: a second set, so a kind never shares a colour with a main label.
KIND_COLOURS = (
    "#1F77B4", "#2CA02C", "#D62728", "#9467BD", "#8C564B", "#E377C2",
    "#17BECF", "#BCBD22", "#393B79", "#637939", "#8C6D31", "#843C39",
    "#7B4173", "#3182BD", "#E6550D", "#31A354",
)
# Cytoscape.js node shapes, by the main label's position; kinds keep their
# Organisation's shape so every real body reads as one family.
SHAPES = (
    "ellipse", "round-rectangle", "rectangle", "cut-rectangle", "diamond", "round-diamond",
    "hexagon", "octagon", "barrel", "triangle", "tag", "round-tag", "pentagon", "star",
    "rhomboid", "vee",
)
EDGE_STATE_COLOUR = "#8A8F98"
EDGE_EVENT_COLOUR = "#C0392B"


@dataclass(frozen=True)
class LabelStyle:
    colour: str
    shape: str
    description: str
    kind_of: str | None = None  # "Organisation" for organisation kinds


@dataclass(frozen=True)
class RelStyle:
    colour: str
    kind: str  # state | event
    description: str


def _pick(palette: tuple[str, ...], index: int) -> str:
    return palette[index % len(palette)]


def label_styles(vocab: Vocabulary | None = None) -> dict[str, LabelStyle]:
    """Every main label and organisation kind -> its colour and shape."""
    vocab = vocab or vocabulary()
    out: dict[str, LabelStyle] = {}
    for i, (name, spec) in enumerate(vocab.labels.items()):
        out[name] = LabelStyle(_pick(LABEL_COLOURS, i), _pick(SHAPES, i), spec.description)
    org_shape = out["Organisation"].shape if "Organisation" in out else SHAPES[0]
    for i, (name, description) in enumerate(vocab.kinds.items()):
        out[name] = LabelStyle(_pick(KIND_COLOURS, i), org_shape, description, kind_of="Organisation")
    return out


def rel_styles(vocab: Vocabulary | None = None) -> dict[str, RelStyle]:
    vocab = vocab or vocabulary()
    return {
        name: RelStyle(EDGE_EVENT_COLOUR if spec.is_event else EDGE_STATE_COLOUR, spec.kind, spec.description)
        for name, spec in vocab.relationships.items()
    }


def style_document(vocab: Vocabulary | None = None) -> dict[str, Any]:
    """The JSON the explorer page styles itself from."""
    vocab = vocab or vocabulary()
    return {
        "base_label": vocab.base_label,
        "caption": "name",
        "labels": {name: asdict(style) for name, style in label_styles(vocab).items()},
        "relationships": {name: asdict(style) for name, style in rel_styles(vocab).items()},
        "statuses": dict(vocab.statuses),
    }
