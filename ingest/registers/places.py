"""NHS trusts with the ICB they sit in (ODS etr), and upper-tier local
authorities with the ICB(s) they overlap (a best fit from ONS lookups)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

import yaml

from nhskg.core.evidence import EvidenceItem

from nhskg.ingest.registers.builder import Context, RegisterGraph, evidence
from nhskg.ingest.registers.files import BY_KEY, ods_date, read_rows
from nhskg.ingest.registers.ids import ICB_START, clip, day_after, ods_id, ons_id
from nhskg.ingest.registers.legacy import code_only_trust

ENGLISH_REGIONS = {"Y56", "Y58", "Y59", "Y60", "Y61", "Y62", "Y63"}
FOUNDATION_RULE = (
    "type from the name and the date: 'FOUNDATION TRUST' in the ODS name means an NHS foundation trust, otherwise an "
    "NHS trust; no trust is a foundation trust before foundation trusts existed (1 April 2004)"
)
FT_TYPE_START = "2004-04-01"  # type:foundation-trust: the first authorisations (2003 Act)
FT_START_BASIS = (
    "lower bound: the day Monitor authorised this trust is not in any shipped register or list found; the link starts "
    "on the later of the trust's opening and 1 April 2004 (no foundation trust existed before), so it may start early"
)
COUNTY_COUNCIL_NAME_ITEM = EvidenceItem(
    "source:ext-lga-1972-s2",
    "Each council mentioned in subsection (1) or (2) above shall be a body corporate by the name “The County Council” or "
    "“The District Council”, as the case may be, with the addition of the name of the particular county or district.",
    "citation",
    "section 2(3) (the name of a non-metropolitan county's council)",
)
LA_ICB_RULE = (
    "best fit, derived: each LSOA (2011) of the upper-tier authority (ONS LSOA11->CCG20->LAD20, LAD->UTLA by ONS "
    "LTLA19->UTLA19) is placed in the ICB of July 2022 that its 2020 CCG's code (or the CCG it merged into in 2021, "
    "ODS succ) belongs to as a sub-ICB location (ONS LOC22); the authority is within the area of every ICB holding "
    "any of its LSOAs. lsoa_share = that ICB's share of the authority's LSOAs."
)


def load_trusts(g: RegisterGraph, ctx: Context) -> None:
    """English trusts of ODS etr, typed by date, and the successions into and
    out of them (ODS succ): mergers, acquisitions and renamings."""
    etr: set[str] = set()
    for r in read_rows(BY_KEY["ods-etr-2025-11"]):
        f = r.fields
        if f["3"] not in ENGLISH_REGIONS:
            continue  # Welsh trusts carry no English region
        code, opened, closed = f["1"], ods_date(f["11"]), ods_date(f["12"])
        etr.add(code)
        end = day_after(closed) if closed else None
        b = g.body(ods_id(code), "StatutoryBody")
        foundation = "FOUNDATION TRUST" in f["2"].upper()
        b.props.update(ods_code=code, register_role="NHS foundation trust" if foundation else "NHS trust", valid_from=opened)
        if end:
            b.props["valid_to"] = end
        g.name(b.id, opened or "", f["2"])
        item = evidence(r, code)
        g.cite(b.id, item)
        _trust_types(g, b.id, opened, end, foundation, item)
        icb = f["4"]
        if icb in ctx.icb_valid:
            period = clip(opened, end, *ctx.icb_valid[icb])
            if period:
                g.link("WITHIN_AREA_OF", b.id, ods_id(icb), period[0], period[1], [item], link_basis="ODS etr high level health geography (field 4)")
    ctx.trust_codes = etr
    _trust_successions(g, ctx, etr)


def _trust_types(g: RegisterGraph, body_id: str, opened: str | None, end: str | None, foundation: bool, item: EvidenceItem) -> None:
    """INSTANCE_OF by date. No shipped register or list found gives the day
    Monitor authorised each foundation trust, so a trust named a foundation
    trust is an NHS trust until foundation trusts existed (1 April 2004) and a
    foundation trust from then (or from its opening if later): a lower bound
    on the authorisation, marked approximate (docs/coverage.md)."""
    if not foundation:
        g.link("INSTANCE_OF", body_id, "type:nhs-trust", opened, end, [item], rule=FOUNDATION_RULE)
        return
    ft_from = max(opened or FT_TYPE_START, FT_TYPE_START)
    if opened and opened < FT_TYPE_START:
        g.link("INSTANCE_OF", body_id, "type:nhs-trust", opened, min(FT_TYPE_START, end or FT_TYPE_START), [item], rule=FOUNDATION_RULE)
    if not end or ft_from < end:
        g.link(
            "INSTANCE_OF", body_id, "type:foundation-trust", ft_from, end, [item],
            rule=FOUNDATION_RULE, approximate=True, start_basis=FT_START_BASIS,
        )


def _trust_successions(g: RegisterGraph, ctx: Context, etr: set[str]) -> None:
    """succ rows into or out of an etr trust, between bodies the graph holds;
    a predecessor trust that etr does not list becomes a code-only node (its
    name only where the derived ORD cache gives it, flagged)."""
    derived_file = BY_KEY["derived-ods-classification"]
    orgs = json.loads(derived_file.full_path.read_text(encoding="utf-8"))["orgs"]
    names: dict[str, str] = {}
    for o in orgs.values():
        for p in o.get("predecessors", []):
            names.setdefault(p["code"], p["name"])
    for r in read_rows(BY_KEY["ods-succ-2026-05"]):
        pred, succ, on = r.fields["1"], r.fields["2"], ods_date(r.fields["4"]) or ""
        if succ not in etr and pred not in etr:
            continue
        if pred not in etr and succ in etr and len(pred) == 3 and pred[0] in "RT" and ods_id(pred) not in g.bodies:
            name = names.get(pred)
            item = _derived_name_item(pred, name) if name else None
            code_only_trust(g, pred, on, r, name, item)
        if ods_id(pred) in g.bodies and ods_id(succ) in g.bodies and pred != succ:
            g.event("SUCCEEDED_BY", ods_id(pred), ods_id(succ), on, [evidence(r, f"{pred}->{succ}")], succ_flag=r.fields["5"])


def _derived_name_item(code: str, name: str) -> EvidenceItem:
    f = BY_KEY["derived-ods-classification"]
    return EvidenceItem(f.source_id, f'{{"code": "{code}", "name": "{name}"}}', "register", f"{f.name} predecessors of a trust, {code} (DERIVED file)")


def load_local_authorities(g: RegisterGraph, ctx: Context) -> None:
    lad_to_utla: dict[str, str] = {}
    for r in read_rows(BY_KEY["ons-ltla19-utla19"]):
        utla = r.get("UTLA19CD")
        lad_to_utla[r.get("LTLA19CD")] = utla
        if not utla.startswith("E"):
            continue
        b = g.body(ons_id(utla), "LocalAuthority")
        if "ons_code" not in b.props:
            # E10: a non-metropolitan county, whose council is "The County Council" with the
            # county's name (Local Government Act 1972 s.2(3)); the ONS names the area only.
            county = utla.startswith("E10")
            b.props.update(register_role="county council" if county else "upper-tier local authority")
            g.name(b.id, "2019-04-01", r.get("UTLA19NM"))
            g.ons(b.id, utla, "2019-04-01")
            g.link("INSTANCE_OF", b.id, "type:local-authority", None, None, [evidence(r, utla)])
        if r.get("LTLA19CD") == utla or not b.evidence:
            g.cite(b.id, evidence(r, utla))
            if b.props["register_role"] == "county council" and COUNTY_COUNCIL_NAME_ITEM not in b.evidence:
                g.cite(b.id, COUNTY_COUNCIL_NAME_ITEM)
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


COUNCILS_FILE = Path(__file__).resolve().parent / "councils.yaml"


def load_council_changes(g: RegisterGraph, ctx: Context) -> None:
    """Councils abolished or renamed after the 2019 lookup (councils.yaml): the
    abolished council ends and is SUCCEEDED_BY the new ones, each cited to
    its structural change order; a renamed council keeps its node and gains
    the new name from the day."""
    changes = yaml.safe_load(COUNCILS_FILE.read_text(encoding="utf-8"))["changes"]
    for c in changes:
        on = str(c["date"])
        item = EvidenceItem(c["source"], c.get("quote") or c["paraphrase"], "citation" if c.get("quote") else "paraphrase", c["locator"])
        if "renamed" in c:
            b = g.bodies[ons_id(c["renamed"])]
            g.name(b.id, on, c["name"])
            g.cite(b.id, item)
            continue
        old = g.bodies[ons_id(c["abolished"])]
        old.props["valid_to"] = on
        old.props["date_note"] = f"Abolished on {on} by its structural change order (cited)."
        g.cite(old.id, item)
        for s in c["successors"]:
            existed = s["id"] in g.bodies
            new = g.body(s["id"], "LocalAuthority")
            if existed:
                # A register already holds the successor (undated): it begins on the order's day.
                for ln in g._links.values():
                    if ln.from_id == new.id:
                        ln.intervals = [(max(st or on, on), e, items) for st, e, items in ln.intervals if e is None or e > on]
            new.props.update(register_role="upper-tier local authority", valid_from=on, start_basis="citation: its structural change order")
            g.name(new.id, on, s["name"])
            g.cite(new.id, item)
            g.link("INSTANCE_OF", new.id, "type:local-authority", on, None, [item])
            g.event("SUCCEEDED_BY", old.id, new.id, on, [item])
    # An abolished council's links end with it.
    ended = {b.id: b.props["valid_to"] for b in g.bodies.values() if b.kind == "LocalAuthority" and b.props.get("valid_to")}
    for ln in g._links.values():
        if ln.from_id in ended:
            end = ended[ln.from_id]
            ln.intervals = [(s, min(e or end, end), items) for s, e, items in ln.intervals if (s or "") < end]
