"""Which knowledge-base records must carry a date ("dated means dated").

A researcher asks the graph "what was true on D"; a record that could have
been true for a while but has no start date would answer every D, so every
record of a dated kind has a `valid_from` or an explicit `undated: <reason>`
(and is then left out of dated answers). Services, areas and sources are
timeless; so are the service hierarchy and the class hierarchy.

Events (establishment, abolition, succession, renaming) happen on a day:
they carry `valid_from` only, never `valid_to`.
"""

from __future__ import annotations

from collections.abc import Iterable

from nhskg.ingest.models import BudgetRecord, CountRecord, DelegationRecord, EntityRecord, Record, RelationRecord

# Entity labels whose records are dated.
DATED_LABELS: frozenset[str] = frozenset({"Organisation", "OrganisationType", "Statute", "StatuteSection", "Policy", "Arrangement"})

# Relationship types that record something happening on one day.
EVENT_TYPES: frozenset[str] = frozenset({"ESTABLISHED_BY", "ABOLISHED_BY", "SUCCEEDED_BY", "RENAMED_TO"})

# Relationship types that are timeless whatever they connect.
TIMELESS_TYPES: frozenset[str] = frozenset({"SUBCLASS_OF"})


def _service(ref: str) -> bool:
    return ref.startswith("service:")


def is_dated_kind(record: Record) -> bool:
    """True when the record must have a valid_from or an undated reason."""
    if isinstance(record, EntityRecord):
        return record.label in DATED_LABELS
    if isinstance(record, (DelegationRecord, BudgetRecord, CountRecord)):
        return True
    if isinstance(record, RelationRecord):
        if record.type in TIMELESS_TYPES:
            return False
        # The service hierarchy (a service PART_OF a service) is timeless.
        return not (record.type == "PART_OF" and _service(record.from_) and _service(record.to))
    return False


def dating_problems(records: Iterable[Record]) -> list[tuple[Record, str]]:
    """(record, message) for each record that breaks the dating rules."""
    found: list[tuple[Record, str]] = []
    for rec in records:
        # Extraction candidates still under review are dated by the reviewer
        # when accepted; only records that load into the graph must be dated.
        if getattr(rec, "review", None) in ("pending", "rejected") or not is_dated_kind(rec):
            continue
        valid_from = getattr(rec, "valid_from", None)
        undated = getattr(rec, "undated", None)
        if valid_from is None and not (undated and undated.strip()):
            found.append((rec, "has no valid_from; give the date it starts or `undated: <reason>`"))
        if isinstance(rec, RelationRecord) and rec.type in EVENT_TYPES and rec.valid_to is not None:
            found.append((rec, f"{rec.type} is an event: it carries valid_from (the day it happened) and no valid_to"))
    return found
