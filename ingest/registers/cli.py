"""`nhskg registers ...`: the command-line face of the register layer.

nhskg/cli.py calls `register(subparsers)`; subcommands raise UserError for
anything the user can fix (printed as one `nhskg: error:` line)."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "registers",
        help="the national register files (ODS, ONS) behind the real organisations",
        description="Work with the register snapshot shipped in ingest/registers/files/.",
    )
    sub = p.add_subparsers(dest="registers_command", required=True, metavar="SUBCOMMAND")
    r = sub.add_parser(
        "refresh",
        help="download the current ODS files, validate them and print what changed against the shipped snapshot",
        description="Download the current ODS reports (eccg, etr, eauth, succ), check their columns, row counts and "
        "dates, and print what changed against the shipped snapshot. The shipped snapshot is never replaced; "
        "--out keeps the downloads for review.",
    )
    r.add_argument("--from", dest="source", metavar="DIR", help="read <report>.csv files from DIR instead of downloading (offline, or files fetched by hand)")
    r.add_argument("--out", metavar="DIR", help="save the downloaded files in DIR")
    r.add_argument("--only", action="append", metavar="REPORT", help="only this ODS report (eccg, etr, eauth, succ); repeatable")
    r.add_argument("--limit", type=int, default=20, help="list at most this many added/removed/changed rows per report (default 20)")
    r.set_defaults(func=run_refresh)


def run_refresh(args: argparse.Namespace) -> int:
    from nhskg.ingest.registers.refresh import refresh

    for line in refresh(args.source, args.out, args.only, args.limit):
        print(line)
    return 0
