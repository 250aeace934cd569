"""Answers that take more than one catalogue query, and the domain rules they
apply, in one place (routes only render them; the client and notebooks can
call them too):

- the service hierarchy: a part is answered by the commissioners of its
  nearest ancestor that has any, unless something more specific (its own
  commissioning, or a delegation that names it) covers it in the window;
- delegation does not move accountability: the body that stays accountable
  is the record's `accountability_retained_by`, else the delegator;
- the statute behind a succession step: stated on the step, else inferred
  from what abolished the predecessor or established the successor;
- the neighbourhood walk behind /subgraph (breadth-first, one query a hop, or in memory: nhskg.queries.adjacency).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from nhskg.core.timescope import Window
from nhskg.graph.store import GraphStore
from nhskg.queries.catalogue import load_catalogue
from nhskg.queries.adjacency import Adjacency, breadth_first
from nhskg.queries.commissioning import INHERITS, CommissioningIndex
from nhskg.queries.directory import DIRECTORIES, RANKS, Directory, Filters


def ask(store: GraphStore, name: str, /, window: Window | None = None, **params: Any) -> list[dict[str, Any]]:
    """Run catalogue query `name` with parameters checked by the catalogue
    (UserError naming the parameter); a windowed query gets `window`."""
    return store.run_read(*question(name, window, **params))


# A catalogue query with its checked parameters: (cypher, parameters).
Question = tuple[str, dict[str, Any]]


def question(name: str, /, window: Window | None = None, **params: Any) -> Question:
    """Catalogue query `name`, its parameters checked as `ask` checks them,
    ready to be asked with others (ask_all)."""
    entry = load_catalogue().get(name)
    raw = dict(params)
    if entry.windowed and window is not None:
        raw["window"] = window
    return entry.cypher, entry.coerce(raw)


def ask_all(store: GraphStore, *questions: Question) -> list[list[dict[str, Any]]]:
    """Questions that do not depend on each other's answers, asked in one
    round trip where the engine allows (GraphStore.run_reads); their rows
    in order."""
    return store.run_reads(questions)


async def ask_all_async(store: GraphStore, *questions: Question) -> list[list[dict[str, Any]]]:
    """ask_all for a caller on the event loop (GraphStore.run_reads_async)."""
    return await store.run_reads_async(questions)


# --- the service hierarchy ------------------------------------------------------


@dataclass
class CommissionerRow:
    commissioner: dict[str, Any]
    relationship: dict[str, Any]
    service_id: str
    via: dict[str, Any] | None = None  # the part commissioned (include_parts)
    from_parent: dict[str, Any] | None = None  # the ancestor whose commissioner answers for the service
    depth: int = 0
    # Grouped answers, on a type's row: how many real bodies hold its fact,
    # and (when asked for) their ids.
    instance_count: int | None = None
    instances: list[str] | None = None


@dataclass
class Commissioners:
    rows: list[CommissionerRow] = field(default_factory=list)
    ancestors: list[dict[str, Any]] = field(default_factory=list)
    service: dict[str, Any] | None = None  # the service's record; None: no such service




def group_instances(rows: list[CommissionerRow], with_ids: bool = True) -> list[CommissionerRow]:
    """Fold the rows real bodies inherit from their type into the type's own
    row: "CCGs commission urgent and emergency care (209 bodies)" rather
    than 209 copies of the same fact and evidence. A row is folded only when
    its type's row (same service, part and parent, same basis) is there too.
    A row may stand for many bodies at once (`body_count`, and `bodies`, their
    ids, when they were read: service_commissioners_folded,
    service_commissioner_instances). with_ids: a type's row lists its bodies
    (an empty list when none holds its fact)."""
    def context(row: CommissionerRow) -> tuple[Any, ...]:
        return (row.service_id, (row.via or {}).get("id"), (row.from_parent or {}).get("id"), row.relationship.get("basis"))

    types = {(r.commissioner.get("id"), *context(r)): r for r in rows if r.relationship.get("rule") != INHERITS}
    out: list[CommissionerRow] = []
    for row in rows:
        owner = types.get((row.relationship.get("inherited_from"), *context(row))) if row.relationship.get("rule") == INHERITS else None
        if owner is None:
            out.append(row)
            continue
        rel = row.relationship
        owner.instance_count = (owner.instance_count or 0) + rel.get("body_count", 1)
        if with_ids:
            if owner.instances is None:
                owner.instances = []
            owner.instances.extend(rel.get("bodies", [row.commissioner["id"]]))
    for row in out:
        if row.instance_count is None and "OrganisationType" in (row.commissioner.get("labels") or []):
            row.instance_count = 0
            row.instances = [] if with_ids else None
    return out


def service_commissioners(
    store: GraphStore, service_id: str, window: Window, include_parts: bool = True, grouped: bool = False, instance_ids: bool = True
) -> Commissioners:
    """Who commissions the service in the window, by the hierarchy rule.
    grouped: the facts bodies inherit from their type folded into the type's
    row, with their ids only when instance_ids (otherwise counted: a type at
    100,000 organisations has thousands of bodies). `service` is None when
    the id is not a service (then nothing else is used).

    One round trip asks the lineage and the facts of the service and its
    parts together. Only when the service has none of its own in the window
    are its ancestors' facts read (then the nearest ancestor that has any
    answers for it: _commissioner_rows), the nearest first. A service with
    facts of its own never reads its ancestors' (a root at 100,000
    organisations has tens of thousands)."""
    found = _hierarchy_answer(_FactReader(store, window, grouped, instance_ids), service_id, include_parts, grouped, instance_ids)
    if found is None:
        return Commissioners()
    out, answered_by, parts = found
    if grouped and _unfolded(out):
        # Bodies whose type's row is not in the answer stand alone, each with
        # its full record: rare, so read every row in full this once.
        every = _FactReader(store, window, False, False)
        every_row = every.read([*answered_by, *(p["id"] for p in parts)])
        service = out.service
        out = _commissioner_rows(every_row, service_id, parts, out.ancestors, grouped, instance_ids)
        out.service = service
    return out


def service_commissioners_from(index: CommissioningIndex, service_id: str, window: Window, include_parts: bool = True, instance_ids: bool = True) -> Commissioners | None:
    """service_commissioners, grouped, from a worker's commissioning index
    (nhskg.queries.commissioning) instead of the engine: the same rows, each
    commissioner a brief (id, name, labels, dates, status) rather than its
    full record. None when the engine must answer: the id is not a service
    of the index's build, or a body's fact has no type row to fold into."""
    found = _hierarchy_answer(_IndexReader(index, window, instance_ids), service_id, include_parts, True, instance_ids)
    if found is None or _unfolded(found[0]):
        return None
    return found[0]


def _unfolded(answer: Commissioners) -> bool:
    """Whether a grouped answer has rows of bodies left with no type row to fold into."""
    return any("body_count" in r.relationship for r in answer.rows)


def _hierarchy_answer(
    facts: "_FactReader | _IndexReader", service_id: str, include_parts: bool, grouped: bool, instance_ids: bool
) -> tuple[Commissioners, list[str], list[dict[str, Any]]] | None:
    """The hierarchy rule over what `facts` reads: (the answer, the services
    whose facts answer for the service itself, its parts); None when the id
    is not a service."""
    lineage, rows = facts.lineage_and_facts(service_id, include_parts)
    if lineage is None:
        return None
    parts = sorted((p for p in lineage["parts"] if p), key=lambda p: (p["depth"], p["id"]))
    ancestors = sorted((a for a in lineage["ancestors"] if a), key=lambda a: (a["distance"], a["id"]))
    answered_by = [service_id]
    lineage_ids = {service_id, *(a["id"] for a in ancestors)}
    if ancestors and not _answers_for(r for r in rows if r["service_id"] == service_id):
        # The nearest ancestor first, the others only when it has no fact
        # that answers for the service either: at 100,000 organisations each
        # has thousands of them.
        answered_by = [service_id, *(a["id"] for a in ancestors)]
        found = facts.read([ancestors[0]["id"]])
        if not _answers_for(r for r in found if _reaches(r["relationship"], lineage_ids)) and ancestors[1:]:
            found += facts.read([a["id"] for a in ancestors[1:]])
        rows += found
    out = _commissioner_rows(rows, service_id, parts, ancestors, grouped, instance_ids)
    out.service = lineage["service"]
    return out, answered_by, parts


@dataclass
class _FactReader:
    """The COMMISSIONS facts into services, as an answer reads them from the
    engine: every row in full (service_commissioners), or folded (grouped),
    the facts bodies inherit from their type as one row per type and basis
    with `body_count` (a service a type commissions has a row per body, each
    a copy of the type's fact and evidence: 23,689 rows for a synthetic
    service at 100,000 organisations) and, with instance_ids, the bodies'
    ids (`bodies`, from service_commissioner_instances, asked in the same
    round trip)."""

    store: GraphStore
    window: Window
    grouped: bool
    instance_ids: bool

    def lineage_and_facts(self, service_id: str, include_parts: bool) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        """(the service_lineage row, None when the id is not a service; the
        facts of the service and, with include_parts, of its parts), in one
        round trip."""
        lineage, rows = self._read([service_id], include_parts, question("service_lineage", self.window, id=service_id, include_parts=include_parts))
        return (lineage[0] if lineage else None), rows

    def read(self, ids: list[str]) -> list[dict[str, Any]]:
        """The facts of `ids` (not of their parts)."""
        return self._read(ids, False)[1]

    def _read(self, ids: list[str], include_parts: bool, *before: Question) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        name = "service_commissioners_folded" if self.grouped else "service_commissioners"
        asked = [*before, question(name, self.window, ids=ids, include_parts=include_parts)]
        if self.grouped and self.instance_ids:
            asked.append(question("service_commissioner_instances", self.window, ids=ids, include_parts=include_parts))
        answers = ask_all(self.store, *asked)
        first = answers[0] if before else []
        rows = answers[len(before)]
        if self.grouped:
            bodies = {(g["service_id"], g["type_id"], g["basis"]): g["instances"] for g in answers[-1]} if self.instance_ids else {}
            for row in rows:
                if row["commissioner"] is None:
                    row["commissioner"] = {"id": None}
                    if self.instance_ids:
                        rel = row["relationship"]
                        rel["bodies"] = bodies.get((row["service_id"], rel["inherited_from"], rel["basis"]), [])
        return first, rows


@dataclass
class _IndexReader:
    """_FactReader's grouped rows, from a commissioning index (no engine)."""

    index: CommissioningIndex
    window: Window
    instance_ids: bool

    def lineage_and_facts(self, service_id: str, include_parts: bool) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        lineage = self.index.lineage(service_id, self.window, include_parts)
        if lineage is None:
            return None, []
        # The parts the lineage walked to are those whose facts count (as
        # service_commissioners' include_parts finds them): not walked twice.
        return lineage, self.read([service_id, *(p["id"] for p in lineage["parts"])])

    def read(self, ids: list[str]) -> list[dict[str, Any]]:
        return self.index.folded_rows(ids, self.window, self.instance_ids)


