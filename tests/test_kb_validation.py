"""Validation of knowledge-base data files: every problem reported with file
and line, nothing loaded, the previous graph intact."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from nhskg.graph.falkordb_engine import FalkorDBStore
from nhskg.ingest.kb import DEFAULT_KB_DIR, KnowledgeBaseError, load_knowledge_base, normalise_text, quote_occurs
from nhskg.ingest.pipeline import build_graph, ingest

GOOD_QUOTE = "The ICB is directly accountable to NHS England for NHS spend and performance within the system."


def write(tmp_path: Path, text: str, name: str = "extra.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def problems_for(path: Path) -> list[str]:
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base([DEFAULT_KB_DIR, path])
    return [str(p) for p in caught.value.problems]


def test_the_curated_knowledge_base_is_valid() -> None:
    kb = load_knowledge_base()
    assert len(kb.entities) > 100 and len(kb.relations) > 150
    assert kb.delegations and kb.budgets and kb.counts
    corpus = [s for s in kb.sources if not s.external]
    assert len(corpus) == 5 and all(s.id in kb.texts for s in corpus)


def test_external_facts_cite_a_url_and_are_marked() -> None:
    kb = load_knowledge_base()
    external = {s.id for s in kb.sources if s.external}
    assert external, "outside facts need external sources"
    assert all(s.url and s.url.startswith("https://") and s.title for s in kb.sources if s.external)
    data = build_graph()
    marked = 0
    facts = [n for n in data.nodes if "Source" not in n.labels] + data.relationships
    for element in facts:
        cites_outside = bool(set(element.props.get("source_ids", [])) & external)
        assert element.props.get("external", False) == cites_outside, element.id
        marked += cites_outside
    assert marked > 0


def test_unknown_id_is_reported_with_file_and_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"""
        relations:
          - type: ACCOUNTABLE_TO
            from: type:icb
            to: org:no-such-body
            valid_from: 2022-07-01
            evidence:
              - source: source:kingsfund-2023
                quote: "{GOOD_QUOTE}"
        """,
    )
    assert problems_for(path) == [f"{path}:2: relation ACCOUNTABLE_TO type:icb -> org:no-such-body: to refers to unknown id org:no-such-body"]


def test_missing_evidence_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        relations:
          - type: ACCOUNTABLE_TO
            from: type:icb
            to: org:nhs-england
            valid_from: 2022-07-01
        """,
    )
    [problem] = problems_for(path)
    assert problem.startswith(f"{path}:2:") and "no evidence" in problem


def test_quote_not_in_document_names_file_fact_and_quote(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        relations:
          - type: ACCOUNTABLE_TO
            from: type:icb
            to: org:nhs-england
            valid_from: 2022-07-01
            evidence:
              - source: source:kingsfund-2023
                quote: "ICBs answer to the Treasury for everything."
        """,
    )
    [problem] = problems_for(path)
    assert f"{path}:7:" in problem
    assert "relation ACCOUNTABLE_TO type:icb -> org:nhs-england" in problem
    assert "quote not found in source:kingsfund-2023 (004_8e1c41f1e03ebadd.txt)" in problem
    assert "ICBs answer to the Treasury" in problem


def test_reversed_dates_and_bad_values_are_all_reported_together(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"""
        relations:
          - type: ACCOUNTABLE_TO
            from: type:icb
            to: org:nhs-england
            valid_from: 2024-01-01
            valid_to: 2022-07-01
            evidence:
              - source: source:kingsfund-2023
                quote: "{GOOD_QUOTE}"
          - type: COMMISSIONS
            from: type:icb
            to: service:dental-services
            basis: whimsical
            evidence:
              - source: source:kingsfund-2023
                quote: "{GOOD_QUOTE}"
        budgets:
          - id: budget:nonsense
            name: a negative budget
            amount_gbp: -5
            original_text: "-£5"
            fiscal_year: 2017/19
            evidence:
              - source: source:kingsfund-2023
                quote: "{GOOD_QUOTE}"
        entities:
          - id: org:nhs-england
            label: Organisation
            name: a second NHS England
            valid_from: 2013-13-01
            evidence:
              - source: source:kingsfund-2023
                quote: "{GOOD_QUOTE}"
        """,
    )
    problems = problems_for(path)
    text = "\n".join(problems)
    assert f"{path}:2:" in text and "valid_from 2024-01-01 is not before valid_to 2022-07-01" in text
    assert f"{path}:10: relations COMMISSIONS type:icb -> service:dental-services: basis 'whimsical'" in text
    assert f"{path}:18: budgets budget:nonsense: amount_gbp: Input should be greater than 0" in text
    assert f"{path}:18: budgets budget:nonsense: fiscal_year: fiscal_year '2017/19' is not like 2017/18" in text
    assert f"{path}:27: entities org:nhs-england: valid_from: expected an ISO date YYYY-MM-DD, got '2013-13-01'" in text


def test_duplicate_id_names_both_places(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"""
        entities:
          - id: type:icb
            label: OrganisationType
            name: integrated care board again
            valid_from: 2022-07-01
            evidence:
              - source: source:kingsfund-2023
                quote: "{GOOD_QUOTE}"
        """,
    )
    [problem] = problems_for(path)
    assert problem.startswith(f"{path}:2: duplicate id type:icb (first defined at ")


def test_invalid_yaml_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "relations:\n  - type: [unclosed\n")
    [problem] = problems_for(path)
    assert problem.startswith(f"{path}:") and "not valid YAML" in problem


def test_rejected_load_leaves_the_previous_graph(tmp_path: Path, fresh_store: FalkorDBStore) -> None:
    ingest(fresh_store)
    before = fresh_store.counts()
    bad = write(tmp_path, "entities:\n  - id: org:x\n    label: Organisation\n    name: X\n")
    with pytest.raises(KnowledgeBaseError):
        ingest(fresh_store, [DEFAULT_KB_DIR, bad])
    assert fresh_store.counts() == before


def test_quotes_match_across_whitespace_and_typographic_quotes() -> None:
    document = normalise_text("creating an \u2018internal\n   market\u2019. It was")
    assert quote_occurs("creating an 'internal market'.", document)
    assert not quote_occurs("creating an external market", document)
