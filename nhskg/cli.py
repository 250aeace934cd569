"""The `nhskg` command: ingest, serve, status (and extract, from ingest.extract).

Every failure ends with one line `nhskg: error: ...` and a non-zero exit,
never a traceback; a knowledge base with problems prints its report, one
problem per line.

Signals: SIGINT, SIGTERM and SIGHUP all stop the command cleanly. `serve`
finishes the requests in flight, then saves and stops the engine it owns and
exits 0; any other command unwinds (closing the store) and exits 128+signal.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import signal
import socket
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from nhskg.core.errors import UserError

# The rest of the project is imported where a command needs it, not here:
# each worker of `serve --workers N` is a fresh interpreter that re-imports
# this module (multiprocessing's spawn re-runs the `nhskg` script), and the
# ingest and register modules cost it ~0.7 s of a cold start for nothing.
if TYPE_CHECKING:
    from nhskg.core.settings import Settings
    from nhskg.graph import GraphStore


def _kb_dirs(args: argparse.Namespace) -> list[Path]:
    from nhskg.ingest.kb import DEFAULT_KB_DIR

    # --kb replaces the bundled knowledge base; --add-kb adds to it (or to --kb's).
    chosen = [Path(p) for p in getattr(args, "kb", None) or []] or [DEFAULT_KB_DIR]
    return [*chosen, *(Path(p) for p in getattr(args, "add_kb", None) or [])]


def _settings(args: argparse.Namespace) -> Settings:
    from nhskg.core.settings import Settings

    return Settings.from_env(data_dir=args.data_dir)


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _stop_signals() -> tuple[int, ...]:
    """The stop signals this process honours: all of them, except one it was
    told to ignore when started (`nohup nhskg serve` must survive SIGHUP)."""
    return tuple(sig for sig in STOP_SIGNALS if signal.getsignal(sig) is not signal.SIG_IGN)


class Stopped(BaseException):
    """A stop signal arrived; unwinds like KeyboardInterrupt so stores close."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


# Every stop signal received, noted before it is raised: Python swallows an
# exception raised while it runs a __del__, and the CLI must still know.
_RECEIVED: list[int] = []


def _raise_stopped(signum: int, frame: FrameType | None) -> None:
    _RECEIVED.append(signum)
    raise Stopped(signum)


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    _RECEIVED.append(signum)
    raise KeyboardInterrupt


_NOTHING_CHANGED = "before the new graph was saved: nothing was changed, the previous graph stays live"


def _signum(exc: BaseException) -> int:
    return exc.signum if isinstance(exc, Stopped) else signal.SIGINT


def _quiet_unraisable(unraisable: "sys.UnraisableHookArgs") -> None:
    """A stop signal raised while Python ran a __del__ is swallowed by the
    interpreter, which prints a traceback; it is noted in _RECEIVED and said
    in one line at the end instead (see _ingest_into)."""
    if isinstance(unraisable.exc_value, (Stopped, KeyboardInterrupt)):
        return
    sys.__unraisablehook__(unraisable)


class IngestStopped(Stopped):
    """A stop signal ended `nhskg ingest`; `outcome` says which graph is live."""

    def __init__(self, signum: int, outcome: str, new_graph_live: bool) -> None:
        super().__init__(signum)
        self.outcome = outcome
        self.new_graph_live = new_graph_live


def _ingest_into(store: GraphStore, args: argparse.Namespace) -> None:
    """Ingest, and say which graph is live however it ends: a stop signal
    before the new graph is saved leaves the previous one (and says so); one
    after is held back until the swap is done (graph/signals.py), so the new
    graph is live (and that is said)."""
    before = getattr(store, "committed", None)
    try:
        from nhskg.ingest.pipeline import ingest
        from nhskg.progress import ProgressBar

        summary = ingest(store, _kb_dirs(args), ProgressBar("loading"))
    except (Stopped, KeyboardInterrupt) as exc:
        if getattr(store, "committed", None) is not before:
            raise IngestStopped(_signum(exc), "after the new graph was saved and swapped in: the new graph is live", True) from None
        raise IngestStopped(_signum(exc), _NOTHING_CHANGED, False) from None
    print(summary.line(store.engine), flush=True)
    if _RECEIVED:  # a signal whose exception Python swallowed: the ingest went on to the end
        name = signal.Signals(_RECEIVED[0]).name
        print(f"nhskg: {name} came during the ingest but could not stop it in time: the new graph is live", file=sys.stderr, flush=True)


