"""Names that say what a register body is (issue 21 item 5): one style from
ingest/registers/names.py, the register spellings and usual short forms kept
as aliases, and search finding a body by any of them, on the real engine."""

from __future__ import annotations

import pytest

from nhskg.ingest.registers.names import UNNAMED, code_only, display_name, title_case, with_type


@pytest.mark.parametrize(("raw", "expected"), [
    ("NORTH LONDON NHS FOUNDATION TRUST", "North London NHS Foundation Trust"),
    ("ALDER HEY CHILDREN'S NHS FOUNDATION TRUST", "Alder Hey Children's NHS Foundation Trust"),
    ("NHS STAFFORDSHIRE AND STOKE-ON-TRENT INTEGRATED CARE BOARD", "NHS Staffordshire and Stoke-on-Trent Integrated Care Board"),
    ("NHS ENGLAND SOUTH (WESSEX)", "NHS England South (Wessex)"),
    ("NHS Surrey Heartlands CCG", "NHS Surrey Heartlands CCG"),  # mixed case is the publisher's own: kept
])
def test_title_case(raw: str, expected: str) -> None:
    assert title_case(raw) == expected


def test_the_type_is_in_the_name() -> None:
    assert with_type("primary care trust", "Surrey") == "Surrey PCT"
    assert with_type("strategic health authority", "South East Coast") == "South East Coast SHA"
    assert with_type("clinical commissioning group", "NHS Gateshead") == "NHS Gateshead CCG"
    assert with_type("clinical commissioning group", "NHS Bolton CCG") == "NHS Bolton CCG"
    assert with_type("care trust (primary care organisation)", "Northumberland") == "Northumberland Care Trust"
    assert code_only("primary care trust", "5HH") == f"PCT 5HH {UNNAMED}"


def test_display_name_keeps_register_spellings_and_short_forms() -> None:
    name, aliases = display_name("integrated care board", ["NHS SURREY HEARTLANDS INTEGRATED CARE BOARD"])
    assert name == "NHS Surrey Heartlands Integrated Care Board"
    assert {"NHS SURREY HEARTLANDS INTEGRATED CARE BOARD", "Surrey Heartlands ICB", "NHS Surrey Heartlands ICB"} <= set(aliases)
    name, aliases = display_name("primary care trust", ["Havering"])
    assert name == "Havering PCT" and {"Havering", "NHS Havering"} <= set(aliases)


@pytest.mark.parametrize(("body", "name"), [
    ("org:ods-5a4", "Havering PCT"),
    ("org:ods-q37", "South East Coast SHA"),
    ("org:ods-00f", "NHS Gateshead CCG"),
    ("org:ods-qxu", "NHS Surrey Heartlands Integrated Care Board"),
    ("org:ods-d7t5g", "NHS Essex Integrated Care Board"),
    ("org:ods-r0a", "Manchester University NHS Foundation Trust"),
    ("org:ods-q01", f"SHA Q01 {UNNAMED}"),
    ("org:ods-5hh", f"PCT 5HH {UNNAMED}"),
])
def test_register_bodies_are_named_for_what_they_are(api, body: str, name: str) -> None:
    assert api.get(f"/entities/{body}").json()["name"] == name


@pytest.mark.parametrize(("q", "body"), [
    ("Surrey Heartlands ICB", "org:ods-qxu"),
    ("NHS Havering", "org:ods-5a4"),
    ("NHS South East Coast", "org:ods-q37"),
    ("MANCHESTER UNIVERSITY NHS FOUNDATION TRUST", "org:ods-r0a"),
    ("NHS Gateshead", "org:ods-00f"),
])
def test_search_finds_a_body_by_short_and_register_names(api, q: str, body: str) -> None:
    items = api.get("/entities", params={"q": q, "limit": 50}).json()["items"]
    assert body in {i["id"] for i in items}


def test_changes_in_april_2013_do_not_read_as_councils_abolished(api) -> None:
    items = api.get("/changes", params={"from": "2013-03-31", "to": "2013-04-02", "limit": 500}).json()["items"]
    names = {e.get("name") for i in items for e in i.get("entities", []) if str(e.get("id", "")).startswith("org:ods-5")}
    assert names and all(n.endswith(("PCT", "Care Trust", UNNAMED)) for n in names), names


def test_the_board_and_nhs_england_are_one_node_and_the_old_id_resolves(api) -> None:
    r = api.get("/entities/org:nhs-commissioning-board", follow_redirects=False)
    assert r.status_code == 308 and r.headers["location"] == "/entities/org:nhs-england"
    body = api.get("/entities/org:nhs-commissioning-board").json()
    assert body["id"] == "org:nhs-england"
    props = body["properties"]
    assert props["former_ids"] == ["org:nhs-commissioning-board"] and props["valid_from"] == "2012-10-01"
    assert "NHS Commissioning Board" in body["aliases"]
    # A fact the knowledge base states on the Board's id reaches the one node.
    chains = api.get("/entities/org:nhs-commissioning-board/accountability", params={"as_of": "2016-01-01"}).json()["chains"]
    assert chains and all(c["nodes"][0]["id"] == "org:nhs-england" for c in chains)
    found = api.get("/entities", params={"q": "NHS Commissioning Board", "as_of": "2015-01-01"}).json()["items"]
    assert "org:nhs-england" in {i["id"] for i in found}
