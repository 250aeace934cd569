"""docs/coverage.md: which periods, bodies, services and budgets the graph
covers, from which sources, and the known gaps.

Everything but the "Known gaps" list is generated from the knowledge base,
so the page cannot drift from the data: `python -m nhskg.ingest.coverage`
rewrites it, `--check` fails when it is stale (the tests run the check).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from nhskg.ingest.coverage_membership import lines as membership_gaps
from nhskg.ingest.kb import DEFAULT_KB_DIR, KnowledgeBase, KnowledgeBaseError, load_knowledge_base
from nhskg.ingest.models import RelationRecord, Scoped

REPO_DIR = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_DIR / "docs" / "coverage.md"

# Days on which the page shows what the graph answers (1 April = the NHS year).
SAMPLE_DAYS: tuple[str, ...] = (
    "1991-04-01", "1995-04-01", "1999-04-01", "2003-04-01", "2007-04-01", "2011-04-01", "2013-04-01",
    "2015-04-01", "2016-04-01", "2019-04-01", "2021-04-01", "2022-07-01", "2024-04-01", "2025-04-01", "2026-11-01",
)
# Columns of the commissioning table (fewer, to stay readable).
COMMISSIONING_DAYS: tuple[str, ...] = ("2011-04-01", "2014-04-01", "2016-04-01", "2020-04-01", "2023-04-01", "2025-06-01")

# What is known to be missing; curated by hand (the one part not generated).
KNOWN_GAPS: tuple[str, ...] = (
    "Individual bodies (CCGs, ICBs, PCTs, trusts, councils) other than the few the documents name come from the register layer, not from the knowledge base; their mergers (CCGs 2015-2021, ICBs on 1 April 2026) are there.",
    "Before 2013 the graph holds the framework (internal market, fundholding, PCGs, PCTs, SHAs and their counts, the NHS Commissioning Board Authority) and PCT commissioning at the level of top services (acute, community, mental health, primary care) from 2002; PCG and health-authority commissioning (1991-2002) is not recorded service by service.",
    "Non-statutory ICSs are dated from the renaming of accountable care systems (2 February 2018); STP footprint mergers between 2016 and 2020 (44 -> 42) are not dated.",
    "Some start days are the curator's knowledge with no source held here (each says so in its date_note: Monitor January 2004, the TDA 1 June 2012, the Department of Health 25 July 1988, SHAs 1 April 2002, NHS foundation trusts April 2004); long-standing classes and national bodies are dated from 5 July 1948 as a lower bound. The 2006 PCT mergers are in the register layer's successions.",
    "ICP numbers after the ICB mergers of 1 April 2026 are not recorded (count:icps-2023 stays open).",
    "The Greater Manchester £6 billion budget is a budget record; shares, the POD running-cost adjustment and neighbourhoods are facts.",
    "No source here says the 2010 GP consortia became CCGs, so no link joins them; NHS England and NHS Improvement's joint working from 2019 is in the description only.",
    "Section 7A public health delegation to ICBs stays proposed (2023 text); later steps were not checked. The POD toolkit and the primary care commissioning assurance framework stay planned as of July 2023.",
    "Outside facts are cited to their publisher's page with a locator; where the curator could not confirm exact words offline, the evidence is a labelled paraphrase.",
)


def _holds(rec: Scoped, day: str) -> bool:
    return (
        rec.undated is None
        and rec.status == "in_force"
        and (rec.valid_from is None or rec.valid_from <= day)
        and (rec.valid_to is None or day < rec.valid_to)
    )


def _span(rec: Scoped) -> str:
    if rec.undated is not None:
        return "undated"
    start = rec.valid_from or "…"
    end = rec.valid_to or "…"
    return f"{start} – {end}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(_cell(str(c)) for c in row) + " |" for row in rows]
    return lines


def _periods(kb: KnowledgeBase) -> list[str]:
    bodies = [e for e in kb.entities if e.label in ("Organisation", "OrganisationType")]
    rows = []
    for day in SAMPLE_DAYS:
        rows.append(
            (
                day,
                sum(_holds(e, day) for e in bodies if e.label == "Organisation"),
                sum(_holds(e, day) for e in bodies if e.label == "OrganisationType"),
                sum(_holds(r, day) for r in kb.relations),
                sum(_holds(d, day) for d in kb.delegations),
                sum(_holds(c, day) for c in kb.counts) + sum(_holds(b, day) for b in kb.budgets),
            )
        )
    return _table(("day", "bodies", "types of body", "relations in force", "delegations", "budgets and counts"), rows)


def _bodies(kb: KnowledgeBase) -> list[str]:
    rows = [
        (e.id, e.name, e.label, _span(e), e.status, ", ".join(sorted({ev.source for ev in e.evidence})))
        for e in sorted(kb.entities, key=lambda e: e.id)
        if e.label in ("Organisation", "OrganisationType")
    ]
    return _table(("id", "name", "kind", "valid", "status", "sources"), rows)


def _commissioning(kb: KnowledgeBase) -> list[str]:
    """Top-level services: who commissions them (class-level `all` facts and
    delegations) on each sample day."""
    parents = {r.from_ for r in kb.relations if r.type == "PART_OF" and r.from_.startswith("service:") and r.to.startswith("service:")}
    tops = sorted(e.id for e in kb.entities if e.label == "Service" and e.id not in parents)
    names = {e.id: e.name for e in kb.entities}
    who: dict[tuple[str, str], set[str]] = defaultdict(set)
    for day in COMMISSIONING_DAYS:
        for r in kb.relations:
            if r.type == "COMMISSIONS" and r.quantifier == "all" and _holds(r, day):
                who[(r.to, day)].add(names.get(r.from_, r.from_))
        for d in kb.delegations:
            if _holds(d, day):
                for s in d.services:
                    who[(s, day)].add(f"{names.get(d.to, d.to)} (delegated)")
    rows = [(names[s], *(", ".join(sorted(who[(s, day)])) or "–" for day in COMMISSIONING_DAYS)) for s in tops]
    return _table(("service", *COMMISSIONING_DAYS), rows)


def _money_and_numbers(kb: KnowledgeBase) -> list[str]:
    rows = [(b.id, b.original_text, b.fiscal_year or "", b.holder or "", _span(b), b.status) for b in sorted(kb.budgets, key=lambda b: b.id)]
    lines = _table(("budget", "amount", "year", "held by", "valid", "status"), rows)
    lines.append("")
    rows = [(c.id, c.of, ("about " if c.approximate else "") + str(c.value), _span(c), c.status) for c in sorted(kb.counts, key=lambda c: c.id)]
    return lines + _table(("count", "of", "value", "valid", "status"), rows)


def _describe(rec: Scoped) -> str:
    if isinstance(rec, RelationRecord):
        return rec.id or f"{rec.type} {rec.from_} → {rec.to}"
    return getattr(rec, "id", "?")


def _statuses(kb: KnowledgeBase) -> list[str]:
    records = [r for r in kb.records() if isinstance(r, Scoped)]
    tally = Counter(r.status for r in records)
    lines = [", ".join(f"{status}: {tally[status]}" for status in sorted(tally)), ""]
    kept = [r for r in records if r.status in ("superseded", "disputed")]
    lines += _table(("record", "status", "valid", "what answers instead"), ((_describe(r), r.status, _span(r), r.note or "") for r in sorted(kept, key=_describe)))
    return lines


def _undated(kb: KnowledgeBase) -> list[str]:
    records = [r for r in kb.records() if isinstance(r, Scoped) and r.undated is not None]
    return _table(("record", "why it has no date"), ((_describe(r), r.undated or "") for r in sorted(records, key=_describe)))


def _sources(kb: KnowledgeBase) -> list[str]:
    cited: Counter[str] = Counter()
    for rec in kb.records():
        for ev in getattr(rec, "evidence", []) or []:
            cited[ev.source] += 1
    rows = [
        (s.id, s.title, s.publisher or "", "outside source" if s.external else "corpus document", s.url or "", cited[s.id])
        for s in sorted(kb.sources, key=lambda s: (s.external, s.id))
    ]
    return _table(("source", "title", "publisher", "kind", "url", "evidence items"), rows)


def render(kb: KnowledgeBase) -> str:
    sections = [
        "# Coverage of the knowledge graph",
        "",
        "Generated from `ingest/kb/` by `python -m nhskg.ingest.coverage`; do not edit by hand",
        "(the test suite fails when this page is stale). 'In force' below means what the graph",
        "answers by default on that day: valid_from <= day < valid_to, status in_force, not undated.",
        "",
        "## Periods",
        "",
        "How much the graph holds in force on sample days (curated knowledge base only; the register layer adds real bodies).",
        "",
        *_periods(kb),
        "",
        "## Who commissions what",
        "",
        "Top-level services and who commissions them on each day (class-level facts true of every body of the type, and delegations).",
        "",
        *_commissioning(kb),
        "",
        "## Budgets and counts",
        "",
        *_money_and_numbers(kb),
        "",
        "## Claims kept but not answered",
        "",
        "Records a later or better source contradicts (superseded) or that the sources leave unresolved (disputed).",
        "",
        *_statuses(kb),
        "",
        "## Undated records",
        "",
        "Left out of every dated answer, each with its reason.",
        "",
        *_undated(kb),
        "",
        "## Bodies and types of body",
        "",
        *_bodies(kb),
        "",
        "## Sources",
        "",
        *_sources(kb),
        "",
        "## Known gaps",
        "",
        "Curated by hand.",
        "",
        *(f"- {gap}" for gap in KNOWN_GAPS),
        "",
        *membership_gaps(),
    ]
    return "\n".join(sections)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nhskg.ingest.coverage", description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write the page (default docs/coverage.md)")
    parser.add_argument("--check", action="store_true", help="exit 1 if the page differs from what the knowledge base gives")
    args = parser.parse_args(argv)
    try:
        text = render(load_knowledge_base([DEFAULT_KB_DIR]))
    except KnowledgeBaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is stale: run python -m nhskg.ingest.coverage", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
