"""Size and speed of the full graph (knowledge base + registers).

    .venv/bin/python benchmarks/registers.py [--write benchmarks/RESULTS.md]

Builds the graph (validate KB, compile, register layer, derivation), ingests
it into a fresh embedded FalkorDB with the progress bar on stderr, and
reports node and relationship counts, the time of each step and the peak
memory of this process and of the FalkorDB server. With --write, replaces
the marked Registers section of RESULTS.md (speed.py keeps marked sections).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from nhskg.graph.falkordb_engine import FalkorDBStore
from nhskg.graph.store import GraphData
from nhskg.ingest.pipeline import build_graph
from nhskg.ingest.registers import add_registers
from nhskg.ingest.registers.reconcile import load_reconciliation
from nhskg.progress import ProgressBar

TARGET_S = 10.0
# The curated bodies the register layer merges into, so it can be timed on its own.
_CURATED = {*load_reconciliation().mapping.values(), load_reconciliation().nhs_england}
SECTION = "## Registers"


def _vm_hwm_kib(pid_file: Path) -> int | None:
    """Peak resident memory of the FalkorDB server (Linux /proc), if readable."""
    try:
        pid = int(pid_file.read_text().strip())
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


class _ForcedBar(ProgressBar):
    """The CLI's bar, shown even when stderr is not a terminal (benchmarks run in logs)."""

    def __init__(self) -> None:
        super().__init__("loading")
        self.enabled = True


def measure() -> dict:
    started = time.perf_counter()
    data = build_graph()
    built = time.perf_counter() - started
    t0 = time.perf_counter()
    add_registers(GraphData(nodes=[n for n in data.nodes if n.id in _CURATED or n.id.startswith("type:")], relationships=[]))
    registers_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        store = FalkorDBStore(Path(tmp) / "data")
        try:
            t0 = time.perf_counter()
            store.replace_graph(data, _ForcedBar())
            loaded = time.perf_counter() - t0
            counts = store.counts()
            server_kib = _vm_hwm_kib(Path(tmp) / "data" / "falkordb.pid")
        finally:
            store.close()
    labels = Counter(label for n in data.nodes for label in n.labels if label in ("Organisation", "OrganisationType", "Source"))
    return {
        "nodes": counts.nodes,
        "relationships": counts.relationships,
        "derived": sum(1 for r in data.relationships if r.props.get("derived")),
        "register_nodes": sum(1 for n in data.nodes if n.props.get("register_role")),
        "register_sources": sum(1 for n in data.nodes if n.id.startswith("source:register-")),
        "organisations": labels["Organisation"],
        "build_s": built,
        "registers_s": registers_s,
        "load_s": loaded,
        "total_s": built + loaded,
        "python_peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "server_peak_mib": server_kib / 1024 if server_kib else None,
        "load_average": os.getloadavg()[0],
    }


def cli_ingest_seconds(runs: int = 3) -> list[float]:
    """The real command, `nhskg ingest` into a fresh data directory, as it reports itself."""
    nhskg = str(Path(sys.executable).with_name("nhskg"))
    out = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            done = subprocess.run([nhskg, "--data-dir", str(Path(tmp) / "data"), "ingest"], capture_output=True, text=True, check=True)
            # "ingested N nodes and M relationships (K derived) into falkordb in 8.70s"
            out.append(float(done.stdout.strip().rsplit(" in ", 1)[1].rstrip("s")))
    return out


def section(m: dict) -> str:
    server = f"{m['server_peak_mib']:.0f} MiB" if m["server_peak_mib"] else "not readable"
    return "\n".join(
        [
            SECTION,
            "",
            "Produced by:",
            "",
            "    .venv/bin/python benchmarks/registers.py --write benchmarks/RESULTS.md",
            "",
            f"Machine: {platform.machine()}, Linux {platform.release()}, Python {platform.python_version()} (2 cores, shared; "
            f"1-minute load average {m['load_average']:.1f} at the end of the run, so other work was competing for the cores).",
            "The full graph is the curated knowledge base plus the register layer (ingest/registers/, docs/registers.md)",
            "and the derived edges. `nhskg ingest` shows the same load with a progress bar on a terminal.",
            "",
            "| measurement | value |",
            "|---|---:|",
            f"| nodes (all) | {m['nodes']} |",
            f"| of which Organisation | {m['organisations']} |",
            f"| of which register bodies | {m['register_nodes']} |",
            f"| register Source nodes (one per shipped file) | {m['register_sources']} |",
            f"| relationships (all) | {m['relationships']} |",
            f"| of which derived | {m['derived']} |",
            f"| build: validate KB + compile + registers + derive (s) | {m['build_s']:.2f} |",
            f"| of which the register layer (s) | {m['registers_s']:.2f} |",
            f"| load into FalkorDB, atomic replace (s) | {m['load_s']:.2f} |",
            f"| total ingest (s); target under {TARGET_S:.0f} s | {m['total_s']:.2f} ({'met' if m['total_s'] < TARGET_S else 'NOT met'}) |",
            f"| `nhskg ingest` (the command, fresh data directory), median of {len(m['cli_s'])} (s) | {statistics.median(m['cli_s']):.2f} (runs: {', '.join(f'{x:.2f}' for x in m['cli_s'])}) |",
            f"| peak memory, Python process | {m['python_peak_mib']:.0f} MiB |",
            f"| peak memory, FalkorDB server | {server} |",
            "",
        ]
    )


BEGIN, END = "<!-- registers benchmark: begin -->", "<!-- registers benchmark: end -->"


def write_section(path: Path, text: str) -> None:
    """Replace (or append) the Registers section between its markers; speed.py
    keeps every marked section when it rewrites the top of the file."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    block = f"{BEGIN}\n{text.rstrip()}\n{END}\n"
    if BEGIN in old and END in old:
        new = old[: old.index(BEGIN)] + block + old[old.index(END) + len(END) :].lstrip("\n")
    else:
        new = old.rstrip("\n") + "\n\n" + block
    path.write_text(new, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, help="replace the Registers section of this file (benchmarks/RESULTS.md)")
    args = parser.parse_args()
    m = measure()
    m["cli_s"] = cli_ingest_seconds()
    m["load_average"] = os.getloadavg()[0]
    text = section(m)
    print(text)
    if args.write:
        write_section(args.write, text)
    return 0 if statistics.median(m["cli_s"]) < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
