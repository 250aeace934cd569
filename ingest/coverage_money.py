"""The "Money" section of docs/coverage.md: every money series the graph
holds with its source, and every one looked for and not found, with where.

Curated by hand (what was searched for cannot be derived from the graph);
the register-loaded series are described from ingest/registers/money.py.
"""

from __future__ import annotations

from nhskg.ingest.registers.money import CCG_YEAR, FIRST_DH_YEAR

HELD: tuple[tuple[str, str, str, str], ...] = (
    (
        "NHS England resource DEL (PESA)",
        "2013/14-2025/26, one a year (2025/26 a plan)",
        "org:nhs-england",
        "register file `money/nhse_rdel_2013-2025_thf.csv`: The Health Foundation's transcription of HM Treasury PESA (DERIVED; every row cites its line)",
    ),
    (
        "NHS England total revenue resource use limit (financial directions, s223D NHS Act 2006)",
        "2023/24 (March 2023, superseded; March 2024 revision in force), 2024/25 (revised), 2025/26",
        "org:nhs-england",
        "GOV.UK financial directions to NHS England (cited, with URL)",
    ),
    (
        "CCG allocations in total",
        "2013/14 (£65bn, corpus), 2015/16-2018/19 (NHS England, January 2016), 2017/18 also £73.6bn (corpus); 2019/20 and 2020/21 indicative figures kept as superseded",
        "type:ccg (all CCGs together)",
        "NHS England's 2016/17-2020/21 allocations summary as reproduced by CIPFA (paraphrased transcription, cited)",
    ),
    (
        "CCG allocation per CCG",
        f"{CCG_YEAR} (year inferred, see below), 208 CCGs",
        "each CCG (joined by name to the register's CCG of April 2016)",
        "register file `money/ccg_allocations_209ccgs_nhsspend.csv` (NHS England's table re-saved by crahal/NHSSpend; DERIVED)",
    ),
    (
        "CCG / ICB allocations in total, every stream (final)",
        "2019/20, 2020/21, 2021/22 (CCGs); 2022/23 (CCGs then ICBs, held by type:icb with a note); 2023/24 as at month two",
        "type:ccg; type:icb",
        "written answer 197068 of 11 September 2023 (Parallel Parliament copy; cited, table paraphrased)",
    ),
    (
        "NHS England total allocation (non-ring-fenced RDEL)",
        "2019/20-2022/23 final; 2023/24 as at month two",
        "org:nhs-england",
        "written answer 197068 of 11 September 2023 (cited)",
    ),
    (
        "ICB allocations in total",
        "2024/25: £127.2bn in all, £107.6bn core services, £11.2bn primary medical care",
        "type:icb (all ICBs together)",
        "House of Commons Library CBP-10031; Healthcare Leader's report of it (cited)",
    ),
    (
        "Public health grant (ring-fenced) in total",
        "2013/14, 2014/15, 2016/17-2025/26 (2023/24 and 2024/25 with their first figures kept as superseded)",
        "type:local-authority (upper-tier and unitary councils together)",
        "GOV.UK public health grant publications and circulars, written ministerial statements (2017, 2023), PAC HC 893, Independent Nurse for 2019/20 (cited)",
    ),
    (
        "Better Care Fund",
        "2015/16 (£3.8bn committed), 2016/17 (£3.9bn mandated minimum) and 2021/22 (£6.9bn minimum) pooled; NHS (CCG) minimum £4,048m in 2020/21 and £4.3bn in 2021/22",
        "type:health-and-wellbeing-board (pooled fund); type:ccg (NHS minimum)",
        "BCF policy framework 2016/17 (issuu copy), policy statement 2020 to 2021, Pharmacy Business's report of the 2021 to 2022 announcement (cited)",
    ),
    (
        "PCT allocations in total",
        "2009/10-2010/11 together (£164bn), 2011/12 (£89bn), 2012/13 (£91.6bn)",
        "type:pct",
        "Lords written statement of 8 December 2008; Department of Health allocations page (UK Government Web Archive) and HFMA; HSJ (cited)",
    ),
    (
        "Health expenditure in England (cash)",
        f"{FIRST_DH_YEAR}/{(FIRST_DH_YEAR + 1) % 100:02d}-2019/20, one a year (1999/00 and 2002/03 also restated on the new accounting basis)",
        "org:department-of-health",
        "register file `money/health_expenditure_england_1979-2020_hoclib_thf.csv`: House of Commons Library SN00724 Table 2 as re-saved by The Health Foundation (DERIVED)",
    ),
)

