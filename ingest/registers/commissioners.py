"""CCGs (2013-2022), sub-ICB locations, ICBs (2022-) and STPs, with their
mergers, their links by year and the 2022 and 2026 successions."""

from __future__ import annotations

import json
from collections import defaultdict

from nhskg.core.evidence import EvidenceItem
from nhskg.ingest.registers.builder import Body, Context, RegisterGraph, evidence
from nhskg.ingest.registers.files import BY_KEY, Row, ods_date, read_rows
from nhskg.ingest.registers.ids import ICB_START, clip, day_after, ods_id, sicbl_id, stp_id

CCG_ROLES = ("", "RO319", "RO319|RO326")  # eccg rows that are CCG codes (not hubs RO218 or RO327 entities)

# ONS yearly lookups stand for the year from 1 April of their vintage.
CCG_NAME_FILES = (("ons-ccg13-names", "2013-04-01"), ("ons-ccg17-names", "2017-04-01"), ("ons-ccg19-names", "2019-04-01"), ("ons-ccg20-names", "2020-04-01"))
STP_FILES = (
    ("ons-ccg17-stp17", "2017-04-01", "2018-04-01"),
    ("ons-ccg18-stp18", "2018-04-01", "2019-04-01"),
    ("ons-ccg19-stp19", "2019-04-01", "2020-04-01"),
    ("ons-ccg20-stp20", "2020-04-01", "2021-04-01"),
)
# The January 2022 NHS Digital mapping stands for the last CCG year: from the
# 2021 mergers (1 April 2021) until ICBs took over (1 July 2022).
GP_MAP_PERIOD = ("2021-04-01", ICB_START)

STP_FOOTPRINTS = "2016-03-30"  # type:stp's start: NHS England published the 44 footprints (March 2016)
STP_2016_RULE = (
    "inferred: NHS England published 44 STP footprints in March 2016 and the first register of STPs, the ONS April "
    "2017 lookup, has 44; each STP of that lookup is taken to have existed from the footprints' publication (the "
    "type's start), its CCGs linked only from the lookup's date"
)
STP_2016_ITEM = EvidenceItem(
    "source:ext-nhse-stp-footprints-2016",
    "National health and care bodies in England have published details of the 44 ‘footprint’ areas that will bring local "
    "health and care leaders, organisations and communities together to develop local blueprints for improved health, care "
    "and finances over the next five years, delivering the NHS Five Year Forward View.",
    "citation",
    "news item, opening paragraph",
)

ICS_2021 = "2021-04-01"  # the last 13 STPs designated ICSs: all 42 were ICSs from this day
ICS_2021_RULE = (
    "inferred: NHS England designated the last 13 STPs as integrated care systems from 1 April 2021, bringing the total "
    "to 42; every STP of the registers open on that day (the 42 of the January 2022 NHS Digital mapping) is taken to be "
    "an ICS from then until ICBs took over (a lower bound: 29 had been designated earlier, on days not in these files)"
)
ICS_2021_ITEMS = (
    EvidenceItem(
        "source:ext-hcl-final-13-icss-2021",
        "The final 13 sustainability and transformation partnerships (STPs) will become formally designated integrated "
        "care systems (ICSs) from 1 April, NHS England has confirmed.",
        "citation",
        "opening paragraph",
    ),
    EvidenceItem(
        "source:ext-hcl-final-13-icss-2021",
        "This brings the total number of ICSs to 42",
        "citation",
        "second paragraph",
    ),
)

STATUTORY_TRANSFER_RULE = (
    "The CCG was open on 2022-06-30 (ODS eccg: no close date) and its code became a sub-ICB location of this ICB "
    "(ONS LOC22, ODS eccg field 4); CCGs' functions passed to ICBs on 2022-07-01 under the Health and Care Act 2022."
)


