"""Money tables shipped under files/money/: one Budget node per figure, each
citing the verbatim line it came from.

Three files, all re-saved by third parties (so every figure says so):

- NHS England's revenue DEL by financial year, 2013/14-2025/26 (The Health
  Foundation's transcription of HM Treasury PESA);
- NHS England's table of CCG allocations for 209 CCGs (crahal/NHSSpend), one
  year of the 2016/17-2020/21 allocation round whose year the file does not
  state: the year is inferred (see CCG_YEAR) and every row says so;
- House of Commons Library SN00724 Table 2, health expenditure in England
  (cash) by financial year (REAL Centre copy), loaded from 1989/90, the first
  whole financial year of the Department of Health (July 1988).

`add_money(data)` runs after the register layer (ingest/pipeline.py), because
the CCG rows join to the register's CCG nodes by name: the CSV has no codes.
The join reads a body's every recorded name (current name, aliases and name
history), not only its display name, so that renaming for display does not
break it; a row that matches no CCG, or more than one, stops the ingest.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from nhskg.core.evidence import EvidenceItem, pack
from nhskg.graph.store import GraphData, NodeRow, RelRow
from nhskg.ingest.registers.files import FILES_DIR, RegisterFile, decode

RDEL = RegisterFile(
    "money-nhse-rdel-thf",
    "money/nhse_rdel_2013-2025_thf.csv",
    "NHS England resource DEL by financial year 2013/14-2025/26 (HM Treasury PESA figures as transcribed by The Health Foundation; DERIVED)",
    derived=True,
)
CCG_ALLOCATIONS = RegisterFile(
    "money-ccg-allocations-209",
    "money/ccg_allocations_209ccgs_nhsspend.csv",
    "NHS England CCG allocations table for 209 CCGs (one year of the 2016/17-2020/21 round, year not stated; re-saved by crahal/NHSSpend; DERIVED)",
    derived=True,
)
HEALTH_EXPENDITURE = RegisterFile(
    "money-health-expenditure-hoclib",
    "money/health_expenditure_england_1979-2020_hoclib_thf.csv",
    "House of Commons Library SN00724 Table 2, health expenditure in England 1979/80-2019/20 (re-saved by The Health Foundation REAL Centre; DERIVED)",
    derived=True,
)
MONEY_FILES: tuple[RegisterFile, ...] = (RDEL, CCG_ALLOCATIONS, HEALTH_EXPENDITURE)

NHS_ENGLAND = "org:nhs-england"
DEPARTMENT_OF_HEALTH = "org:department-of-health"
CCG_TYPE = "type:ccg"

# The CCG table's year. The file does not say it; the evidence is:
# - 209 CCG rows, the number of CCGs from April 2015 to March 2017, the
#   configuration on which NHS England published its 2016/17-2020/21
#   allocations (January 2016); one row is a copying error (_copying_error),
#   so 208 CCGs are held and Newcastle Gateshead CCG is not;
# - the 208 rows' "Final allocation" sums to GBP 74,498.870m; the same round's
#   CCG totals (NHS England's summary table, as reproduced by CIPFA) are
#   71,853 (2016/17), 73,358 (2017/18), 74,849 (2018/19), 76,469 (2019/20)
#   and 79,374 (2020/21) GBP m: only 2018/19 is near (0.5% under, with one
#   CCG missing);
# - against that, most rows have a minimum growth of 2.08%, above that
#   year's average growth in the summary table (2.03%), so the match is not exact.
CCG_YEAR = "2018/19"
CCG_YEAR_NOTE = (
    "Year inferred, not stated by the file: 209 CCGs is the April 2015-March 2017 configuration used by NHS England's "
    "2016/17-2020/21 allocations (published January 2016); its 208 CCGs total GBP 74,498.870m (the 209th row is a copying error and Newcastle Gateshead CCG "
    "is missing), 0.5% under that round's 2018/19 CCG total of GBP 74,849m (one CCG short) and 1.5% or more from every other year's; but the file's usual minimum growth "
    "(2.08%) is above that year's average growth (2.03%), so the year remains uncertain (docs/coverage.md, Money)."
)

# NHS England's RDEL: the file's last row is a plan (outtrun_flag TRUE).
RDEL_NOTE = (
    "NHS England resource DEL (revenue departmental expenditure limit), GBP billions cash, from HM Treasury PESA as "
    "transcribed by The Health Foundation REAL Centre (a DERIVED file, not the publisher's). Budget and outturn "
    "measures differ from the revenue resource use limit in the financial directions; see the budgets citing them."
)

FIRST_DH_YEAR = 1989  # 1989/90: the first whole financial year of the Department of Health (est. 25 July 1988)


@dataclass
class MoneySummary:
    budgets: int = 0
    by_file: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        return f"money: {self.budgets} budgets from {len(self.by_file)} files"


@dataclass(frozen=True)
class Line:
    number: int  # 1-based line number in the file
    text: str  # the verbatim line
    values: list[str]


def read_lines(f: RegisterFile) -> list[Line]:
    """Every record of `f` with its line number and verbatim text. A real CSV
    parse (one header cell of the Library table spans three lines); a record
    that spans lines cites its last line, which is where its values are."""
    raw = decode((FILES_DIR / f.path).read_bytes())
    lines = raw.splitlines()
    reader = csv.reader(io.StringIO(raw))
    out: list[Line] = []
    for values in reader:
        if values:
            n = reader.line_num
            out.append(Line(n, lines[n - 1], values))
    return out


def fiscal_year(start: int) -> str:
    return f"{start}/{(start + 1) % 100:02d}"


def year_bounds(start: int) -> tuple[str, str]:
    return f"{start}-04-01", f"{start + 1}-04-01"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _gbp(value: float) -> str:
    return f"£{value / 1e6:,.3f}m" if value < 1e9 else f"£{value / 1e9:,.3f}bn"


# --- the builders -----------------------------------------------------------------------


class _Out:
    """Budget nodes and their HELD_BY / ALLOCATED_BY / FUNDS relationships."""

    def __init__(self) -> None:
        self.nodes: list[NodeRow] = []
        self.rels: list[RelRow] = []

    def budget(self, budget_id: str, props: dict[str, Any], items: list[EvidenceItem], *, holder: str, allocated_by: str | None = None, funds: tuple[str, ...] = ()) -> None:
        packed = pack(items, external=False)
        node = {"name": props.pop("name"), **props, "holder": holder, "status": props.get("status", "in_force"), **packed}
        self.nodes.append(NodeRow(budget_id, ("Budget",), {k: v for k, v in node.items() if v is not None}))
        scope = {k: node[k] for k in ("valid_from", "valid_to", "status") if k in node}
        links = [("HELD_BY", holder)] + ([("ALLOCATED_BY", allocated_by)] if allocated_by else []) + [("FUNDS", t) for t in funds]
        for rel_type, target in links:
            rel_id = f"rel:{rel_type.lower()}:{budget_id}:{target}"
            self.rels.append(RelRow(rel_id, rel_type, budget_id, target, {"id": rel_id, **scope, **packed}))


def _nhse_rdel(out: _Out) -> int:
    rows = [ln for ln in read_lines(RDEL) if ln.values[0] != ""]  # the header's first cell is ""
    for ln in rows:
        _, year, amount, _kind, plan = ln.values
        start, bn = int(year), float(amount)
        fy = fiscal_year(start)
        valid_from, valid_to = year_bounds(start)
        planned = plan.strip().upper() == "TRUE"
        out.budget(
            f"budget:nhse-rdel-{start}-{(start + 1) % 100:02d}",
            {
                "name": f"NHS England resource DEL {fy}",
                "amount_gbp": round(bn * 1e9),
                "original_text": f"{amount} (GBP billions)",
                "fiscal_year": fy,
                "approximate": False,
                "description": RDEL_NOTE + (" This year's figure is a plan (the file flags it as not outturn)." if planned else " Outturn."),
                "measure": "resource DEL (PESA)" + (", plan" if planned else ", outturn"),
                "valid_from": valid_from,
                "valid_to": valid_to,
                "derived_file": True,
            },
            [EvidenceItem(RDEL.source_id, ln.text, "register", f"DERIVED file {RDEL.name} line {ln.number}, date {year}")],
            holder=NHS_ENGLAND,
            funds=("service:nhs-services",),
        )
    return len(rows)


# The two file spellings that are no recorded name of their CCG, each paired
# with a name the registers record for it (checked: one CCG each).
FILE_SPELLINGS: dict[str, str] = {
    "NHS South East Staffs and Seisdon Peninsular CCG": "South East Staffs and Seisdon and Peninsular",
    "NHS West London (K&C & QPP) CCG": "West London (Kensington and Chelsea, Queen's Park and Paddington)",
}


def _norm(name: str) -> str:
    n = name.casefold().replace("&", " and ")
    n = re.sub(r"^\d{4}-\d{2}-\d{2}: ", "", n)
    n = re.sub(r"[^a-z0-9]+", " ", n).strip()
    n = re.sub(r"^nhs ", "", n)
    n = re.sub(r" (ccg|clinical commissioning group)$", "", n)
    return n


def ccg_index(data: GraphData, on: str = "2016-04-01") -> dict[str, set[str]]:
    """Normalised name -> ids of the CCGs that existed on `on` and were ever
    recorded under that name (name, aliases, name history)."""
    ccgs = {r.from_id for r in data.relationships if r.type == "INSTANCE_OF" and r.to_id == CCG_TYPE}
    index: dict[str, set[str]] = defaultdict(set)
    for n in data.nodes:
        if n.id not in ccgs:
            continue
        p = n.props
        if not (p.get("valid_from") or "") <= on < (p.get("valid_to") or "9999-12-31"):
            continue
        for name in [p.get("name") or "", *(p.get("aliases") or []), *(p.get("name_history") or [])]:
            if name:
                index[_norm(name)].add(n.id)
    return index


def _ccg_allocations(out: _Out, data: GraphData) -> int:
    index = ccg_index(data)
    ends = {n.id: n.props.get("valid_to") for n in data.nodes}
    lines = read_lines(CCG_ALLOCATIONS)
    header, rows = lines[0].values, lines[1:]
    col = {h: i for i, h in enumerate(header)}
    start = int(CCG_YEAR[:4])
    valid_from, valid_to = year_bounds(start)
    unmatched, ambiguous = [], []
    made = 0
    for ln in rows:
        name = ln.values[col["CCG"]]
        if _copying_error(ln, rows, col["CCG"]):
            continue
        found = index.get(_norm(FILE_SPELLINGS.get(name, name)), set())
        if len(found) != 1:
            (unmatched if not found else ambiguous).append(name)
            continue
        holder = next(iter(found))
        thousands = float(ln.values[col["Final allocation"]])
        out.budget(
            f"budget:ccg-allocation-{CCG_YEAR.replace('/', '-')}-{holder.split(':', 1)[1]}",
            {
                "name": f"{name} allocation {CCG_YEAR} (year inferred)",
                "amount_gbp": round(thousands * 1000),
                "original_text": f"{ln.values[col['Final allocation']]} (Final allocation, GBP thousands)",
                "fiscal_year": CCG_YEAR,
                "approximate": False,
                "description": (
                    f"CCG core allocation from NHS England's allocations table for 209 CCGs: {_gbp(thousands * 1000)} "
                    f"(minimum allocation {ln.values[col['Minimum allocation']]}k, growth {ln.values[col['Final growth']]}, "
                    f"{ln.values[col['Per capita allocation']]} GBP per head). Year inferred as {CCG_YEAR}, not stated by the file (year_note)."
                    + _closed_note(ends.get(holder), valid_from)
                ),
                "year_basis": "inferred",
                "year_note": CCG_YEAR_NOTE,
                "valid_from": valid_from,
                "valid_to": valid_to,
                "derived_file": True,
            },
            [EvidenceItem(CCG_ALLOCATIONS.source_id, ln.text, "register", f"DERIVED file {CCG_ALLOCATIONS.name} line {ln.number}, CCG {name}")],
            holder=holder,
            allocated_by=NHS_ENGLAND,
            funds=("service:nhs-services",),
        )
        made += 1
    if unmatched or ambiguous:
        raise ValueError(
            f"{CCG_ALLOCATIONS.name}: {len(unmatched)} CCG names match no CCG of April 2016 ({', '.join(unmatched[:5])}) "
            f"and {len(ambiguous)} match several ({', '.join(ambiguous[:5])})"
        )
    return made


def _closed_note(holder_end: str | None, year_start: str) -> str:
    """A CCG that had closed (merged) before the inferred year began: say so,
    rather than let the figure read as money a live body held."""
    if holder_end and holder_end <= year_start:
        return (
            f" This CCG closed on {holder_end}, before the year began (it merged): the figure is the allocation published "
            "for its area on the CCG configuration of 2016, an area then served by its successor."
        )
    return ""


def _copying_error(ln: Line, rows: list[Line], name_col: int) -> bool:
    """A row whose CCG name appears twice in the file and whose figures repeat
    another CCG's row: the re-saved file's one defect (line 102 repeats line
    101's East Leicestershire and Rutland figures under Leicester City's name;
    Leicester City's own row is line 103, and Newcastle Gateshead CCG, a CCG
    of 2016, has no row). Such a row is not loaded."""
    name, figures = ln.values[name_col], ln.values[:name_col] + ln.values[name_col + 1 :]
    twice = sum(1 for o in rows if o.values[name_col] == name) > 1
    return twice and any(o is not ln and o.values[name_col] != name and o.values[:name_col] + o.values[name_col + 1 :] == figures for o in rows)


_YEAR_LABEL = re.compile(r"^(\d{4})[/-](\d{2})(a)?( planned)?$")


def _health_expenditure(out: _Out) -> int:
    """Column 4 (cash, GBP bn) of the Library's table; the table restates
    1999/00 and 2002/03 on a new accounting basis (Stage 1 and Stage 2 resource
    budgeting), so both statements of those years are kept, each named by basis."""
    basis = "cash"
    made = 0
    seen: set[int] = set()
    for ln in read_lines(HEALTH_EXPENDITURE):
        label = ln.values[1] if len(ln.values) > 3 else ""
        if label.startswith("Stage 1"):
            basis = "Stage 1 resource budgeting"
            continue
        if label.startswith("Stage 2"):
            basis = "Stage 2 resource budgeting"
            continue
        m = _YEAR_LABEL.match(label)
        if not m or ln.values[3] in ("", "NA"):
            continue
        start = int(m.group(1))
        if start < FIRST_DH_YEAR:
            continue
        fy = fiscal_year(start)
        bn = float(ln.values[3])
        valid_from, valid_to = year_bounds(start)
        restated = start in seen  # the year again, on the new basis
        seen.add(start)
        suffix = f"-{_slug(basis)}" if restated else ""
        planned = bool(m.group(4))
        out.budget(
            f"budget:health-expenditure-england-{start}-{(start + 1) % 100:02d}{suffix}",
            {
                "name": f"Health expenditure in England {fy}" + (f" (restated, {basis} basis)" if restated else ""),
                "amount_gbp": round(bn * 1e9),
                "original_text": f"{ln.values[3]} (GBP billions, cash)",
                "fiscal_year": fy,
                "approximate": False,
                "description": (
                    "Health expenditure in England (Department of Health), cash, from the House of Commons Library's "
                    "briefing SN00724 Table 2, as re-saved by The Health Foundation REAL Centre (a DERIVED file). "
                    f"Accounting basis: {basis}." + (" The table gives this year as planned." if planned else "")
                    + (" Footnote a: the 2002/03 to 2003/04 difference is artificially high owing to HM Treasury classification." if m.group(3) else "")
                ),
                "measure": f"health expenditure, {basis}" + (", planned" if planned else ""),
                "valid_from": valid_from,
                "valid_to": valid_to,
                "derived_file": True,
            },
            [EvidenceItem(HEALTH_EXPENDITURE.source_id, ln.text, "register", f"DERIVED file {HEALTH_EXPENDITURE.name} line {ln.number}, year {label}")],
            holder=DEPARTMENT_OF_HEALTH,
            funds=("service:nhs-services",),
        )
        made += 1
    return made


def add_money(data: GraphData) -> MoneySummary:
    """Append the money files' budgets (and one Source per file) to `data`,
    which must already hold the register layer (the CCG join needs it)."""
    from nhskg.ingest.registers.load import source_node

    out = _Out()
    summary = MoneySummary()
    summary.by_file[RDEL.name] = _nhse_rdel(out)
    summary.by_file[CCG_ALLOCATIONS.name] = _ccg_allocations(out, data)
    summary.by_file[HEALTH_EXPENDITURE.name] = _health_expenditure(out)
    known = {n.id for n in data.nodes}
    dangling = sorted({r.to_id for r in out.rels if r.to_id not in known})
    if dangling:
        raise ValueError(f"money budgets point at unknown nodes: {', '.join(dangling[:10])}")
    data.nodes.extend(source_node(f) for f in MONEY_FILES)
    data.nodes.extend(out.nodes)
    data.relationships.extend(out.rels)
    summary.budgets = len(out.nodes)
    return summary
