"""Validation of the time layer: a record of a dated kind has a date or a
reason, and an event has no end."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from nhskg.ingest.kb import DEFAULT_KB_DIR, KnowledgeBase, KnowledgeBaseError, load_knowledge_base

EVIDENCE = [{"source": "source:kingsfund-2023", "quote": "The ICB is directly accountable to NHS England for NHS spend and performance within the system."}]


def write(tmp_path: Path, **sections: list[dict[str, Any]]) -> Path:
    """A data file with the given sections; every record gets a valid corpus quote."""
    path = tmp_path / "extra.yaml"
    # A fresh copy of the evidence for each record: one object twice would be dumped as a YAML alias, which knowledge-base files refuse.
    data = {name: [{**record, "evidence": [dict(e) for e in EVIDENCE]} for record in records] for name, records in sections.items()}
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base([DEFAULT_KB_DIR, path])
    return [str(p) for p in caught.value.problems]


def load(path: Path) -> KnowledgeBase:
    return load_knowledge_base([DEFAULT_KB_DIR, path])


def test_undated_organisation_and_relation_are_refused_with_file_and_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        entities=[{"id": "org:an-undated-board", "label": "Organisation", "name": "An undated board"}],
        relations=[{"type": "ACCOUNTABLE_TO", "from": "org:an-undated-board", "to": "org:nhs-england"}],
    )
    found = problems(path)
    assert len(found) == 2
    where = re.escape(str(path)) + r":\d+: "
    assert re.fullmatch(where + r"entity org:an-undated-board: has no valid_from: give the day it starts, or `undated:` with the reason no start is known", found[0])
    assert re.match(where + r"relation ACCOUNTABLE_TO org:an-undated-board -> org:nhs-england: has no valid_from", found[1])


def test_event_with_an_end_is_refused(tmp_path: Path) -> None:
    event = {"type": "ESTABLISHED_BY", "from": "type:icb", "to": "statute:health-and-care-act-2022", "valid_from": "2022-07-01", "valid_to": "2023-01-01"}
    [problem] = problems(write(tmp_path, relations=[event]))
    assert "ESTABLISHED_BY is an event: give the day it happened as valid_from, and no valid_to" in problem


def test_a_reasoned_undated_record_and_timeless_kinds_load(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        entities=[
            {"id": "org:an-old-council", "label": "Organisation", "name": "An old council", "undated": "a council since long before the period covered"},
            {"id": "service:a-new-service", "label": "Service", "name": "a service (timeless)"},
        ],
        relations=[{"type": "PART_OF", "from": "service:a-new-service", "to": "service:nhs-services"}],
    )
    council = next(e for e in load(path).entities if e.id == "org:an-old-council")
    assert council.undated and council.valid_from is None


def test_extraction_candidates_under_review_need_no_date_until_accepted(tmp_path: Path) -> None:
    candidate = {"type": "ACCOUNTABLE_TO", "from": "type:icb", "to": "org:nhs-england", "review": "pending", "confidence": 0.5}
    path = write(tmp_path, relations=[candidate])
    assert load_knowledge_base([DEFAULT_KB_DIR, path], include_candidates=True)
    candidate["review"] = "accepted"
    assert any("has no valid_from" in p for p in problems(write(tmp_path, relations=[candidate])))
