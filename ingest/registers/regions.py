"""NHS England's regions (2012-), area teams (2013) and local offices (2015-),
the CCGs in each by year, and the regions' place in NHS England."""

from __future__ import annotations

from nhskg.ingest.registers.builder import Context, RegisterGraph, evidence
from nhskg.ingest.registers.files import BY_KEY, ods_date, read_rows
from nhskg.ingest.registers.ids import clip, day_after, ods_id, ons_id

AREA_TEAM_PERIOD = ("2013-04-01", "2014-04-01")  # the 2013 lookup's year
AREA_TEAM_END = "2015-04-01"  # local offices open in ODS eauth (inferred end of the area teams)
LOCAL_OFFICE_START = "2015-04-01"
LOCAL_OFFICE_FILES = (
    ("ons-ccg17-nhsrlo17-nhser17", "2017-04-01", "2018-04-01"),
    ("ons-ccg18-nhsrlo18-nhser18", "2018-04-01", "2019-04-01"),
)
REGIONS_2019 = "2019-04-01"


EAUTH_EXTRACT = "2018-11-01"  # ODS eauth as shipped: an extract of c. November 2018 (its sidecar)


def load_regions(g: RegisterGraph, ctx: Context, nhs_england: str, region_ons_to_ods: dict[str, str], office_ons_to_ods: dict[str, str]) -> None:
    ctx.region_ons_to_ods.update(region_ons_to_ods)
    ctx.office_ons_to_ods.update(office_ons_to_ods)
    eauth = read_rows(BY_KEY["ods-eauth-2018-11"])
    for r in eauth:
        code = r.fields["1"]
        if not (code.startswith("Y") or (code.startswith("Q") and code[1:].isdigit() and 70 <= int(code[1:]) <= 88)):
            continue
        opened, closed = ods_date(r.fields["11"]), ods_date(r.fields["12"])
        end = day_after(closed) if closed else None
        b = g.body(ods_id(code), "NHSEnglandTeam")
        b.props.update(ods_code=code, valid_from=opened)
        if end:
            b.props["valid_to"] = end
        # The extract names each body as it was at its close or at the extract (November
        # 2018), not at its opening: Q70 opened as the Wessex area team (2013 lists) and
        # ended as "NHS ENGLAND SOUTH (WESSEX)", a local office.
        g.name(b.id, closed or EAUTH_EXTRACT, r.fields["2"])
        g.cite(b.id, evidence(r, code))
        if code.startswith("Y"):
            b.props["register_role"] = "NHS England commissioning region"
        else:
            b.props["register_role"] = "NHS England local office"
            region = ods_id(r.fields["3"])
            g.link("PART_OF", b.id, region, opened, end, [evidence(r, code)])
            g.link("INSTANCE_OF", b.id, "type:nhse-local-office", max(opened or "", LOCAL_OFFICE_START), end, [evidence(r, code)])
    # ODS codes of ONS region codes: the 2018 lookup pairs them; NHSER19 adds the seven of 2019.
    for r in read_rows(BY_KEY["ons-ccg18-nhsrlo18-nhser18"]):
        ctx.region_ons_to_ods.setdefault(r.get("NHSER18CD"), r.get("NHSER18CDH"))
        ctx.office_ons_to_ods.setdefault(r.get("NHSRLO18CD"), r.get("NHSRLO18CDH"))
    for r in read_rows(BY_KEY["ons-nhser19-names"]):
        code = r.get("NHSER19CDH")
        ctx.region_ons_to_ods.setdefault(r.get("NHSER19CD"), code)
        b = g.body(ods_id(code), "NHSEnglandTeam")
        b.props.setdefault("ods_code", code)
        b.props["register_role"] = "NHS England region"
        if "valid_from" not in b.props:
            b.props["valid_from"] = REGIONS_2019
            b.props["date_note"] = "First in the ONS April 2019 region list; its ODS open date is not in the shipped files (no eauth after 2018)."
        g.name(b.id, REGIONS_2019, r.get("NHSER19NM"))
        g.ons(b.id, r.get("NHSER19CD"), REGIONS_2019)
        g.cite(b.id, evidence(r, code))
    for code in ("Y54", "Y55"):
        b = g.bodies.get(ods_id(code))
        if b is not None and "valid_to" not in b.props:
            b.props["valid_to"] = REGIONS_2019
            b.props["date_note"] = (
                "Not in the ONS April 2019 list of seven regions; the end is that list's date, "
                "an inference (the ODS close date is not in the shipped files)."
            )
    for r in read_rows(BY_KEY["ons-loc22-icb22-nhser22"]):
        rid = ods_id(r.get("NHSER22CDH"))
        if rid in g.bodies:
            g.ons(rid, r.get("NHSER22CD"), "2022-07-01")
    for b in [b for b in g.bodies.values() if b.kind == "NHSEnglandTeam" and b.props.get("register_role", "").endswith("region")]:
        start, end = b.props.get("valid_from"), b.props.get("valid_to")
        g.link("INSTANCE_OF", b.id, "type:nhse-regional-team", start, end, b.evidence[:1])
        g.link("PART_OF", b.id, nhs_england, start, end, b.evidence[:1])


