"""Stable, readable ids for register bodies, made from their codes.

- `org:ods-<code>`: the statutory body that holds an ODS code (a CCG, an ICB,
  a PCT, an SHA, a trust) or an NHS England region/local office;
- `org:ods-<code>-sicbl`: the sub-ICB location that carried a CCG's code from
  2022-07-01 (the CCG itself keeps `org:ods-<code>`);
- `org:ods-<code>-stp`: the sustainability and transformation partnership
  whose code the ICB of 2022 took over;
- `org:ons-<code>`: a body known only by its ONS code (2013 area teams,
  upper-tier local authorities, STPs of 2017-2019 with no ODS code on file).

Codes are lower-cased in ids and kept as published in `ods_code` / `ons_code`.
"""

from __future__ import annotations

# Dates the registers rely on but do not state (each is documented where used).
ICB_START = "2022-07-01"  # ICBs established, CCGs ended: Health and Care Act 2022
PCT_SHA_END = "2013-04-01"  # PCTs and SHAs abolished: Health and Social Care Act 2012


def ods_id(code: str) -> str:
    return f"org:ods-{code.strip().lower()}"


def sicbl_id(code: str) -> str:
    return f"org:ods-{code.strip().lower()}-sicbl"


def stp_id(ods_code: str | None, ons_code: str) -> str:
    return f"org:ods-{ods_code.strip().lower()}-stp" if ods_code else f"org:ons-{ons_code.strip().lower()}"


def ons_id(code: str) -> str:
    return f"org:ons-{code.strip().lower()}"


def day_after(iso: str) -> str:
    """The exclusive end of a body closed on `iso` (half-open periods)."""
    from datetime import date, timedelta

    return (date.fromisoformat(iso) + timedelta(days=1)).isoformat()


def clip(start: str | None, end: str | None, lo: str | None, hi: str | None) -> tuple[str | None, str | None] | None:
    """[start, end) intersected with [lo, hi); None when empty. None bounds are open."""
    s = max(filter(None, (start, lo)), default=None)
    e = min(filter(None, (end, hi)), default=None)
    if s and e and s >= e:
        return None
    return s, e
