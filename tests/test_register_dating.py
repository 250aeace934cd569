"""Register bodies exist only from their start, are typed by date, answer with
operational dates, and succeed one another place by place (issue 21 items
2-3, 6): through the HTTP API on the real engine, with the expected numbers
read from the register files here (the csv module, independently of the
loader), on both sides of each reorganisation."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest

from tests.register_files import FILES, dicts, rows


def iso(ods: str) -> str:
    return f"{ods[:4]}-{ods[4:6]}-{ods[6:]}" if ods else ""


SUCC = rows("ods/succ_2026-05.csv")


def first_succession_into() -> dict[str, str]:
    out: dict[str, str] = {}
    for pred, succ, _, day, _ in SUCC:
        out[succ] = min(out.get(succ, iso(day)), iso(day))
    return out


def ccgs_operating_on(day: str) -> set[str]:
    """CCG codes open on `day` per ODS eccg, less those the register opened
    under a year before the succession that made them (operating from it)."""
    first_in = first_succession_into()
    out = set()
    for r in rows("ods/eccg_2025-11.csv"):
        if r[13] not in ("", "RO319", "RO319|RO326"):
            continue
        opened, closed = iso(r[10]), iso(r[11])
        start = opened
        if r[0] in first_in and opened < first_in[r[0]] and (date.fromisoformat(first_in[r[0]]) - date.fromisoformat(opened)).days < 365:
            start = first_in[r[0]]
        if start <= day and (not closed or closed >= day) and day < "2022-07-01":
            out.add(r[0])
    return out


def listed(api, **params) -> dict:
    body = api.get("/entities", params={"limit": 500, **params}).json()
    assert "items" in body, body
    return body


def codes(api, type_id: str, day: str, **extra) -> set[str]:
    return {(i.get("codes") or {}).get("ods") or i["id"] for i in listed(api, instance_of=type_id, as_of=day, **extra)["items"]}


# --- counts either side of every reorganisation --------------------------------


@pytest.mark.parametrize("day", ["2013-04-01", "2014-12-31", "2015-01-01", "2015-06-01", "2017-06-01", "2018-06-01", "2019-07-01", "2020-07-01", "2021-07-01", "2022-06-30"])
def test_ccgs_on_each_date_are_the_operating_register_codes(api, day: str) -> None:
    expected = ccgs_operating_on(day)
    assert codes(api, "type:ccg", day) == expected


def test_ccg_counts_published_in_provenance(api) -> None:
    # 211 on 1 January 2015: 13T opened in ODS on 2014-11-26 but its three
    # predecessors operated until 2015-03-31.
    for day, n in [("2013-04-01", 211), ("2015-01-01", 211), ("2015-06-01", 209), ("2017-06-01", 207), ("2018-06-01", 195), ("2019-07-01", 191), ("2020-07-01", 135), ("2021-07-01", 106)]:
        assert listed(api, instance_of="type:ccg", as_of=day, limit=1)["total"] == n, day
    assert len(ccgs_operating_on("2015-01-01")) == 211


def test_the_merged_ccg_keeps_its_register_date_as_a_property(api) -> None:
    props = api.get("/entities/org:ods-13t").json()["properties"]
    assert props["valid_from"] == "2015-04-01" and props["register_valid_from"] == "2014-11-26"
    opened = next(iso(r[10]) for r in rows("ods/eccg_2025-11.csv") if r[0] == "13T")
    assert opened == props["register_valid_from"]
    assert "13T" not in codes(api, "type:ccg", "2015-03-31") and "13T" in codes(api, "type:ccg", "2015-04-01")


def test_icbs_42_then_36(api) -> None:
    icbs_2022 = {r["ICB22CDH"] for r in dicts("ons/LOC22_ICB22_NHSER22_EN_LU.csv")}
    rows_2026 = [r for r in SUCC if r[0] in icbs_2022 and r[3] == "20260401"]
    closed = {r[0] for r in rows_2026 if r[1] not in icbs_2022}
    created = {r[1] for r in rows_2026} - icbs_2022
    assert codes(api, "type:icb", "2022-07-01") == icbs_2022 == codes(api, "type:icb", "2026-03-31")
    after = codes(api, "type:icb", "2026-04-01")
    assert after == (icbs_2022 - closed) | created and len(after) == 36
    assert not codes(api, "type:icb", "2022-06-30")


def test_every_2026_icb_is_in_a_region_so_the_east_of_england_has_icbs(api) -> None:
    region_of = {r["ICB22CDH"]: r["NHSER22CDH"] for r in dicts("ons/LOC22_ICB22_NHSER22_EN_LU.csv")}
    total = 0
    for region in sorted(set(region_of.values())):
        got = codes(api, "type:icb", "2026-06-01", part_of=f"org:ods-{region.lower()}")
        total += len(got)
        assert got, region
    assert total == 36
    east = codes(api, "type:icb", "2026-06-01", part_of="org:ods-y61")
    assert {"S1Y5D", "D7T5G", "T6Y0W"} <= east
    # The link is inferred, and says so.
    sub = api.get("/entities/org:ods-d7t5g").json()
    assert sub["properties"]["valid_from"] == "2026-04-01"


def test_pcts_none_before_2000_and_the_151_pcos_of_2012(api) -> None:
    assert listed(api, instance_of="type:pct", as_of="1999-06-01", limit=1)["total"] == 0
    pcos = {r["PCO12CDO"] for r in dicts("ons/PCO12_SHA12_EN_LU.csv")}
    got = codes(api, "type:pct", "2012-06-01") | codes(api, "type:care-trust", "2012-06-01")
    assert got == pcos and len(pcos) == 151
    assert not codes(api, "type:pct", "2013-04-01")


def test_a_pct_exists_from_the_succession_that_created_it(api) -> None:
    created = min(iso(r[3]) for r in SUCC if r[1] == "5A4")  # Havering: PCG and community trust -> 5A4
    props = api.get("/entities/org:ods-5a4").json()["properties"]
    assert props["valid_from"] == created == "2001-04-01"
    assert "5A4" not in codes(api, "type:pct", "2001-03-31") and "5A4" in codes(api, "type:pct", "2001-04-01")


def test_a_pct_with_no_start_in_the_registers_is_left_out_of_dated_answers(api) -> None:
    assert not [r for r in SUCC if r[1] == "5HH"]
    props = api.get("/entities/org:ods-5hh").json()["properties"]
    assert props["undated"] is True and "No ODS succession creates this code" in props["undated_reason"]
    assert "5HH" not in codes(api, "type:pct", "2005-06-01")


def test_shas_none_in_2001_28_in_2003_10_in_2008(api) -> None:
    assert listed(api, instance_of="type:sha", as_of="2001-06-01", limit=1)["total"] == 0
    old = {r[0] for r in SUCC if r[3] == "20060701" and r[0].startswith("Q") and len(r[0]) == 3}
    new = {r[1] for r in SUCC if r[3] == "20060701" and r[0].startswith("Q") and len(r[0]) == 3}
    assert codes(api, "type:sha", "2003-06-01") == old and len(old) == 28
    assert codes(api, "type:sha", "2008-06-01") == new and len(new) == 10
    assert codes(api, "type:sha", "2006-06-30") == old and codes(api, "type:sha", "2006-07-01") == new
    q01 = api.get("/entities/org:ods-q01").json()
    assert q01["properties"]["valid_from"] == "2002-04-01" and "source:ext-si-2002-553" in q01["properties"]["source_ids"]


def test_a_pcts_sha_in_2008_and_2012(api) -> None:
    sha = {r["PCO12CDO"]: r["SHA12CDO"] for r in dicts("ons/PCO12_SHA12_EN_LU.csv")}["5A4"]
    for day in ("2008-06-01", "2012-06-01"):
        assert "5A4" in codes(api, "type:pct", day, part_of=f"org:ods-{sha.lower()}")
    # Before the 2006 SHAs existed the inference does not reach.
    assert "5A4" not in codes(api, "type:pct", "2005-06-01", part_of=f"org:ods-{sha.lower()}")


def test_foundation_trusts_none_before_april_2004(api) -> None:
    assert listed(api, instance_of="type:foundation-trust", as_of="2003-06-01", limit=1)["total"] == 0
    english = [r for r in rows("ods/etr_2025-11.csv") if r[2] in {"Y56", "Y58", "Y59", "Y60", "Y61", "Y62", "Y63"}]
    ft_2024 = {r[0] for r in english if "FOUNDATION TRUST" in r[1] and not r[11] and iso(r[10]) <= "2024-06-01"}
    assert codes(api, "type:foundation-trust", "2024-06-01") == ft_2024
    # A trust named a foundation trust today was an NHS trust before April 2004.
    nt_1995 = codes(api, "type:nhs-trust", "1995-06-01")
    assert {r[0] for r in english if "FOUNDATION TRUST" in r[1] and iso(r[10]) <= "1995-06-01" and not r[11]} <= nt_1995
    assert listed(api, instance_of="type:nhs-trust", as_of="1990-06-01", limit=1)["total"] == 0


def test_a_foundation_trust_link_says_its_start_is_a_bound(kg_store) -> None:
    rows_ = kg_store.run_read(
        "MATCH (:Organisation {id: 'org:ods-rtk'})-[r:INSTANCE_OF]->(t) RETURN t.id AS t, r.valid_from AS f, r.valid_to AS e, r.approximate AS a",
        {},
    )
    got = {r["t"]: (r["f"], r["e"], r["a"]) for r in rows_}
    assert got["type:foundation-trust"][0] == "2004-04-01" and got["type:foundation-trust"][2] is True
    assert got["type:nhs-trust"][1] == "2004-04-01"


# --- successions place by place --------------------------------------------------


def successors(api, body: str) -> dict[str, str]:
    out = api.get(f"/entities/{body}/history").json()["successors"]
    return {i["node"]["id"]: i["steps"][-1]["date"] for i in out}


def predecessors(api, body: str) -> dict[str, str]:
    out = api.get(f"/entities/{body}/history").json()["predecessors"]
    return {i["node"]["id"]: i["steps"][-1]["date"] for i in out}


def test_history_for_each_kind_of_succession(api) -> None:
    # CCG -> CCG (the 2015 merger) and on to the ICB.
    assert successors(api, "org:ods-00f")["org:ods-13t"] == "2015-04-01"
    # PCG -> PCT and community trust -> PCT (2001), from succ.
    into_5a4 = {f"org:ods-{r[0].lower()}" for r in SUCC if r[1] == "5A4"}
    assert into_5a4 <= set(predecessors(api, "org:ods-5a4"))
    # PCT -> PCT (2006) and 2002 SHA -> 2006 SHA.
    assert successors(api, "org:ods-5hh")["org:ods-5n1"] == "2006-10-01"
    q01_to = {f"org:ods-{r[1].lower()}" for r in SUCC if r[0] == "Q01"}
    assert set(successors(api, "org:ods-q01")) >= q01_to and successors(api, "org:ods-q01")["org:ods-q35"] == "2006-07-01"
    # ICB -> ICB (2026).
    assert successors(api, "org:ods-qxu")["org:ods-s9b9j"] == "2026-04-01"
    # trust -> trust, from succ rows between trusts.
    trust_rows = [(p, s, iso(d)) for p, s, _, d, _ in SUCC if p == "RY2" and s == "RWW"]
    assert trust_rows and successors(api, "org:ods-ry2")["org:ods-rww"] == trust_rows[0][2]


def test_abolished_councils_end_and_have_successors(api) -> None:
    nowhere = codes(api, "type:local-authority", "2024-01-01")
    assert "org:ons-e10000006" not in {i["id"] for i in listed(api, instance_of="type:local-authority", as_of="2024-01-01")["items"]}
    assert "org:ons-e10000006" in {i["id"] for i in listed(api, instance_of="type:local-authority", as_of="2022-01-01")["items"]}
    assert nowhere  # councils still answer in 2024
    after = successors(api, "org:ons-e10000006")
    assert after == {"org:cumberland-council": "2023-04-01", "org:westmorland-and-furness-council": "2023-04-01"}
    assert set(successors(api, "org:ons-e10000021")) == {"org:north-northamptonshire-council", "org:west-northamptonshire-council"}
    cumberland = api.get("/entities/org:cumberland-council").json()["properties"]
    assert cumberland["valid_from"] == "2023-04-01" and "source:ext-si-2022-331" in cumberland["source_ids"]


def test_no_date_has_two_ccgs_for_one_place(api) -> None:
    """Each CCG that merged is gone on the day its successor starts."""
    into: dict[str, set[str]] = defaultdict(set)
    ccg_codes = {r[0] for r in rows("ods/eccg_2025-11.csv") if r[13] in ("", "RO319", "RO319|RO326")}
    for p, s, _, d, _ in SUCC:
        if p in ccg_codes and s in ccg_codes:
            into[iso(d)].add(p)
    for day, preds in into.items():
        live = codes(api, "type:ccg", day)
        assert not preds & live, day


def test_stps_44_from_the_2016_footprints_then_42(api) -> None:
    stp17 = {r["STP17CD"] for r in dicts("ons/CCG17_STP17_EN_LU_v3.csv")}
    stp19 = {r["STP19CD"] for r in dicts("ons/CCG19_STP19_EN_LU.csv")}
    assert len(stp17) == 44 and len(stp19) == 42
    assert listed(api, instance_of="type:stp", as_of="2016-06-01", limit=1)["total"] == len(stp17)
    assert listed(api, instance_of="type:stp", as_of="2017-06-01", limit=1)["total"] == len(stp17)
    assert listed(api, instance_of="type:stp", as_of="2019-06-01", limit=1)["total"] == len(stp19)
    assert listed(api, instance_of="type:stp", as_of="2016-01-01", limit=1)["total"] == 0


def test_area_teams_with_their_ods_codes_and_successors(api) -> None:
    raw = (FILES / "history" / "nhschoices_LAT_area_teams_2014-02.csv").read_bytes().decode("cp1252").splitlines()
    lat = {line.split("\xac")[1] for line in raw[1:] if line}
    assert len(lat) == 25
    assert codes(api, "type:nhse-area-team", "2014-01-01") == lat
    assert not codes(api, "type:nhse-area-team", "2015-04-01")
    expected = {(p, s) for p, s, _, d, _ in SUCC if p in lat and d == "20150401"}
    assert ("Q57", "Q79") in expected
    assert successors(api, "org:ods-q57")["org:ods-q79"] == "2015-04-01"