def load_icbs(g: RegisterGraph, ctx: Context) -> None:
    """The 42 ICBs of July 2022 (ONS LOC22, ONS ICB24) and their end dates (ODS succ)."""
    succ = read_rows(BY_KEY["ods-succ-2026-05"])
    loc22 = read_rows(BY_KEY["ons-loc22-icb22-nhser22"])
    icb_codes = {r.get("ICB22CDH") for r in loc22}
    ends: dict[str, str] = {}
    for r in succ:
        if r.fields["1"] in icb_codes and (ods_date(r.fields["4"]) or "") >= ICB_START:
            ends[r.fields["1"]] = ods_date(r.fields["4"]) or ""
    for r in loc22:
        code = r.get("ICB22CDH")
        if code in ctx.icb_valid:
            continue
        end = ends.get(code) or None
        note = "Established 2022-07-01 under the Health and Care Act 2022 (the statutory date; not an ODS field in the shipped files)."
        b = _icb(g, ctx, code, ICB_START, end, note + (f" Closed by the ODS succession of {end} (succ)." if end else ""), r)
        g.name(b.id, ICB_START, r.get("ICB22NM"))
        g.ons(b.id, r.get("ICB22CD"), ICB_START)
        g.link("PART_OF", b.id, ods_id(r.get("NHSER22CDH")), ICB_START, end, [evidence(r, code)])
    for r in read_rows(BY_KEY["ons-icb24-names"]):
        code = r.get("ICB24CDH")
        if code not in ctx.icb_valid:
            ctx.notes.append(f"ICB24 code {code} is not an ICB of July 2022; skipped")
            continue
        g.name(ods_id(code), "2024-04-01", r.get("ICB24NM"))
        g.ons(ods_id(code), r.get("ICB24CD"), "2024-04-01")
        g.cite(ods_id(code), evidence(r, code))


def load_ccgs(g: RegisterGraph, ctx: Context) -> None:
    """Every CCG code (ODS eccg) with its open and close dates, and the sub-ICB
    location each code still open in 2022 became."""
    loc22 = {r.get("LOC22CDH"): r for r in read_rows(BY_KEY["ons-loc22-icb22-nhser22"])}
    ctx.loc22_rows = loc22
    for r in read_rows(BY_KEY["ods-eccg-2025-11"]):
        f = r.fields
        if f["14"] not in CCG_ROLES:
            continue
        code, opened, closed = f["1"], ods_date(f["11"]), ods_date(f["12"])
        if opened is None:
            raise ValueError(f"{r.file.name} line {r.line}: CCG {code} has no open date")
        end = day_after(closed) if closed else ICB_START
        ctx.ccg_valid[code] = (opened, end)
        ccg = g.body(ods_id(code), "StatutoryBody")
        ccg.props.update(ods_code=code, register_role="clinical commissioning group", valid_from=opened, valid_to=end)
        g.cite(ccg.id, evidence(r, code))
        g.link("INSTANCE_OF", ccg.id, "type:ccg", opened, end, [evidence(r, code)])
        if closed:
            g.name(ccg.id, opened, f["2"])
            continue
        # Still open in ODS: the code carried on as a sub-ICB location. The CCG
        # ended when ICBs took over; the location is a second node.
        ccg.props["date_note"] = (
            "ODS gives no close date because the code continued as a sub-ICB location; "
            "the CCG itself ended when ICBs took over on 2022-07-01 (Health and Care Act 2022)."
        )
        ctx.ccg_open_at_icb_start.add(code)
        icb = f["4"]
        ctx.sicbl_icb[code] = icb
        sub = g.body(sicbl_id(code), "SubICBLocation")
        icb_end = ctx.icb_valid.get(icb, (ICB_START, None))[1]
        sub.props.update(ods_code=code, register_role="sub-ICB location", valid_from=ICB_START, former_ccg=ccg.id)
        ccg.props["carried_on_as"] = sub.id
        g.name(sub.id, ICB_START, f["2"])
        items = [evidence(r, code)]
        if code in loc22:
            items.append(evidence(loc22[code], code))
            g.ons(sub.id, loc22[code].get("LOC22CD"), ICB_START)
            g.name(sub.id, ICB_START, loc22[code].get("LOC22NM"))
        else:
            ctx.notes.append(f"sub-ICB location {code} is not in ONS LOC22")
        for item in items:
            g.cite(sub.id, item)
        g.link("INSTANCE_OF", sub.id, "type:sub-icb-location", ICB_START, None, items[:1])
        g.link("PART_OF", sub.id, ods_id(icb), ICB_START, icb_end, items)
        # The statutory transfer of 2022: the CCG's successor is its ICB.
        g.event("SUCCEEDED_BY", ccg.id, ods_id(icb), ICB_START, items, transfer="statutory", rule=STATUTORY_TRANSFER_RULE)


def load_ccg_names(g: RegisterGraph, ctx: Context) -> None:
    """Names and ONS codes of the CCGs in the ONS yearly files and the January 2022 mapping."""
    for key, attested in CCG_NAME_FILES:
        for r in read_rows(BY_KEY[key]):
            code = r.get("CCG13CDH", "CCG17CDH", "CCG19CDH", "CCG20CDH")
            if code not in ctx.ccg_valid:
                ctx.notes.append(f"{r.file.name}: CCG {code} is not in ODS eccg; skipped")
                continue
            g.name(ods_id(code), attested, r.get("CCG13NM", "CCG17NM", "CCG19NM", "CCG20NM"))
            g.ons(ods_id(code), r.get("CCG13CD", "CCG17CD", "CCG19CD", "CCG20CD"), attested)
            g.cite(ods_id(code), evidence(r, code))


