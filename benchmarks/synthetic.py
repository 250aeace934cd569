"""Moved to tests/synthetic.py: the tests build graphs with it, and a test
helper belongs with the tests. This name stays for imports written before
the move (`from benchmarks.synthetic import synthetic_landscape`)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from synthetic import SyntheticSizes, sizes, synthetic_landscape, synthetic_source  # noqa: E402,F401