def _commissioner_rows(
    rows: list[dict[str, Any]], service_id: str, parts: list[dict[str, Any]], ancestors: list[dict[str, Any]], grouped: bool, instance_ids: bool = True
) -> Commissioners:
    """The service hierarchy rule over the rows of service_commissioners."""
    by_service: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_service.setdefault(row["service_id"], []).append(row)

    out = Commissioners(ancestors=ancestors)
    own = by_service.get(service_id, [])
    out.rows.extend(CommissionerRow(r["commissioner"], r["relationship"], service_id) for r in own)
    # Upwards: the ancestors, nearest first, until a level holds a fact that
    # answers for the service (not an addition): dental services <- primary
    # care. An ancestor's fact reaches the service only where it covers it
    # (`covers`), and gives way to a nearer fact of the same commissioner.
    answered = _answers_for(own)
    lineage_ids = {service_id, *(a["id"] for a in ancestors)}
    seen = {_holder(r) for r in own}
    for anc in ancestors:
        if answered:
            break
        found = [r for r in _reaching(by_service.get(anc["id"], []), lineage_ids) if _holder(r) not in seen]
        out.rows.extend(
            CommissionerRow(r["commissioner"], r["relationship"], service_id, from_parent={"id": anc["id"], "name": anc["name"]}, depth=-anc["distance"])
            for r in found
        )
        seen |= {_holder(r) for r in found}
        answered = _answers_for(found)
    for part in parts:
        out.rows.extend(
            CommissionerRow(r["commissioner"], r["relationship"], part["id"], via={"id": part["id"], "name": part["name"]}, depth=part["depth"])
            for r in by_service.get(part["id"], [])
        )
    if grouped:
        out.rows = group_instances(out.rows, instance_ids)
    return out