NOT_FOUND: tuple[tuple[str, str], ...] = (
    (
        "Per-ICB allocations in pounds, 2022/23-2026/27 (so: Frimley ICB's allocation for 2024/25 is **not held**)",
        "NHS England publishes them as PDF and XLSX workbooks (england.nhs.uk/allocations); no copy of those tables was found as text (searches of stored pages for "
        "Frimley ICB's 2024/25 allocation and for ICB allocation tables found the House of Commons Library's totals and per-patient figures only) nor as a file in a "
        "public repository (registers/PROVENANCE.md: code searches found only analysis code that downloads them). The practice weighted populations of 2023/24 and 2024/25 (nhsx/AIF_Allocation_Tool) "
        "give each ICB's share of need, not money, and are not loaded as budgets. For Frimley ICB in 2024/25 the graph answers only with the ICBs' totals "
        "(`/budgets?holder=org:ods-qnq&fiscal_year=2024/25`, each item held by type: icb) and `latest_budget: null` on the ICB itself.",
    ),
    (
        "ICB allocations in total for 2025/26 and 2026/27 (and the final 2023/24 figure)",
        "NHS England's allocations pages list the documents but give no total in text; the 2026/27-2028/29 medium-term allocations were found only as links.",
    ),
    (
        "CCG allocations in total for 2014/15; the core-programme totals for 2019/20-2021/22 (only every-stream totals are held); per CCG for any year but one",
        "House of Commons Library SN06779 (2014), NHS England allocation pages for 2014/15-2015/16 and 2019/20-2023/24, HFMA news (growth rates only).",
    ),
    (
        "NHS England mandate budgets / revenue resource limits 2013/14-2022/23 as publisher text",
        "Financial directions before 2023/24 and the mandates' budget annexes were not found as text; the years are covered by the PESA resource DEL series and, for 2019/20-2022/23, by NHS England's total allocation in a written answer (different measures).",
    ),
    (
        "NHS England's 2026/27 budget",
        "The 2026 to 2027 financial directions were not found (searched GOV.UK pages for the directions and the 2026/27 mandate).",
    ),
    (
        "Public health grant for 2015/16, and per council for every year",
        "The 2015/16 in-year-saving consultation response was found without its total in text; the per-council annexes (Annex B of each circular) are spreadsheets or PDFs not found as files or text.",
    ),
    (
        "Better Care Fund minimum NHS contribution for 2015/16-2019/20 and 2022/23 onwards",
        "BCF policy frameworks 2017-19, 2022 to 2023, 2023 to 2025 and 2025 to 2026 were found, but not their funding tables in text (the 5.66% uplifts are stated, not the amounts).",
    ),
    (
        "PCT allocations by single year for 2002/03-2008/09, and per PCT for any year",
        "DH exposition books (2011/12) and Hansard tables were found as pages whose figures are per SHA or not in the text. A Department of Health "
        "factsheet (http://www.info.doh.gov.uk/nhsfactsheets.nsf/vwStatisticsHelp/MPB_DYNAMIC.CHIP_A_HA_PCTALLOCS) says the unified allocations of December 2002 "
        "totalled £148 billion for 2003/04-2005/06; it is not loaded, because it has no secure (https) address to cite.",
    ),
)

CCG_TABLE_NOTE = (
    "The per-CCG table states no year. It has 209 rows, the number of CCGs from April 2015 to March 2017 (the configuration "
    "of NHS England's 2016/17-2020/21 allocations); one row is a copying error (a second 'NHS Leicester City CCG' carrying "
    "East Leicestershire and Rutland's figures) and is not loaded, and NHS Newcastle Gateshead CCG has no row. Its 208 CCGs "
    "total £74,498.870m, 0.5% under that round's 2018/19 CCG total (£74,849m) and 1.5% or more from every other year's, so the "
    f"rows are loaded as {CCG_YEAR} with `year_basis: inferred`; against it, most rows' minimum growth (2.08%) is above that "
    "year's average growth (2.03%), so the year is not certain and each row says so (`year_note`). The rows of CCGs that had merged before 1 April 2018 "
    "keep them as holder (the table's own configuration) and say when they closed."
)


def money_section() -> list[str]:
    lines = [
        "## Money",
        "",
        "Every budget has a holder (a real body, or a type for a total across the type) and its fiscal year as valid_from/valid_to. "
        "`/budgets?holder=` answers for a body (its own rows and its types') and for a type (its rows and its instances').",
        "",
        "| series | years | held by | source |",
        "|---|---|---|---|",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in HELD),
        "",
        CCG_TABLE_NOTE,
        "",
        "Looked for and not found (no row pretends otherwise):",
        "",
        *(f"- {what}: {where}" for what, where in NOT_FOUND),
    ]
    return lines
