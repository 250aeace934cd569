"""docs/model.md's contents table is generated; it must match the knowledge base."""

from __future__ import annotations

from pathlib import Path

from nhskg.graph.schema import NODE_LABELS, REL_TYPES
from nhskg.ingest.model_table import VOCAB_BEGIN, generated_section, model_table, vocabulary_tables

MODEL_DOC = Path(__file__).resolve().parents[1] / "docs" / "model.md"


def test_generated_table_is_current() -> None:
    assert generated_section(MODEL_DOC) == model_table().strip(), "run: nhskg model-table --write docs/model.md"


def test_vocabulary_tables_are_current() -> None:
    assert generated_section(MODEL_DOC, VOCAB_BEGIN) == vocabulary_tables().strip(), "run: nhskg model-table --write docs/model.md"


def test_every_label_and_type_is_documented() -> None:
    text = MODEL_DOC.read_text(encoding="utf-8")
    for name in [*NODE_LABELS, *REL_TYPES]:
        assert f"`{name}`" in text, f"docs/model.md does not mention {name}"