# Quantifiers of a statement about some bodies of a type, not all of them.
_SOME = ("some", "may")


def _is_addition(rel: Mapping[str, Any]) -> bool:
    """Whether a fact is about named bodies or some of a type (a wave, a
    cohort, "some CCGs"): it is added beside what holds for the rest and
    never answers for a service on its own (DESIGN "Some adds, never
    replaces"). Stated as data: `addition` on the fact (or the Delegation
    record it comes from), or a quantifier some / may."""
    return bool(rel.get("addition")) or rel.get("quantifier") in _SOME


def _answers_for(rows: Iterable[Mapping[str, Any]]) -> bool:
    """Whether the rows hold a fact that answers for its service: one that is
    not an addition. A body's copy of its type's fact follows the type's row."""
    return any(r["relationship"].get("rule") != INHERITS and not _is_addition(r["relationship"]) for r in rows)


def _reaches(rel: Mapping[str, Any], lineage_ids: set[str]) -> bool:
    """Whether an ancestor's fact reaches the service: a fact that names the
    parts it covers (`covers`: co-commissioning covered primary medical
    services) reaches only those parts and theirs; one that names none
    reaches every part."""
    covers = rel.get("covers")
    return not covers or not lineage_ids.isdisjoint(covers)


def _holder(row: Mapping[str, Any]) -> str | None:
    """Who holds a fact: its commissioner, or for a folded row (the bodies
    that inherit a type's fact) the type."""
    return (row.get("commissioner") or {}).get("id") or row["relationship"].get("inherited_from")