def load_stps(g: RegisterGraph, ctx: Context) -> None:
    """STPs and the CCGs in each, year by year (ONS 2017-2020, NHS Digital January 2022)."""
    ons_to_ods: dict[str, str] = {}
    for r in read_rows(BY_KEY["ons-stp20-names"]):
        ons_to_ods[r.get("STP20CD")] = r.get("STP20CDH")
    gp_rows: dict[str, Row] = {}
    for r in read_rows(BY_KEY["nhsd-gp-reg-pat-prac-map-2022-01"]):
        gp_rows.setdefault(r.get("CCG_CODE"), r)
        ons_to_ods.setdefault(r.get("ONS_STP_CODE"), r.get("STP_CODE"))
    spans: dict[str, list[str]] = defaultdict(list)  # STP id -> [first start, last end]

    def stp(ons: str, ods: str | None, name: str, attested: str) -> str:
        sid = stp_id(ods, ons)
        b = g.body(sid, "Partnership")
        b.props.update(register_role="sustainability and transformation partnership")
        if ods:
            b.props["ods_code"] = ods
        g.name(sid, attested, name)
        g.ons(sid, ons, attested)
        return sid

    for key, start, end in STP_FILES:
        for r in read_rows(BY_KEY[key]):
            code = r.get("CCG17CDH", "CCG18CDH", "CCG19CDH", "CCG20CDH")
            ons = r.get("STP17CD", "STP18CD", "STP19CD", "STP20CD")
            sid = stp(ons, ons_to_ods.get(ons), r.get("STP17NM", "STP18NM", "STP19NM", "STP20NM"), start)
            _ccg_part_of(g, ctx, code, sid, start, end, r, spans)
    start, end = GP_MAP_PERIOD
    for code, r in sorted(gp_rows.items()):
        g.name(ods_id(code), "2022-01-01", r.get("CCG_NAME"))
        g.ons(ods_id(code), r.get("ONS_CCG_CODE"), "2022-01-01")
        g.cite(ods_id(code), evidence(r, code))
        sid = stp(r.get("ONS_STP_CODE"), r.get("STP_CODE"), r.get("STP_NAME"), "2022-01-01")
        _ccg_part_of(g, ctx, code, sid, start, end, r, spans)
    for sid, (first, last) in spans.items():
        b = g.bodies[sid]
        b.props.update(
            valid_from=first,
            valid_to=last,
            date_note="Dated by the lookups it appears in: from 1 April of its first ONS vintage to the end of its last "
            "(the January 2022 NHS Digital mapping runs to 2022-07-01, when ICBs took over).",
        )
        g.link("INSTANCE_OF", sid, "type:stp", first, last, b.evidence[:1])
        if first == STP_FILES[0][1]:
            # In the first lookup (April 2017, 44 STPs): one of the 44 footprints of March 2016.
            b.props.update(valid_from=STP_FOOTPRINTS, register_valid_from=first, start_basis=STP_2016_RULE)
            g.link(
                "INSTANCE_OF", sid, "type:stp", STP_FOOTPRINTS, first, [STP_2016_ITEM, *b.evidence[:1]],
                derived=True, rule=STP_2016_RULE, approximate=True, derived_from=[sid, "type:stp"],
            )
        if first <= ICS_2021 < last:
            # Open when the last STPs were designated: a (non-statutory) ICS from then on.
            g.link(
                "INSTANCE_OF", sid, "type:non-statutory-ics", ICS_2021, last, [*ICS_2021_ITEMS, *b.evidence[:1]],
                derived=True, rule=ICS_2021_RULE, approximate=True, derived_from=[sid, "type:non-statutory-ics"],
            )


def _ccg_part_of(g: RegisterGraph, ctx: Context, code: str, sid: str, start: str, end: str, r: Row, spans: dict[str, list[str]]) -> None:
    if code not in ctx.ccg_valid:
        ctx.notes.append(f"{r.file.name} line {r.line}: CCG {code} is not in ODS eccg; skipped")
        return
    period = clip(start, end, *ctx.ccg_valid[code])
    if period is None:
        return
    item = evidence(r, code)
    if not g.bodies[sid].evidence or g.bodies[sid].evidence[-1].source_id != item.source_id:
        g.cite(sid, item)
    g.link("PART_OF", ods_id(code), sid, period[0], period[1], [item], link_basis="register lookup by year")
    span = spans.setdefault(sid, [start, end])
    span[0], span[1] = min(span[0], start), max(span[1], end)


