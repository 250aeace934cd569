"""Primary care groups, primary care trusts, care trusts and strategic health
authorities, 1999-2013: the 2012 structure (ONS), every PCT's creation and
merger (ODS succ) and the 2013 end.

Dating (docs/registers.md, "Dates"):
- a PCT or care trust exists from the earliest ODS succession into its code
  (the PCGs and community trusts it was made from, 2000-2011), never before
  its type (PCTs from 2000-04-01), to its last succession out of it or the
  2013 abolition; one with no succession into it is left undated, with the
  reason;
- the 10 SHAs of 2006 from their creation by the succ rows of 2006-07-01; the
  28 before them from 1 April 2002, the date of the order that established
  them (SI 2002/553), cited;
- a PCG is known only as the predecessor of a PCT: it ends on that day; its
  own start is not in the registers, so it is undated (type:pcg says when
  PCGs began).
"""

from __future__ import annotations

from collections import defaultdict

from nhskg.core.evidence import EvidenceItem
from nhskg.ingest.registers.builder import Context, RegisterGraph, evidence
from nhskg.ingest.registers.files import BY_KEY, Row, ods_date, read_rows
from nhskg.ingest.registers.ids import PCT_SHA_END, ods_id
from nhskg.ingest.registers.names import code_only

PCO_2012 = ("2012-04-01", PCT_SHA_END)  # the 2012 lookup's year, to the abolition
SHA_MERGERS = "2006-07-01"
PCT_TYPE_START = "2000-04-01"  # type:pct: the first PCTs (Health Act 1999)
SHA_2002_START = "2002-04-01"
SHA_2002_SOURCE = "source:ext-si-2002-553"
SHA_2002_QUOTE = "This Order may be cited as the Health Authorities (Establishment and Abolition) (England) Order 2002 and shall come into force on 1st April 2002."
PCT_SHA_RULE = (
    "inferred from the 2012 lookup: the ten SHAs of 2006 were not changed until their abolition (ODS succ has no SHA "
    "succession between 2006-07-01 and 2013-04-01), so a PCT in an SHA in the ONS 2012 lookup is taken to have been in "
    "it from the later of its own start and 2006-07-01"
)
END_NOTE = (
    "Abolished on 2013-04-01 with all {what} (Health and Social Care Act 2012; see {type}); "
    "the registers carry no close date for it."
)
UNDATED_PCT = "No ODS succession creates this code in the shipped files, and no other register gives its start."
PCG_UNDATED = (
    "Known only as the predecessor of a primary care trust in ODS succ; the registers hold no start for it "
    "(type:pcg gives the start of primary care groups as a class)."
)


def _is_pco(code: str) -> bool:
    """A PCT or care trust code: three characters, 5xx or TAx."""
    return len(code) == 3 and (code[0] == "5" or code.startswith("TA"))


def _is_pcg(code: str) -> bool:
    return len(code) == 5 and code[0] == "4"


def _is_trust(code: str) -> bool:
    return len(code) == 3 and code[0] == "R"


def load_pcts_and_shas(g: RegisterGraph, ctx: Context) -> None:
    start, end = PCO_2012
    pcos_2012: set[str] = set()
    shas: set[str] = set()
    pco_rows: dict[str, list[Row]] = defaultdict(list)
    for r in read_rows(BY_KEY["ons-pco12-sha12"]):
        code, sha = r.get("PCO12CDO"), r.get("SHA12CDO")
        pco_rows[code].append(r)
        p = g.body(ods_id(code), "StatutoryBody")
        if code not in pcos_2012:
            p.props.update(ods_code=code, register_role="care trust (primary care organisation)" if code.startswith("TA") else "primary care trust")
            g.name(p.id, start, r.get("PCO12NM"))
            g.ons(p.id, r.get("PCO12CD"), start)
            pcos_2012.add(code)
        g.cite(p.id, evidence(r, code))
        s = g.body(ods_id(sha), "StatutoryBody")
        if sha not in shas:
            s.props.update(ods_code=sha, register_role="strategic health authority")
            g.name(s.id, start, r.get("SHA12NM"))
            g.ons(s.id, r.get("SHA12CD"), start)
            g.cite(s.id, evidence(r, sha))
            shas.add(sha)
        g.link("PART_OF", p.id, s.id, start, end, [evidence(r, code)], link_basis="register lookup by year")
    pcos = _pco_family(g, ctx, pcos_2012, shas)
    # PCT in its SHA before 2012: inferred from the 2012 lookup (stated rule).
    for code, rows in pco_rows.items():
        pct = g.bodies[ods_id(code)]
        first = max(pct.props.get("valid_from") or SHA_MERGERS, SHA_MERGERS)
        if first < start:
            for r in rows:
                g.link(
                    "PART_OF", pct.id, ods_id(r.get("SHA12CDO")), first, start, [evidence(r, code)],
                    derived=True, rule=PCT_SHA_RULE, derived_from=[pct.id, ods_id(r.get("SHA12CDO"))],
                )
    ctx.notes.append(f"PCTs and care trusts: {len(pcos)} codes ({len(pcos_2012)} of 2012)")