def _why_ingest(store: GraphStore, args: argparse.Namespace) -> str | None:
    """Why `serve` must (re)build the graph before serving, or None."""
    from nhskg.graph.schema import BASE_LABEL
    from nhskg.ingest.version import source_version

    if args.reingest:
        return "--reingest was given"
    # Not store.counts(): that counts every relationship, 12 s of a cold start
    # at 100,000 organisations. The build record and one node say enough.
    build = store.build_info()
    version = build.source_version if build else None
    if version is None and not store.run_read(f"MATCH (n:{BASE_LABEL}) RETURN n.id AS id LIMIT 1", {}):
        return "the graph is empty"
    from nhskg.ingest.kb import DEFAULT_KB_DIR

    shipped = source_version([d for d in _kb_dirs(args) if d != DEFAULT_KB_DIR])
    if version != shipped:
        return f"the graph was built from {version or 'an unrecorded version'}, the data shipped now is {shipped}"
    return None


def cmd_ingest(args: argparse.Namespace) -> int:
    from nhskg.graph import open_store

    _RECEIVED.clear()
    try:
        store = open_store(_settings(args))
    except (Stopped, KeyboardInterrupt) as exc:
        raise IngestStopped(_signum(exc), _NOTHING_CHANGED, False) from None
    before = getattr(store, "committed", None)
    done = False
    try:
        _ingest_into(store, args)
        done = True
        store.close()
    except (Stopped, KeyboardInterrupt) as exc:
        if isinstance(exc, IngestStopped):
            with contextlib.suppress(Stopped, KeyboardInterrupt):
                store.close()
            raise
        # A signal after the ingest itself ended (while its summary was being
        # written, or the engine stopped): whether the new graph is live is
        # whether the store committed a new build, not where the signal came.
        live = done or getattr(store, "committed", None) is not before
        with contextlib.suppress(Stopped, KeyboardInterrupt):
            store.close()
        if not live:
            raise IngestStopped(_signum(exc), _NOTHING_CHANGED, False) from None
        name = signal.Signals(_signum(exc)).name
        print(f"nhskg: {name} came after the ingest was done: the new graph is live", file=sys.stderr, flush=True)
    except Exception:
        # A refused knowledge base or a failed write: the graph is unchanged,
        # and the engine this command started must not outlive it.
        with contextlib.suppress(Stopped, KeyboardInterrupt):
            store.close()
        raise
    return 0 if _report_shutdown_save(store) else 1


def _report_shutdown_save(store: GraphStore) -> bool:
    """Say so if the save when the engine stopped failed; True if it did not."""
    failure = getattr(store, "shutdown_failure", None)
    if failure:
        _error(f"the engine could not save the graph when it stopped ({failure}); the snapshot holds the graph as of the last completed write")
    return not failure