def load_successions(g: RegisterGraph, ctx: Context) -> None:
    """CCG mergers and ICB successions from ODS succ; the ICBs created in 2026."""
    derived_file = BY_KEY["derived-ods-classification"]
    orgs = json.loads(derived_file.full_path.read_text(encoding="utf-8"))["orgs"]
    for r in read_rows(BY_KEY["ods-succ-2026-05"]):
        pred, succ, on = r.fields["1"], r.fields["2"], ods_date(r.fields["4"])
        flag = r.fields["5"]
        if pred in ctx.ccg_valid and succ in ctx.ccg_valid:
            ctx.ccg_successor[pred] = succ
            g.event("SUCCEEDED_BY", ods_id(pred), ods_id(succ), on, [evidence(r, f"{pred}->{succ}")], succ_flag=flag)
        elif pred in ctx.icb_valid and on >= ICB_START:
            if succ not in ctx.icb_valid:
                _new_icb(g, ctx, succ, on, r, orgs.get(succ))
            g.event("SUCCEEDED_BY", ods_id(pred), ods_id(succ), on, [evidence(r, f"{pred}->{succ}")], succ_flag=flag)


def _icb(g: RegisterGraph, ctx: Context, code: str, start: str, end: str | None, note: str, r: Row) -> Body:
    """An ICB body over [start, end), typed and cited from row `r`."""
    ctx.icb_valid[code] = (start, end)
    b = g.body(ods_id(code), "StatutoryBody")
    b.props.update(ods_code=code, register_role="integrated care board", valid_from=start, valid_to=end, date_note=note)
    g.cite(b.id, evidence(r, code))
    g.link("INSTANCE_OF", b.id, "type:icb", start, end, [evidence(r, code)])
    return b


def _new_icb(g: RegisterGraph, ctx: Context, code: str, on: str, r: Row, derived: dict | None) -> None:
    note = f"Created by the ODS succession of {on} (succ); its region and sub-ICB locations are not in the shipped registers."
    b = _icb(g, ctx, code, on, None, note, r)
    if derived and derived.get("name"):
        # The name is only in the derived ORD cache: flagged as such.
        g.name(b.id, on, derived["name"])
        b.props["derived_facts"] = ["name (from derived/ods_classification.json, a third-party cache of the ODS ORD API)"]
        g.cite(b.id, _derived_item(code, derived["name"]))
    else:
        b.names.append((on, f"ICB {code}"))


def _derived_item(code: str, name: str) -> EvidenceItem:
    f = BY_KEY["derived-ods-classification"]
    return EvidenceItem(f.source_id, f'"{code}": {{"name": "{name}"}}', "register", f"{f.name} orgs.{code}.name (DERIVED file)")


NEW_ICB_REGION_RULE = (
    "inferred: every ICB this one succeeded (ODS succ, 2026-04-01) sat in the same NHS England region (ONS LOC22), and "
    "no register after 2025 places the new ICB; so it is taken to be in that region from its start"
)


def infer_new_icb_regions(g: RegisterGraph, ctx: Context) -> None:
    """A region for each ICB created in 2026, where all its predecessors sit in one."""
    region_of: dict[str, str] = {}
    region_row: dict[str, Row] = {}
    for r in ctx.loc22_rows.values():
        region_of[r.get("ICB22CDH")] = r.get("NHSER22CDH")
        region_row.setdefault(r.get("ICB22CDH"), r)
    preds: dict[str, list[tuple[str, list[EvidenceItem]]]] = defaultdict(list)
    for ln in g._events.values():
        if ln.type == "SUCCEEDED_BY" and ln.to_id in g.bodies and g.bodies[ln.to_id].props.get("register_role") == "integrated care board":
            preds[ln.to_id].append((ln.from_id, ln.intervals[0][2]))
    for icb_id, froms in preds.items():
        code = g.bodies[icb_id].props["ods_code"]
        if code in region_of:
            continue  # an ICB of 2022: its region is in LOC22
        pred_codes = [g.bodies[f].props.get("ods_code") for f, _ in froms if f in g.bodies]
        regions = {region_of.get(c) for c in pred_codes}
        if len(regions) != 1 or None in regions:
            ctx.notes.append(f"ICB {code}: predecessors in regions {sorted(map(str, regions))}; no region inferred")
            continue
        region = regions.pop()
        start = ctx.icb_valid[code][0]
        items = [i for _, its in froms for i in its[:1]] + [evidence(region_row[c], c) for c in sorted(set(pred_codes))]
        g.link(
            "PART_OF", icb_id, ods_id(region), start, ctx.icb_valid[code][1], items,
            derived=True, rule=NEW_ICB_REGION_RULE, derived_from=sorted({f for f, _ in froms} | {ods_id(region)}),
        )
