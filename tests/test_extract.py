"""Tests of `nhskg extract` on documents written for the tests (tests/fixtures/extract/).

The gazetteer is a small fixture KB (tests/fixtures/extract/kb/), so these
tests do not depend on the curated KB, which changes as it is written.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import pytest
import yaml

from nhskg.ingest.extract.cli import main, register
from nhskg.ingest.extract.gazetteer import build_gazetteer
from nhskg.ingest.extract.output import report
from nhskg.ingest.extract.pipeline import extract_file
from nhskg.ingest.extract.reader import read_document
from nhskg.ingest.extract.sentences import split_sentences
from nhskg.ingest.extract.values import find_dates, find_money
from nhskg.ingest.kb import load_knowledge_base
from nhskg.core.errors import UserError

FIX = Path(__file__).parent / "fixtures" / "extract"
KB_DIR = FIX / "kb"


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base([KB_DIR])


@pytest.fixture(scope="module")
def gaz(kb):
    return build_gazetteer(kb.entities)


def _report(path: Path, kb, gaz) -> dict:
    return report(extract_file(path, kb, gaz))


def _rels(rep: dict) -> set[tuple[str, str, str]]:
    return {(r["type"], r["from"], r["to"]) for r in rep["relations"]}


def _ids(rep: dict) -> set[str]:
    return {e["resolved_id"] for e in rep["entities"] if e["resolved_id"]}


# --- names and aliases -------------------------------------------------------------------


def test_names_aliases_and_variants_resolve(kb, gaz):
    rep = _report(FIX / "explainer_names.md", kb, gaz)
    ids = _ids(rep)
    # "the 2022 Health and Care Act" and "Health and Care Act 2022" are one statute.
    assert "statute:hca-2022" in ids
    assert "type:icb" in ids and "type:ccg" in ids  # "ICBs", "clinical commissioning groups", "CCGs"
    assert "org:nws-ccg" in ids  # "NWS CCG" and "North West Surrey CCG"
    assert "section:nhs-act-2006-s75" in ids  # "section 75"
    assert "policy:better-care-fund" in ids and "org:riverside-council" in ids
    names = {e["name"] for e in rep["entities"] if e["resolved_id"] == "statute:hca-2022"}
    assert names  # one entry per entity, first mention as evidence
    # A name the KB does not know is proposed as new, and listed as unresolved.
    new = [e for e in rep["entities"] if e["resolved_id"] is None and e["label"] == "Organisation"]
    assert any("Riverside Care Alliance Board" in e["name"] for e in new)
    assert any("Riverside Care Alliance Board" in u["text"] for u in rep["unresolved"])


def test_one_word_names_are_case_sensitive(kb, gaz, tmp_path):
    doc = tmp_path / "monitor.txt"
    doc.write_text("Commissioners monitor quality every year. Monitor is the sector regulator for NHS England.\n")
    rep = _report(doc, kb, gaz)
    monitors = [e for e in rep["entities"] if e["resolved_id"] == "org:monitor"]
    assert len(monitors) == 1 and monitors[0]["mentions"] == 1
    assert ("REGULATES", "org:monitor", "org:nhs-england") in _rels(rep)


def test_acronym_defined_in_document_resolves_later_uses(kb, gaz, tmp_path):
    doc = tmp_path / "acr.txt"
    doc.write_text("The Riverside Health Alliance Board (RHAB) meets monthly. Riverside Borough Council is a member of the RHAB.\n")
    rep = _report(doc, kb, gaz)
    assert ("MEMBER_OF", "org:riverside-council", "org:riverside-health-alliance-board") in _rels(rep)


# --- money, dates, counts -------------------------------------------------------------------


def test_money_with_fiscal_year_and_part_of():
    m = find_money("Approximately two-thirds of the budget (£73.6 billion in 2017/18) is allocated to CCGs.")
    assert [(x.amount_gbp, x.fiscal_year) for x in m] == [(73.6e9, "2017/18")]
    m = find_money("In 2016/17, local authorities spent approximately £15 billion on adult social care.")
    assert m[0].amount_gbp == 15e9 and m[0].fiscal_year == "2016/17" and m[0].approximate
    m = find_money("CCGs became responsible for £65bn of the £95bn budget and £1.2m more.")
    assert [x.amount_gbp for x in m] == [65e9, 95e9, 1.2e6]


def test_money_budgets_in_report(kb, gaz):
    rep = _report(FIX / "explainer_names.md", kb, gaz)
    money = {e["name"]: e["value"] for e in rep["entities"] if e["label"] == "Money"}
    assert money["£65bn"]["amount_gbp"] == 65e9 and money["£95bn"]["amount_gbp"] == 95e9
    part = [r for r in rep["relations"] if r["type"] == "PART_OF" and r["from"].startswith("budget:")]
    assert part and "65bn" in part[0]["from"] and "95bn" in part[0]["to"]
    assert any(r["type"] == "HELD_BY" and r["to"] == "type:ccg" and "65bn" in r["from"] for r in rep["relations"])


def test_dates_and_periods():
    d = {x.text: x for x in find_dates("Since 2013, and from April 2024; on 1 April 2013, 1st April 2013 and 30/11/2016 in 2013/14, early 2018.")}
    assert d["2013"].iso == "2013-01-01" and d["2013"].qualifier == "since"
    assert d["April 2024"].iso == "2024-04-01" and d["April 2024"].qualifier == "from"
    assert d["1 April 2013"].iso == "2013-04-01" and d["1 April 2013"].precision == "day"
    assert d["1st April 2013"].iso == "2013-04-01"
    assert d["30/11/2016"].iso == "2016-11-30"
    assert d["2013/14"].precision == "fiscal_year" and d["2013/14"].iso == "2013-04-01"
    assert d["early 2018"].iso == "2018-01-01"


def test_counts(kb, gaz):
    rep = _report(FIX / "explainer_names.md", kb, gaz)
    counts = {(e["value"]["of"], e["value"]["count"]) for e in rep["entities"] if e["label"] == "Count"}
    assert ("type:ccg", 211) in counts and ("type:csu", 4) in counts
    rep = _report(FIX / "explainer_relations.txt", kb, gaz)
    counts = {(e["value"]["of"], e["value"]["count"]) for e in rep["entities"] if e["label"] == "Count"}
    assert ("type:ics", 42) in counts


# --- relations ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def relations_report(kb, gaz):
    return _report(FIX / "explainer_relations.txt", kb, gaz)


@pytest.mark.parametrize(
    "rel",
    [
        ("ESTABLISHED_BY", "type:icb", "statute:hca-2022"),
        ("ESTABLISHED_BY", "type:ccg", "statute:hsca-2012"),
        ("ABOLISHED_BY", "type:ccg", "statute:hca-2022"),
        ("SUCCEEDED_BY", "type:ccg", "type:icb"),
        ("COMMISSIONS", "type:local-authority", "service:public-health"),
        ("COMMISSIONS", "type:icb", "service:maternity"),
        ("ACCOUNTABLE_TO", "type:icb", "org:nhs-england"),
        ("DELEGATES_TO", "org:nhs-england", "type:icb"),
        ("PART_OF", "type:gp-practice", "type:ccg"),
        ("MEMBER_OF", "type:gp-practice", "type:ccg"),
        ("PART_OF", "type:icp", "type:ics"),
        ("PART_OF", "type:hwb", "type:local-authority"),
        ("HAS_REGARD_TO", "type:icb", "policy:integrated-care-strategy"),
    ],
)
def test_relation_types(relations_report, rel):
    assert rel in _rels(relations_report)


def test_relations_carry_dates_status_and_basis(relations_report):
    by = {(r["type"], r["from"], r["to"]): r for r in relations_report["relations"]}
    assert by[("ESTABLISHED_BY", "type:icb", "statute:hca-2022")]["valid_from"] == "2022-07-01"
    assert by[("COMMISSIONS", "type:local-authority", "service:public-health")]["valid_from"] == "2013-01-01"
    assert by[("COMMISSIONS", "type:local-authority", "service:public-health")]["basis"] == "statutory"
    d = by[("DELEGATES_TO", "org:nhs-england", "type:icb")]
    assert d["valid_from"] == "2024-04-01" and d["status"] == "planned"
    assert by[("COMMISSIONS", "org:nws-ccg", "service:primary-care")]["basis"] in ("delegated", "co-commissioned")
    ev = by[("ACCOUNTABLE_TO", "type:icb", "org:nhs-england")]["evidence"]
    text = (FIX / "explainer_relations.txt").read_text()
    assert text[ev["start"]:ev["end"]] == ev["quote"] == "Each ICB is accountable to NHS England for NHS spend and performance."


def test_money_relations(relations_report):
    rels = _rels(relations_report)
    assert any(t == "HELD_BY" and to == "type:ccg" and "73-6bn" in f for t, f, to in rels)
    assert any(t == "FUNDS" and to == "service:adult-social-care" for t, _, to in rels)


def test_negatives_mentioning_two_bodies_relate_nothing(kb, gaz, tmp_path):
    doc = tmp_path / "neg.txt"
    doc.write_text(
        "NHS England and local authorities met in London to discuss the Better Care Fund.\n"
        "CCGs do not commission dental services.\n"
        "ICBs and CCGs are described in this explainer.\n"
        "Monitor, the Care Quality Commission and NHS England published a joint statement.\n"
    )
    assert _report(doc, kb, gaz)["relations"] == []


# --- document formats ----------------------------------------------------------------------


def test_html_is_read_as_text(kb, gaz):
    doc = read_document(FIX / "board_paper.html")
    assert doc.kind == "html" and doc.title == "Board paper: delegation of dental services" and doc.date == "2023-03-30"
    assert "var x" not in doc.text and "color" not in doc.text and "&amp;" not in doc.text
    rep = _report(FIX / "board_paper.html", kb, gaz)
    rels = _rels(rep)
    assert ("DELEGATES_TO", "org:nhs-england", "type:icb") in rels
    assert ("ACCOUNTABLE_TO", "type:icb", "org:nhs-england") in rels
    assert not any(t == "COMMISSIONS" for t, _, _ in rels)  # the script's text is not read


def test_markdown_markup_is_removed():
    doc = read_document(FIX / "explainer_names.md")
    assert doc.kind == "markdown" and doc.title == "Who pays for local care?" and doc.date == "2024-05-01"
    assert "**" not in doc.text and "https://" not in doc.text and "Better Care Fund locally" in doc.text


def test_sentence_offsets_and_abbreviations():
    text = "Dr. Smith said so, i.e. it is. Services are commissioned.\n• A bullet point\n"
    sents = split_sentences(text)
    assert [s.text for s in sents] == ["Dr. Smith said so, i.e. it is.", "Services are commissioned.", "A bullet point"]
    assert all(text[s.start:s.end] == s.text for s in sents)


# --- bad input ----------------------------------------------------------------------------------


def test_empty_file(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_text("  \n")
    with pytest.raises(UserError, match="empty"):
        read_document(p)


def test_binary_file(tmp_path):
    p = tmp_path / "x.txt"
    p.write_bytes(b"%PDF-1.4\x00\x01\x02binary")
    with pytest.raises(UserError, match="binary"):
        read_document(p)


def test_undecodable_file(tmp_path):
    p = tmp_path / "latin.txt"
    p.write_bytes("Clinical commissioning groups caf\xe9".encode("latin-1"))
    with pytest.raises(UserError, match="not UTF-8"):
        read_document(p)


def test_missing_and_unreadable_file(tmp_path):
    with pytest.raises(UserError, match="no such file"):
        read_document(tmp_path / "nope.txt")
    with pytest.raises(UserError, match="directory"):
        read_document(tmp_path)
    p = tmp_path / "secret.txt"
    p.write_text("NHS England commissions specialised services.\n")
    p.chmod(0)
    try:
        if os.access(p, os.R_OK):
            pytest.skip("running as a user who can read anything (root)")
        with pytest.raises(UserError, match="permission"):
            read_document(p)
    finally:
        p.chmod(0o644)


def test_very_large_file_is_refused_with_a_message(tmp_path, monkeypatch):
    monkeypatch.setenv("NHSKG_EXTRACT_MAX_BYTES", "1000")
    p = tmp_path / "big.txt"
    p.write_text("NHS England commissions specialised services.\n" * 100)
    with pytest.raises(UserError, match="larger than the 1000-byte limit"):
        read_document(p)


def test_bad_input_is_one_line_error_from_cli(tmp_path, capsys):
    p = tmp_path / "empty.txt"
    p.write_text("")
    code = main(["extract", "--kb", str(KB_DIR), str(p)])
    err = capsys.readouterr().err.strip()
    assert code != 0 and err.count("\n") == 0 and err.startswith("nhskg: error:") and "empty" in err


def test_utf16_with_bom_is_read(tmp_path):
    p = tmp_path / "u16.txt"
    p.write_bytes("NHS England commissions specialised services.\n".encode("utf-16"))
    assert "NHS England" in read_document(p).text


# --- CLI output and candidates -------------------------------------------------------------------


def test_register_adds_subcommands():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    register(sub)
    args = parser.parse_args(["extract", "a.txt", "--format", "yaml", "--out", "d"])
    assert callable(args.func) and args.format == "yaml" and args.out == "d"
    args = parser.parse_args(["extract-eval", "--format", "json"])
    assert callable(args.func)


def test_json_shape(capsys):
    assert main(["extract", "--kb", str(KB_DIR), "--format", "json", str(FIX / "explainer_relations.txt")]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"document", "entities", "relations", "unresolved"}
    for e in data["entities"]:
        assert {"name", "label", "resolved_id", "evidence", "confidence"} <= set(e)
        assert {"quote", "start", "end"} <= set(e["evidence"])
    for r in data["relations"]:
        assert {"type", "from", "to", "evidence", "confidence", "valid_from", "status"} <= set(r)


def test_yaml_format(capsys):
    assert main(["extract", "--kb", str(KB_DIR), "--format", "yaml", str(FIX / "board_paper.html")]) == 0
    assert "relations" in yaml.safe_load(capsys.readouterr().out)


def test_candidates_validate_and_only_accepted_load(tmp_path, capsys):
    out = tmp_path / "cands"
    files = [str(FIX / "explainer_relations.txt"), str(FIX / "explainer_names.md"), str(FIX / "board_paper.html")]
    assert main(["extract", "--kb", str(KB_DIR), "--out", str(out), *files]) == 0
    capsys.readouterr()
    full = load_knowledge_base([KB_DIR, out], include_candidates=True)
    assert full.relations and all(r.review == "pending" and r.confidence is not None for r in full.relations)
    assert any(e.review == "pending" for e in full.entities)
    base = load_knowledge_base([KB_DIR])
    loaded = load_knowledge_base([KB_DIR, out])
    assert len(loaded.relations) == 0 and len(loaded.entities) == len(base.entities)
    # Accept one relation: it loads, the pending ones still do not.
    path = out / "explainer-relations.candidates.yaml"
    data = yaml.safe_load(path.read_text())
    target = next(r for r in data["relations"] if r["type"] == "ACCOUNTABLE_TO")
    target["review"] = "accepted"
    # Accepting means the reviewer dates it: a loaded fact needs a date or a reason.
    target.setdefault("valid_from", "2022-07-01")
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    loaded = load_knowledge_base([KB_DIR, out])
    assert [(r.type, r.from_, r.to) for r in loaded.relations] == [("ACCOUNTABLE_TO", "type:icb", "org:nhs-england")]


def test_unreadable_file_even_as_root(tmp_path, monkeypatch):
    p = tmp_path / "locked.txt"
    p.write_text("NHS England commissions specialised services.\n")

    def deny(self, *a, **k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", deny)
    with pytest.raises(UserError, match="permission denied"):
        read_document(p)


def test_size_cap_bounds_the_read_even_if_stat_is_wrong(tmp_path, monkeypatch):
    """Only cap + 1 bytes are ever read, so a device or growing file cannot exhaust memory."""
    monkeypatch.setenv("NHSKG_EXTRACT_MAX_BYTES", "64")
    with pytest.raises(UserError, match="limit"):
        read_document(Path("/dev/zero"))
