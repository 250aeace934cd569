"""`nhskg registers refresh`: fetch the current ODS files, validate them and
say what changed against the shipped snapshot. The snapshot is never replaced:
the downloads go only where `--out` says, for a maintainer to review and ship.

The ODS reports are downloadable by a fixed name. ONS lookups are published
per vintage (a new file each year under a new name), so they cannot be
fetched blindly; the command lists them with the vintage shipped.
"""

from __future__ import annotations

import csv
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from nhskg.core.errors import UserError
from nhskg.ingest.registers.files import BY_KEY, CATALOGUE, decode

ODS_REPORT_URL = "https://www.odsdatasearchandexport.nhs.uk/api/getReport?report={report}"
TIMEOUT_S = 60


@dataclass(frozen=True)
class OdsReport:
    report: str  # the ODS report name, also the downloaded file's stem
    key: str  # the shipped file it refreshes
    fields: int  # fields per row
    date_fields: tuple[int, ...]  # 1-based positions of YYYYMMDD fields
    open_close: tuple[int, int] | None  # (open, close) positions, checked close >= open
    key_fields: tuple[int, ...] = (1,)  # what identifies a row for the diff
    compare: tuple[int, ...] = (2, 3, 4, 11, 12)  # fields whose change is reported


REPORTS: tuple[OdsReport, ...] = (
    OdsReport("eccg", "ods-eccg-2025-11", 27, (11, 12), (11, 12), compare=(2, 3, 4, 11, 12, 14)),
    OdsReport("etr", "ods-etr-2025-11", 27, (11, 12), (11, 12)),
    OdsReport("eauth", "ods-eauth-2018-11", 27, (), None),
    OdsReport("succ", "ods-succ-2026-05", 5, (4,), None, key_fields=(1, 2, 4), compare=(5,)),
)


@dataclass
class Diff:
    report: str
    rows_before: int
    rows_after: int
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def lines(self, limit: int) -> list[str]:
        out = [f"{self.report}: {self.rows_before} -> {self.rows_after} rows; {len(self.added)} added, {len(self.removed)} removed, {len(self.changed)} changed"]
        for label, items in (("added", self.added), ("removed", self.removed), ("changed", self.changed)):
            for item in items[:limit]:
                out.append(f"  {label}: {item}")
            if len(items) > limit:
                out.append(f"  ... {len(items) - limit} more {label}")
        out.extend(f"  warning: {w}" for w in self.warnings)
        return out


def parse(report: OdsReport, text: str, origin: str) -> dict[tuple[str, ...], list[str]]:
    """Rows by key, after checking columns and dates; UserError names the first bad line."""
    rows: dict[tuple[str, ...], list[str]] = {}
    for number, values in enumerate(csv.reader(text.splitlines()), 1):
        if not values:
            continue
        if len(values) != report.fields:
            raise UserError(f"{origin} line {number}: {len(values)} fields, expected {report.fields} (the ODS {report.report} layout)")
        for pos in report.date_fields:
            value = values[pos - 1].strip()
            if value and not (len(value) == 8 and value.isdigit() and "01" <= value[4:6] <= "12" and "01" <= value[6:] <= "31"):
                raise UserError(f"{origin} line {number}: field {pos} is {value!r}, not a YYYYMMDD date")
        if report.open_close:
            opened, closed = (values[p - 1].strip() for p in report.open_close)
            if opened and closed and closed < opened:
                raise UserError(f"{origin} line {number}: closes ({closed}) before it opens ({opened})")
        rows[tuple(values[p - 1] for p in report.key_fields)] = values
    if not rows:
        raise UserError(f"{origin}: no rows")
    return rows


def diff(report: OdsReport, before: dict[tuple[str, ...], list[str]], after: dict[tuple[str, ...], list[str]]) -> Diff:
    d = Diff(report.report, len(before), len(after))
    show = lambda key: "/".join(k for k in key if k)  # noqa: E731
    for key in sorted(after.keys() - before.keys()):
        d.added.append(f"{show(key)} {after[key][1] if report.fields > 5 else ''}".strip())
    for key in sorted(before.keys() - after.keys()):
        d.removed.append(f"{show(key)} {before[key][1] if report.fields > 5 else ''}".strip())
    for key in sorted(before.keys() & after.keys()):
        changes = [
            f"field {p} {before[key][p - 1]!r} -> {after[key][p - 1]!r}"
            for p in report.compare
            if before[key][p - 1] != after[key][p - 1]
        ]
        if changes:
            d.changed.append(f"{show(key)}: " + "; ".join(changes))
    if len(after) < len(before):
        d.warnings.append(
            f"fewer rows than the shipped snapshot ({len(after)} < {len(before)}): ODS keeps closed records, "
            "so this looks like a partial or filtered download"
        )
    return d


def fetch(report: OdsReport, source: str | None) -> str:
    """The report's text, from `source` (a folder holding <report>.csv) or the ODS service."""
    if source:
        path = Path(source) / f"{report.report}.csv"
        if not path.is_file():
            raise UserError(f"{path}: not found (expected the ODS '{report.report}' report as {report.report}.csv)")
        return decode(path.read_bytes())
    url = ODS_REPORT_URL.format(report=report.report)
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:  # noqa: S310 (fixed https URL)
            return decode(response.read())
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise UserError(f"cannot download the ODS '{report.report}' report from {url}: {reason}") from None


def refresh(source: str | None, out: str | None, only: list[str] | None, limit: int = 20) -> list[str]:
    """Fetch, validate and compare each ODS report; the report lines to print."""
    wanted = [r for r in REPORTS if not only or r.report in only]
    unknown = sorted(set(only or []) - {r.report for r in REPORTS})
    if unknown:
        raise UserError(f"unknown report(s) {', '.join(unknown)}; choose from {', '.join(r.report for r in REPORTS)}")
    lines: list[str] = []
    for report in wanted:
        shipped = BY_KEY[report.key]
        origin = f"{source}/{report.report}.csv" if source else ODS_REPORT_URL.format(report=report.report)
        text = fetch(report, source)
        after = parse(report, text, origin)
        before = parse(report, decode(shipped.full_path.read_bytes()), f"shipped {shipped.name}")
        lines.extend(diff(report, before, after).lines(limit))
        if out:
            target = Path(out)
            target.mkdir(parents=True, exist_ok=True)
            (target / f"{report.report}.csv").write_text(text, encoding="utf-8")
    if out:
        lines.append(f"saved the downloads in {out}; the shipped snapshot is unchanged (copy files into ingest/registers/files/ with new .source.txt sidecars to ship them)")
    else:
        lines.append("the shipped snapshot is unchanged (use --out DIR to keep the downloads)")
    ons = [f for f in CATALOGUE if f.path.startswith("ons/")]
    lines.append(f"ONS lookups are published per vintage and are not fetched; {len(ons)} shipped (check the ONS Open Geography Portal for newer vintages):")
    lines.extend(f"  {f.name}" for f in ons)
    return lines
