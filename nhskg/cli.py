"""The `nhskg` command: ingest, serve, status (and extract, from ingest.extract).

Expected failures end with one line `nhskg: error: ...` and a non-zero exit;
a knowledge base with problems prints its report, one problem per line.
"""

from __future__ import annotations

import argparse
import errno
import socket
import sys
from collections.abc import Sequence
from pathlib import Path

from nhskg.graph import GraphStore, open_store
from nhskg.ingest.extract.cli import register as register_extract
from nhskg.ingest.registers.cli import register as register_registers
from nhskg.ingest.kb import DEFAULT_KB_DIR, KnowledgeBaseError
from nhskg.ingest.pipeline import ingest
from nhskg.core.settings import Settings
from nhskg.core.errors import UserError
from nhskg.progress import ProgressBar


def _kb_dirs(args: argparse.Namespace) -> list[Path]:
    return [DEFAULT_KB_DIR, *(Path(p) for p in (getattr(args, "kb", None) or []))]


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(data_dir=args.data_dir)


def _ingest_into(store: GraphStore, args: argparse.Namespace) -> None:
    summary = ingest(store, _kb_dirs(args), ProgressBar("loading"))
    print(summary.line(store.engine))


def cmd_ingest(args: argparse.Namespace) -> int:
    with open_store(_settings(args)) as store:
        _ingest_into(store, args)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    settings = _settings(args)
    with open_store(settings) as store:
        counts = store.counts()
        print(f"engine: {store.engine}")
        print(f"location: {store.describe()}")
        print(f"nodes: {counts.nodes}")
        print(f"relationships: {counts.relationships}")
        if counts.by_label:
            print("nodes by label:")
            for label, n in counts.by_label.items():
                print(f"  {label}: {n}")
        if counts.by_type:
            print("relationships by type:")
            for rel_type, n in counts.by_type.items():
                print(f"  {rel_type}: {n}")
    return 0


def check_port_free(host: str, port: int) -> None:
    """Fail early, before an ingest, if the port cannot be bound."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UserError(f"port {port} on {host} is already in use (choose another with --port)") from None
            raise UserError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from nhskg.api.app import create_app

    check_port_free(args.host, args.port)
    settings = _settings(args)
    store = open_store(settings)
    try:
        if args.reingest or store.counts().nodes == 0:
            _ingest_into(store, args)
        app = create_app(settings, store=store)
        print(f"serving the {store.engine} graph on http://{args.host}:{args.port} (OpenAPI docs at /docs)", flush=True)
        uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    finally:
        store.close()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nhskg", description="NHS commissioning knowledge graph")
    parser.add_argument(
        "--data-dir",
        help="data directory of the embedded engine (env NHSKG_DATA_DIR; default ~/.local/share/nhskg)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("ingest", help="build the graph from the knowledge base into the configured engine")
    p.add_argument("--kb", action="append", metavar="DIR", help="extra knowledge-base folder or file (e.g. accepted extraction candidates); repeatable")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("serve", help="ingest if the graph is empty, then serve the HTTP API")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--kb", action="append", metavar="DIR", help="extra knowledge-base folder or file; repeatable")
    p.add_argument("--reingest", action="store_true", help="rebuild the graph even if it is not empty")
    p.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("status", help="engine, location and counts by label and type")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("model-table", help="print the vocabulary tables and the knowledge base's contents as Markdown")
    p.add_argument("--write", metavar="FILE", help="replace the generated sections of FILE (docs/model.md) instead of printing")
    p.set_defaults(func=cmd_model_table)

    register_extract(sub)
    register_registers(sub)
    return parser


def cmd_model_table(args: argparse.Namespace) -> int:
    from nhskg.ingest.model_table import model_table, vocabulary_tables, write_model_doc

    if args.write:
        write_model_doc(Path(args.write))
        print(f"updated {args.write}")
    else:
        print(vocabulary_tables() + "\n\n" + model_table())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KnowledgeBaseError as exc:
        print(f"nhskg: error: the knowledge base has {len(exc.problems)} problem(s); nothing was loaded:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    except UserError as exc:
        print(f"nhskg: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("nhskg: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