def load_area_teams(g: RegisterGraph, ctx: Context) -> None:
    """The 25 area teams of April 2013 and the CCGs in each (ONS 2013 lookups)."""
    ons_to_ods_office = ctx.office_ons_to_ods
    ccg_by_ons = {r.get("CCG13CD"): r.get("CCG13CDH") for r in read_rows(BY_KEY["ons-ccg13-names"])}
    start, end = AREA_TEAM_PERIOD

    # ODS codes of the area teams: the NHS Choices feed, matched to the ONS
    # list by exact name ("Essex Area Team" = "Essex").
    lat = {_team_key(r.get("OrganisationName")): r for r in read_rows(BY_KEY["nhschoices-lat-2014-02"])}
    ons_names = {r.get("NHSAT13CD"): r.get("NHSAT13NM") for r in read_rows(BY_KEY["ons-nhsat13-names"])}

    def team_id(ons: str) -> str:
        # An area team whose ONS code is a local office's (London, Wessex) is
        # the same office: one node. Otherwise its ODS code, where the feed has it.
        if ons in ons_to_ods_office:
            return ods_id(ons_to_ods_office[ons])
        row = lat.get(_team_key(ons_names.get(ons, "")))
        return ods_id(row.get("OrganisationCode")) if row else ons_id(ons)

    for r in read_rows(BY_KEY["ons-nhsat13-names"]):
        ons = r.get("NHSAT13CD")
        tid = team_id(ons)
        b = g.body(tid, "NHSEnglandTeam")
        b.props.setdefault("register_role", "NHS England area team")
        if "valid_from" not in b.props:
            b.props.update(
                valid_from=start,
                valid_to=AREA_TEAM_END,
                date_note="From the April 2013 ONS area team list; the end is the opening of the local offices in ODS eauth (2015-04-01), an inference.",
            )
        g.name(tid, start, r.get("NHSAT13NM"))
        g.ons(tid, ons, start)
        g.cite(tid, evidence(r, ons))
        g.link("INSTANCE_OF", tid, "type:nhse-area-team", start, AREA_TEAM_END, [evidence(r, ons)])
        row = lat.get(_team_key(r.get("NHSAT13NM")))
        if row is not None:
            code = row.get("OrganisationCode")
            b.props.setdefault("ods_code", code)
            g.name(tid, start, row.get("OrganisationName"))
            g.cite(tid, evidence(row, code))
    for r in read_rows(BY_KEY["ons-ccg13-nhsat13-nhscr13"]):
        tid = team_id(r.get("NHSAT13CD"))
        region_ons = r.get("NHSCR13CD")
        region = ctx.region_ons_to_ods.get(region_ons)
        if region:
            g.ons(ods_id(region), region_ons, start)
            # No `link_basis` here: for London and Wessex the link joins the eauth one.
            g.link("PART_OF", tid, ods_id(region), start, end, [evidence(r, r.get("NHSAT13CD"))])
        else:
            ctx.notes.append(f"{r.file.name} line {r.line}: region {region_ons} has no ODS code; link skipped")
        ccg = ccg_by_ons.get(r.get("CCG13CD"))
        if ccg and ccg in ctx.ccg_valid:
            g.link("PART_OF", ods_id(ccg), tid, start, end, [evidence(r, r.get("CCG13CD"))], link_basis="register lookup by year")


def _team_key(name: str) -> str:
    return " ".join(name.lower().replace(" area team", "").split())


def load_area_team_successions(g: RegisterGraph, ctx: Context) -> None:
    """Area teams -> local offices on 2015-04-01 (ODS succ rows between the two)."""
    teams = {b.props.get("ods_code"): b.id for b in g.bodies.values() if b.props.get("register_role") == "NHS England area team"}
    for r in read_rows(BY_KEY["ods-succ-2026-05"]):
        pred, succ = r.fields["1"], r.fields["2"]
        if pred in teams and ods_id(succ) in g.bodies and teams[pred] != ods_id(succ):
            g.event("SUCCEEDED_BY", teams[pred], ods_id(succ), ods_date(r.fields["4"]) or "", [evidence(r, f"{pred}->{succ}")], succ_flag=r.fields["5"])


def load_local_office_members(g: RegisterGraph, ctx: Context) -> None:
    """CCGs in each local office, April 2017 and April 2018 (ONS), with the offices' ONS codes."""
    for key, start, end in LOCAL_OFFICE_FILES:
        for r in read_rows(BY_KEY[key]):
            ons = r.get("NHSRLO17CD", "NHSRLO18CD")
            code = ctx.office_ons_to_ods.get(ons)
            office = ods_id(code) if code else None
            if office not in g.bodies:
                ctx.notes.append(f"{r.file.name} line {r.line}: local office {ons} has no ODS code in eauth; skipped")
                continue
            g.ons(office, ons, start)
            ccg = r.get("CCG17CDH", "CCG18CDH") if "CCG18CDH" in r.fields else _ccg17_code(ctx, r.get("CCG17CD"))
            if ccg in ctx.ccg_valid:
                period = clip(start, end, *ctx.ccg_valid[ccg])
                if period:
                    g.link("PART_OF", ods_id(ccg), office, period[0], period[1], [evidence(r, ccg)], link_basis="register lookup by year")
            else:
                ctx.notes.append(f"{r.file.name} line {r.line}: CCG {ccg} not found; skipped")


def _ccg17_code(ctx: Context, ons: str) -> str | None:
    """The 2017 local office lookup gives CCGs by ONS code only; the ONS 2017 names file pairs them."""
    if not ctx.ccg_ons_to_ods:
        for r in read_rows(BY_KEY["ons-ccg17-names"]):
            ctx.ccg_ons_to_ods[r.get("CCG17CD")] = r.get("CCG17CDH")
    return ctx.ccg_ons_to_ods.get(ons)