def _pco_family(g: RegisterGraph, ctx: Context, pcos_2012: set[str], shas_2006: set[str]) -> set[str]:
    """Every PCT / care trust code linked by succession to a PCO of 2012, every
    SHA of 2002, and the PCGs and trusts they came from, all dated from succ."""
    succ = read_rows(BY_KEY["ods-succ-2026-05"])
    into: dict[str, list[Row]] = defaultdict(list)
    out_of: dict[str, list[Row]] = defaultdict(list)
    for r in succ:
        into[r.fields["2"]].append(r)
        out_of[r.fields["1"]].append(r)
    family = set(pcos_2012)
    frontier = list(pcos_2012)
    while frontier:  # predecessors of PCOs that are PCOs themselves (2002-06 PCTs, care trusts)
        code = frontier.pop()
        for r in into[code]:
            pred = r.fields["1"]
            if _is_pco(pred) and pred not in family:
                family.add(pred)
                frontier.append(pred)
    for code in sorted(family):
        b = g.body(ods_id(code), "StatutoryBody")
        care = code.startswith("TA")
        role = "care trust (primary care organisation)" if care else "primary care trust"
        b.props.setdefault("ods_code", code)
        b.props.setdefault("register_role", role)
        if not b.names:
            b.names.append(("", code_only(role, code)))
        created = sorted(into[code], key=lambda r: r.fields["4"])
        ends = sorted((ods_date(r.fields["4"]) or "" for r in out_of[code] if _is_pco(r.fields["2"]) or r.fields["2"].startswith("R")), reverse=False)
        if code in pcos_2012:
            valid_to, note = PCT_SHA_END, END_NOTE.format(what="primary care trusts", type="type:pct")
        elif ends:
            valid_to, note = ends[-1], f"Ended by the ODS succession of {ends[-1]} into its successor(s)."
        else:
            valid_to, note = None, "No end in the shipped registers."
        if valid_to:
            b.props["valid_to"] = valid_to
        items = [evidence(r, f"{r.fields['1']}->{code}") for r in created[:4]] or [
            evidence(r, f"{code}->{r.fields['2']}") for r in out_of[code][:2]
        ]
        if created:
            opened = ods_date(created[0].fields["4"]) or ""
            b.props["valid_from"] = max(opened, PCT_TYPE_START)
            b.props["date_note"] = f"From its creation by the ODS succession of {opened} (succ); {note}"
            b.props["start_basis"] = "register: first ODS succession into the code"
        else:
            b.props.update(undated=True, undated_reason=UNDATED_PCT, date_note=note)
        for item in items:
            g.cite(b.id, item)
        type_id = "type:care-trust" if care else "type:pct"
        link_items = items[:1] or b.evidence[:1]
        g.link("INSTANCE_OF", b.id, type_id, b.props.get("valid_from"), valid_to, link_items, **({"undated": True} if not created else {}))
        for r in created:
            pred, on = r.fields["1"], ods_date(r.fields["4"]) or ""
            if _is_pcg(pred):
                _pcg(g, pred, on, r)
            elif _is_trust(pred):
                code_only_trust(g, pred, on, r)
            elif pred not in family:
                continue
            g.event("SUCCEEDED_BY", ods_id(pred), b.id, on, [evidence(r, f"{pred}->{code}")], succ_flag=r.fields["5"])
        for r in out_of[code]:  # into a body of another kind the graph holds (5QH -> trust R1J, 2013)
            nxt = r.fields["2"]
            if nxt not in family and ods_id(nxt) in g.bodies:
                g.event("SUCCEEDED_BY", b.id, ods_id(nxt), ods_date(r.fields["4"]) or "", [evidence(r, f"{code}->{nxt}")], succ_flag=r.fields["5"])
    _shas(g, succ, shas_2006)
    return family