def cmd_status(args: argparse.Namespace) -> int:
    from nhskg.graph import open_store
    from nhskg.ingest.version import source_version

    settings = _settings(args)
    with open_store(settings) as store:
        counts = store.counts()
        shipped = source_version()
        print(f"engine: {store.engine}")
        print(f"location: {store.describe()}")
        state = "current" if counts.version == shipped else f"stale: the shipped data is {shipped}; run nhskg ingest"
        print(f"graph version: {counts.version or 'none recorded'} ({state})")
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
    from nhskg.graph import open_store
    from nhskg.serving import GracefulServer, default_workers, run_workers, server_config

    check_port_free(args.host, args.port)
    settings = _settings(args)
    workers = args.workers or default_workers()
    opened: list[GraphStore] = []

    def prepare() -> Callable[[], None] | None:
        """Own the engine, ingest if the graph is missing or stale; returns
        the watchdog the worker supervisor runs (Neo4j runs its own server)."""
        store = open_store(settings, exclusive=True)
        opened.append(store)
        reason = _why_ingest(store, args)
        if reason:
            print(f"ingesting: {reason}", flush=True)
            _ingest_into(store, args)
        print(f"serving the {store.engine} graph on http://{args.host}:{args.port} with {workers} worker(s) (OpenAPI docs at /docs)", flush=True)
        return getattr(store, "keep_engine_running", None)

    try:
        if workers == 1:
            prepare()
            from nhskg.api.app import create_app  # with workers, only they need it (~2 s of imports)

            server = GracefulServer(server_config(create_app(settings, store=opened[0]), args.host, args.port, args.log_level), _stop_signals())
            server.run()
            started, stop_signal = server.started, server.stop_signal
        else:
            # The workers start first and import the app while `prepare` runs
            # (see nhskg.serving); a busy data directory is refused before.
            if not settings.neo4j_uri:
                from nhskg.graph.falkordb_server import FalkorDBServer

                FalkorDBServer(settings.data_dir).refuse_if_owned()
            started, stop_signal = run_workers(str(settings.data_dir), args.host, args.port, args.log_level, workers, _stop_signals(), prepare)
        if not started and stop_signal is None:
            raise UserError(f"the HTTP server on {args.host}:{args.port} failed to start (see the log above)")
    finally:
        for store in opened:
            store.close()
    saved = all([_report_shutdown_save(store) for store in opened])
    if stop_signal is not None:
        state = "the graph is saved" if saved else "the save at shutdown FAILED (see above)"
        print(f"nhskg: stopped on {signal.Signals(stop_signal).name}; {state}", file=sys.stderr, flush=True)
    return 0 if saved else 1


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1 to 64, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nhskg", description="NHS commissioning knowledge graph")
    parser.add_argument(
        "--data-dir",
        help="data directory of the embedded engine (env NHSKG_DATA_DIR; default ~/.local/share/nhskg)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # --data-dir works after the command too (`nhskg serve --data-dir D`);
    # SUPPRESS keeps a value given before the command when it is not repeated.
    engine_options = argparse.ArgumentParser(add_help=False)
    engine_options.add_argument("--data-dir", default=argparse.SUPPRESS, help="data directory of the embedded engine (as before the command)")

    kb_options = argparse.ArgumentParser(add_help=False)
    kb_options.add_argument("--kb", action="append", metavar="DIR", help="build from this knowledge-base folder or file instead of the bundled one; repeatable")
    kb_options.add_argument("--add-kb", action="append", metavar="DIR", help="add this folder or file to the knowledge base (e.g. accepted extraction candidates); repeatable")

    p = sub.add_parser("ingest", parents=[engine_options, kb_options], help="build the graph from the knowledge base into the configured engine, replacing it")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("serve", parents=[engine_options, kb_options], help="ingest when the graph is missing or was built from other data, then serve the HTTP API")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--reingest", action="store_true", help="rebuild the graph even if it is not empty")
    p.add_argument(
        "--workers", type=_positive_int, default=0, metavar="N",
        help="HTTP worker processes sharing the engine this process owns (default: the number of cores)",
    )
    p.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("status", parents=[engine_options], help="engine, location and counts by label and type")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("model-table", help="print the vocabulary tables and the knowledge base's contents as Markdown")
    p.add_argument("--write", metavar="FILE", help="replace the generated sections of FILE (docs/model.md) instead of printing")
    p.set_defaults(func=cmd_model_table)

    from nhskg.ingest.extract.cli import register as register_extract
    from nhskg.ingest.registers.cli import register as register_registers

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


def _error(message: str) -> None:
    print(f"nhskg: error: {' '.join(message.split())}", file=sys.stderr, flush=True)


def _os_error(exc: OSError) -> str:
    where = f" ({exc.filename})" if exc.filename else ""
    return f"{exc.strerror or exc}{where}"


def main(argv: Sequence[str] | None = None) -> int:
    from nhskg.ingest.kb import KnowledgeBaseError  # noqa: F401  (before the handlers: _run's except clauses need it)

    parser = build_parser()
    args = parser.parse_args(argv)
    sys.unraisablehook = _quiet_unraisable
    for sig in _stop_signals():
        # SIGINT stays a KeyboardInterrupt, noted like the others.
        signal.signal(sig, _raise_interrupt if sig == signal.SIGINT else _raise_stopped)
    try:
        return _run(args)
    finally:
        if argv is None:
            # The work is done and said: a stop signal from now on (while the
            # interpreter exits) must not turn the exit status into a kill.
            for sig in STOP_SIGNALS:
                with contextlib.suppress(ValueError, OSError):
                    signal.signal(sig, signal.SIG_IGN)


def _run(args: argparse.Namespace) -> int:
    from nhskg.ingest.kb import KnowledgeBaseError

    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:
        # `nhskg status | head`: the reader went away. Point stdout at
        # /dev/null so the interpreter's final flush cannot fail again.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        _error("the output was closed before it was all written (broken pipe)")
        return 141
    except IngestStopped as exc:
        # Exit 0 exactly when the new graph is live: a script can rely on it.
        line = f"stopped by {signal.Signals(exc.signum).name} {exc.outcome}"
        if exc.new_graph_live:
            print(f"nhskg: {line}", file=sys.stderr, flush=True)
            return 0
        _error(line)
        return 128 + exc.signum
    except Stopped as exc:
        _error(f"stopped by {signal.Signals(exc.signum).name}")
        return 128 + exc.signum
    except KnowledgeBaseError as exc:
        print(f"nhskg: error: the knowledge base has {len(exc.problems)} problem(s); nothing was loaded:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    except UserError as exc:
        _error(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        _error("interrupted (SIGINT)")
        return 130
    except OSError as exc:
        _error(_os_error(exc))
        return 1
    except Exception as exc:  # a bug: still one line, with how to see more
        if os.environ.get("NHSKG_DEBUG"):
            raise
        _error(f"unexpected {type(exc).__name__}: {exc} (set NHSKG_DEBUG=1 for the traceback)")
        return 1


if __name__ == "__main__":
    sys.exit(main())
