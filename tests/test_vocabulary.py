"""The vocabulary declaration: validation reads it, the store writes only what
it declares, the OpenAPI document carries its enums, and inheritance follows
its quantifiers (issue: the vocabulary as data)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from nhskg.core.evidence import EvidenceItem, pack
from nhskg.core.vocabulary import vocabulary
from nhskg.graph.store import GraphData, NodeRow, RelRow
from nhskg.ingest.derive import derive_edges, normalise_events
from nhskg.ingest.kb import DEFAULT_KB_DIR, KnowledgeBaseError, load_knowledge_base

QUOTE = "The ICB is directly accountable to NHS England for NHS spend and performance within the system."


def problems_for(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "extra.yaml"
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base([DEFAULT_KB_DIR, path])
    return [str(p) for p in caught.value.problems]


def relation(extra: str, type_: str = "ACCOUNTABLE_TO", from_: str = "type:icb", to: str = "org:nhs-england") -> str:
    return f"""
    relations:
      - type: {type_}
        from: {from_}
        to: {to}
        valid_from: 2022-07-01
{textwrap.indent(textwrap.dedent(extra).strip(), ' ' * 8) if extra.strip() else ''}
        evidence:
          - source: source:kingsfund-2023
            quote: "{QUOTE}"
    """


def test_the_declaration_is_consistent():
    v = vocabulary()
    assert "Organisation" in v.labels and "ACCOUNTABLE_TO" in v.relationships
    assert set(v.event_types) == {"ESTABLISHED_BY", "ABOLISHED_BY", "SUCCEEDED_BY", "RENAMED_TO"}
    assert v.relationships["COMMISSIONS"].inherited and not v.relationships["SUCCEEDED_BY"].inherited
    assert v.rel_is_dated("ACCOUNTABLE_TO", "OrganisationType", "Organisation")
    assert not v.rel_is_dated("PART_OF", "Service", "Service")


def test_a_relationship_between_labels_the_declaration_does_not_allow_is_rejected(tmp_path):
    problems = problems_for(tmp_path, relation("", "ACCOUNTABLE_TO", "service:dental-services", "org:nhs-england"))
    joined = "\n".join(problems)
    assert "extra.yaml:2:" in joined
    assert "ACCOUNTABLE_TO may start at" in joined and "not at a Service" in joined


@pytest.mark.parametrize("field", ["valid_from", "id", "derived", "status", "evidence", "source_ids"])
def test_reserved_fields_cannot_be_set_through_properties(tmp_path, field):
    problems = problems_for(tmp_path, relation(f"properties:\n  {field}: '1990-01-01'"))
    assert any(f"properties.{field} is a reserved field" in p and "extra.yaml:2:" in p for p in problems), problems


def test_entity_references_inside_properties_are_checked(tmp_path):
    problems = problems_for(tmp_path, relation("basis: statutory\nproperties:\n  statute: statute:no-such-act", "COMMISSIONS", "type:icb", "service:dental-services"))
    assert any("properties.statute: refers to unknown id 'statute:no-such-act'" in p for p in problems), problems
    problems = problems_for(tmp_path, relation("basis: statutory\nproperties:\n  statute: org:nhs-england", "COMMISSIONS", "type:icb", "service:dental-services"))
    assert any("org:nhs-england is a Organisation" in p for p in problems), problems


def test_an_undeclared_property_is_rejected(tmp_path):
    problems = problems_for(tmp_path, relation("properties:\n  colour: red"))
    assert any("properties.colour is not declared" in p for p in problems), problems


def test_the_store_writes_only_declared_labels_and_types():
    from nhskg.graph.store import load_statements

    with pytest.raises(ValueError, match="not in the schema vocabulary"):
        load_statements(GraphData([NodeRow("org:x", ("Organisation", "Martian"), {})], []))
    with pytest.raises(ValueError, match="not in the schema vocabulary"):
        load_statements(GraphData([], [RelRow("r", "LOVES", "a", "b", {})]))


def test_openapi_carries_the_vocabulary_enums(api):
    schema = api.get("/openapi.json").json()["components"]["schemas"]
    statuses = schema["Node"]["properties"]["status"]["anyOf"][0]["enum"]
    assert statuses == list(vocabulary().statuses)
    assert set(schema["Relationship"]["properties"]["type"]["enum"]) == set(vocabulary().relationships)


# --- inheritance with quantifiers ------------------------------------------------------


def _ev() -> dict:
    return pack([EvidenceItem("source:test", "a sentence", "quote")])


def _graph(type_edges: list[RelRow], explicit: list[RelRow] = (), body: dict | None = None) -> GraphData:
    nodes = [
        NodeRow("type:icb", ("OrganisationType",), {"valid_from": "2022-07-01", **_ev()}),
        NodeRow("org:nhs-england", ("Organisation",), {"valid_from": "2013-04-01", **_ev()}),
        NodeRow("org:an-icb", ("Organisation",), {"valid_from": "2022-07-01", "valid_to": "2026-04-01", **(body or {}), **_ev()}),
        NodeRow("statute:x", ("Statute",), {"valid_from": "2022-04-28", **_ev()}),
    ]
    inst = RelRow("rel:i", "INSTANCE_OF", "org:an-icb", "type:icb", {"valid_from": "2022-07-01", "valid_to": "2026-04-01", **_ev()})
    return GraphData(nodes, [inst, *type_edges, *explicit])


def _derived(data: GraphData) -> list[RelRow]:
    normalise_events(data)
    return [r for r in derive_edges(data) if r.props["rule"] == "instance-inherits-type"]


def test_only_all_statements_reach_real_bodies():
    edges = [
        RelRow("rel:a", "ACCOUNTABLE_TO", "type:icb", "org:nhs-england", {"valid_from": "2022-07-01", "quantifier": "all", **_ev()}),
        RelRow("rel:s", "COMMISSIONS", "type:icb", "service:x", {"valid_from": "2022-07-01", "quantifier": "some", **_ev()}),
        RelRow("rel:m", "PARTY_TO", "type:icb", "arrangement:y", {"valid_from": "2022-07-01", "quantifier": "may", **_ev()}),
    ]
    derived = _derived(_graph(edges))
    assert [(r.type, r.to_id) for r in derived] == [("ACCOUNTABLE_TO", "org:nhs-england")]
    got = derived[0].props
    assert (got["valid_from"], got["valid_to"]) == ("2022-07-01", "2026-04-01")  # clipped to the body's life
    assert got["derived_from"] == ["rel:a", "rel:i"] and got["inherited_from"] == "type:icb"
    assert got["id"].startswith("drv:")


def test_an_explicit_fact_overrides_only_within_its_own_dates():
    edges = [RelRow("rel:a", "ACCOUNTABLE_TO", "type:icb", "org:nhs-england", {"valid_from": "2022-07-01", **_ev()})]
    explicit = [RelRow("rel:e", "ACCOUNTABLE_TO", "org:an-icb", "org:nhs-england", {"valid_from": "2023-01-01", "valid_to": "2024-01-01", **_ev()})]
    spans = sorted((r.props.get("valid_from"), r.props.get("valid_to")) for r in _derived(_graph(edges, explicit)))
    assert spans == [("2022-07-01", "2023-01-01"), ("2024-01-01", "2026-04-01")]


def test_inherited_facts_take_the_weakest_status():
    edges = [RelRow("rel:a", "ACCOUNTABLE_TO", "type:icb", "org:nhs-england", {"valid_from": "2022-07-01", "status": "in_force", **_ev()})]
    derived = _derived(_graph(edges, body={"status": "planned"}))
    assert derived and derived[0].props["status"] == "planned"


def test_an_event_on_the_bodys_last_day_reaches_it():
    edges = [RelRow("rel:ab", "ABOLISHED_BY", "type:icb", "statute:x", {"valid_from": "2026-04-01", **_ev()})]
    derived = _derived(_graph(edges))
    assert derived and derived[0].props["date"] == "2026-04-01" and derived[0].props["event"] is True
    early = [RelRow("rel:ab", "ABOLISHED_BY", "type:icb", "statute:x", {"valid_from": "2027-04-01", **_ev()})]
    assert _derived(_graph(early)) == []
