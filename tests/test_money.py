"""Money by year through the HTTP API on the real engine: NHS England's
budget, CCG and ICB allocations, the public health grant, the Better Care
Fund, the PCT-era headlines, a body's latest budget, and no budget without a
holder. Figures are pinned against the shipped money files (read here with
the csv module, not through the loader) or the cited publications."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

MONEY = Path(__file__).resolve().parents[1] / "ingest" / "registers" / "files" / "money"
NWS_CCG = "org:nws-ccg"  # NHS North West Surrey CCG (ODS 09Y)
NEWCASTLE_GATESHEAD_CCG = "org:ods-13t"  # a CCG of 2016 with no row in the table
FRIMLEY_ICB = "org:ods-qnq"


def budgets(api, **params) -> list[dict]:
    r = api.get("/budgets", params={"limit": 1000, **params})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == len(body["items"])
    return body["items"]


def by_id(items: list[dict]) -> dict[str, dict]:
    return {i["id"]: i for i in items}


def rdel_rows() -> list[dict]:
    with (MONEY / "nhse_rdel_2013-2025_thf.csv").open(newline="") as f:
        return list(csv.DictReader(f))


# --- NHS England ------------------------------------------------------------------------------


def test_nhs_england_resource_del_every_year_2013_to_2025_from_the_file(api):
    rows = rdel_rows()
    assert [int(r["date"]) for r in rows] == list(range(2013, 2026))
    for r in rows:
        start = int(r["date"])
        year = f"{start}/{(start + 1) % 100:02d}"
        items = budgets(api, holder="org:nhs-england", fiscal_year=year)
        rdel = [i for i in items if i["id"].startswith("budget:nhse-rdel-")]
        assert len(rdel) == 1, year
        item = rdel[0]
        assert item["holder"] == "org:nhs-england" and item["holder_name"]
        assert item["amount_gbp"] == round(float(r["nhs_rdel"]) * 1e9)
        assert (item["valid_from"], item["valid_to"]) == (f"{start}-04-01", f"{start + 1}-04-01")
        assert item["derived_file"] is True
        (ev,) = item["evidence"]
        assert ev["kind"] == "register" and ev["source_id"] == "source:register-money-nhse-rdel-thf"
        assert ev["quote"].startswith(f'"{r[""]}",{r["date"]},') and "DERIVED" in ev["locator"]
    # The file's last row is a plan, and says so.
    last = budgets(api, holder="org:nhs-england", fiscal_year="2025/26")
    assert "plan" in by_id(last)["budget:nhse-rdel-2025-26"]["measure"]
    assert "outturn" in by_id(budgets(api, holder="org:nhs-england", fiscal_year="2014/15"))["budget:nhse-rdel-2014-15"]["measure"]


def test_nhs_england_revenue_limit_from_the_financial_directions(api):
    y2324 = by_id(budgets(api, holder="org:nhs-england", fiscal_year="2023/24"))
    assert y2324["budget:nhse-revenue-limit-2023-24"]["amount_gbp"] == 179_660e6
    assert "budget:nhse-revenue-limit-2023-24-original" not in y2324  # superseded: only when asked
    every = by_id(budgets(api, holder="org:nhs-england", fiscal_year="2023/24", status="any"))
    original = every["budget:nhse-revenue-limit-2023-24-original"]
    assert original["amount_gbp"] == 171_318e6 and original["status"] == "superseded"
    y2526 = by_id(budgets(api, holder="org:nhs-england", fiscal_year="2025/26"))
    limit = y2526["budget:nhse-revenue-limit-2025-26"]
    assert limit["amount_gbp"] == 205_111e6
    (ev,) = limit["evidence"]
    assert ev["kind"] == "citation" and "£205,111 million" in ev["quote"]
    assert by_id(budgets(api, holder="org:nhs-england", fiscal_year="2024/25"))["budget:nhse-revenue-limit-2024-25"]["amount_gbp"] == 196_269e6


def test_a_fiscal_year_ends_on_31_march(api):
    before = {i["fiscal_year"] for i in budgets(api, holder="org:nhs-england", as_of="2024-03-31")}
    after = {i["fiscal_year"] for i in budgets(api, holder="org:nhs-england", as_of="2024-04-01")}
    assert before == {"2023/24"} and after == {"2024/25"}


def test_nhs_england_latest_budget_on_its_entity(api):
    body = api.get("/entities/org:nhs-england").json()
    latest = body["latest_budget"]
    assert latest["id"] == "budget:nhse-revenue-limit-2025-26" and latest["fiscal_year"] == "2025/26"
    assert latest["amount_gbp"] == 205_111e6 and latest["evidence"]


# --- CCGs -------------------------------------------------------------------------------------


def test_ccg_allocations_in_total_by_year(api):
    expected = {"2015/16": 69_484e6, "2016/17": 71_853e6, "2017/18": 73_358e6, "2018/19": 74_849e6}
    for year, amount in expected.items():
        totals = [i for i in budgets(api, holder="type:ccg", fiscal_year=year) if i["id"].startswith("budget:ccg-allocations-total-")]
        assert [i["amount_gbp"] for i in totals] == [amount], year
        assert totals[0]["holder"] == "type:ccg" and totals[0]["evidence"][0]["source_id"] == "source:ext-cipfa-resource-allocation"
    # 2019/20's January 2016 figure was indicative and replaced: not an in-force answer.
    assert not [i for i in budgets(api, holder="type:ccg", fiscal_year="2019/20") if i["id"].startswith("budget:ccg-allocations-total-")]
    old = by_id(budgets(api, holder="type:ccg", fiscal_year="2019/20", status="superseded"))
    assert old["budget:ccg-allocations-total-2019-20-indicative-2016"]["amount_gbp"] == 76_469e6
    # Every allocation stream together, final (the written answer of September 2023): CCGs to 2021/22, then ICBs.
    every_stream = {"2019/20": ("type:ccg", 89_730e6), "2020/21": ("type:ccg", 101_907e6), "2021/22": ("type:ccg", 115_007e6), "2022/23": ("type:icb", 119_174e6), "2023/24": ("type:icb", 123_880e6)}
    for year, (holder, amount) in every_stream.items():
        rows = [i for i in budgets(api, holder=holder, fiscal_year=year) if "-allocations-all-" in i["id"]]
        assert [(i["holder"], i["amount_gbp"]) for i in rows] == [(holder, amount)], year
        assert rows[0]["evidence"][0]["source_id"] == "source:ext-pq-197068-icb-finance"
    # 2013/14 and 2017/18 also have the corpus documents' own figures, kept beside.
    assert by_id(budgets(api, holder="type:ccg", fiscal_year="2013/14"))["budget:ccg-allocation-2013-14"]["amount_gbp"] == 65e9


def test_a_named_ccgs_allocation_from_the_table(api):
    with (MONEY / "ccg_allocations_209ccgs_nhsspend.csv").open(newline="") as f:
        row = next(r for r in csv.DictReader(f) if r["CCG"] == "NHS North West Surrey CCG")
    own = [i for i in budgets(api, holder=NWS_CCG, fiscal_year="2018/19") if i["holder"] == NWS_CCG]
    assert len(own) == 1
    item = own[0]
    assert item["amount_gbp"] == int(row["Final allocation"]) * 1000 == 444_706_000
    assert item["year_basis"] == "inferred" and "uncertain" in item["year_note"]
    (ev,) = item["evidence"]
    assert ev["kind"] == "register" and ev["quote"].startswith("NHS North West Surrey CCG,")
    # Another year holds no allocation of its own for this CCG (only the CCGs' totals).
    assert all(i["holder"] != NWS_CCG for i in budgets(api, holder=NWS_CCG, fiscal_year="2017/18"))
    latest = api.get(f"/entities/{NWS_CCG}").json()["latest_budget"]
    assert latest["id"] == item["id"]


def test_the_ccg_table_holds_208_ccgs_and_not_its_copying_error(api):
    rows = [i for i in budgets(api, holder="type:ccg", fiscal_year="2018/19") if i["holder"] != "type:ccg"]
    assert len(rows) == 208 == len({i["holder"] for i in rows})
    assert sum(i["amount_gbp"] for i in rows) == 74_498_870_000
    leicester = [i for i in rows if i["holder_name"] and "Leicester City" in i["holder_name"]]
    assert [i["amount_gbp"] for i in leicester] == [454_473_000]  # line 103, not line 102's copy
    # A CCG that had merged before the inferred year says so, with its close date.
    closed = [i for i in rows if "closed on" in i["description"]]
    assert closed and all(i["holder_name"] for i in closed)
    central_manchester = next(i for i in rows if i["name"].startswith("NHS Central Manchester CCG"))
    assert "closed on 2017-04-01" in central_manchester["description"]
    assert "closed on" not in next(i for i in rows if i["holder"] == NWS_CCG)["description"]
    assert all(i["holder"] != NEWCASTLE_GATESHEAD_CCG for i in budgets(api, holder=NEWCASTLE_GATESHEAD_CCG))
    assert api.get(f"/entities/{NEWCASTLE_GATESHEAD_CCG}").json()["latest_budget"] is None


# --- ICBs -------------------------------------------------------------------------------------


def test_icb_allocations_2024_25_in_total_and_frimley_not_held(api):
    items = by_id(budgets(api, holder="type:icb", fiscal_year="2024/25"))
    total = items["budget:icb-allocations-total-2024-25"]
    assert total["amount_gbp"] == 127.2e9 and total["holder"] == "type:icb" and total["approximate"] is True
    assert total["evidence"][0]["source_id"] == "source:ext-hoclib-cbp-10031"
    assert items["budget:icb-primary-medical-care-2024-25"]["amount_gbp"] == 11.2e9
    # Frimley ICB: the ICBs' totals answer for it, but no allocation of its own
    # is held (no table in pounds was found; docs/coverage.md says so).
    frimley = budgets(api, holder=FRIMLEY_ICB, fiscal_year="2024/25")
    assert frimley and {i["holder"] for i in frimley} == {"type:icb"}
    assert api.get(f"/entities/{FRIMLEY_ICB}").json()["latest_budget"] is None
    # The weighted populations are not money and are not loaded as budgets.
    assert not budgets(api, q="weighted population")


def test_coverage_says_what_is_not_held():
    text = (Path(__file__).resolve().parents[1] / "docs" / "coverage.md").read_text(encoding="utf-8")
    money = text[text.index("## Money") :]
    assert "Frimley" in money and "not held" in money


# --- public health grant, Better Care Fund ---------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "amount"),
    [("2013/14", 2.66e9), ("2014/15", 2.79e9), ("2016/17", 3.4e9), ("2017/18", 3.3e9), ("2018/19", 3.215e9), ("2019/20", 3.134e9), ("2020/21", 3.279e9), ("2021/22", 3.324e9), ("2022/23", 3.417e9), ("2023/24", 3.530e9), ("2024/25", 3.660e9), ("2025/26", 3.858e9)],
)
def test_public_health_grant_by_year(api, year, amount):
    items = [i for i in budgets(api, holder="type:local-authority", fiscal_year=year, q="public health grant")]
    assert [i["amount_gbp"] for i in items] == [amount]
    assert items[0]["ring_fenced"] is True and items[0]["evidence"]


def test_public_health_grant_revisions_are_kept_and_a_council_sees_the_total(api):
    every = by_id(budgets(api, fiscal_year="2024/25", q="public health grant", status="any"))
    assert every["budget:public-health-grant-2024-25-february-2024"]["status"] == "superseded"
    assert every["budget:public-health-grant-2024-25"]["status"] == "in_force"
    council = budgets(api, holder="org:surrey-county-council", fiscal_year="2024/25", q="public health grant")
    assert [i["id"] for i in council] == ["budget:public-health-grant-2024-25"]


def test_better_care_fund(api):
    nhs_minimum = by_id(budgets(api, holder="type:ccg", fiscal_year="2020/21"))["budget:bcf-nhs-minimum-2020-21"]
    assert nhs_minimum["amount_gbp"] == 4_048e6 and "4,048" in nhs_minimum["evidence"][0]["quote"]
    assert by_id(budgets(api, holder="type:ccg", fiscal_year="2021/22"))["budget:bcf-nhs-minimum-2021-22"]["amount_gbp"] == 4.3e9
    pooled = by_id(budgets(api, holder="type:health-and-wellbeing-board"))
    assert pooled["budget:bcf-2021-22"]["amount_gbp"] == 6.9e9
    assert pooled["budget:bcf-2015-16"]["amount_gbp"] == 3.8e9 and pooled["budget:bcf-2016-17"]["amount_gbp"] == 3.9e9


# --- earlier eras -------------------------------------------------------------------------------


def test_pct_era_headlines_and_health_expenditure(api):
    pct = by_id(budgets(api, holder="type:pct"))
    assert pct["budget:pct-allocations-2009-11"]["amount_gbp"] == 164e9
    assert [i["id"] for i in budgets(api, holder="type:pct", as_of="2010-06-01")] == ["budget:pct-allocations-2009-11"]
    assert [i["amount_gbp"] for i in budgets(api, holder="type:pct", as_of="2011-04-01")] == [89e9]
    assert [i["amount_gbp"] for i in budgets(api, holder="type:pct", fiscal_year="2012/13")] == [91.6e9]
    assert not budgets(api, holder="type:pct", as_of="2013-04-01")  # PCTs abolished
    dh = by_id(budgets(api, holder="org:department-of-health", fiscal_year="2010/11"))
    assert dh["budget:health-expenditure-england-2010-11"]["amount_gbp"] == 100.4e9
    # 1999/00 is stated on two accounting bases; both are kept, each named.
    both = budgets(api, holder="org:department-of-health", fiscal_year="1999/00")
    assert sorted(i["amount_gbp"] for i in both) == [39.9e9, 40.2e9]
    assert not budgets(api, holder="org:department-of-health", fiscal_year="1988/89")  # before DH's first whole year


# --- every budget has a holder --------------------------------------------------------------------


def test_no_budget_without_a_holder(api):
    items = budgets(api, status="any")
    assert len(items) > 280
    missing = [i["id"] for i in items if not i["holder"] or not i["holder_name"]]
    assert missing == []
    assert by_id(items)["budget:nhs-commissioning-budget-2013-14"]["holder"] == "org:nhs-england"


def test_a_budget_without_a_holder_is_refused(tmp_path):
    import textwrap

    from nhskg.ingest.kb import DEFAULT_KB_DIR, KnowledgeBaseError, load_knowledge_base

    path = tmp_path / "extra.yaml"
    path.write_text(
        textwrap.dedent(
            """
            budgets:
              - id: budget:no-holder
                name: "A figure nobody holds"
                amount_gbp: 1000
                original_text: "£1,000"
                fiscal_year: 2015/16
                valid_from: 2015-04-01
                valid_to: 2016-04-01
                evidence:
                  - source: source:patient-ccgs-2013
                    quote: "England's 211 CCGs have taken over from PCTs and become responsible for £65bn of the £95bn NHS commissioning budget."
            """
        ).lstrip(),
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base([DEFAULT_KB_DIR, path])
    problems = [str(p) for p in caught.value.problems]
    assert len(problems) == 1 and problems[0].startswith(f"{path}:2:") and "needs its holder" in problems[0]
