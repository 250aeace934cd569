"""Pydantic models of the knowledge-base data files (ingest/kb/*.yaml).

A data file is a YAML mapping whose keys are any of the sections below; each
section is a list of records. The loader (ingest/kb.py) concatenates the
sections of every file, validates each record with these models and then
checks the things a single record cannot know: unknown ids, duplicate ids,
quotes that do not occur in their source document.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from nhskg.graph.schema import (
    COMMISSIONING_BASES,
    ID_PREFIXES,
    NODE_LABELS,
    ORGANISATION_KINDS,
    REL_TYPES,
    STATUSES,
)

ID_PATTERN = re.compile(r"^[a-z]+:[a-z0-9][a-z0-9\-\.]*$")

Status = Literal["in_force", "planned", "proposed", "delayed", "superseded", "disputed"]
Quantifier = Literal["all", "some", "may"]

Scalar = str | int | float | bool
PropertyValue = Scalar | list[str] | list[int] | list[float]


def _iso_date(value: Any) -> str | None:
    """Accept a YAML date or an ISO string; return 'YYYY-MM-DD'."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise ValueError(f"expected an ISO date YYYY-MM-DD, got {value!r}")


IsoDate = Annotated[str | None, Field(default=None)]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    # Set by the loader (not by authors): where the record stands.
    file: str = Field(default="", exclude=True, alias="_file")
    line: int = Field(default=0, exclude=True, alias="_line")


