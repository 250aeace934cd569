"""What the curated knowledge base says, asked of the ingested graph in a real
FalkorDB, on the dates that matter. The questions are the issue's, plus more
from the documents. The Cypher here is test scaffolding with parameters; the
API's own queries live in queries/."""

from __future__ import annotations

from typing import Any

import pytest

from nhskg.graph.falkordb_engine import FalkorDBStore

VALID = "coalesce({x}.valid_from, '0000-01-01') <= $as_of AND $as_of < coalesce({x}.valid_to, '9999-12-31')"


@pytest.fixture(scope="module")
def ask(kg_store: FalkorDBStore):
    def run(cypher: str, **params: Any) -> list[dict[str, Any]]:
        return kg_store.run_read(cypher, params)

    return run


def commissioners(ask, service: str, as_of: str) -> dict[str, dict[str, Any]]:
    rows = ask(
        f"MATCH (c:Entity)-[r:COMMISSIONS]->(s:Entity {{id: $service}}) WHERE {VALID.format(x='r')} AND {VALID.format(x='c')} "
        "RETURN c.id AS id, r.basis AS basis, r.derived AS derived, r.evidence AS evidence, r.status AS status",
        service=service,
        as_of=as_of,
    )
    return {r["id"]: r for r in rows}


def test_urgent_and_emergency_care_2016_is_ccgs(ask) -> None:
    found = commissioners(ask, "service:urgent-and-emergency-care", "2016-06-01")
    assert "type:ccg" in found and found["type:ccg"]["basis"] == "statutory"
    assert "type:icb" not in found
    # The type's fact reaches a real CCG, marked derived.
    assert found["org:nws-ccg"]["derived"] is True


def test_urgent_and_emergency_care_2023_is_icbs(ask) -> None:
    found = commissioners(ask, "service:urgent-and-emergency-care", "2023-06-01")
    assert "type:icb" in found
    assert "type:ccg" not in found and "org:nws-ccg" not in found
    assert all(found["type:icb"]["evidence"])


def test_sexual_health_is_local_authorities_from_april_2013(ask) -> None:
    after = commissioners(ask, "service:sexual-health", "2013-04-01")
    assert "type:local-authority" in after
    assert any("sexual health services" in quote for quote in after["type:local-authority"]["evidence"])
    assert "type:local-authority" in commissioners(ask, "service:sexual-health", "2024-01-01")
    assert "type:local-authority" not in commissioners(ask, "service:sexual-health", "2013-03-31")


def test_what_the_2012_act_abolished(ask) -> None:
    rows = ask("MATCH (x:Entity)-[r:ABOLISHED_BY]->(:Entity {id: 'statute:health-and-social-care-act-2012'}) RETURN x.id AS id, r.valid_from AS date")
    abolished = {r["id"]: r["date"] for r in rows}
    assert abolished.get("type:pct") == "2013-04-01"
    assert abolished.get("type:sha") == "2013-04-01"


def test_what_succeeded_ccgs_and_when(ask) -> None:
    rows = ask("MATCH (:Entity {id: 'type:ccg'})-[r:SUCCEEDED_BY]->(n) RETURN n.id AS id, r.valid_from AS date, r.statute AS statute")
    assert {"id": "type:icb", "date": "2022-07-01", "statute": "statute:health-and-care-act-2022"} in rows
    rows = ask("MATCH (:Entity {id: 'type:pct'})-[r:SUCCEEDED_BY]->(n) RETURN n.id AS id, r.valid_from AS date")
    assert {"id": "type:ccg", "date": "2013-04-01"} in rows


