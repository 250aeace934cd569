"""Score `nhskg extract` over the five corpus documents against the curated KB.

Usage:  python benchmarks/extraction_quality.py [--write docs/extraction.md] [--json]

Prints the Markdown table (entities by label, relations by type, micro
totals). With --write it replaces the table between the RESULTS markers in
the given Markdown file, with the command and date, so the recorded numbers
are always the output of this script. Same numbers as `nhskg extract-eval`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nhskg.ingest.extract.evaluate import evaluate, markdown_table  # noqa: E402
from nhskg.ingest.kb import load_knowledge_base  # noqa: E402

START, END = "<!-- RESULTS:START -->", "<!-- RESULTS:END -->"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", metavar="MARKDOWN", help="replace the results block in this file")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON instead")
    args = parser.parse_args()
    t0 = time.perf_counter()
    kb = load_knowledge_base()
    ev = evaluate(kb)
    elapsed = time.perf_counter() - t0
    if args.json:
        print(json.dumps(ev.as_dict(), indent=2))
        return 0
    table = markdown_table(ev)
    counts = f"{len(kb.entities)} entities, {len(kb.relations)} relations, {len(kb.delegations)} delegations, " \
             f"{len(kb.budgets)} budgets, {len(kb.counts)} counts"
    block = (
        f"{START}\n"
        f"Measured {dt.date.today().isoformat()} with `python benchmarks/extraction_quality.py --write docs/extraction.md` "
        f"(same numbers as `nhskg extract-eval`), over {len(ev.documents)} corpus documents, "
        f"against a KB of {counts}; {elapsed:.1f} s.\n\n{table}{END}"
    )
    print(block)
    if args.write:
        path = Path(args.write)
        text = path.read_text(encoding="utf-8")
        if START not in text or END not in text:
            print(f"{path}: no {START} ... {END} block to replace", file=sys.stderr)
            return 2
        text = re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _: block, text, flags=re.S)
        path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
