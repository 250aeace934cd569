"""Validation of the time layer: a record of a dated kind has a date or a
reason, and an event has no end."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from nhskg.ingest.kb import DEFAULT_KB_DIR, KnowledgeBaseError, load_knowledge_base

QUOTE = "The ICB is directly accountable to NHS England for NHS spend and performance within the system."


def problems(tmp_path: Path, body: str) -> list[str]:
    path = tmp_path / "extra.yaml"
    path.write_text(textwrap.dedent(body).lstrip(), encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base([DEFAULT_KB_DIR, path])
    return [str(p) for p in caught.value.problems]


def test_undated_organisation_and_relation_are_refused_with_file_and_line(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        f"""
        entities:
          - id: org:an-undated-board
            label: Organisation
            name: An undated board
            evidence:
              - source: source:kingsfund-2023
                quote: "{QUOTE}"
        relations:
          - type: ACCOUNTABLE_TO
            from: org:an-undated-board
            to: org:nhs-england
            evidence:
              - source: source:kingsfund-2023
                quote: "{QUOTE}"
        """,
    )
    assert len(found) == 2
    assert found[0].endswith(":2: entity org:an-undated-board: has no valid_from; give the date it starts or `undated: <reason>`")
    assert ":9: relation ACCOUNTABLE_TO org:an-undated-board -> org:nhs-england: has no valid_from" in found[1]


def test_event_with_an_end_is_refused(tmp_path: Path) -> None:
    [problem] = problems(
        tmp_path,
        f"""
        relations:
          - type: ESTABLISHED_BY
            from: type:icb
            to: statute:health-and-care-act-2022
            valid_from: 2022-07-01
            valid_to: 2023-01-01
            evidence:
              - source: source:kingsfund-2023
                quote: "{QUOTE}"
        """,
    )
    assert "ESTABLISHED_BY is an event: it carries valid_from (the day it happened) and no valid_to" in problem


def test_a_reasoned_undated_record_and_timeless_kinds_load(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text(
        textwrap.dedent(
            f"""
            entities:
              - id: org:an-old-council
                label: Organisation
                name: An old council
                undated: a council since long before the period covered
                evidence:
                  - source: source:kingsfund-2023
                    quote: "{QUOTE}"
              - id: service:a-new-service
                label: Service
                name: a service (timeless)
                evidence:
                  - source: source:kingsfund-2023
                    quote: "{QUOTE}"
            relations:
              - type: PART_OF
                from: service:a-new-service
                to: service:nhs-services
                evidence:
                  - source: source:kingsfund-2023
                    quote: "{QUOTE}"
            """
        ).lstrip(),
        encoding="utf-8",
    )
    kb = load_knowledge_base([DEFAULT_KB_DIR, path])
    council = next(e for e in kb.entities if e.id == "org:an-old-council")
    assert council.undated and council.valid_from is None