def test_nhs_commissioning_board_finds_the_board_renamed_nhs_england(ask) -> None:
    rows = ask(
        "MATCH (n:Entity) WHERE any(a IN coalesce(n.aliases, []) WHERE toLower(a) = toLower($q)) OR toLower(n.name) = toLower($q) RETURN n.id AS id",
        q="NHS Commissioning Board",
    )
    # One legal body, one node: the Board's name is an alias of NHS England,
    # whose name_history dates both names; the old id is a former id.
    assert {r["id"] for r in rows} == {"org:nhs-england"}
    [node] = ask("MATCH (n:Entity {id: 'org:nhs-england'}) RETURN n.name_history AS h, n.former_ids AS f, n.valid_from AS start")
    assert node["f"] == ["org:nhs-commissioning-board"] and node["start"] == "2012-10-01"
    assert node["h"][0] == "2012-10-01: NHS Commissioning Board" and "2022-07-01: NHS England (statutory name)" in node["h"]


def test_ccg_budget_2017_18(ask) -> None:
    rows = ask(
        "MATCH (b:Budget)-[:HELD_BY]->(:Entity {id: 'type:ccg'}) WHERE b.fiscal_year = '2017/18' "
        "RETURN b.amount_gbp AS amount, b.original_text AS text, b.evidence AS evidence"
    )
    # Two statements of the year, both kept: the King's Fund's and NHS England's own total.
    assert sorted(r["amount"] for r in rows) == [73_358_000_000, 73_600_000_000]
    kings_fund = next(r for r in rows if r["amount"] == 73_600_000_000)
    assert kings_fund["text"] == "£73.6 billion"
    assert any("£73.6 billion in 2017/18" in q for q in kings_fund["evidence"])


def test_what_nhs_england_delegated_to_icbs_and_when(ask) -> None:
    rows = ask(
        "MATCH (:Entity {id: 'org:nhs-england'})-[r:DELEGATES_TO]->(:Entity {id: 'type:icb'}) "
        "RETURN r.delegation_id AS id, r.services AS services, r.valid_from AS date, r.status AS status"
    )
    by_id = {r["id"]: r for r in rows}
    pod = by_id["delegation:nhse-pod-to-icbs"]
    assert pod["date"] == "2023-04-01" and pod["status"] == "in_force"
    assert {"service:dental-services", "service:pharmaceutical-services", "service:general-ophthalmic-services"} <= set(pod["services"])
    specialised = {r["id"]: r for r in rows if any("specialised" in s for s in r["services"])}
    # The July 2023 plan is kept but superseded; all ICBs have the delegation from April 2025.
    assert specialised["delegation:nhse-specialised-services-to-icbs"]["status"] == "superseded"
    national = specialised["delegation:nhse-specialised-services-to-icbs-2025"]
    assert national["date"] == "2025-04-01" and national["status"] == "in_force"


def test_delegation_does_not_move_accountability(ask) -> None:
    rows = ask("MATCH (d:Delegation)-[:ACCOUNTABILITY_RETAINED_BY]->(a) RETURN d.id AS id, d.by AS by, a.id AS accountable")
    assert any(r["accountable"] == "org:nhs-england" and "specialised" in r["id"] for r in rows)
    assert any(r["accountable"] == "type:icb" and r["by"] == "type:icb" for r in rows)


def test_regional_teams_four_kept_as_disputed_and_seven_from_2019(ask) -> None:
    rows = ask(
        "MATCH (c:Count)-[:COUNT_OF]->(:Entity {id: 'type:nhse-regional-team'}) "
        "RETURN c.value AS value, c.status AS status, c.valid_from AS valid_from, c.source_ids AS sources"
    )
    values = {r["value"]: r for r in rows}
    assert set(values) >= {4, 7}
    assert values[4]["sources"] == ["source:kingsfund-2017"] and values[4]["status"] == "disputed"
    assert values[7]["status"] == "in_force" and values[7]["valid_from"] == "2019-04-01"
    assert "source:kingsfund-2023" in values[7]["sources"]
    in_force = f"MATCH (c:Count)-[:COUNT_OF]->(:Entity {{id: 'type:nhse-regional-team'}}) WHERE {VALID.format(x='c')} AND c.status = 'in_force' RETURN c.value AS value"
    assert ask(in_force, as_of="2024-01-01") == [{"value": 7}]
    assert ask(in_force, as_of="2018-06-01") == []


