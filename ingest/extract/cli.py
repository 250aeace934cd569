"""`nhskg extract` and `nhskg extract-eval`: the command-line face of extraction.

The lead's nhskg/cli.py calls `register(subparsers)`; each subcommand sets
`func` to a callable(args) -> exit code, and raises UserError for anything
the user can fix (the CLI prints it as one line).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from nhskg.core.errors import UserError


def register(subparsers: Any) -> None:
    """Add the `extract` and `extract-eval` subcommands."""
    p = subparsers.add_parser(
        "extract",
        help="propose entities and relations stated in documents (text, Markdown, HTML)",
        description="Read documents and propose the entities and relations they state, each with the sentence as "
        "evidence. With --out, write candidate KB files (review: pending) for a reviewer to accept.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="a .txt, .md or .html document")
    p.add_argument("--format", choices=("json", "yaml"), default="json", help="report format on stdout (default json)")
    p.add_argument("--out", metavar="DIR", help="write <doc>.candidates.yaml and a copy of the document's text here")
    p.add_argument("--kb", metavar="DIR", action="append", help="knowledge-base folder(s) for the gazetteer (default: the bundled KB)")
    p.set_defaults(func=run_extract)

    e = subparsers.add_parser(
        "extract-eval",
        help="score extraction over the corpus against the curated knowledge base",
        description="Extract from every corpus document and print precision/recall for entities by label and "
        "relations by type, with the knowledge base's facts as gold.",
    )
    e.add_argument("--format", choices=("markdown", "json"), default="markdown")
    e.add_argument("--kb", metavar="DIR", action="append", help="knowledge-base folder(s) (default: the bundled KB)")
    e.add_argument("--details", action="store_true", help="also list false positives and misses")
    e.set_defaults(func=run_eval)


def require_spacy(command: str) -> None:
    """spaCy comes with the `extract` extra, not the base install: say so in one line."""
    import importlib.util

    if importlib.util.find_spec("spacy") is None:
        raise UserError(f"nhskg {command} needs spaCy, which the base install leaves out: pip install 'nhskg[extract]' (from a clone: pip install -e '.[extract]')")


def _load_kb(dirs: list[str] | None) -> Any:
    from nhskg.ingest.kb import DEFAULT_KB_DIR, KnowledgeBaseError, load_knowledge_base

    try:
        return load_knowledge_base([Path(d) for d in dirs] if dirs else [DEFAULT_KB_DIR])
    except KnowledgeBaseError as exc:
        first = str(exc.problems[0]) if exc.problems else str(exc)
        raise UserError(f"the knowledge base has {len(exc.problems)} problem(s), first: {first}") from None


def _progress(message: str) -> None:
    print(f"nhskg extract: {message}", file=sys.stderr, flush=True)


def run_extract(args: argparse.Namespace) -> int:
    require_spacy("extract")
    """Extract from each file; print one JSON object (or a list, for several files)."""
    from nhskg.ingest.extract.gazetteer import build_gazetteer
    from nhskg.ingest.extract.output import report, write_candidates
    from nhskg.ingest.extract.pipeline import extract_file

    kb = _load_kb(getattr(args, "kb", None))
    gaz = build_gazetteer(kb.entities)
    known = kb.node_ids()
    reports: list[dict[str, Any]] = []
    many = len(args.files) > 1
    for i, name in enumerate(args.files, 1):
        if many:
            _progress(f"[{i}/{len(args.files)}] {name}")
        ex = extract_file(Path(name), kb, gaz, progress=_progress)
        rep = report(ex)
        if args.out:
            path = write_candidates(ex, Path(args.out), known)
            rep["candidates_file"] = str(path)
        reports.append(rep)
    payload: Any = reports[0] if len(reports) == 1 else reports
    if args.format == "json":
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(yaml.safe_dump(payload, sort_keys=False, allow_unicode=True, width=120))
    return 0


def run_eval(args: argparse.Namespace) -> int:
    require_spacy("extract-eval")
    """Print the quality table (Markdown) or the numbers (JSON)."""
    from nhskg.ingest.extract.evaluate import evaluate, markdown_table

    kb = _load_kb(getattr(args, "kb", None))
    ev = evaluate(kb)
    if not ev.documents:
        raise UserError("no knowledge-base source points at a corpus document; nothing to evaluate")
    if args.format == "json":
        data = ev.as_dict()
        if args.details:
            data["misses"] = {k: v.fn_items for k, v in {**ev.entities, **ev.relations}.items() if v.fn_items}
            data["false_positives"] = {k: v.fp_items for k, v in {**ev.entities, **ev.relations}.items() if v.fp_items}
        json.dump(data, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(markdown_table(ev))
        if args.details:
            for title, attr in (("False positives", "fp_items"), ("Misses", "fn_items")):
                sys.stdout.write(f"\n{title}:\n")
                for k, v in sorted({**ev.entities, **ev.relations}.items()):
                    for item in getattr(v, attr):
                        sys.stdout.write(f"  {k}  {item}\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    """A stand-alone entry point (python -m nhskg.ingest.extract.cli) until the lead wires register()."""
    parser = argparse.ArgumentParser(prog="nhskg")
    sub = parser.add_subparsers(dest="command", required=True)
    register(sub)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UserError as exc:
        print(f"nhskg: error: {exc}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    raise SystemExit(main())