def _reaching(rows: list[dict[str, Any]], lineage_ids: set[str]) -> list[dict[str, Any]]:
    """An ancestor's rows that reach the service (_reaches). A folded row
    (the bodies that inherit a type's fact, no fact of its own) follows its
    type's row."""
    refused = {(r["commissioner"].get("id"), r["relationship"].get("basis")) for r in rows if "id" in r["relationship"] and not _reaches(r["relationship"], lineage_ids)}
    return [
        r
        for r in rows
        if (_reaches(r["relationship"], lineage_ids) if "id" in r["relationship"] else (r["relationship"].get("inherited_from"), r["relationship"].get("basis")) not in refused)
    ]


# --- delegation and accountability ----------------------------------------------


def accountable_for(delegation: Mapping[str, Any]) -> tuple[str | None, bool]:
    """(who stays accountable, whether the record says so). Delegation does
    not move accountability, so an unstated record falls back to the delegator."""
    stated = delegation.get("accountability_retained_by")
    return (stated or delegation.get("by") or delegation.get("from")), bool(stated)


# --- succession -----------------------------------------------------------------


def _is_statute(link: Mapping[str, Any]) -> bool:
    return bool({"Statute", "StatuteSection"} & set(link["statute"].get("labels") or []))


def statute_for_step(step: Mapping[str, Any], links: Mapping[str, list[dict[str, Any]]]) -> tuple[str | None, str | None]:
    """(statute id, basis) behind a SUCCEEDED_BY / RENAMED_TO step: `stated`
    on the step, else inferred from the predecessor's ABOLISHED_BY or the
    successor's ESTABLISHED_BY (`abolished_by` / `established_by`)."""
    if step.get("statute"):
        return step["statute"], "stated"
    abolished = [l for l in links.get(step["from"], []) if l["relationship"]["type"] == "ABOLISHED_BY" and _is_statute(l)]
    established = [l for l in links.get(step["to"], []) if l["relationship"]["type"] == "ESTABLISHED_BY" and _is_statute(l)]
    both = [l for l in abolished if l["statute"]["id"] in {e["statute"]["id"] for e in established}]
    for chosen, basis in ((both, "abolished_by"), (abolished, "abolished_by"), (established, "established_by")):
        if chosen:
            return chosen[0]["statute"]["id"], basis
    return None, None


# --- the neighbourhood walk ---------------------------------------------------------


@dataclass
class Neighbourhood:
    ids: list[str]
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    truncated: bool