@pytest.mark.parametrize(("type_id", "value"), [("type:ccg", 211), ("type:ics", 42), ("type:csu", 4)])
def test_counts_over_time(ask, type_id: str, value: int) -> None:
    rows = ask("MATCH (c:Count)-[:COUNT_OF]->(:Entity {id: $type}) RETURN c.value AS value", type=type_id)
    assert value in {r["value"] for r in rows}


def test_2010_proposals_are_recorded_as_proposed(ask) -> None:
    rows = ask("MATCH (n:Entity {id: 'type:gp-consortium'}) RETURN n.status AS status")
    assert rows == [{"status": "proposed"}]
    facts = ask(
        "MATCH (a)-[r]->(b) WHERE r.source_ids = ['source:commissioning-levels-2010'] RETURN r.status AS status, count(*) AS n"
    )
    statuses = {r["status"]: r["n"] for r in facts}
    assert statuses.get("proposed", 0) > 0
    assert statuses.get("in_force", 0) == 0, "a fact only the 2010 proposals document states cannot be in force"


def test_icb_accountability_chain_reaches_parliament_in_2024(ask) -> None:
    rows = ask(
        "MATCH p = (:Entity {id: 'type:place-based-committee'})-[:ACCOUNTABLE_TO*1..6]->(top:Entity {id: 'org:parliament'}) "
        f"WHERE all(r IN relationships(p) WHERE {VALID.format(x='r')}) "
        "RETURN [n IN nodes(p) | n.id] AS chain",
        as_of="2024-01-01",
    )
    chains = [r["chain"] for r in rows]
    assert ["type:place-based-committee", "type:icb", "org:nhs-england", "org:secretary-of-state-for-health-and-social-care", "org:parliament"] in chains


def test_ccgs_answered_to_nhs_england_in_2016_not_2024(ask) -> None:
    query = f"MATCH (:Entity {{id: 'org:nws-ccg'}})-[r:ACCOUNTABLE_TO]->(n) WHERE {VALID.format(x='r')} RETURN n.id AS id"
    assert {"id": "org:nhs-england"} in ask(query, as_of="2016-06-01")
    assert ask(query, as_of="2024-06-01") == []


def test_service_hierarchy(ask) -> None:
    parents = ask("MATCH (:Entity {id: 'service:renal-dialysis'})-[:PART_OF*1..3]->(p:Service) RETURN p.id AS id")
    assert {"id": "service:specialised-services"} in parents
    parents = ask("MATCH (:Entity {id: 'service:sexual-health'})-[:PART_OF*1..3]->(p:Service) RETURN p.id AS id")
    assert {"id": "service:public-health"} in parents


def test_partnerships_have_members(ask) -> None:
    rows = ask("MATCH (m)-[:PARTY_TO|MEMBER_OF]->(:Entity {id: 'arrangement:better-care-fund'}) RETURN m.id AS id")
    members = {r["id"] for r in rows}
    assert "type:ccg" in members or "org:nws-ccg" in members
    assert "type:local-authority" in members or "org:surrey-county-council" in members


def test_every_fact_has_provenance_and_iso_dates(ask) -> None:
    missing = ask(
        "MATCH (a)-[r]->(b) WHERE r.evidence IS NULL OR size(r.evidence) = 0 OR r.source_ids IS NULL RETURN r.id AS id LIMIT 5"
    )
    assert missing == []
    missing = ask("MATCH (n:Entity) WHERE NOT n:Source AND (n.evidence IS NULL OR size(n.evidence) = 0) RETURN n.id AS id LIMIT 5")
    assert missing == []
    dates = ask("MATCH ()-[r]->() WHERE r.valid_from IS NOT NULL RETURN DISTINCT r.valid_from AS d")
    assert dates and all(len(r["d"]) == 10 and r["d"][4] == "-" and r["d"][7] == "-" for r in dates)
    lengths = ask("MATCH ()-[r]->() RETURN r.id AS id, size(r.evidence) AS quotes, size(r.evidence_sources) AS sources")
    assert all(r["quotes"] == r["sources"] for r in lengths)
