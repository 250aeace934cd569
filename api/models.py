"""Pydantic response models: the public shapes, as OpenAPI shows them.

Nodes and relationships keep every stored property (extra fields are
allowed and passed through); the fields declared here are always present.
"""

from __future__ import annotations

from typing import Literal, Any

from nhskg.core.evidence import EVIDENCE_KINDS
from nhskg.core.vocabulary import vocabulary
from nhskg.queries.changes import CHANGE_KINDS
from nhskg.queries.rules import EFFECTS
from nhskg.queries.search import RANKS
from pydantic import BaseModel, ConfigDict, Field, model_serializer

# --- caps (documented in OpenAPI through the Query(le=...) of each route) -------

ENTITY_LIMIT_DEFAULT = 50
ENTITY_LIMIT_MAX = 500
BUDGET_LIMIT_DEFAULT = 100
BUDGET_LIMIT_MAX = 1000
SUBGRAPH_DEPTH_DEFAULT = 1
SUBGRAPH_DEPTH_MAX = 4
SUBGRAPH_NODES_DEFAULT = 250
SUBGRAPH_NODES_MAX = 1000
SUBGRAPH_EDGES_MAX = 5000
SOURCE_FACTS_DEFAULT = 500
SOURCE_FACTS_MAX = 2000
QUERY_ROWS_MAX = 1000
OFFSET_MAX = 100_000
ACCOUNTABLE_LIMIT_DEFAULT = 500
ACCOUNTABLE_LIMIT_MAX = 5000
CHANGES_LIMIT_DEFAULT = 200
CHANGES_LIMIT_MAX = 2000
DELEGATION_PATHS_MAX = 200  # LIMIT inside queries/delegation_paths.cypher


_VOCAB = vocabulary()
STATUS_NAMES = ", ".join(list(_VOCAB.statuses)[:-1]) + " or " + list(_VOCAB.statuses)[-1]  # for descriptions
# Enums in the OpenAPI document, read from the vocabulary declaration.
StatusName = Literal[tuple(_VOCAB.statuses)]  # type: ignore[valid-type]
LabelName = Literal[tuple(sorted(_VOCAB.all_labels))]  # type: ignore[valid-type]
RelTypeName = Literal[tuple(_VOCAB.relationships)]  # type: ignore[valid-type]


class Suggestion(BaseModel):
    id: str
    name: str | None = None
    labels: list[str] = []


class ErrorBody(BaseModel):
    """Every 4xx/503 body: `detail` is one line naming the problem (and the parameter the user sent)."""

    detail: str = Field(description="one line naming the problem", examples=["as_of must be an ISO date YYYY-MM-DD, got '2015' (a whole date is needed: e.g. 2015-01-01 for 2015)"])
    errors: list[dict[str, Any]] | None = Field(None, description="FastAPI's structured checks, when they failed")
    suggestions: list[Suggestion] | None = Field(None, description="on a 404 for an unknown id: the closest entities by id and name")


