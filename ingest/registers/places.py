"""NHS trusts with the ICB they sit in (ODS etr), and upper-tier local
authorities with the ICB(s) they overlap (a best fit from ONS lookups)."""

from __future__ import annotations

from collections import Counter, defaultdict

from nhskg.ingest.registers.builder import Context, RegisterGraph, evidence
from nhskg.ingest.registers.files import BY_KEY, ods_date, read_rows
from nhskg.ingest.registers.ids import ICB_START, clip, day_after, ods_id, ons_id

ENGLISH_REGIONS = {"Y56", "Y58", "Y59", "Y60", "Y61", "Y62", "Y63"}
FOUNDATION_RULE = "type from the name: 'FOUNDATION TRUST' in the ODS name means an NHS foundation trust, otherwise an NHS trust"
LA_ICB_RULE = (
    "best fit, derived: each LSOA (2011) of the upper-tier authority (ONS LSOA11->CCG20->LAD20, LAD->UTLA by ONS "
    "LTLA19->UTLA19) is placed in the ICB of July 2022 that its 2020 CCG's code (or the CCG it merged into in 2021, "
    "ODS succ) belongs to as a sub-ICB location (ONS LOC22); the authority is within the area of every ICB holding "
    "any of its LSOAs. lsoa_share = that ICB's share of the authority's LSOAs."
)


def load_trusts(g: RegisterGraph, ctx: Context) -> None:
    for r in read_rows(BY_KEY["ods-etr-2025-11"]):
        f = r.fields
        if f["3"] not in ENGLISH_REGIONS:
            continue  # Welsh trusts carry no English region
        code, opened, closed = f["1"], ods_date(f["11"]), ods_date(f["12"])
        end = day_after(closed) if closed else None
        b = g.body(ods_id(code), "StatutoryBody")
        foundation = "FOUNDATION TRUST" in f["2"].upper()
        b.props.update(ods_code=code, register_role="NHS foundation trust" if foundation else "NHS trust", valid_from=opened)
        if end:
            b.props["valid_to"] = end
        g.name(b.id, opened or "", f["2"])
        item = evidence(r, code)
        g.cite(b.id, item)
        g.link("INSTANCE_OF", b.id, "type:foundation-trust" if foundation else "type:nhs-trust", opened, end, [item], rule=FOUNDATION_RULE)
        icb = f["4"]
        if icb in ctx.icb_valid:
            period = clip(opened, end, *ctx.icb_valid[icb])
            if period:
                g.link("WITHIN_AREA_OF", b.id, ods_id(icb), period[0], period[1], [item], link_basis="ODS etr high level health geography (field 4)")


def load_local_authorities(g: RegisterGraph, ctx: Context) -> None:
    lad_to_utla: dict[str, str] = {}
    for r in read_rows(BY_KEY["ons-ltla19-utla19"]):
        utla = r.get("UTLA19CD")
        lad_to_utla[r.get("LTLA19CD")] = utla
        if not utla.startswith("E"):
            continue
        b = g.body(ons_id(utla), "LocalAuthority")
        if "ons_code" not in b.props:
            b.props.update(register_role="upper-tier local authority")
            g.name(b.id, "2019-04-01", r.get("UTLA19NM"))
            g.ons(b.id, utla, "2019-04-01")
            g.link("INSTANCE_OF", b.id, "type:local-authority", None, None, [evidence(r, utla)])
        if r.get("LTLA19CD") == utla or not b.evidence:
            g.cite(b.id, evidence(r, utla))
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for r in read_rows(BY_KEY["ons-lsoa11-ccg20-lad20"]):
        lad = r.get("LAD20CD")
        utla = lad_to_utla.get(lad)
        if utla is None:
            # A district created after 2019 (Buckinghamshire, 2020) is its own
            # upper tier; the LSOA file names it.
            utla = lad_to_utla[lad] = lad
            b = g.body(ons_id(lad), "LocalAuthority")
            b.props.update(register_role="upper-tier local authority")
            g.name(b.id, "2020-04-01", r.get("LAD20NM"))
            g.ons(b.id, lad, "2020-04-01")
            g.cite(b.id, evidence(r, lad))
            g.link("INSTANCE_OF", b.id, "type:local-authority", None, None, [evidence(r, lad)])
        ccg = r.get("CCG20CDH")
        ccg = ctx.ccg_successor.get(ccg, ccg)
        icb = ctx.sicbl_icb.get(ccg)
        if icb is None:
            ctx.notes.append(f"{r.file.name} line {r.line}: CCG {ccg} has no ICB in 2022")
            continue
        counts[utla][icb] += 1
    for utla, by_icb in counts.items():
        total = sum(by_icb.values())
        sicbls = defaultdict(list)
        for code, icb in ctx.sicbl_icb.items():
            sicbls[icb].append(code)
        for icb, n in by_icb.items():
            start, end = ctx.icb_valid[icb]
            items = [evidence(ctx.loc22_rows[c], c) for c in sorted(sicbls[icb]) if c in ctx.loc22_rows][:3]
            g.link(
                "WITHIN_AREA_OF", ons_id(utla), ods_id(icb), max(start, ICB_START), end, items,
                derived=True, rule=LA_ICB_RULE, lsoa_count=n, lsoa_share=round(n / total, 4),
            )