def neighbourhood(
    store: GraphStore,
    seed: str,
    depth: int,
    window: Window,
    labels: Iterable[str] | None,
    max_nodes: int,
    max_edges: int,
    seed_holds: bool = True,
    full_nodes: bool = True,
    full_edges: bool = True,
    adjacency: Adjacency | None = None,
    edge_shape: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> Neighbourhood:
    """Breadth-first from the seed, one catalogue query per hop, then the
    induced edges. The seed is always included, but walked from only when it
    holds in the window. Nodes and edges are full records (every property,
    evidence included) or briefs (entity_briefs rows; subgraph_edge_briefs
    rows, which keep each edge's id and source ids): reading a thousand
    edges' evidence from the engine was most of a depth-2 request.

    With the adjacency of the live build (nhskg.queries.adjacency) holding
    the seed, the walk and the briefs come from memory, the same answers;
    full records are still read from the engine, for the nodes and edges
    the walk found (exports). `edge_shape`: what each edge row is given as
    (the route's brief or record; the rows themselves when None)."""
    label_list = list(labels) if labels else None
    if adjacency is not None and adjacency.slot(seed) is not None:
        walk = adjacency.walk(seed, depth, window, label_list, max_nodes, max_edges, seed_holds)
        if full_nodes:
            nodes = [r["node"] for r in ask(store, "subgraph_nodes", ids=walk.ids)]
        else:
            nodes = adjacency.node_briefs(walk.ids)
        if full_edges:  # the same edges the walk found, read whole
            edges = [r["edge"] for r in ask(store, "subgraph_edges", window, ids=walk.ids, limit=max_edges)]
            if edge_shape is not None:
                edges = [edge_shape(e) for e in edges]
        else:
            edges = adjacency.edge_briefs(walk.edges, edge_shape)
        return Neighbourhood(walk.ids, nodes, edges, walk.truncated)

    def hop(frontier: list[str], known: set[str]) -> list[str]:
        rows = ask(store, "subgraph_neighbours", window, ids=frontier, labels=label_list, limit=max_nodes + len(known) + 1)
        return [r["id"] for r in rows]

    seen, _, truncated = breadth_first(seed, depth, max_nodes, seed_holds, hop)
    if full_nodes:
        nodes = [r["node"] for r in ask(store, "subgraph_nodes", ids=seen)]
    else:
        nodes = sorted(ask(store, "entity_briefs", ids=seen), key=lambda r: r["id"])
    edge_query = "subgraph_edges" if full_edges else "subgraph_edge_briefs"
    edges = [r["edge"] for r in ask(store, edge_query, window, ids=seen, limit=max_edges + 1)]
    if len(edges) > max_edges:
        edges, truncated = edges[:max_edges], True
    if edge_shape is not None:
        edges = [edge_shape(e) for e in edges]
    return Neighbourhood(seen, nodes, edges, truncated)


# --- finding things -------------------------------------------------------------

SIMILAR_CUTOFF = 0.72


class _Matcher:
    """How close `text` is to a candidate, or to a run of its words of about
    the same length (so "comissioning board" finds "NHS Commissioning
    Board"). difflib's cheap upper bounds skip most candidates, so matching
    thousands of names stays fast."""

    WORD_RUN_WEIGHT = 0.9  # a run of words inside a longer name counts a little less than the whole name

    def __init__(self, text: str, cutoff: float) -> None:
        self.text = text.lower().strip()
        self.width = max(1, len(self.text.split()))
        self.cutoff = cutoff
        self.matcher = difflib.SequenceMatcher(None)
        self.matcher.set_seq2(self.text)  # difflib caches what it learns about seq2

    def _ratio(self, candidate: str, floor: float) -> float:
        self.matcher.set_seq1(candidate)
        if self.matcher.real_quick_ratio() < floor or self.matcher.quick_ratio() < floor:
            return 0.0
        return self.matcher.ratio()

    def score(self, candidate: str) -> float:
        candidate = candidate.lower().strip()
        if not self.text or not candidate:
            return 0.0
        best = self._ratio(candidate, self.cutoff)
        words = candidate.split()
        if len(words) > self.width:
            floor = self.cutoff / self.WORD_RUN_WEIGHT
            for i in range(len(words) - self.width + 1):
                run = " ".join(words[i : i + self.width])
                best = max(best, self.WORD_RUN_WEIGHT * self._ratio(run, floor))
        return best


def closest_entities(store: GraphStore, text: str, n: int = 5, cutoff: float = SIMILAR_CUTOFF, rows: Iterable[Mapping[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The entities whose id, id slug, name, alias or code is closest to `text`
    (the typo-tolerant search, and the suggestions of a 404), best first.
    `rows`: the entity_names rows when the caller holds them (the search directory)."""
    text = text[:200]
    matchers = [_Matcher(text, cutoff), _Matcher(text.split(":", 1)[-1].replace("-", " "), cutoff)]
    scored = []
    for row in ask(store, "entity_names") if rows is None else rows:
        names = [row["id"], row["id"].split(":", 1)[-1].replace("-", " "), row.get("name") or "", *row.get("aliases", []), row.get("ods_code") or "", row.get("ons_code") or ""]
        score = max(m.score(c) for m in matchers for c in names if c)
        if score >= cutoff:
            scored.append((score, row))
    scored.sort(key=lambda s: (-s[0], s[1]["id"]))
    # Only those nearly as close as the best: a clear best match comes alone.
    scored = [s for s in scored if s[0] >= scored[0][0] - 0.08] if scored else []
    return [{"id": r["id"], "name": r.get("name"), "labels": sorted(r.get("labels") or [])} for _, r in scored[:n]]


def suggest_entities(store: GraphStore, text: str, n: int = 5) -> list[dict[str, Any]]:
    """closest_entities for the suggestions of a 404 or a search miss, scored through this
    worker's search directory of the live build (read now when it has none),
    which scores only likely candidates on a large graph: reading and scoring
    every name from the engine took 15 s an unknown id at 100,000
    organisations. An unversioned graph (no build id) is scored from the engine."""
    build = store.build_info()
    if build is None:
        return closest_entities(store, text, n)
    return closest_entities(store, text, n, rows=DIRECTORIES.require(store, build.build_id).similar_rows(text))


@dataclass
class Search:
    items: list[dict[str, Any]]
    total: int
    similar: bool = False  # nothing contained q: these are the closest names


def search_entities(store: GraphStore, window: Window, *, limit: int, offset: int, directory: Directory | None = None, **filters: Any) -> Search:
    """/entities: substring matches ranked (exact name, exact alias or code,
    prefix, the rest); when nothing contains q, the closest names instead.
    With the directory of the live build, answered from it (the same answer,
    nhskg.queries.directory); else by the catalogue's entity_search."""
    if directory is not None:
        found = search_directory(store, directory, window, limit=limit, offset=offset, **filters)
        if found is not None:
            return found
    items = ask(store, "entity_search", window, **filters, limit=limit, offset=offset)
    # Every row carries the count; an empty page counts only when it is past the end.
    if items:
        total = int(items[0]["total"])
    else:
        total = int(ask(store, "entity_search_count", window, **filters)[0]["total"]) if offset else 0
    match = dict(enumerate(RANKS))
    for item in items:
        item.pop("total")
        rank = int(item.pop("rank"))
        item["match"] = match[rank] if filters.get("q") else None
    if total or not filters.get("q"):
        return Search(items, total)
    # Typo tolerance: rank the closest names, then keep those the other filters allow.
    close = suggest_entities(store, filters["q"], n=50)
    allowed = {r["id"]: r for r in ask(store, "entity_search", window, **{**filters, "q": None}, limit=100_000, offset=0)} if close else {}
    similar = [{**allowed[c["id"]], "match": "similar"} for c in close if c["id"] in allowed]
    for item in similar:
        item.pop("rank", None)
        item.pop("total", None)
    return Search(similar[offset : offset + limit], len(similar), similar=True)


def search_directory(
    store: GraphStore,
    directory: Directory,
    window: Window,
    *,
    limit: int,
    offset: int,
    q: str | None,
    label: str | None,
    instance_of: str | None,
    part_of: str | None,
    code: str | None,
    closest: bool = True,
) -> Search | None:
    """search_entities from the directory; None when it cannot answer exactly,
    or (closest=False) when nothing contains q: the closest names compare q
    with every name (~0.2-0.5 s at 1,640 entities), which a caller on the
    event loop leaves to a worker thread."""
    links = [question("entity_links_in", window, target=target, rel=rel) for rel, target in (("INSTANCE_OF", instance_of), ("PART_OF", part_of)) if target is not None]
    # Both filters' links in one round trip; an entity must have every link asked for.
    linked = frozenset.intersection(*(frozenset(rows[0]["ids"]) for rows in ask_all(store, *links))) if links else None
    filters = Filters(label=label, code=code, linked=linked)
    hits = directory.matches(q) if q else directory.every()
    if hits is None:
        return None
    kept = directory.select(hits, window, filters)
    if kept is None:
        return None
    if kept or not q:
        return Search([{**directory.row(slot), "match": RANKS[rank] if q else None} for slot, rank in kept[offset : offset + limit]], len(kept))
    if not closest:
        return None
    # Typo tolerance, as above: the closest names the other filters allow.
    close = closest_entities(store, q, n=50, rows=directory.similar_rows(q))
    allowed = directory.select(((slot, 0) for slot in directory.slots([c["id"] for c in close])), window, filters) or []
    similar = [{**directory.row(slot), "match": "similar"} for slot, _ in allowed]
    return Search(similar[offset : offset + limit], len(similar), similar=True)


# --- who answers to a body ------------------------------------------------------


CHAINS_MAX = 20_000  # chains read to answer accountable_bodies


@dataclass
class Answering:
    rows: list[dict[str, Any]]
    truncated: bool  # more than CHAINS_MAX chains: some bodies may be missing


def accountable_bodies(store: GraphStore, body_id: str, window: Window) -> Answering:
    """Everyone who answers to the body, transitively, each once with its
    shortest chain (`via`: the bodies in between, nearest first)."""
    chains = ask(store, "accountable_bodies", window, id=body_id, limit=CHAINS_MAX + 1)
    best: dict[str, dict[str, Any]] = {}
    for row in chains[:CHAINS_MAX]:
        if row["id"] not in best or int(row["distance"]) < best[row["id"]]["distance"]:
            best[row["id"]] = {**row, "distance": int(row["distance"])}
    rows = sorted(best.values(), key=lambda r: (r["distance"], (r.get("name") or r["id"]).lower(), r["id"]))
    return Answering(rows, len(chains) > CHAINS_MAX)


# --- what an Act did ------------------------------------------------------------

# (relationship type, whether the statute is the end node) -> the effect's name
EFFECTS = {
    "ESTABLISHED_BY": "established",
    "ABOLISHED_BY": "abolished",
    "ENABLED_BY": "enabled",
    "UNDER_POWER": "delegation_under_power",
    "SUCCEEDED_BY": "succession",
    "RENAMED_TO": "renamed",
    "COMMISSIONS": "conferred_commissioning",
    "SETS_OUT": "set_out",
    "APPLIES_TO": "applies_to",
}


def statute_effects(store: GraphStore, statute_id: str, window: Window) -> list[dict[str, Any]]:
    """What a statute did, one item a fact: the effect, the entity affected
    (for a succession or renaming, the body before; `other` the body after;
    for conferred commissioning, the commissioner, `other` the service)."""
    out = []
    for row in ask(store, "statute_effects", window, id=statute_id):
        kind = row["type"]
        rel = row["relationship"]
        if kind in ("SETS_OUT", "APPLIES_TO"):
            entity, other = row["end"], None
        elif kind in ("SUCCEEDED_BY", "RENAMED_TO", "COMMISSIONS"):
            entity, other = row["start"], row["end"]
        else:
            entity, other = row["start"], None
        out.append(
            {
                "effect": EFFECTS[kind],
                "entity": entity,
                "other": other,
                "date": rel.get("date") or rel.get("valid_from"),
                "valid_to": None if rel.get("event") else rel.get("valid_to"),
                "status": rel.get("status") or "in_force",
                "through": row["act"] if row["act"] != statute_id else None,
                "relationship": rel,
            }
        )
    return out


# --- the landscape's timeline -------------------------------------------------------

CHANGE_KINDS = (
    "established",
    "abolished",
    "merged",
    "succeeded",
    "renamed",
    "delegation",
    "commissioning_moved",
    "commissioning_started",
    "commissioning_ended",
    "took_effect",
    "announced",
    "enacted",
)
_KIND_ORDER = {k: i for i, k in enumerate(CHANGE_KINDS)}


def _brief(node: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if node is None:
        return None
    return {"id": node["id"], "name": node.get("name"), "labels": sorted(node.get("labels") or []), "valid_from": node.get("valid_from"), "valid_to": node.get("valid_to")}


def _name(node: Mapping[str, Any] | None) -> str:
    return (node or {}).get("name") or (node or {}).get("id") or "?"


def _names(nodes: Iterable[Mapping[str, Any]]) -> str:
    names = [_name(n) for n in nodes]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@dataclass
class Change:
    date: str
    kind: str
    entities: list[dict[str, Any]]
    description: str
    records: list[Mapping[str, Any]]  # what the evidence and status come from
    key: str = ""

    def sort_key(self) -> tuple[Any, ...]:
        return (self.date, _KIND_ORDER[self.kind], self.key or (self.entities[0]["id"] if self.entities else ""))


def _event_changes(rows: list[dict[str, Any]]) -> tuple[list[Change], set[tuple[str, str, str]]]:
    """Events -> changes; also the (kind, entity, date) they cover, so a body's
    own start or end date on the same day is not reported twice."""
    changes: list[Change] = []
    covered: set[tuple[str, str, str]] = set()
    successions: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        kind, date, a, b, rel = row["type"], row["date"], row["start"], row["end"], row["relationship"]
        if kind == "ESTABLISHED_BY":
            changes.append(Change(date, "established", [_brief(a), _brief(b)], f"{_name(a)} established by {_name(b)}", [rel], a["id"]))
            covered.add(("start", a["id"], date))
        elif kind == "ABOLISHED_BY":
            changes.append(Change(date, "abolished", [_brief(a), _brief(b)], f"{_name(a)} abolished by {_name(b)}", [rel], a["id"]))
            covered.add(("end", a["id"], date))
        elif kind == "RENAMED_TO":
            changes.append(Change(date, "renamed", [_brief(a), _brief(b)], f"{_name(a)} renamed {_name(b)}", [rel], a["id"]))
            covered |= {("end", a["id"], date), ("start", b["id"], date)}
        else:
            successions.setdefault((b["id"], date), []).append(row)
    for (_, date), group in successions.items():
        before = [r["start"] for r in group]
        after = group[0]["end"]
        if len(group) > 1:
            kind, text = "merged", f"{_names(before)} merged into {_name(after)}"
        else:
            kind, text = "succeeded", f"{_name(before[0])} succeeded by {_name(after)}"
        changes.append(Change(date, kind, [*map(_brief, before), _brief(after)], text, [r["relationship"] for r in group], after["id"]))
    return changes, covered


def _body_changes(rows: list[dict[str, Any]], covered: set[tuple[str, str, str]]) -> list[Change]:
    changes = []
    for row in rows:
        n = row["node"]
        labels = set(n.get("labels") or [])
        if "Delegation" in labels:
            if row["starts"]:
                changes.append(Change(n["valid_from"], "delegation", [_brief(n)], f"takes effect: {_name(n)}", [n], n["id"]))
            continue
        if "Policy" in labels:
            # A scheme that took effect on its day is not an announcement;
            # an announcement happened (in force), what it announced is planned.
            if row["starts"] and n.get("took_effect"):
                changes.append(Change(n["valid_from"], "took_effect", [_brief(n)], f"{_name(n)} took effect", [n], n["id"]))
            elif row["starts"]:
                what = f": {n['announces']}" if n.get("announces") else ""
                changes.append(Change(n["valid_from"], "announced", [_brief(n)], f"{_name(n)} published or announced{what}", [n], n["id"]))
            continue
        if "Statute" in labels:
            if row["starts"]:
                changes.append(Change(n["valid_from"], "enacted", [_brief(n)], f"{_name(n)} enacted", [n], n["id"]))
            continue
        if row["starts"] and ("start", n["id"], n["valid_from"]) not in covered:
            changes.append(Change(n["valid_from"], "established", [_brief(n)], f"{_name(n)} established", [n], n["id"]))
        if row["ends"] and ("end", n["id"], n["valid_to"]) not in covered:
            changes.append(Change(n["valid_to"], "abolished", [_brief(n)], f"{_name(n)} closed (last day the day before)", [n], n["id"]))
    return changes


def _commissioning_changes(rows: list[dict[str, Any]], window: Window) -> list[Change]:
    """Group COMMISSIONS starts and ends by service and day: a body stopping
    and another starting the same day is commissioning moving between them."""
    days: dict[tuple[str, str], dict[str, list[dict[str, Any]]]] = {}
    services: dict[str, dict[str, Any]] = {}
    for row in rows:
        rel, sid = row["relationship"], row["service"]["id"]
        services[sid] = row["service"]
        for end, day in (("started", rel.get("valid_from")), ("ended", rel.get("valid_to"))):
            if day and window.start <= day < window.end:
                days.setdefault((sid, day), {"started": [], "ended": []})[end].append(row)
    changes = []
    for (sid, day), sides in days.items():
        service = services[sid]
        ended = {r["commissioner"]["id"]: r for r in sides["ended"]}
        started = {r["commissioner"]["id"]: r for r in sides["started"]}
        same = set(ended) & set(started)  # a new basis or record, same commissioner
        ended = {k: v for k, v in ended.items() if k not in same}
        started = {k: v for k, v in started.items() if k not in same}
        records = [r["relationship"] for r in [*ended.values(), *started.values()]]
        olds, news = [r["commissioner"] for r in ended.values()], [r["commissioner"] for r in started.values()]
        basis = ", ".join(sorted({r["relationship"].get("basis") for r in started.values() if r["relationship"].get("basis")}))
        suffix = f" ({basis})" if basis else ""
        if olds and news:
            kind, text = "commissioning_moved", f"commissioning of {_name(service)} moved from {_names(olds)} to {_names(news)}{suffix}"
        elif news:
            kind, text = "commissioning_started", f"{_names(news)} began commissioning {_name(service)}{suffix}"
        elif olds:
            kind, text = "commissioning_ended", f"{_names(olds)} stopped commissioning {_name(service)}"
        else:
            continue
        changes.append(Change(day, kind, [_brief(service), *map(_brief, olds), *map(_brief, news)], text, records, sid))
    return changes


def changes(store: GraphStore, window: Window, kinds: Iterable[str] | None = None) -> list[Change]:
    """The landscape's timeline in the window, ordered by date: bodies
    established, abolished, merged, succeeded or renamed; delegations taking
    effect; commissioning of a service moving; policies announced; Acts enacted."""
    events, covered = _event_changes(ask(store, "changes_events", window))
    found = events + _body_changes(ask(store, "changes_bodies", window), covered)
    found += _commissioning_changes(ask(store, "changes_commissioning", window), window)
    wanted = set(kinds) if kinds else set(CHANGE_KINDS)
    return sorted((c for c in found if c.kind in wanted), key=Change.sort_key)


# --- a service's commissioners over time --------------------------------------------


def service_timeline(store: GraphStore, service_id: str, window: Window, index: CommissioningIndex | None = None) -> list[dict[str, Any]]:
    """Who commissioned the service over time, as intervals: the window is cut
    at every day its commissioning (or its ancestors') can change, each piece
    answered by the service-hierarchy rule, and equal neighbours joined.
    With a commissioning index of the live build, from memory (at 100,000
    organisations a service of a synthetic type changes on hundreds of days,
    each an answer of its own: 40 s from the engine); a piece the index
    leaves to the engine is still asked of it."""
    always = Window.always(window.statuses)
    lineage = index.lineage(service_id, always, False) if index is not None else next(iter(ask(store, "service_lineage", always, id=service_id, include_parts=False)), None)
    ancestors = [a["id"] for a in (lineage["ancestors"] if lineage else []) if a]
    if index is not None:
        days = index.change_days([service_id, *ancestors], window)
    else:
        days = {r["day"] for r in ask(store, "service_commissioning_dates", window, ids=[service_id, *ancestors])}
    cuts = sorted({window.start, window.end, *(d for d in days if window.start < d < window.end)})
    intervals: list[dict[str, Any]] = []
    ending: dict[tuple[Any, ...], dict[str, Any]] = {}  # by key, the first interval that reaches this piece's start
    for start, end in zip(cuts, cuts[1:]):
        piece = Window(start, end, window.statuses)
        answer = service_commissioners_from(index, service_id, piece, include_parts=False) if index is not None else None
        if answer is None:
            answer = service_commissioners(store, service_id, piece, include_parts=False, grouped=True)
        reaching: dict[tuple[Any, ...], dict[str, Any]] = {}
        for row in answer.rows:
            # A type's row is the same fact only while the same bodies hold it:
            # a merger of CCGs starts a new interval.
            key = (row.commissioner["id"], row.relationship.get("id"), (row.from_parent or {}).get("id"), tuple(row.instances or ()))
            last = ending.get(key)
            if last is not None and last["to"] == start:
                last["to"] = end
            else:
                last = {"from": start, "to": end, "row": row}
                intervals.append(last)
            reaching.setdefault(key, last)
        ending = reaching
    return sorted(intervals, key=lambda i: (i["from"], i["row"].commissioner["id"]))