class Open(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Evidence(BaseModel):
    source_id: str = Field(description="id of the Source the evidence is from (see /sources/{id})")
    kind: Literal[tuple(EVIDENCE_KINDS)] = Field(  # type: ignore[valid-type]
        description="quote: verbatim from a corpus document (checked at ingest); citation: an outside source's exact words; "
        "paraphrase: the curator's summary of an outside source; register: a row of a national register file"
    )
    quote: str | None = Field(default=None, description="verbatim words (quote, citation) or the register row")
    paraphrase: str | None = Field(default=None, description="the curator's summary (kind paraphrase only); not the source's words")
    locator: str | None = Field(default=None, description="where in the source: a register row key, a section")

    @model_serializer(mode="wrap")
    def _without_nulls(self, handler: Any) -> dict[str, Any]:
        # A quote has no `paraphrase` and vice versa: leave the absent one out.
        return {k: v for k, v in handler(self).items() if v is not None}


class WindowEcho(BaseModel):
    """The window an answer is for: one day (as_of) or a half-open period [from, to)."""

    model_config = ConfigDict(populate_by_name=True)

    as_of: str | None = Field(None, description="the day asked about (null for a period)")
    from_: str | None = Field(None, alias="from", description="start of the period, inclusive (null for a day)")
    to: str | None = Field(None, description="end of the period, exclusive (null for a day)")
    status: list[StatusName] = Field(description="the statuses answered with (in_force unless asked)")


class Brief(Open):
    id: str
    name: str | None = None
    labels: list[str] = []
    valid_from: str | None = None
    valid_to: str | None = None


class Node(Open):
    id: str
    name: str | None = None
    labels: list[str]
    valid_from: str | None = Field(None, description="ISO date, inclusive; null = unbounded")
    valid_to: str | None = Field(None, description="ISO date, exclusive; null = unbounded")
    status: StatusName | None = Field(None, description=STATUS_NAMES)
    evidence: list[Evidence] = []


class RelationshipCore(BaseModel):
    """What every relationship shape starts with: what it is, between whom, when, its status."""

    model_config = ConfigDict(populate_by_name=True)

    id: str
    type: RelTypeName
    from_: str = Field(alias="from", description="id of the start node")
    to: str = Field(description="id of the end node")
    valid_from: str | None = None
    valid_to: str | None = None
    status: StatusName | None = None


class Relationship(Open, RelationshipCore):
    evidence: list[Evidence] = []


# --- /entities -------------------------------------------------------------------


class Codes(BaseModel):
    ods: str | None = Field(None, description="NHS Organisation Data Service code, e.g. 09Y")
    ons: str | None = Field(None, description="ONS GSS code, e.g. E38000246")


class EntityItem(BaseModel):
    id: str
    name: str | None = None
    labels: list[str]
    valid_from: str | None = None
    valid_to: str | None = None
    status: StatusName | None = None
    codes: Codes
    match: Literal[(*RANKS, "similar")] | None = Field(  # type: ignore[valid-type]
        None, description="how the item matched q: exact name or id, exact alias or code, name starting with q, substring, or a similar name (typo tolerance)"
    )
    published: str | None = Field(None, description="a source document's publication date (only on Source items; null when the source gives none)")


class EntityList(BaseModel):
    window: WindowEcho
    items: list[EntityItem]
    total: int = Field(description="how many match in all (before limit/offset)")
    limit: int
    offset: int
    similar: bool = Field(False, description="true when nothing contained q and the items are the closest names instead")


class SourceMeta(Open):
    id: str
    title: str | None = None
    publisher: str | None = None
    date: str | None = None
    url: str | None = None


class EntityDetail(BaseModel):
    id: str
    name: str | None = None
    labels: list[str]
    properties: dict[str, Any] = Field(description="every stored property except the raw evidence lists")
    aliases: list[str]
    codes: Codes = Field(description="register codes (null for a body with none)")
    evidence: list[Evidence]
    sources: list[SourceMeta] = Field(description="the documents this node's own evidence cites")
    neighbours: dict[str, int] = Field(description="relationship type -> count, both directions, all dates")
    neighbours_by_direction: dict[str, dict[str, int]] = Field(description="{'out': {...}, 'in': {...}}")
    latest_budget: BudgetItem | None = Field(
        None,
        description="the latest in-force budget the entity holds itself (latest fiscal year, then largest amount); null when it holds none. Every budget it holds, and its types', is at /budgets?holder={id}",
    )


class Chain(BaseModel):
    nodes: list[Brief | Node] = Field(description="briefs, or full records with expand=nodes")
    relationships: list[Relationship]


class Accountability(BaseModel):
    entity: Node
    as_of: str | None = None
    window: WindowEcho
    valid_on_date: bool = Field(description="whether the entity itself holds in the window (if not, chains is empty)")
    chains: list[Chain]


class DelegationRecord(Open):
    id: str
    name: str | None = None
    by: Brief
    to: Brief
    services: list[Brief] = Field(description="what is delegated")
    power: Brief | None = Field(None, description="the statute or section under which it is delegated")
    accountability_retained_by: Brief = Field(description="who stays formally accountable (the delegator unless the record says otherwise)")
    status: StatusName | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    evidence: list[Evidence]
    via_type: str | None = Field(None, description="set when seen through INSTANCE_OF: the type the delegation names")


class DelegationList(BaseModel):
    entity: Brief
    direction: str
    as_of: str | None = None
    window: WindowEcho
    items: list[DelegationRecord]


class DelegationStep(Open):
    from_: str = Field(alias="from")
    to: str
    delegation: Brief
    services: list[Brief]
    power: Brief | None = None
    accountable: Brief = Field(description="who stays formally accountable for this step")
    status: StatusName | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    evidence: list[Evidence]


class DelegationPath(BaseModel):
    holder: Brief = Field(description="where the chain starts (the statutory holder when `delegator` is it)")
    carried_out_by: Brief = Field(description="where the chain ends")
    accountable: list[Brief] = Field(description="who stays accountable along the chain, in order, distinct")
    steps: list[DelegationStep]
    nodes: list[Brief | Node] = Field(description="briefs, or full records with expand=nodes")
    relationships: list[Relationship]


class DelegationPaths(BaseModel):
    as_of: str | None = None
    window: WindowEcho
    truncated: bool = Field(False, description=f"true when there were more than {DELEGATION_PATHS_MAX} chains and the rest were dropped")
    paths: list[DelegationPath]


class InstancesFolded(BaseModel):
    """A row about a type can name the real bodies its fact reaches, instead
    of repeating the fact once per body."""

    instances: list[str] | None = Field(
        None,
        description="on a type's row: the ids of the real bodies that hold this fact in the window, ordered by name (folded into the type's row unless instances=list; "
        "on /commissioners only with expand=instances, else null); null on a body's row",
    )
    instance_count: int | None = Field(None, description="on a type's row: how many real bodies hold this fact in the window; null on a body's row")


class StandsFor(BaseModel):
    """How many bodies a type's row stands for, and how that is known."""

    known: int = Field(description="real bodies the graph names as holding the fact in the window (instance_count)")
    count: int | None = Field(None, description="the cited count of the type's bodies in the window (a Count record), when one is published")
    count_id: str | None = Field(None, description="the Count record behind `count`")
    approximate: bool | None = None
    note: str = Field(description="what the row stands for, in words: every body named, some named of a cited count, or an unknown set")


class Commissioner(Open, InstancesFolded):
    commissioner: Brief | Node = Field(description="a brief, or the full record with expand=commissioner")
    basis: str | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    status: StatusName | None = None
    evidence: list[Evidence]
    via: Brief | None = Field(None, description="set when the commissioner commissions a PART_OF descendant, not the service itself")
    from_parent: Brief | None = Field(
        None,
        description="set when nothing more specific covers the service in the window, so the commissioner of this ancestor service answers for it (dental services <- primary care)",
    )
    relationship_id: str
    derived: bool = False
    inherited_from: str | None = Field(None, description="the type whose COMMISSIONS edge this instance inherits")
    delegation_id: str | None = Field(None, description="the Delegation record behind a delegated basis")
    addition: bool = Field(False, description="a fact about named bodies or some of a type (a wave, a cohort, 'some CCGs'): it adds to the answer and never replaces the rest")
    stands_for: StandsFor | None = Field(None, description="on a type's row: how many bodies it stands for (named in the graph, a cited count, or an unknown set); null on a body's row")


class Commission(Open):
    service: Brief
    basis: str | None = Field(None, description="statutory, delegated, co-commissioned, direct or joint")
    valid_from: str | None = None
    valid_to: str | None = None
    status: StatusName | None = None
    evidence: list[Evidence]
    relationship_id: str
    derived: bool = False
    rule: str | None = Field(None, description="the rule that made a derived fact: instance-inherits-type (from the body's type or cohort), delegation")
    inherited_from: str | None = Field(None, description="the type or cohort whose fact a real body holds")
    delegation_id: str | None = Field(None, description="the Delegation record behind a delegated basis")
    delegated_by: str | None = Field(None, description="the delegator (who stays accountable unless the record says otherwise)")
    addition: bool = Field(False, description="a fact about named bodies or some of a type: it adds to who commissions the service, it does not replace the rest")


class EntityCommissions(BaseModel):
    entity: Brief
    as_of: str | None = None
    window: WindowEcho
    items: list[Commission]


class Commissioners(BaseModel):
    service: Brief
    as_of: str | None = None
    window: WindowEcho
    items: list[Commissioner]


class HistoryStep(Open):
    id: str
    type: str = Field(description="SUCCEEDED_BY or RENAMED_TO")
    from_: str = Field(alias="from")
    to: str
    date: str | None = Field(None, description="when the step took effect (valid_from of the relationship)")
    statute: Brief | None = None
    statute_basis: str | None = Field(None, description="'stated' (on the relationship), 'abolished_by' or 'established_by' (inferred from those relationships), or null")
    evidence: list[Evidence]


class HistoryItem(BaseModel):
    node: Brief | Node = Field(description="a brief, or the full record with expand=node")
    distance: int
    steps: list[HistoryStep]


class StatuteLink(BaseModel):
    statute: Brief
    relationship: Relationship


class History(BaseModel):
    entity: Brief
    window: WindowEcho
    predecessors: list[HistoryItem]
    successors: list[HistoryItem]
    established_by: list[StatuteLink]
    abolished_by: list[StatuteLink]


class AccountableItem(BaseModel):
    node: Brief
    distance: int = Field(description="ACCOUNTABLE_TO steps from this body up to the entity")
    via: list[Brief] = Field(description="the bodies in between, nearest this body first")


class AccountableBodies(BaseModel):
    entity: Brief
    window: WindowEcho
    items: list[AccountableItem]
    total: int
    limit: int
    offset: int
    truncated: bool = Field(False, description="always false: the engine counts and pages every body that answers (kept so older clients still find the field)")


class StatuteEffect(BaseModel):
    effect: Literal[tuple(EFFECTS.values())]  # type: ignore[valid-type]
    entity: Brief = Field(description="what the Act acted on (for a succession or renaming, the body before; for conferred commissioning, the commissioner)")
    other: Brief | None = Field(None, description="the body after a succession or renaming; the service of conferred commissioning")
    date: str | None = Field(None, description="when it took effect (an event's day, or the start of a state)")
    valid_to: str | None = Field(None, description="when a state ended (null for events and what still holds)")
    status: StatusName
    through: str | None = Field(None, description="the section of the Act, when the fact names a section")
    relationship_id: str
    evidence: list[Evidence]


class StatuteEffects(BaseModel):
    statute: Brief
    window: WindowEcho
    items: list[StatuteEffect]
    total: int


ChangeKind = Literal[CHANGE_KINDS]  # type: ignore[valid-type]


class ChangeItem(BaseModel):
    date: str = Field(description="the day of the change (ISO); for abolished, the first day the body no longer exists")
    kind: ChangeKind
    entities: list[Brief] = Field(description="the entities involved, subject first (see the endpoint's description)")
    description: str
    status: StatusName = Field(description="the weakest status of the facts behind the change")
    evidence: list[Evidence]


class Changes(BaseModel):
    window: WindowEcho
    items: list[ChangeItem]
    total: int
    limit: int
    offset: int


class TimelineItem(InstancesFolded):
    from_: str | None = Field(alias="from", description="first day (null: unbounded)")
    to: str | None = Field(description="first day no longer (null: still so)")
    commissioner: Brief | Node
    basis: str | None = None
    status: StatusName
    from_parent: Brief | None = Field(None, description="the ancestor service whose commissioner answers for this one in the interval")
    relationship_id: str
    derived: bool = False
    delegation_id: str | None = None
    evidence: list[Evidence]


class ServiceTimeline(BaseModel):
    service: Brief
    window: WindowEcho
    items: list[TimelineItem]


# --- /budgets ----------------------------------------------------------------------


class BudgetItem(Open):
    id: str
    name: str | None = None
    amount_gbp: float
    fiscal_year: str | None = None
    holder: str | None = Field(None, description="holder node id")
    holder_name: str | None = None
    description: str | None = None
    original_text: str | None = Field(None, description="the amount as the source words it")
    approximate: bool | None = None
    ring_fenced: bool | None = None
    measure: str | None = Field(None, description="what the figure measures where a series says so (e.g. resource DEL, outturn)")
    year_basis: str | None = Field(None, description="'inferred' when the source does not state the fiscal year and the graph inferred it (year_note says from what)")
    year_note: str | None = None
    derived_file: bool | None = Field(None, description="true when the figure comes from a third party's copy or transcription of the publisher's table, not the publisher's file")
    evidence: list[Evidence]


EntityDetail.model_rebuild()


class BudgetList(BaseModel):
    window: WindowEcho
    items: list[BudgetItem]
    total: int
    limit: int
    offset: int


# --- /subgraph -----------------------------------------------------------------------


class NodeBrief(Brief):
    """A subgraph node by default: who it is, when and whether it holds. The
    full record (every property and its evidence) is GET /entities/{id}, or
    the subgraph with expand=nodes."""

    status: StatusName | None = Field(None, description=STATUS_NAMES)


class RelationshipBrief(RelationshipCore):
    """A subgraph relationship by default: what it says, between whom, when,
    its status and the sources it rests on. Its evidence (the quotes) is in the
    full record: GET /relationships/{id}, or the subgraph with expand=edges."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    source_ids: list[str] = Field(description="the sources its evidence cites (GET /sources/{id}); a derived relationship cites those of the facts it rests on")
    derived: bool | None = Field(None, description="true when derived at ingest from stated facts (absent otherwise)")
    event: bool | None = Field(None, description="true for an event (established, abolished, succeeded, renamed; absent otherwise)")
    date: str | None = Field(None, description="an event's day (absent otherwise)")
    quantifier: Literal[tuple(q for q in _VOCAB.quantifiers if q != "all")] | None = Field(None, description="some (in some cases) or may (may choose to); absent = all, the default")  # type: ignore[valid-type]

    @model_serializer(mode="wrap")
    def _without_absent_flags(self, handler: Any) -> dict[str, Any]:
        # The flags are written only when set, as the route writes them.
        return {k: v for k, v in handler(self).items() if v is not None or k not in ("derived", "event", "date", "quantifier")}


class Subgraph(BaseModel):
    seed: str
    as_of: str | None = None
    window: WindowEcho
    depth: int
    labels: list[str] | None = None
    expand: list[Literal["nodes", "edges"]] = Field(description="what came as full records: nodes, edges, both, or neither (briefs)")
    truncated: bool = Field(description="true when the node or edge cap cut the neighbourhood short")
    caps: dict[str, int]
    nodes: list[NodeBrief | Node] = Field(description="briefs, or full records (every property and its evidence) with expand=nodes")
    edges: list[RelationshipBrief | Relationship] = Field(description="briefs (id, type, ends, dates, status, source_ids), or full records with their evidence with expand=edges")


class RelationshipDetail(BaseModel):
    """One relationship: every stored property and its evidence, the two ends as briefs, and the sources it cites."""

    model_config = ConfigDict(populate_by_name=True)

    relationship: Relationship
    from_: NodeBrief = Field(alias="from", description="the start node")
    to: NodeBrief = Field(description="the end node")
    sources: list[SourceMeta] = Field(description="the documents its evidence cites")


# --- /queries ------------------------------------------------------------------------


class QueryParam(BaseModel):
    name: str
    type: str = Field(description="string | date | int | bool | list (comma-separated in a query string)")
    optional: bool
    description: str


class QueryInfo(BaseModel):
    name: str
    description: str
    parameters: list[QueryParam]
    example: dict[str, Any]


class QueryCatalogue(BaseModel):
    items: list[QueryInfo]


class QueryResult(BaseModel):
    name: str
    params: dict[str, Any] = Field(description="the parameters as validated and passed to the engine")
    rows: list[dict[str, Any]]
    truncated: bool = Field(description=f"true when more than {QUERY_ROWS_MAX} rows came back and the rest were dropped")


# --- /sources --------------------------------------------------------------------------


class SourceItem(SourceMeta):
    facts: dict[str, int] = Field(description="{'nodes': n, 'relationships': m} citing this source (derived relationships not counted)")


class SourceList(BaseModel):
    items: list[SourceItem]


class SourceNodeFact(Open):
    id: str
    name: str | None = None
    labels: list[str]
    valid_from: str | None = None
    valid_to: str | None = None
    status: str | None = None
    quotes: list[str] = Field(description="the quotes this node takes from this source")


class SourceRelationshipFact(Open):
    id: str
    type: str
    from_: str = Field(alias="from")
    to: str
    valid_from: str | None = None
    valid_to: str | None = None
    status: str | None = None
    derived: bool = False
    quotes: list[str] = Field(description="the quotes this relationship takes from this source")


class SourceFacts(BaseModel):
    nodes: list[SourceNodeFact]
    relationships: list[SourceRelationshipFact]


class SourceDetail(BaseModel):
    source: SourceMeta
    facts: SourceFacts
    truncated: bool
