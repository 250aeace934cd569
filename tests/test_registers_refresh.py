"""`nhskg registers refresh`, offline, against small recorded fixtures
(tests/fixtures/registers/): it validates, reports what changed, and never
touches the shipped snapshot."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.test_cli import assert_one_line_error, run

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "registers"
SHIPPED = Path(__file__).resolve().parents[1] / "ingest" / "registers" / "files"


def snapshot_digest() -> str:
    h = hashlib.sha256()
    for p in sorted(SHIPPED.rglob("*")):
        if p.is_file():
            h.update(p.name.encode() + p.read_bytes())
    return h.hexdigest()


def test_refresh_reports_changes_and_keeps_the_snapshot(tmp_path: Path) -> None:
    before = snapshot_digest()
    out = tmp_path / "downloads"
    result = run("registers", "refresh", "--from", str(FIXTURES / "good"), "--out", str(out), "--limit", "1000")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "changed: 92A: field 2 'NHS SURREY HEARTLANDS ICB - 92A' -> 'NHS SURREY AND SUSSEX ICB - 92A'; field 4 'QXU' -> 'S9B9J'" in text
    assert "added: Z9Z9Z NHS EXAMPLE ICB - Z9Z9Z" in text
    assert "changed: RTK: field 4 'QXU' -> 'S9B9J'" in text
    assert "added: 92A/Z9Z9Z/20260401" in text
    assert "removed: 09Y" not in text  # present in both
    assert "warning: fewer rows than the shipped snapshot" in text
    assert sorted(p.name for p in out.iterdir()) == ["eauth.csv", "eccg.csv", "etr.csv", "succ.csv"]
    assert snapshot_digest() == before


def test_refresh_only_one_report() -> None:
    result = run("registers", "refresh", "--from", str(FIXTURES / "good"), "--only", "succ")
    assert result.returncode == 0, result.stderr
    shipped_rows = len((SHIPPED / "ods" / "succ_2026-05.csv").read_text().splitlines())
    assert result.stdout.splitlines()[0].startswith(f"succ: {shipped_rows} -> 4 rows; 1 added")
    assert "eccg:" not in result.stdout


def test_refresh_rejects_bad_columns_dates_and_names() -> None:
    assert_one_line_error(run("registers", "refresh", "--from", str(FIXTURES / "bad-columns"), "--only", "eccg"), "6 fields, expected 27")
    assert_one_line_error(run("registers", "refresh", "--from", str(FIXTURES / "bad-date"), "--only", "eccg"), "not a YYYYMMDD date")
    assert_one_line_error(run("registers", "refresh", "--from", str(FIXTURES / "good"), "--only", "nope"), "unknown report")
    assert_one_line_error(run("registers", "refresh", "--from", str(FIXTURES / "missing")), "not found")
