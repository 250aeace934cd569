"""benchmarks/RESULTS.md is shared by several benchmarks: each replaces only
its own section, between its begin and end markers."""

from __future__ import annotations

from pathlib import Path


def write_section(path: Path, text: str, begin: str, end: str) -> None:
    """Replace the section between `begin` and `end` with `text` (which
    carries the markers), or append it when the file has none yet."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    if begin in old and end in old:
        new = old[: old.index(begin)] + text + old[old.index(end) + len(end) :]
    else:
        new = old.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(new, encoding="utf-8")
