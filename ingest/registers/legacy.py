"""Primary care trusts, care trusts and strategic health authorities: the
2012 structure (ONS), the 2006 mergers (ODS succ) and the 2013 end."""

from __future__ import annotations

from nhskg.ingest.registers.builder import Context, RegisterGraph, evidence
from nhskg.ingest.registers.files import BY_KEY, ods_date, read_rows
from nhskg.ingest.registers.ids import PCT_SHA_END, ods_id

PCO_2012 = ("2012-04-01", PCT_SHA_END)  # the 2012 lookup's year, to the abolition
PCT_MERGERS = "2006-10-01"
SHA_MERGERS = "2006-07-01"
END_NOTE = (
    "Abolished on 2013-04-01 with all {what} (Health and Social Care Act 2012; see {type}); "
    "the registers carry no close date for it."
)


def load_pcts_and_shas(g: RegisterGraph, ctx: Context) -> None:
    start, end = PCO_2012
    pcts: set[str] = set()
    shas: set[str] = set()
    for r in read_rows(BY_KEY["ons-pco12-sha12"]):
        code, sha = r.get("PCO12CDO"), r.get("SHA12CDO")
        care_trust = code.startswith("TA")
        p = g.body(ods_id(code), "StatutoryBody")
        if code not in pcts:
            p.props.update(
                ods_code=code,
                register_role="care trust (primary care organisation)" if care_trust else "primary care trust",
                valid_to=PCT_SHA_END,
                date_note=END_NOTE.format(what="primary care trusts", type="type:pct"),
            )
            g.name(p.id, start, r.get("PCO12NM"))
            g.ons(p.id, r.get("PCO12CD"), start)
            pcts.add(code)
        g.cite(p.id, evidence(r, code))
        g.link("INSTANCE_OF", p.id, "type:care-trust" if care_trust else "type:pct", None, PCT_SHA_END, [evidence(r, code)])
        s = g.body(ods_id(sha), "StatutoryBody")
        if sha not in shas:
            s.props.update(
                ods_code=sha,
                register_role="strategic health authority",
                valid_to=PCT_SHA_END,
                date_note=END_NOTE.format(what="strategic health authorities", type="type:sha"),
            )
            g.name(s.id, start, r.get("SHA12NM"))
            g.ons(s.id, r.get("SHA12CD"), start)
            g.cite(s.id, evidence(r, sha))
            shas.add(sha)
        g.link("PART_OF", p.id, s.id, start, end, [evidence(r, code)], link_basis="register lookup by year")
    _mergers(g, ctx, pcts, shas)
    for code in shas:
        g.link("INSTANCE_OF", ods_id(code), "type:sha", g.bodies[ods_id(code)].props.get("valid_from"), PCT_SHA_END, g.bodies[ods_id(code)].evidence[:1])


def _mergers(g: RegisterGraph, ctx: Context, pcts: set[str], shas: set[str]) -> None:
    """The 2006 PCT and SHA mergers into the bodies of 2012; predecessors are
    known only by code, so their nodes say so."""
    for r in read_rows(BY_KEY["ods-succ-2026-05"]):
        pred, succ, on = r.fields["1"], r.fields["2"], ods_date(r.fields["4"])
        if on == PCT_MERGERS and succ in pcts:
            what, type_id, successors = "primary care trust", "type:pct", pcts
        elif on == SHA_MERGERS and succ in shas:
            what, type_id, successors = "strategic health authority", "type:sha", shas
        else:
            continue
        item = evidence(r, f"{pred}->{succ}")
        if pred not in successors:
            b = g.body(ods_id(pred), "StatutoryBody")
            if "ods_code" not in b.props:
                b.props.update(
                    ods_code=pred,
                    register_role=what,
                    valid_to=on,
                    date_note=f"Known only as a predecessor code in ODS succ; its name is not in the shipped registers. Ended with the merger of {on}.",
                )
                b.names.append(("", f"{what} {pred} (name not in the registers)"))
                g.link("INSTANCE_OF", b.id, type_id, None, on, [item])
            g.cite(b.id, item)
        succ_body = g.bodies[ods_id(succ)]
        if on > succ_body.props.get("valid_from", ""):
            succ_body.props["valid_from"] = on
        g.event("SUCCEEDED_BY", ods_id(pred), ods_id(succ), on, [item], succ_flag=r.fields["5"])