class Evidence(BaseModel):
    """What supports a fact. Its kind follows from the source it cites:

    - a corpus document: `quote`, verbatim, checked against the document;
    - an outside source (external: true, with a url): `quote` holds the
      source's exact words (a *citation*), or `paraphrase` the curator's own
      summary, labelled as such and never shown as a quote;
    - a register file: written by the register loader, not by authors.

    `locator` points inside the source (a section, a paragraph, a page).
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    source: str
    quote: str | None = Field(default=None, min_length=8)
    paraphrase: str | None = Field(default=None, min_length=8)
    locator: str | None = None
    line: int = Field(default=0, exclude=True, alias="_line")
    file: str = Field(default="", exclude=True, alias="_file")

    @model_validator(mode="after")
    def _one_text(self) -> "Evidence":
        if (self.quote is None) == (self.paraphrase is None):
            raise ValueError("evidence needs exactly one of quote (verbatim words) or paraphrase (your summary)")
        return self

    @property
    def text(self) -> str:
        return self.quote if self.quote is not None else self.paraphrase or ""


class Scoped(Record):
    """Fields shared by everything that can be true for a while and cited."""

    valid_from: IsoDate = None
    valid_to: IsoDate = None
    # A record of a dated kind with no known start says why here (and is then
    # left out of every dated answer).
    undated: str | None = None
    status: Status = "in_force"
    # Why the dates are what they are, when the document is vague ("since 2013").
    date_note: str | None = None
    note: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    # Extraction writes candidates with review: pending; only accepted ones load.
    review: Literal["pending", "accepted", "rejected"] | None = None
    confidence: float | None = None

    @field_validator("valid_from", "valid_to", mode="before")
    @classmethod
    def _dates(cls, value: Any) -> str | None:
        return _iso_date(value)

    @model_validator(mode="after")
    def _ordered(self) -> "Scoped":
        if self.valid_from and self.valid_to and self.valid_from >= self.valid_to:
            raise ValueError(f"valid_from {self.valid_from} is not before valid_to {self.valid_to}")
        if self.undated is not None and self.valid_from:
            raise ValueError("undated (the reason a record has no start) goes with no valid_from")
        return self

    @property
    def loads(self) -> bool:
        return self.review in (None, "accepted")


def _check_id(value: str, prefixes: tuple[str, ...] | None = None) -> str:
    if not ID_PATTERN.match(value):
        raise ValueError(f"id {value!r} is not a 'prefix:lowercase-slug'")
    prefix = value.split(":", 1)[0]
    allowed = prefixes or tuple(ID_PREFIXES)
    if prefix not in allowed:
        raise ValueError(f"id {value!r} has prefix {prefix!r}; expected one of {', '.join(allowed)}")
    return value


class SourceRecord(Record):
    id: str
    title: str
    publisher: str | None = None
    authors: str | None = None
    # The date the document describes (sources.yaml describes_as_of), as ISO.
    date: IsoDate = None
    describes_as_of: str | None = None
    kind: str | None = None
    # A corpus document, relative to the data file's folder or a corpus dir.
    document: str | None = None
    url: str | None = None
    external: bool = False
    note: str | None = None

    @field_validator("id")
    @classmethod
    def _valid_id(cls, value: str) -> str:
        return _check_id(value, ("source",))

    @field_validator("date", mode="before")
    @classmethod
    def _valid_date(cls, value: Any) -> str | None:
        return _iso_date(value)

    @model_validator(mode="after")
    def _located(self) -> "SourceRecord":
        if self.external:
            if not self.url:
                raise ValueError("an external source needs a url")
        elif not self.document:
            raise ValueError("a corpus source needs a document file (or external: true with a url)")
        return self


class EntityRecord(Scoped):
    id: str
    label: str
    # Extra labels for an Organisation (StatutoryBody, Committee, ...).
    kinds: list[str] = Field(default_factory=list)
    name: str
    aliases: list[str] = Field(default_factory=list)
    description: str | None = None
    properties: dict[str, PropertyValue] = Field(default_factory=dict)

    @field_validator("id")
    @classmethod
    def _valid_id(cls, value: str) -> str:
        return _check_id(value)

    @model_validator(mode="after")
    def _label_matches(self) -> "EntityRecord":
        if self.label not in NODE_LABELS or self.label in ("Budget", "Delegation", "Count", "Source"):
            raise ValueError(
                f"label {self.label!r} is not an entity label; use one of "
                + ", ".join(sorted(set(NODE_LABELS) - {"Budget", "Delegation", "Count", "Source"}))
            )
        expected = ID_PREFIXES[self.id.split(":", 1)[0]]
        if expected != self.label:
            raise ValueError(f"id {self.id!r} has the prefix of a {expected}, but label is {self.label!r}")
        unknown = [k for k in self.kinds if k not in ORGANISATION_KINDS]
        if unknown:
            raise ValueError(f"unknown kind label(s) {unknown}; known: {', '.join(ORGANISATION_KINDS)}")
        if self.kinds and self.label != "Organisation":
            raise ValueError("kinds are only for label Organisation")
        return self


class RelationRecord(Scoped):
    id: str | None = None
    type: str
    from_: str = Field(alias="from")
    to: str
    basis: str | None = None
    # For a statement about a class of bodies: does it hold for `all` of them
    # (and so reach each real body), `some` ("in some cases") or only `may`
    # ("ICBs may choose to")? Only `all` is inherited by instances.
    quantifier: Quantifier = "all"
    properties: dict[str, PropertyValue] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known_type(self) -> "RelationRecord":
        if self.type not in REL_TYPES:
            raise ValueError(f"unknown relationship type {self.type!r}; add it to graph/schema.py REL_TYPES first")
        if self.type in ("DELEGATES_TO", "DELEGATED_BY", "DELEGATED_TO", "DELEGATES_SERVICE"):
            raise ValueError(f"{self.type} is generated at ingest from delegation records; write a delegation instead")
        if self.basis is not None:
            if self.type != "COMMISSIONS":
                raise ValueError("basis is only for COMMISSIONS")
            if self.basis not in COMMISSIONING_BASES:
                raise ValueError(f"basis {self.basis!r} is not one of {', '.join(COMMISSIONING_BASES)}")
        elif self.type == "COMMISSIONS":
            raise ValueError("a COMMISSIONS relation needs a basis")
        return self


class DelegationRecord(Scoped):
    id: str
    name: str
    by: str
    to: str
    services: list[str] = Field(min_length=1)
    power: str | None = None
    # Who stays formally accountable for the function (often the delegator).
    accountability_retained_by: str | None = None
    # When the delegator is a type: do all bodies of it delegate (`all`), or
    # only some (`some`), or may they choose to (`may`)? Only `all` reaches
    # each real body as a delegation it makes.
    quantifier: Quantifier = "all"
    description: str | None = None
    # A delegation to named bodies or to some of a type (a wave, a cohort)
    # adds to who commissions its services; it never replaces the answer
    # for the rest (DESIGN "Some adds, never replaces").
    addition: bool = False

    @field_validator("id")
    @classmethod
    def _valid_id(cls, value: str) -> str:
        return _check_id(value, ("delegation",))


class BudgetRecord(Scoped):
    id: str
    name: str
    amount_gbp: float = Field(gt=0)
    # The amount as the document words it ("£73.6 billion").
    original_text: str
    fiscal_year: str | None = None
    approximate: bool = False
    ring_fenced: bool | None = None
    holder: str | None = None
    allocated_by: str | None = None
    funds: list[str] = Field(default_factory=list)
    part_of: str | None = None
    description: str | None = None

    @field_validator("id")
    @classmethod
    def _valid_id(cls, value: str) -> str:
        return _check_id(value, ("budget",))

    @model_validator(mode="after")
    def _held(self) -> "BudgetRecord":
        # Every figure is somebody's money: a body's, or a type's for a total
        # across the type. Extraction candidates under review may lack one.
        if not self.holder and self.review not in ("pending", "rejected"):
            raise ValueError("a budget needs its holder: a body, or a type for a total across the type (e.g. holder: type:ccg)")
        return self

    @field_validator("fiscal_year")
    @classmethod
    def _fy(cls, value: str | None) -> str | None:
        if value is None:
            return value
        m = re.fullmatch(r"(\d{4})/(\d{2})", value)
        if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
            raise ValueError(f"fiscal_year {value!r} is not like 2017/18")
        return value


class CountRecord(Scoped):
    id: str
    of: str
    value: int = Field(ge=0)
    approximate: bool = False
    description: str | None = None

    @field_validator("id")
    @classmethod
    def _valid_id(cls, value: str) -> str:
        return _check_id(value, ("count",))


SECTION_MODELS: dict[str, type[Record]] = {
    "sources": SourceRecord,
    "entities": EntityRecord,
    "relations": RelationRecord,
    "delegations": DelegationRecord,
    "budgets": BudgetRecord,
    "counts": CountRecord,
}