def _pcg(g: RegisterGraph, code: str, on: str, r: Row) -> None:
    b = g.body(ods_id(code), "Committee")
    if "ods_code" not in b.props:
        b.props.update(ods_code=code, register_role="primary care group", undated=True, undated_reason=PCG_UNDATED)
        b.names.append(("", code_only("primary care group", code)))
    if on < b.props.get("valid_to", "9999"):
        b.props["valid_to"] = on
        b.props["date_note"] = f"Ended when it became (part of) a primary care trust on {on} (ODS succ)."
    g.cite(b.id, evidence(r, f"{code}->{r.fields['2']}"))
    g.link("INSTANCE_OF", b.id, "type:pcg", None, b.props["valid_to"], [evidence(r, f"{code}->{r.fields['2']}")], undated=True)


def code_only_trust(g: RegisterGraph, code: str, on: str, r: Row, name: str | None = None, name_item: EvidenceItem | None = None) -> None:
    """An NHS trust the shipped registers hold only as a predecessor code in succ:
    it ends on the succession; its start is not on file, so it is undated."""
    existing = g.bodies.get(ods_id(code))
    if existing is not None and not existing.props.get("undated"):
        return  # a trust the registers date (etr): its own dates stand
    b = g.body(ods_id(code), "StatutoryBody")
    if "ods_code" not in b.props:
        b.props.update(
            ods_code=code,
            register_role="NHS trust",
            undated=True,
            undated_reason="Known only as a predecessor code in ODS succ; its open date is not in the shipped registers (etr lists current trusts and a few closed ones).",
        )
        if name:
            b.names.append((on, name))
            b.props["derived_facts"] = ["name (from derived/ods_classification.json, a third-party cache of the ODS ORD API)"]
            if name_item:
                g.cite(b.id, name_item)
        else:
            b.names.append(("", code_only("NHS trust", code)))
    if on < b.props.get("valid_to", "9999"):
        b.props["valid_to"] = on
        b.props["date_note"] = f"Ended by the ODS succession of {on} (succ)."
    g.cite(b.id, evidence(r, f"{code}->{r.fields['2']}"))
    g.link("INSTANCE_OF", b.id, "type:nhs-trust", None, b.props["valid_to"], [evidence(r, f"{code}->{r.fields['2']}")], undated=True)


def _shas(g: RegisterGraph, succ: list[Row], shas_2006: set[str]) -> None:
    """The 28 SHAs of 2002 (codes only) merged into the 10 of 2006 on 2006-07-01."""
    sha_2002_item = EvidenceItem(SHA_2002_SOURCE, SHA_2002_QUOTE, "citation", "article 1(1)")
    for code in sorted(shas_2006):
        b = g.bodies[ods_id(code)]
        b.props.update(
            valid_from=SHA_MERGERS,
            valid_to=PCT_SHA_END,
            start_basis="register: the ODS successions of 2006-07-01 that created it",
            date_note="Created by the SHA mergers of 2006-07-01 (ODS succ: Q01-Q28 -> Q30-Q39); "
            + END_NOTE.format(what="strategic health authorities", type="type:sha"),
        )
    for r in succ:
        pred, succ_code, on = r.fields["1"], r.fields["2"], ods_date(r.fields["4"]) or ""
        if on != SHA_MERGERS or succ_code not in shas_2006:
            continue
        item = evidence(r, f"{pred}->{succ_code}")
        b = g.body(ods_id(pred), "StatutoryBody")
        if "ods_code" not in b.props:
            b.props.update(
                ods_code=pred,
                register_role="strategic health authority",
                valid_from=SHA_2002_START,
                valid_to=on,
                start_basis="citation: the order that established the 28 authorities (SI 2002/553)",
                date_note=(
                    "One of the 28 health authorities established on 1 April 2002 by the Health Authorities (Establishment "
                    "and Abolition) (England) Order 2002 (SI 2002/553) and renamed strategic health authorities when section 1 "
                    "of the NHS Reform and Health Care Professions Act 2002 came into force (1 October 2002); merged on "
                    f"{on} (ODS succ). Which of the order's 28 names this code carries is not in the shipped registers."
                ),
            )
            b.names.append(("", code_only("strategic health authority", pred)))
            g.cite(b.id, sha_2002_item)
            g.link("INSTANCE_OF", b.id, "type:sha", SHA_2002_START, on, [item, sha_2002_item])
        g.cite(b.id, item)
        g.event("SUCCEEDED_BY", b.id, ods_id(succ_code), on, [item], succ_flag=r.fields["5"])
    for code in sorted(shas_2006):
        b = g.bodies[ods_id(code)]
        g.link("INSTANCE_OF", b.id, "type:sha", SHA_MERGERS, PCT_SHA_END, b.evidence[:1])
