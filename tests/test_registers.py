"""The register layer: counts on dates pinned against the register files
themselves (read here with the csv module, independently of the loader),
successions, links by year, provenance; at the graph-data level and through
the real engine (the session's ingested FalkorDB)."""

from __future__ import annotations

import csv
import hashlib
from collections import defaultdict
from pathlib import Path

import pytest

from nhskg.graph.store import GraphData
from nhskg.ingest.pipeline import build_graph
from nhskg.ingest.registers.reconcile import load_reconciliation

FILES = Path(__file__).resolve().parents[1] / "ingest" / "registers" / "files"
SHARED = Path("/work/shared/registers")


def text_of(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")  # older ONS files


def rows(rel: str) -> list[list[str]]:
    return [r for r in csv.reader(text_of(FILES / rel).splitlines()) if r]


def dicts(rel: str) -> list[dict[str, str]]:
    head, *body = rows(rel)
    return [dict(zip(head, r)) for r in body]


def iso(ods: str) -> str:
    return f"{ods[:4]}-{ods[4:6]}-{ods[6:]}" if ods else ""


def ccgs_open_on(day: str) -> set[str]:
    """CCG codes (not hubs or reporting entities) open on `day` per ODS eccg."""
    out = set()
    for r in rows("ods/eccg_2025-11.csv"):
        if r[13] not in ("", "RO319", "RO319|RO326"):
            continue
        opened, closed = iso(r[10]), iso(r[11])
        if opened <= day and (not closed or closed >= day) and day < "2022-07-01":
            out.add(r[0])
    return out


def succ_rows() -> list[list[str]]:
    return rows("ods/succ_2026-05.csv")


MERGED = load_reconciliation().mapping  # register id -> curated id


def body(ods_code: str) -> str:
    """The node id of the body with this ODS code (curated where reconciled)."""
    rid = f"org:ods-{ods_code.lower()}"
    return MERGED.get(rid, rid)


def valid_on(props: dict, day: str) -> bool:
    return (props.get("valid_from") or "") <= day and (not props.get("valid_to") or day < props["valid_to"])


@pytest.fixture(scope="module")
def graph() -> GraphData:
    return build_graph()


@pytest.fixture(scope="module")
def nodes(graph: GraphData) -> dict:
    return {n.id: n for n in graph.nodes}


def instances(graph: GraphData, type_id: str, day: str) -> set[str]:
    return {r.from_id for r in graph.relationships if r.type == "INSTANCE_OF" and r.to_id == type_id and valid_on(r.props, day)}


def out_edges(graph: GraphData, rel_type: str, from_id: str, day: str | None = None) -> set[str]:
    return {
        r.to_id
        for r in graph.relationships
        if r.type == rel_type and r.from_id == from_id and not r.props.get("derived") and (day is None or valid_on(r.props, day))
    }


# --- counts on dates, from the files --------------------------------------------


@pytest.mark.parametrize("day", ["2013-04-01", "2015-06-01", "2017-06-01", "2018-06-01", "2019-07-01", "2020-07-01", "2021-07-01", "2022-06-30"])
def test_ccg_count_on_a_date_matches_eccg(graph: GraphData, nodes: dict, day: str) -> None:
    expected = ccgs_open_on(day)
    got = instances(graph, "type:ccg", day)
    assert {nodes[i].props["ods_code"] for i in got} == expected
    assert len(got) == len(expected)


@pytest.mark.parametrize(("rel", "code_col", "day"), [
    ("ons/CCG_APR_2013.csv", "CCG13CDH", "2013-04-01"),
    ("ons/CCG17_names_codes_EN_v3.csv", "CCG17CDH", "2017-04-01"),
    ("ons/CCG19_names_codes_EN.csv", "CCG19CDH", "2019-04-01"),
    ("ons/CCG20_names_codes_EN.csv", "CCG20CDH", "2020-04-01"),
])
def test_ons_ccg_files_agree_with_the_graph(graph: GraphData, nodes: dict, rel: str, code_col: str, day: str) -> None:
    ons = {r[code_col] for r in dicts(rel)}
    assert {nodes[i].props["ods_code"] for i in instances(graph, "type:ccg", day)} == ons


def test_icb_counts_before_and_after_2026(graph: GraphData) -> None:
    icbs_2022 = {r["ICB22CDH"] for r in dicts("ons/LOC22_ICB22_NHSER22_EN_LU.csv")}
    rows_2026 = [r for r in succ_rows() if r[0] in icbs_2022 and r[3] == "20260401"]
    closed = {r[0] for r in rows_2026 if r[1] not in icbs_2022}  # QNQ also passes territory to QRL
    created = {r[1] for r in rows_2026} - icbs_2022
    assert len(instances(graph, "type:icb", "2024-01-01")) == len(icbs_2022)
    assert len(instances(graph, "type:icb", "2026-06-01")) == len(icbs_2022) - len(closed) + len(created)
    assert not instances(graph, "type:icb", "2022-06-30")


def test_no_pct_or_sha_after_2013_and_all_2012_pcos_before(graph: GraphData) -> None:
    pcos = {r["PCO12CDO"] for r in dicts("ons/PCO12_SHA12_EN_LU.csv")}
    assert not instances(graph, "type:pct", "2014-01-01")
    assert not instances(graph, "type:sha", "2014-01-01")
    assert not instances(graph, "type:care-trust", "2014-01-01")
    in_2012 = instances(graph, "type:pct", "2012-10-01") | instances(graph, "type:care-trust", "2012-10-01")
    assert {i.removeprefix("org:ods-").upper() for i in in_2012} == pcos


# --- successions and links ------------------------------------------------------


def test_surrey_succession_chain(graph: GraphData) -> None:
    chain = []
    node = "org:nws-ccg"  # 09Y, reconciled with the curated body
    for _ in range(3):
        nxt = [r for r in graph.relationships if r.type == "SUCCEEDED_BY" and r.from_id == node]
        assert len(nxt) == 1, (node, nxt)
        chain.append((nxt[0].to_id, nxt[0].props["valid_from"]))
        assert nxt[0].props["event"] is True and nxt[0].props["date"] == nxt[0].props["valid_from"]  # a dated occurrence
        node = nxt[0].to_id
    assert chain == [("org:ods-92a", "2020-04-01"), ("org:ods-qxu", "2022-07-01"), ("org:ods-s9b9j", "2026-04-01")]
    transfer = next(r for r in graph.relationships if r.type == "SUCCEEDED_BY" and r.from_id == "org:ods-92a")
    assert transfer.props["transfer"] == "statutory"
    # The file agrees: 09Y -> 92A and QXU -> S9B9J are succ rows.
    pairs = {(r[0], r[1], r[3]) for r in succ_rows()}
    assert ("09Y", "92A", "20200401") in pairs and ("QXU", "S9B9J", "20260401") in pairs


def test_ccg_mergers_are_every_succ_row_between_ccgs(graph: GraphData, nodes: dict) -> None:
    ccg_codes = {r[0] for r in rows("ods/eccg_2025-11.csv") if r[13] in ("", "RO319", "RO319|RO326")}
    expected = {(p, s, iso(d)) for p, s, _, d, _ in succ_rows() if p in ccg_codes and s in ccg_codes}
    got = {
        (nodes[r.from_id].props["ods_code"], nodes[r.to_id].props["ods_code"], r.props["valid_from"])
        for r in graph.relationships
        if r.type == "SUCCEEDED_BY" and "type:ccg" in out_edges(graph, "INSTANCE_OF", r.from_id) and "type:ccg" in out_edges(graph, "INSTANCE_OF", r.to_id)
    }
    assert got == expected


def test_split_icb_of_2026(graph: GraphData) -> None:
    expected = {f"org:ods-{r[1].lower()}" for r in succ_rows() if r[0] == "QNQ" and r[3] == "20260401"}
    assert len(expected) == 3
    assert out_edges(graph, "SUCCEEDED_BY", "org:ods-qnq") == expected


def test_bassetlaw_moves_from_qf7_to_qt1(graph: GraphData, nodes: dict) -> None:
    jan22 = {r["STP_CODE"] for r in dicts("nhsd/gp-reg-pat-prac-map_2022-01.csv") if r["CCG_CODE"] == "02Q"}
    jul22 = {r["ICB22CDH"] for r in dicts("ons/LOC22_ICB22_NHSER22_EN_LU.csv") if r["LOC22CDH"] == "02Q"}
    assert jan22 == {"QF7"} and jul22 == {"QT1"}
    before = out_edges(graph, "PART_OF", "org:ods-02q", "2022-01-01")
    assert {nodes[i].props.get("ods_code") for i in before if "-stp" in i} == jan22
    assert out_edges(graph, "PART_OF", "org:ods-02q-sicbl", "2022-08-01") == {"org:ods-qt1"}
    assert not out_edges(graph, "PART_OF", "org:ods-02q-sicbl", "2022-01-01")


def test_a_regions_icbs(graph: GraphData) -> None:
    expected = {f"org:ods-{r['ICB22CDH'].lower()}" for r in dicts("ons/LOC22_ICB22_NHSER22_EN_LU.csv") if r["NHSER22CDH"] == "Y59"}
    got = {r.from_id for r in graph.relationships if r.type == "PART_OF" and r.to_id == "org:ods-y59" and valid_on(r.props, "2024-01-01") and r.from_id in instances(graph, "type:icb", "2024-01-01")}
    assert got == expected and len(got) == 6
    assert "org:nhs-england" in out_edges(graph, "PART_OF", "org:ods-y59", "2024-01-01")


def test_ccgs_in_local_offices_2018(graph: GraphData) -> None:
    for r in dicts("ons/CCG18_NHSRLO18_NHSER18_EN_LU.csv"):
        office = f"org:ods-{r['NHSRLO18CDH'].lower()}"
        ccg = body(r["CCG18CDH"])
        assert office in out_edges(graph, "PART_OF", ccg, "2018-06-01")
        assert f"org:ods-{r['NHSER18CDH'].lower()}" in out_edges(graph, "PART_OF", office, "2018-06-01")


def test_pct_sha_in_2012(graph: GraphData) -> None:
    # Four PCOs appear under two SHAs in the ONS file, as published: both links are kept.
    shas: dict[str, set[str]] = defaultdict(set)
    for r in dicts("ons/PCO12_SHA12_EN_LU.csv"):
        shas[r["PCO12CDO"]].add(f"org:ods-{r['SHA12CDO'].lower()}")
    for pco, expected in shas.items():
        assert out_edges(graph, "PART_OF", f"org:ods-{pco.lower()}", "2012-10-01") == expected


def test_sub_icb_locations_and_trusts_sit_in_their_icb(graph: GraphData) -> None:
    for r in rows("ods/eccg_2025-11.csv"):
        if r[13].startswith("RO319"):
            assert out_edges(graph, "PART_OF", f"org:ods-{r[0].lower()}-sicbl", "2024-01-01") == {f"org:ods-{r[3].lower()}"}
    for r in rows("ods/etr_2025-11.csv"):
        day = max(iso(r[10]), "2024-01-01")  # some trusts opened later
        if r[2].startswith("Y") and not r[11] and day < "2026-04-01":
            assert out_edges(graph, "WITHIN_AREA_OF", f"org:ods-{r[0].lower()}", day) == {f"org:ods-{r[3].lower()}"}


def test_local_authority_icb_links_are_derived_best_fits(graph: GraphData) -> None:
    surrey = [r for r in graph.relationships if r.type == "WITHIN_AREA_OF" and r.from_id == "org:surrey-county-council"]
    assert {r.to_id for r in surrey} == {"org:ods-qxu", "org:ods-qnq"}
    for r in surrey:
        assert r.props["derived"] is True and r.id.startswith("drv:") and "best fit" in r.props["rule"]
    assert abs(sum(r.props["lsoa_share"] for r in surrey) - 1) < 0.001


# --- one body, one node; names and codes -------------------------------------------


def test_ids_are_unique_and_readable(graph: GraphData) -> None:
    node_ids = [n.id for n in graph.nodes]
    rel_ids = [r.id for r in graph.relationships]
    assert len(node_ids) == len(set(node_ids)) and len(rel_ids) == len(set(rel_ids))
    for n in graph.nodes:
        if n.props.get("register_role") and not n.props.get("description"):  # not a curated body
            # A body with no register code (a council created by a cited order) has a name slug.
            cited = "citation" in n.props.get("evidence_kinds", [])
            assert (n.id.startswith(("org:ods-", "org:ons-")) or cited) and n.id == n.id.lower()
    for r in graph.relationships:
        if r.props.get("derived"):
            assert r.id.startswith("drv:")


def test_curated_bodies_are_merged_not_duplicated(graph: GraphData, nodes: dict) -> None:
    assert "org:ods-09y" not in nodes and "org:ons-e10000030" not in nodes
    nws = nodes["org:nws-ccg"].props
    assert nws["ods_code"] == "09Y" and nws["valid_to"] == "2020-04-01" and nws["register_id"] == "org:ods-09y"
    assert "quote" in nws["evidence_kinds"] and "register" in nws["evidence_kinds"]  # curated evidence kept
    assert len([r for r in graph.relationships if r.type == "INSTANCE_OF" and r.from_id == "org:nws-ccg"]) == 1
    assert nodes["org:surrey-county-council"].props["ons_code"] == "E10000030"


def test_names_and_codes_over_time(nodes: dict) -> None:
    qxu = nodes["org:ods-qxu"].props
    assert qxu["ons_codes"] == ["E54000052", "E54000063"] and qxu["ons_code"] == "E54000063"
    ccg = nodes["org:ods-92a"].props
    assert ccg["name"] == "NHS Surrey Heartlands CCG" and ccg["carried_on_as"] == "org:ods-92a-sicbl"
    assert nodes["org:ods-92a-sicbl"].props["name"] == "NHS Surrey Heartlands ICB - 92A"
    y59 = nodes["org:ods-y59"].props
    assert y59["name"] == "South East" and "SOUTH EAST COMMISSIONING REGION" in y59["aliases"] and len(y59["name_history"]) == 2


# --- provenance ---------------------------------------------------------------------


def test_every_register_fact_cites_its_verbatim_line(graph: GraphData) -> None:
    by_file: dict[str, list[str]] = {}
    sources = {n.id: n.props for n in graph.nodes if n.id.startswith("source:register-")}
    facts = [n.props for n in graph.nodes if n.props.get("register_role")] + [
        r.props for r in graph.relationships if any(s.startswith("source:register-") for s in r.props.get("source_ids", []))
    ]
    assert len(facts) > 3000
    checked = 0
    for props in facts:
        items = list(zip(props["evidence"], props["evidence_sources"], props["evidence_kinds"], props["evidence_locators"]))
        reg = [i for i in items if i[1].startswith("source:register-")]
        if not reg and set(props["evidence_kinds"]) <= {"citation", "paraphrase"}:
            continue  # a body or link from a cited order, not a register row (councils.yaml)
        assert reg, props.get("id") or props.get("name")
        for text, source, kind, locator in reg:
            assert kind == "register"
            file_name, _, rest = locator.partition(" line ")
            if sources[source].get("derived_file"):
                continue
            if source not in by_file:
                by_file[source] = text_of(next(FILES.rglob(file_name))).splitlines()
            line_no = int(rest.split(",")[0])
            assert by_file[source][line_no - 1].lstrip("\ufeff") == text.lstrip("\ufeff")
            checked += 1
    assert checked > 5000


def test_shipped_files_are_byte_for_byte_and_sources_say_so(graph: GraphData) -> None:
    sources = {n.id: n.props for n in graph.nodes if n.id.startswith("source:register-")}
    assert len(sources) == len([p for p in FILES.rglob("*") if p.is_file() and not p.name.endswith(".source.txt") and p.suffix in (".csv", ".json")])
    for props in sources.values():
        path = next(FILES.rglob(props["file"]))
        sidecar = (path.parent / (path.name + ".source.txt")).read_text()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert props["sha256"] == digest and f"sha256: {digest}" in sidecar
        assert props["kind"] == "register" and ("Open Government Licence" in props["licence"] or "OGL v3.0" in props["licence"])
        shared = SHARED / path.relative_to(FILES)
        if shared.exists():
            assert shared.read_bytes() == path.read_bytes()


# --- through the real engine ------------------------------------------------------


def _count(store, cypher: str, **params) -> int:
    return int(store.run_read(cypher, params)[0]["n"])


VALID = "coalesce(r.valid_from, '') <= $day AND (r.valid_to IS NULL OR r.valid_to > $day)"


@pytest.mark.parametrize("day", ["2013-04-01", "2019-07-01", "2020-07-01", "2021-07-01"])
def test_engine_ccg_counts(kg_store, day: str) -> None:
    n = _count(kg_store, f"MATCH (o:Organisation)-[r:INSTANCE_OF]->(:OrganisationType {{id: 'type:ccg'}}) WHERE {VALID} RETURN count(DISTINCT o) AS n", day=day)
    assert n == len(ccgs_open_on(day))


def test_engine_surrey_chain_and_region(kg_store) -> None:
    rows_ = kg_store.run_read(
        "MATCH p = (:Organisation {id: 'org:nws-ccg'})-[:SUCCEEDED_BY*3]->(end:Organisation) "
        "RETURN end.id AS id, [r IN relationships(p) | r.valid_from] AS dates",
        {},
    )
    assert [(r["id"], r["dates"]) for r in rows_] == [("org:ods-s9b9j", ["2020-04-01", "2022-07-01", "2026-04-01"])]
    icbs = kg_store.run_read(
        "MATCH (:OrganisationType {id: 'type:icb'})<-[:INSTANCE_OF]-(i:Organisation)-[r:PART_OF]->(:Organisation {id: 'org:ods-y59'}) "
        f"WHERE {VALID} RETURN DISTINCT i.ods_code AS code",
        {"day": "2024-01-01"},
    )
    assert sorted(r["code"] for r in icbs) == sorted({r["ICB22CDH"] for r in dicts("ons/LOC22_ICB22_NHSER22_EN_LU.csv") if r["NHSER22CDH"] == "Y59"})


def test_engine_no_pct_in_2014(kg_store) -> None:
    assert _count(kg_store, f"MATCH (o)-[r:INSTANCE_OF]->(:OrganisationType {{id: 'type:pct'}}) WHERE {VALID} RETURN count(o) AS n", day="2014-01-01") == 0
    assert _count(kg_store, f"MATCH (o)-[r:INSTANCE_OF]->(:OrganisationType {{id: 'type:pct'}}) WHERE {VALID} RETURN count(o) AS n", day="2012-10-01") == len(
        {r["PCO12CDO"] for r in dicts("ons/PCO12_SHA12_EN_LU.csv") if not r["PCO12CDO"].startswith("TA")}
    )


def test_api_lists_register_sources(api) -> None:
    items = api.get("/sources").json()["items"]
    reg = [s for s in items if s["id"].startswith("source:register-")]
    assert len(reg) == len([p for p in FILES.rglob("*.source.txt")])
    assert all(s.get("kind") == "register" for s in reg)
