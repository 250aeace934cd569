"""The landscape audit of issue 21 (review section A), pinned through the HTTP
API on the real engine: the questions a policy expert asks of each era, on
both sides of every boundary. Expected numbers come from the register files
(read here with the csv module, independently of the loader) or from the
cited count records; docs/coverage/landscape_audit.md lists every question
asked and what could not be answered."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.register_files import FILES, dicts, rows


def total(api, **params) -> int:
    r = api.get("/entities", params={"limit": 1, **params})
    assert r.status_code == 200, r.text
    return r.json()["total"]


def ids(api, **params) -> set[str]:
    r = api.get("/entities", params={"limit": 500, **params})
    assert r.status_code == 200, r.text
    return {i["id"] for i in r.json()["items"]}


def count_value(api, count_id: str, day: str) -> int | None:
    """The cited count in force on `day`, or None when it is not."""
    items = api.get("/entities", params={"label": "Count", "as_of": day, "limit": 500}).json()["items"]
    if count_id not in {i["id"] for i in items}:
        return None
    return api.get(f"/entities/{count_id}").json()["properties"]["value"]


def commissioners(api, service: str, day: str) -> set[str]:
    r = api.get(f"/services/{service}/commissioners", params={"as_of": day})
    assert r.status_code == 200, r.text
    return {i["commissioner"]["id"] for i in r.json()["items"]}


# --- who commissioned acute and elective care, era by era --------------------------------

ERA_COMMISSIONERS = [
    ("1995-06-01", {"type:dha", "type:gp-fundholding-practice"}, {"type:health-authority", "type:pct"}),
    ("2000-06-01", {"type:health-authority", "type:pcg", "type:pct"}, {"type:dha", "type:sha"}),
    ("2005-06-01", {"type:pct"}, {"type:health-authority", "type:pcg", "type:ccg"}),
    ("2010-06-01", {"type:pct"}, {"type:ccg", "type:gp-consortium"}),
    ("2016-06-01", {"type:ccg"}, {"type:pct", "type:icb"}),
    ("2024-06-01", {"type:icb"}, {"type:ccg", "type:pct"}),
]


@pytest.mark.parametrize("day,present,absent", ERA_COMMISSIONERS)
@pytest.mark.parametrize("service", ["service:acute-care", "service:elective-hospital-care"])
def test_commissioner_of_acute_and_elective_care_by_era(api, service: str, day: str, present: set[str], absent: set[str]) -> None:
    got = commissioners(api, service, day)
    assert present <= got, (service, day, got)
    assert not absent & got, (service, day, got)


@pytest.mark.parametrize(
    "before,after,leaves,arrives",
    [
        ("1996-03-31", "1996-04-01", "type:dha", "type:health-authority"),
        ("2002-03-31", "2002-04-01", "type:health-authority", None),
        ("2013-03-31", "2013-04-01", "type:pct", "type:ccg"),
        ("2022-06-30", "2022-07-01", "type:ccg", "type:icb"),
    ],
)
def test_acute_care_commissioner_changes_on_the_day(api, before: str, after: str, leaves: str, arrives: str | None) -> None:
    was, now = commissioners(api, "service:acute-care", before), commissioners(api, "service:acute-care", after)
    assert leaves in was and leaves not in now
    if arrives:
        assert arrives not in was and arrives in now


# --- no body before its type -------------------------------------------------------------


def test_no_pct_before_2000_and_none_after_2013(api) -> None:
    assert total(api, instance_of="type:pct", as_of="1999-06-01") == 0
    assert total(api, instance_of="type:pct", as_of="2000-03-31") == 0
    assert total(api, instance_of="type:pct", as_of="2000-04-01") >= 1
    assert total(api, instance_of="type:pct", as_of="2013-03-31") > 100
    assert total(api, instance_of="type:pct", as_of="2013-04-01") == 0


def test_no_foundation_trust_before_april_2004(api) -> None:
    assert total(api, instance_of="type:foundation-trust", as_of="2003-06-01") == 0
    assert total(api, instance_of="type:foundation-trust", as_of="2004-03-31") == 0
    assert total(api, instance_of="type:foundation-trust", as_of="2004-04-01") > 0


@pytest.mark.parametrize(
    "count_id,day,value",
    [
        ("count:foundation-trusts-2005-03", "2005-03-31", 25),
        ("count:foundation-trusts-2006-03", "2006-03-31", 32),
        ("count:foundation-trusts-2007-03", "2007-03-31", 59),
        ("count:foundation-trusts-2008-12", "2008-12-01", 112),
    ],
)
def test_foundation_trust_counts_on_their_day_only(api, count_id: str, day: str, value: int) -> None:
    """Hansard (22 February 2008) and Monitor count the foundation trusts on one day each."""
    assert count_value(api, count_id, day) == value
    prev = f"{int(day[:4]) - 1}{day[4:]}"
    assert count_value(api, count_id, prev) is None


def test_regional_teams_start_with_their_type(api) -> None:
    """The four commissioning regions open in ODS on 1 October 2012; their type starts that day too."""
    kind = api.get("/entities/type:nhse-regional-team").json()
    assert kind["properties"]["valid_from"] == "2012-10-01"
    assert total(api, instance_of="type:nhse-regional-team", as_of="2012-09-30") == 0
    assert total(api, instance_of="type:nhse-regional-team", as_of="2012-10-01") == 4
    opened = {r[0]: r[10] for r in rows("ods/eauth_2018-11.csv") if r[0] in ("Y54", "Y55", "Y56", "Y57")}
    assert set(opened.values()) == {"20121001"}
    assert {f"org:ods-{c.lower()}" for c in opened} == ids(api, instance_of="type:nhse-regional-team", as_of="2013-03-31")


# --- counts on dates either side of each reorganisation ----------------------------------


def test_shas_28_then_10() -> None:
    """(the register side: 28 predecessor and 10 successor SHA codes on 1 July 2006)"""
    moves = [(p, s) for p, s, _, day, _ in rows("ods/succ_2026-05.csv") if day == "20060701" and p.startswith("Q") and s.startswith("Q") and len(p) == len(s) == 3]
    assert len({p for p, _ in moves}) == 28 and len({s for _, s in moves}) == 10


@pytest.mark.parametrize(
    "day,expected",
    [("2002-03-31", 0), ("2002-04-01", 28), ("2004-06-01", 28), ("2006-06-30", 28), ("2006-07-01", 10), ("2008-06-01", 10), ("2013-03-31", 10), ("2013-04-01", 0)],
)
def test_sha_counts(api, day: str, expected: int) -> None:
    assert total(api, instance_of="type:sha", as_of=day) == expected


def test_211_ccgs_on_1_january_2015(api) -> None:
    eccg = [r for r in rows("ods/eccg_2025-11.csv") if r[13] in ("", "RO319", "RO319|RO326")]
    opened_2013 = {r[0] for r in eccg if r[10] == "20130401"}
    assert len(opened_2013) == 211
    assert total(api, instance_of="type:ccg", as_of="2013-03-31") == 0
    assert total(api, instance_of="type:ccg", as_of="2013-04-01") == 211
    assert total(api, instance_of="type:ccg", as_of="2015-01-01") == 211
    assert total(api, instance_of="type:ccg", as_of="2015-04-01") == 209


def test_44_stps_in_2016(api) -> None:
    stps17 = {r["STP17CD"] for r in dicts("ons/CCG17_STP17_EN_LU_v3.csv")}
    assert len(stps17) == 44
    assert total(api, instance_of="type:stp", as_of="2016-03-29") == 0
    assert total(api, instance_of="type:stp", as_of="2016-06-01") == 44
    assert count_value(api, "count:stps-2016", "2016-06-01") == 44


def test_42_icss_from_april_2021(api) -> None:
    """The last 13 STPs were designated ICSs from 1 April 2021 (cited): every STP open that day is an ICS until 1 July 2022."""
    stps = {r["STP_CODE"] for r in dicts("nhsd/gp-reg-pat-prac-map_2022-01.csv")}
    assert len(stps) == 42
    assert total(api, instance_of="type:non-statutory-ics", as_of="2021-03-31") == 0
    assert total(api, instance_of="type:non-statutory-ics", as_of="2021-04-01") == 42
    assert total(api, instance_of="type:non-statutory-ics", as_of="2022-06-30") == 42
    assert total(api, instance_of="type:non-statutory-ics", as_of="2022-07-01") == 0
    assert count_value(api, "count:non-statutory-icss-2021", "2021-03-31") is None
    assert count_value(api, "count:non-statutory-icss-2021", "2021-04-01") == 42
    icss = ids(api, instance_of="type:non-statutory-ics", as_of="2021-06-01")
    assert {f"org:ods-{c.lower()}-stp" for c in stps} == icss
    # Frimley, an STP from the 2016 footprints, is both until ICBs took over.
    assert "org:ods-qnq-stp" in ids(api, instance_of="type:stp", as_of="2021-06-01")
    assert "org:ods-qnq-stp" not in ids(api, instance_of="type:non-statutory-ics", as_of="2021-03-31")


def test_area_teams_register_and_count(api) -> None:
    assert total(api, instance_of="type:nhse-area-team", as_of="2013-03-31") == 0
    assert total(api, instance_of="type:nhse-area-team", as_of="2013-04-01") == 25
    assert total(api, instance_of="type:nhse-area-team", as_of="2015-03-31") == 25
    assert total(api, instance_of="type:nhse-area-team", as_of="2015-04-01") == 0
    assert count_value(api, "count:nhse-area-teams-2013", "2013-04-01") == 27


@pytest.mark.parametrize(
    "region,before,after",
    [("y56", 5, 4), ("y58", 7, 7), ("y59", 6, 4), ("y60", 11, 11), ("y61", 6, 3), ("y62", 3, 3), ("y63", 4, 4)],
)
def test_icbs_by_region_either_side_of_april_2026(api, region: str, before: int, after: int) -> None:
    loc22 = dicts("ons/LOC22_ICB22_NHSER22_EN_LU.csv")
    assert len({r["ICB22CDH"] for r in loc22 if r["NHSER22CDH"].lower() == region}) == before
    assert total(api, instance_of="type:icb", part_of=f"org:ods-{region}", as_of="2026-03-31") == before
    assert total(api, instance_of="type:icb", part_of=f"org:ods-{region}", as_of="2026-04-01") == after


def test_36_icbs_from_april_2026(api) -> None:
    assert total(api, instance_of="type:icb", as_of="2026-03-31") == 42
    assert total(api, instance_of="type:icb", as_of="2026-04-01") == 36


# --- a PCT's SHA ---------------------------------------------------------------------------


def test_a_pcts_sha_from_july_2006_and_none_invented_before(api) -> None:
    """Bolton Teaching PCT (5HQ) sits in North West SHA (Q31) from the ten SHAs of 1 July 2006
    (ONS PCO12_SHA12); no lookup of the 28 SHAs of 2002-2006 was found, so none is answered then."""
    pco12 = {r["PCO12CDO"]: r["SHA12CDO"] for r in dicts("ons/PCO12_SHA12_EN_LU.csv")}
    assert pco12["5HQ"] == "Q31"
    assert "org:ods-5hq" in ids(api, part_of="org:ods-q31", as_of="2008-06-01")
    assert "org:ods-5hq" in ids(api, part_of="org:ods-q31", as_of="2013-03-31")
    assert "org:ods-5hq" not in ids(api, part_of="org:ods-q31", as_of="2006-06-30")
    assert total(api, instance_of="type:pct", q="Bolton", as_of="2004-06-01") == 1
    for sha in ("q01", "q10", "q28"):  # three of the 28: no PCT is placed in them
        assert total(api, part_of=f"org:ods-{sha}", as_of="2004-06-01") == 0


# --- councils: names, abolitions, counts ---------------------------------------------------


@pytest.mark.parametrize("day,expected", [("2020-03-31", 151), ("2020-04-01", 151), ("2021-03-31", 151), ("2021-04-01", 152), ("2023-03-31", 152), ("2023-04-01", 153), ("2024-06-01", 153)])
def test_upper_tier_councils_by_date(api, day: str, expected: int) -> None:
    english = {r["UTLA19CD"] for r in dicts("ons/LTLA19_UTLA19_EW_LU.csv") if r["UTLA19CD"].startswith("E")}
    assert len(english) == 151
    assert total(api, instance_of="type:local-authority", as_of=day) == expected


def test_buckinghamshire_county_council_gives_way_to_buckinghamshire_council(api) -> None:
    county, unitary = "org:ons-e10000002", "org:ons-e06000060"
    before = ids(api, instance_of="type:local-authority", q="Buckinghamshire", as_of="2020-03-31")
    after = ids(api, instance_of="type:local-authority", q="Buckinghamshire", as_of="2020-04-01")
    assert before == {county} and after == {unitary}
    assert api.get(f"/entities/{unitary}").json()["properties"]["name"] == "Buckinghamshire Council"
    hist = api.get(f"/entities/{county}/history").json()
    assert [s["node"]["id"] for s in hist["successors"]] == [unitary]


@pytest.mark.parametrize(
    "code,name",
    [("e10000006", "Cumbria County Council"), ("e10000021", "Northamptonshire County Council"), ("e10000016", "Kent County Council"), ("e10000023", "North Yorkshire Council"), ("e10000027", "Somerset Council")],
)
def test_county_councils_are_named_as_councils(api, code: str, name: str) -> None:
    body = api.get(f"/entities/org:ons-{code}").json()
    assert body["properties"]["name"] == name
    assert f"org:ons-{code}" in ids(api, q=name)


def test_changes_name_the_council_abolished_in_2023(api) -> None:
    items = api.get("/changes", params={"from": "2023-04-01", "to": "2023-04-02", "limit": 500}).json()["items"]
    abolished = {i["entities"][0]["id"]: i["entities"][0]["name"] for i in items if i["kind"] == "abolished"}
    assert abolished.get("org:ons-e10000006") == "Cumbria County Council"
    before = api.get("/changes", params={"from": "2023-03-01", "to": "2023-04-01", "limit": 500}).json()["items"]
    assert "org:ons-e10000006" not in {i["entities"][0]["id"] for i in before if i["kind"] == "abolished"}


# --- one legal body, one node --------------------------------------------------------------


def test_nhs_commissioning_board_is_nhs_england(api) -> None:
    found = api.get("/entities", params={"q": "NHS Commissioning Board", "as_of": "2012-12-01", "limit": 5}).json()["items"]
    assert found[0]["id"] == "org:nhs-england"
    r = api.get("/entities/org:nhs-commissioning-board", follow_redirects=False)
    assert r.status_code == 308
    assert "org:nhs-england" not in ids(api, q="NHS England", as_of="2012-09-30")
    assert "org:nhs-england" in ids(api, q="NHS England", as_of="2012-10-01")


def test_pcts_counted_after_the_april_2001_wave(api) -> None:
    """164 PCTs after the April 2001 wave (cited), counted on its first day only."""
    assert count_value(api, "count:pcts-2001-04", "2001-04-01") == 164
    assert count_value(api, "count:pcts-2001-04", "2001-03-31") is None
    assert count_value(api, "count:pcts-2001-04", "2001-04-02") is None


def test_area_teams_named_in_the_one_style(api) -> None:
    """The NHS Choices feed capitalises "And"/"Of"; the name is written as ONS writes it."""
    ons = {r["NHSAT13NM"] for r in dicts("ons/NHSAT_APR_2013_EN_NC.csv")}
    assert {"Kent and Medway", "Devon, Cornwall and Isles of Scilly"} <= ons
    names = {i["name"] for i in api.get("/entities", params={"instance_of": "type:nhse-area-team", "as_of": "2014-06-01", "limit": 100}).json()["items"]}
    assert "Kent and Medway Area Team" in names and "Devon, Cornwall and Isles of Scilly Area Team" in names
    assert not [n for n in names if " And " in n or " Of " in n]


def test_a_local_office_is_named_as_it_ended(api) -> None:
    """Q70 opened as the Wessex area team and ended (2018-03-31) as the local office ODS eauth
    names "NHS ENGLAND SOUTH (WESSEX)": the extract names it at its end, not its opening."""
    row = next(r for r in rows("ods/eauth_2018-11.csv") if r[0] == "Q70")
    assert row[1] == "NHS ENGLAND SOUTH (WESSEX)" and row[11] == "20180331"
    body = api.get("/entities/org:ods-q70").json()
    assert body["properties"]["name"] == "NHS England South (Wessex)"
    assert "Wessex Area Team" in body["aliases"]
    assert "org:ods-q70" in ids(api, instance_of="type:nhse-area-team", as_of="2014-06-01")
    assert "org:ods-q70" in ids(api, instance_of="type:nhse-local-office", as_of="2016-06-01")


def test_the_march_2025_announcement_happened_and_the_abolition_is_planned(api) -> None:
    """Review A11: the announcement is an event that happened; what it announced is planned."""
    march = api.get("/changes", params={"from": "2025-03-01", "to": "2025-04-01", "limit": 50}).json()["items"]
    assert [(i["date"], i["kind"], i["status"]) for i in march if i["entities"][0]["id"] == "policy:nhse-abolition-announcement"] == [("2025-03-13", "announced", "in_force")]
    february = api.get("/changes", params={"from": "2025-02-01", "to": "2025-03-01", "limit": 50}).json()["items"]
    assert "policy:nhse-abolition-announcement" not in {i["entities"][0]["id"] for i in february}
    assert "org:nhs-england" in ids(api, q="NHS England", as_of="2026-11-01")
    hist = api.get("/entities/org:nhs-england/history", params={"status": "planned"}).json()
    assert "org:department-of-health" in {s["node"]["id"] for s in hist["successors"]}
    assert "org:department-of-health" not in {s["node"]["id"] for s in api.get("/entities/org:nhs-england/history").json()["successors"]}


@pytest.mark.parametrize(
    "day,paper,proposal",
    [("2010-07-12", "policy:equity-and-excellence-2010", "policy:gp-commissioning"), ("2010-11-30", "policy:healthy-lives-healthy-people", "policy:phe-protected-budget")],
)
def test_white_papers_are_published_and_their_proposals_proposed(api, day: str, paper: str, proposal: str) -> None:
    """A white paper is in force as a publication on its day; what it proposes is proposed."""
    nxt = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
    default = {i["entities"][0]["id"] for i in api.get("/changes", params={"from": day, "to": nxt, "limit": 100}).json()["items"]}
    assert paper in default and proposal not in default
    proposed = {i["entities"][0]["id"] for i in api.get("/changes", params={"from": day, "to": nxt, "status": "proposed", "limit": 100}).json()["items"]}
    assert proposal in proposed
