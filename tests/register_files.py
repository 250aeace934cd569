"""The shipped register files, read as tests pin counts against them (not typed-in numbers)."""

from __future__ import annotations

import csv
from pathlib import Path

FILES = Path(__file__).resolve().parents[1] / "ingest" / "registers" / "files"


def rows(rel: str) -> list[list[str]]:
    """A register file's non-empty rows (headerless ODS files included)."""
    return [r for r in csv.reader((FILES / rel).read_text(encoding="utf-8-sig").splitlines()) if r]


def dicts(rel: str) -> list[dict[str, str]]:
    """A register file with a header row, as dicts."""
    head, *body = rows(rel)
    return [dict(zip(head, r)) for r in body]
