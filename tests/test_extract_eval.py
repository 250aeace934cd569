"""The extraction quality measure over the corpus, against the curated KB.

The numbers are computed here, not read from docs/extraction.md; the test
fails if entity precision or recall falls below the floor we achieve.
"""

from __future__ import annotations

import pytest

from nhskg.ingest.extract.evaluate import Score, evaluate, gold_entities, markdown_table
from nhskg.ingest.kb import load_knowledge_base

ENTITY_FLOOR = 0.8


@pytest.fixture(scope="module")
def evaluation():
    kb = load_knowledge_base()
    if not kb.entities:
        pytest.skip("the curated knowledge base has no entities yet")
    return evaluate(kb)


def test_all_corpus_documents_are_scored(evaluation):
    assert len(evaluation.documents) == 5


def test_entity_precision_and_recall_meet_the_floor(evaluation):
    total = evaluation.total(evaluation.entities)
    assert total.tp + total.fp > 0 and total.tp + total.fn > 0
    assert total.precision is not None and total.precision >= ENTITY_FLOOR, markdown_table(evaluation)
    assert total.recall is not None and total.recall >= ENTITY_FLOOR, markdown_table(evaluation)


def test_table_lists_labels_and_relation_types(evaluation):
    table = markdown_table(evaluation)
    assert "| Entity label |" in table and "| Relation type |" in table and "micro total" in table


def test_score_arithmetic():
    s = Score()
    s.add({"a", "b", "c"}, {"b", "c", "d", "e"})
    assert (s.tp, s.fp, s.fn) == (2, 1, 2)
    assert s.precision == pytest.approx(2 / 3) and s.recall == pytest.approx(0.5)


def test_gold_includes_named_entities_case_sensitively():
    kb = load_knowledge_base()
    if not kb.entities:
        pytest.skip("the curated knowledge base has no entities yet")
    cited, gold = gold_entities(kb, "source:none", "Nothing here is a name, and we monitor things.")
    assert not cited
    assert not any(kb_e.name == "Monitor" and kb_e.id in gold for kb_e in kb.entities)
