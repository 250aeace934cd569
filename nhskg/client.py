"""The Python client of the nhskg HTTP API, for notebooks and scripts.

It calls the API (``nhskg serve``) and gives back:

- :class:`Records` for tabular answers: a ``list`` of dicts that also says
  ``total`` (how many the API holds for the question), the ``window`` it
  answered for, and whether anything was cut (``truncated``), with
  ``as_frame()`` for a pandas DataFrame (``pip install 'nhskg[notebooks]'``);
- ``networkx.MultiDiGraph`` objects for subgraphs and accountability chains,
  with every node and edge attribute (each edge's ``evidence``) and, in
  ``g.graph``, what the answer covers (``window``, ``truncated``, ``total``,
  ``source_ids``);
- plain dicts for single records.

Nothing is cut silently. List methods page through every page the API
holds (or, from ``iter_*`` methods, yield them one at a time); an answer the
API capped (a subgraph over ``max_nodes``, more than 200 delegation chains,
a catalogue query over 1000 rows) warns with :class:`TruncationWarning`, or
raises :class:`TruncatedError` with ``on_truncated="raise"``.

Every failure is an :class:`NhskgError` carrying the server's one-line
message and the URL asked: :class:`NotFoundError` (404, with the API's
``suggestions``), :class:`BadRequestError` (400/422),
:class:`ServiceUnavailableError` (503), :class:`ApiError` (any other
status) and :class:`NhskgConnectionError` (no server answering).

Graphs are ``MultiDiGraph`` because the landscape has parallel
relationships: a CCG can be ``PART_OF`` the same ICB under two records, and
a type can ``COMMISSIONS`` a service on two bases. Each edge is keyed by its
relationship id, so ``g.degree`` counts relationships, not neighbours; use
:func:`collapse` (or ``networkx.DiGraph(g)``) to count neighbours.

>>> kg = Client(BASE_URL)
>>> ccgs = kg.entities(instance_of="type:ccg", as_of="2019-06-01")
>>> len(ccgs), ccgs.total
(191, 191)
>>> g = kg.accountability("type:icb", as_of="2024-01-01")
>>> g.has_edge("type:icb", "org:nhs-england")
True
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import httpx
import networkx as nx

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ApiError",
    "BadRequestError",
    "Client",
    "ClientError",
    "NhskgConnectionError",
    "NhskgError",
    "NotFoundError",
    "Records",
    "ServiceUnavailableError",
    "TruncatedError",
    "TruncationWarning",
    "collapse",
    "graph_from_parts",
]

DEFAULT_URL = "http://127.0.0.1:8000"

#: A status filter: "any", one status, or several (sent as a comma list).
Status: TypeAlias = str | Iterable[str] | None
#: What to do when the API says it cut an answer short.
OnTruncated: TypeAlias = Literal["warn", "raise", "ignore"]
Graph: TypeAlias = "nx.MultiDiGraph[str]"

# The API's page caps (api/models.py): the client asks for full pages.
_PAGE = {"/entities": 500, "/changes": 2000, "/budgets": 1000, "accountable-bodies": 5000}


# --- errors ------------------------------------------------------------------------


class NhskgError(Exception):
    """Anything that went wrong asking the API: the one type to catch.

    ``message`` is the server's own one-line message (or what the client
    could not do), ``url`` the request that failed.

    >>> try:
    ...     kg.entity("org:no-such-body")
    ... except NhskgError as err:
    ...     print(type(err).__name__, err.status, "org:no-such-body" in err.message)
    NotFoundError 404 True
    """

    status: int | None = None

    def __init__(self, message: str, url: str | None = None) -> None:
        self.message = message
        self.url = url
        super().__init__(f"{message} ({url})" if url else message)


class NhskgConnectionError(NhskgError):
    """No API answered at the URL (connection refused, a timeout, a bad host).

    >>> try:
    ...     Client("http://127.0.0.1:9").health()
    ... except NhskgConnectionError as err:
    ...     print(err.url)
    http://127.0.0.1:9/health
    """


class ApiError(NhskgError):
    """The API answered with an error status; ``detail`` is its message.

    ``status`` is the HTTP status, ``body`` the whole error body (with
    ``errors`` for FastAPI's checks, ``suggestions`` for an unknown id).
    """

    def __init__(self, status: int, detail: str, url: str | None = None, body: Mapping[str, Any] | None = None) -> None:
        self.status = status
        self.detail = detail
        self.body: dict[str, Any] = dict(body or {})
        super().__init__(f"HTTP {status}: {detail}", url)


#: The client's former name for ApiError, kept for existing notebooks.
ClientError = ApiError


class BadRequestError(ApiError):
    """A bad or unknown parameter (HTTP 422), or a query the engine refused (400)."""


class NotFoundError(ApiError):
    """An unknown id (HTTP 404); ``suggestions`` are the closest entities the API found."""

    @property
    def suggestions(self) -> list[dict[str, Any]]:
        """The closest entities ({"id", "name", "labels"}), best first."""
        return list(self.body.get("suggestions") or [])


class ServiceUnavailableError(ApiError):
    """The graph engine is down or busy (HTTP 503); ``GET /health`` says why."""


class TruncatedError(NhskgError):
    """An answer the API cut at a cap, with ``on_truncated="raise"``."""


class TruncationWarning(UserWarning):
    """An answer the API cut at a cap (the default: warn, and mark ``truncated``)."""


_ERRORS: dict[int, type[ApiError]] = {400: BadRequestError, 404: NotFoundError, 422: BadRequestError, 503: ServiceUnavailableError}


# --- answers -----------------------------------------------------------------------


class Records(list[dict[str, Any]]):
    """A tabular answer: a list of records that says what it covers.

    ``total`` is how many records the API holds for the question (equal to
    ``len()`` unless you asked for fewer with ``limit``); ``window`` the
    dates and statuses answered for; ``truncated`` whether the API cut the
    answer at a cap (it then warned); ``meta`` the rest of the answer
    (e.g. ``service`` or ``statute``).

    >>> timeline = kg.changes("2022-07-01", "2022-07-02", kind=["established"])
    >>> timeline.total == len(timeline) > 40
    True
    >>> frame = timeline.as_frame()          # pandas, nested keys dotted
    >>> "entities" in frame.columns and "kind" in frame.columns
    True
    """

    def __init__(self, items: Iterable[dict[str, Any]] = (), *, total: int | None = None, window: Mapping[str, Any] | None = None, truncated: bool = False, meta: Mapping[str, Any] | None = None) -> None:
        super().__init__(items)
        self.total: int = len(self) if total is None else total
        self.window: dict[str, Any] = dict(window or {})
        self.truncated: bool = truncated
        self.meta: dict[str, Any] = dict(meta or {})

    @property
    def complete(self) -> bool:
        """True when every record the API holds for the question is here."""
        return len(self) >= self.total and not self.truncated

    def as_frame(self) -> pd.DataFrame:
        """The records as a pandas DataFrame (nested maps as dotted columns:
        ``commissioner.id``); ``frame.attrs`` keeps total, window and truncated."""
        try:
            import pandas
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError("as_frame() needs pandas: pip install 'nhskg[notebooks]'") from exc
        frame = pandas.json_normalize(list(self))
        frame.attrs.update({"total": self.total, "window": self.window, "truncated": self.truncated})
        return frame

    def __repr__(self) -> str:
        return f"Records({len(self)} of {self.total}{', truncated' if self.truncated else ''})"


def graph_from_parts(nodes: Iterable[Mapping[str, Any]], edges: Iterable[Mapping[str, Any]]) -> Graph:
    """Nodes keyed by id and edges keyed by their relationship id, every attribute kept.

    >>> g = graph_from_parts([{"id": "a"}, {"id": "b"}], [{"id": "r1", "type": "X", "from": "a", "to": "b"}, {"id": "r2", "type": "X", "from": "a", "to": "b"}])
    >>> g.number_of_edges("a", "b"), sorted(g["a"]["b"])
    (2, ['r1', 'r2'])
    """
    graph: Graph = nx.MultiDiGraph()
    for node in nodes:
        graph.add_node(node["id"], **{k: v for k, v in node.items() if k != "id"})
    for edge in edges:
        attrs = {k: v for k, v in edge.items() if k not in ("from", "to")}
        key = edge.get("id") or f"{edge.get('type')}:{edge['from']}->{edge['to']}"
        graph.add_edge(edge["from"], edge["to"], key=key, **attrs)
    return graph


def collapse(graph: Graph) -> nx.DiGraph[str]:
    """One edge per ordered pair of nodes, for neighbour counts and layouts.

    Each edge keeps ``types`` (the relationship types between the pair,
    sorted) and ``keys`` (their relationship ids).

    >>> g = graph_from_parts([{"id": "a"}, {"id": "b"}], [{"id": "r1", "type": "X", "from": "a", "to": "b"}, {"id": "r2", "type": "Y", "from": "a", "to": "b"}])
    >>> simple = collapse(g)
    >>> g.out_degree("a"), simple.out_degree("a"), simple.edges["a", "b"]["types"]
    (2, 1, ['X', 'Y'])
    """
    simple: nx.DiGraph[str] = nx.DiGraph(**graph.graph)
    simple.add_nodes_from(graph.nodes(data=True))
    for u, v, key, data in graph.edges(keys=True, data=True):
        if simple.has_edge(u, v):
            edge = simple.edges[u, v]
            edge["keys"].append(key)
            edge["types"] = sorted({*edge["types"], data.get("type")} - {None})
        else:
            simple.add_edge(u, v, keys=[key], types=[data["type"]] if data.get("type") else [])
    return simple


def _status(status: Status) -> str | None:
    if status is None or isinstance(status, str):
        return status
    return ",".join(status)


def _comma(values: str | Iterable[str] | None) -> str | None:
    if values is None or isinstance(values, str):
        return values
    return ",".join(values) or None


def _window(as_of: str | None, from_: str | None, to: str | None, status: Status) -> dict[str, Any]:
    return {"as_of": as_of, "from": from_, "to": to, "status": _status(status)}


def _source_ids(edges: Iterable[Mapping[str, Any]]) -> list[str]:
    found: set[str] = set()
    for edge in edges:
        found.update(edge.get("source_ids") or ())
        found.update(e["source_id"] for e in edge.get("evidence") or () if e.get("source_id"))
    return sorted(found)


# --- the client --------------------------------------------------------------------


class Client:
    """The API at ``base_url``, one method per endpoint.

    Every landscape method takes the API's time window: ``as_of`` (one day,
    ISO ``YYYY-MM-DD``) or ``from_`` and ``to`` (a half-open period), and
    ``status`` ("any", a status or a list of them). ``http`` lets you pass
    your own ``httpx.Client`` (proxies, auth, FastAPI's ``TestClient``).

    >>> with Client(BASE_URL) as kg2:
    ...     kg2.health()["status"]
    'ok'
    """

    def __init__(self, base_url: str = DEFAULT_URL, *, http: httpx.Client | None = None, timeout: float = 60.0, on_truncated: OnTruncated = "warn") -> None:
        self.http = http or httpx.Client(base_url=base_url, timeout=timeout)
        self.on_truncated: OnTruncated = on_truncated

    # -- plumbing ----------------------------------------------------------------------

    def get(self, path: str, **params: Any) -> Any:
        """GET ``path`` with query ``params`` (None values left out) and return the JSON answer."""
        return self.fetch(path, params).json()

    def fetch(self, path: str, params: Mapping[str, Any]) -> httpx.Response:
        """GET ``path`` and return the response, or raise the matching NhskgError."""
        clean = {k: v for k, v in params.items() if v is not None}
        url = str(self.http.base_url.join(path)) if self.http.base_url else path
        try:
            response = self.http.get(path, params=clean)
        except httpx.TransportError as exc:
            reason = str(exc) or type(exc).__name__
            raise NhskgConnectionError(f"no answer from the nhskg API: {reason}; is `nhskg serve` running?", url) from None
        if response.status_code >= 400:
            body: dict[str, Any] = {}
            try:
                parsed = response.json()
                body = parsed if isinstance(parsed, dict) else {}
            except ValueError:
                pass
            detail = body.get("detail", response.text)
            error = _ERRORS.get(response.status_code, ApiError)
            raise error(response.status_code, detail if isinstance(detail, str) else str(detail), str(response.request.url), body)
        return response

    def _truncated(self, what: str, on_truncated: OnTruncated | None) -> None:
        mode = on_truncated or self.on_truncated
        if mode == "raise":
            raise TruncatedError(f"the API cut this answer short: {what}")
        if mode == "warn":
            warnings.warn(f"the API cut this answer short: {what}", TruncationWarning, stacklevel=3)

    def _pages(self, path: str, params: Mapping[str, Any], limit: int | None, page_size: int | None) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
        """(answer, items) page by page, until `limit` items or the total."""
        size = page_size or _PAGE.get(path, _PAGE["accountable-bodies"] if path.endswith("accountable-bodies") else 500)
        offset, given = 0, 0
        while True:
            want = size if limit is None else min(size, limit - given)
            body = self.get(path, **params, limit=want, offset=offset)
            items = body["items"]
            yield body, items
            given += len(items)
            offset += len(items)
            if not items or offset >= body["total"] or (limit is not None and given >= limit):
                return

    def _paged(self, path: str, params: Mapping[str, Any], limit: int | None, page_size: int | None) -> Records:
        out: list[dict[str, Any]] = []
        first: dict[str, Any] = {}
        for body, items in self._pages(path, params, limit, page_size):
            first = first or body
            out.extend(items)
        meta = {k: v for k, v in first.items() if k not in ("items", "total", "limit", "offset", "window", "truncated")}
        return Records(out, total=first.get("total"), window=first.get("window"), truncated=bool(first.get("truncated")), meta=meta)

    @staticmethod
    def _records(body: Mapping[str, Any], key: str = "items") -> Records:
        meta = {k: v for k, v in body.items() if k not in (key, "total", "window", "truncated")}
        return Records(body[key], total=body.get("total"), window=body.get("window"), truncated=bool(body.get("truncated")), meta=meta)

    # -- the directory -------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        """The engine's liveness and the graph's size (``GET /health``)."""
        return dict(self.get("/health"))

    def entities(
        self,
        q: str | None = None,
        *,
        label: str | None = None,
        instance_of: str | None = None,
        part_of: str | None = None,
        code: str | None = None,
        as_of: str | None = None,
        from_: str | None = None,
        to: str | None = None,
        status: Status = None,
        limit: int | None = None,
        page_size: int | None = None,
    ) -> Records:
        """Every entity matching a search (``GET /entities``), all pages.

        ``q`` a name, alias, id or code; ``instance_of`` a type or
        ``part_of`` a body on the date; ``limit`` stops after that many
        (``total`` still says how many there are).

        >>> ccgs = kg.entities(instance_of="type:ccg", as_of="2019-06-01")
        >>> len(ccgs), ccgs.complete
        (191, True)
        >>> kg.entities(label="Organisation", limit=3).total > 1000
        True
        """
        params = dict(q=q, label=label, instance_of=instance_of, part_of=part_of, code=code, **_window(as_of, from_, to, status))
        return self._paged("/entities", params, limit, page_size)

    def iter_entities(self, q: str | None = None, *, page_size: int | None = None, **filters: Any) -> Iterator[dict[str, Any]]:
        """The same search as :meth:`entities`, one record at a time, a page read as needed.

        >>> next(kg.iter_entities("NHS England"))["id"]
        'org:nhs-england'
        """
        window = _window(filters.pop("as_of", None), filters.pop("from_", None), filters.pop("to", None), filters.pop("status", None))
        for _, items in self._pages("/entities", {"q": q, **filters, **window}, None, page_size):
            yield from items

    def entity(self, entity_id: str) -> dict[str, Any]:
        """One entity's record: properties, aliases, codes, evidence, sources, neighbour counts.

        >>> kg.entity("org:nhs-england")["name"]
        'NHS England'
        """
        return dict(self.get(f"/entities/{entity_id}"))

    def sources(self) -> Records:
        """Every source (document, publication, register file) with its fact counts."""
        return self._records(self.get("/sources"))

    def source(self, source_id: str, *, limit: int | None = None, include_derived: bool = False) -> dict[str, Any]:
        """One source and the facts that cite it (``truncated`` when over ``limit``, max 2000 of each kind)."""
        body = dict(self.get(f"/sources/{source_id}", limit=limit, include_derived=include_derived or None))
        if body.get("truncated"):
            self._truncated(f"{source_id} cites more facts than limit={limit or 500}", None)
        return body

    def relationship(self, relationship_id: str) -> dict[str, Any]:
        """One relationship: ``{"relationship": every property and its evidence, "from", "to": briefs, "sources": [...]}``."""
        return dict(self.get(f"/relationships/{relationship_id}"))

    # -- landscape records ----------------------------------------------------------------

    def delegations(self, entity_id: str, *, direction: Literal["out", "in"] = "out", as_of: str | None = None, from_: str | None = None, to: str | None = None, status: Status = None) -> Records:
        """Delegations the entity makes (``out``) or receives (``in``) in the window.

        >>> [d["to"]["id"] for d in kg.delegations("org:nhs-england", as_of="2024-01-01")][:1]
        ['type:icb']
        """
        return self._records(self.get(f"/entities/{entity_id}/delegations", direction=direction, **_window(as_of, from_, to, status)))

    def history(self, entity_id: str, *, as_of: str | None = None, from_: str | None = None, to: str | None = None, status: Status = None, expand: bool = False) -> dict[str, Any]:
        """Predecessors and successors (``GET /entities/{id}/history``), each step dated and cited.

        >>> [s["node"]["id"] for s in kg.history("type:ccg")["successors"]]
        ['type:icb']
        """
        return dict(self.get(f"/entities/{entity_id}/history", expand="node" if expand else None, **_window(as_of, from_, to, status)))

    def commissioners(self, service_id: str, *, as_of: str | None = None, from_: str | None = None, to: str | None = None, status: Status = None, expand: bool = False, instances: Literal["group", "list"] = "group", instance_ids: bool = False, include_parts: bool = True) -> Records:
        """Who commissions the service in the window (and, unless ``include_parts=False``,
        who commissions its parts, flagged with ``via``).

        A type's row counts the bodies that inherit its fact
        (``instance_count``); ``instance_ids=True`` lists their ids too, and
        ``instances="list"`` gives each body its own row instead;
        ``expand=True`` gives full commissioner records with evidence.

        >>> rows = kg.commissioners("service:urgent-and-emergency-care", as_of="2015-06-01")
        >>> next(r["instance_count"] for r in rows if r["commissioner"]["id"] == "type:ccg") > 200
        True
        """
        wanted = _comma([name for name, on in (("commissioner", expand), ("instances", instance_ids)) if on])
        return self._records(self.get(f"/services/{service_id}/commissioners", expand=wanted, instances=None if instances == "group" else instances, include_parts=None if include_parts else "false", **_window(as_of, from_, to, status)))

    def commissions(self, entity_id: str, *, as_of: str | None = None, from_: str | None = None, to: str | None = None, status: Status = None, basis: str | None = None) -> Records:
        """What a body (or a type) commissioned in the window (``GET /entities/{id}/commissions``):
        each service with its basis (statutory, delegated, ...), its dates and
        where the fact comes from (its type, a cohort, or a delegation).

        >>> services = {r["service"]["id"] for r in kg.commissions("type:icb", as_of="2024-06-01")}
        >>> "service:urgent-and-emergency-care" in services
        True
        """
        return self._records(self.get(f"/entities/{entity_id}/commissions", basis=basis, **_window(as_of, from_, to, status)))

    def service_timeline(self, service_id: str, *, as_of: str | None = None, from_: str | None = None, to: str | None = None, status: Status = None, expand: bool = False) -> Records:
        """Who commissioned the service over time: intervals ``[from, to)`` with basis and evidence.

        >>> kg.service_timeline("service:dental-services")[0]["from"]
        '1991-04-01'
        """
        return self._records(self.get(f"/services/{service_id}/timeline", expand="commissioner" if expand else None, **_window(as_of, from_, to, status)))

    def statute_effects(self, statute_id: str, *, as_of: str | None = None, from_: str | None = None, to: str | None = None, status: Status = None) -> Records:
        """What an Act did (established, abolished, renamed, enabled, conferred ...), all time unless narrowed.

        >>> effects = kg.statute_effects("statute:health-and-social-care-act-2012")
        >>> any(e["effect"] == "abolished" and e["entity"]["id"] == "type:pct" for e in effects)
        True
        """
        return self._records(self.get(f"/statutes/{statute_id}/effects", **_window(as_of, from_, to, status)))

    def changes(
        self,
        from_: str | None = None,
        to: str | None = None,
        *,
        as_of: str | None = None,
        kind: str | Iterable[str] | None = None,
        status: Status = None,
        label: str | None = None,
        instance_of: str | None = None,
        fold: bool = False,
        limit: int | None = None,
        page_size: int | None = None,
    ) -> Records:
        """The landscape's timeline in ``[from_, to)``, every page: type-level
        and statute changes first on each day, then the register rows they
        stand for (left out with ``fold=True``: the type's ``instance_count``
        says how many). ``kind``, ``label`` and ``instance_of`` narrow it.

        >>> april = kg.changes("2013-04-01", "2013-04-02")
        >>> any(e["id"].startswith(("type:", "statute:")) for e in april[0]["entities"]), april.complete
        (True, True)
        """
        params = {"kind": _comma(kind), "label": label, "instance_of": instance_of, "fold": "true" if fold else None, **_window(as_of, from_, to, status)}
        return self._paged("/changes", params, limit, page_size)

    def change_summary(self, from_: str | None = None, to: str | None = None, *, as_of: str | None = None, kind: str | Iterable[str] | None = None, status: Status = None, label: str | None = None, instance_of: str | None = None) -> Records:
        """Counts of the changes in the window (``GET /changes?summary=true``):
        one row per type-level change first, then one per kind and type.

        >>> rows = kg.change_summary("2013-04-01", "2013-04-02")
        >>> any(r["type"] and r["type"]["id"] == "type:ccg" and r["kind"] == "established" and r["count"] > 200 for r in rows)
        True
        """
        params = {"kind": _comma(kind), "label": label, "instance_of": instance_of, "summary": "true", **_window(as_of, from_, to, status)}
        return self._records(self.get("/changes", **params))

    def budgets(self, q: str | None = None, *, holder: str | None = None, fiscal_year: str | None = None, as_of: str | None = None, from_: str | None = None, to: str | None = None, status: Status = None, limit: int | None = None, page_size: int | None = None) -> Records:
        """Budgets by text, holder and fiscal year, every page, with amounts in GBP and evidence.

        >>> all(b["amount_gbp"] > 0 for b in kg.budgets(fiscal_year="2017/18"))
        True
        """
        params = {"q": q, "holder": holder, "fiscal_year": fiscal_year, **_window(as_of, from_, to, status)}
        return self._paged("/budgets", params, limit, page_size)

    def queries(self) -> Records:
        """The query catalogue: each named query, its parameters and an example."""
        return self._records(self.get("/queries"))

    def query(self, name: str, *, on_truncated: OnTruncated | None = None, **params: Any) -> Records:
        """Run a named catalogue query (``GET /queries/{name}``); over 1000 rows is truncated (warns).

        >>> kg.query("entity_briefs", ids="org:nhs-england")[0]["name"]
        'NHS England'
        """
        body = self.get(f"/queries/{name}", **params)
        if body.get("truncated"):
            self._truncated(f"query {name} gave more than 1000 rows", on_truncated)
        return Records(body["rows"], truncated=bool(body.get("truncated")), meta={"name": name, "params": body.get("params")})

    def download_table(self, endpoint: str, path: str | Path, *, format: Literal["csv", "ndjson"] = "csv", **params: Any) -> Path:
        """Save a tabular endpoint's answer as CSV or NDJSON, every page, as the API writes it.

        ``endpoint`` is the API path (``/changes``, ``/entities``,
        ``/budgets``, ``/services/{id}/commissioners``, ...); ``params`` its
        query parameters (``from_`` for ``from``). Returns the path.
        """
        clean = {("from" if k == "from_" else k): v for k, v in params.items()}
        paged = endpoint in _PAGE or endpoint.endswith("accountable-bodies")
        target = Path(path)
        with target.open("wb") as out:
            offset = 0
            while True:
                page = {**clean, "format": format, **({"offset": offset, "limit": clean.get("limit") or _PAGE.get(endpoint, 5000)} if paged else {})}
                response = self.fetch(endpoint, page)
                body = response.content
                if offset and format == "csv":
                    body = body.split(b"\n", 1)[1] if b"\n" in body else b""  # one header
                out.write(body)
                total = int(response.headers.get("X-Total-Count", "0"))
                rows = int(response.headers.get("X-Row-Count", "0"))
                offset += rows
                if not paged or "limit" in clean or rows == 0 or offset >= total:
                    return target

    # -- graphs --------------------------------------------------------------------------

    def accountability(self, entity_id: str, *, as_of: str | None = None, from_: str | None = None, to: str | None = None, status: Status = None, expand: bool = True) -> Graph:
        """Every ``ACCOUNTABLE_TO`` chain upwards from the entity, merged into one graph
        (full node records; briefs with ``expand=False``).

        >>> g = kg.accountability("type:icb", as_of="2024-01-01")
        >>> sorted(g.successors("type:icb"))
        ['org:nhs-england']
        """
        body = self.get(f"/entities/{entity_id}/accountability", expand="nodes" if expand else None, **_window(as_of, from_, to, status))
        chains = body["chains"]
        edges = [r for chain in chains for r in chain["relationships"]]
        graph = graph_from_parts([n for chain in chains for n in chain["nodes"]], edges)
        if entity_id not in graph:
            graph.add_node(entity_id, **{k: v for k, v in body["entity"].items() if k != "id"})
        graph.graph.update({"seed": entity_id, "as_of": body.get("as_of"), "window": body["window"], "chains": len(chains), "valid_on_date": body["valid_on_date"], "truncated": False, "source_ids": _source_ids(edges)})
        return graph

    def accountability_chains(self, entity_id: str, *, as_of: str | None = None, from_: str | None = None, to: str | None = None, status: Status = None, expand: bool = True) -> list[dict[str, Any]]:
        """The chains themselves (``{"nodes", "relationships"}`` each; full node records unless ``expand=False``)."""
        return list(self.get(f"/entities/{entity_id}/accountability", expand="nodes" if expand else None, **_window(as_of, from_, to, status))["chains"])

    def accountable_bodies(self, entity_id: str, *, as_of: str | None = None, from_: str | None = None, to: str | None = None, status: Status = None, on_truncated: OnTruncated | None = None) -> Graph:
        """Everyone who answers to the entity, transitively, every page, as a graph of
        ``ACCOUNTABLE_TO`` edges (each body along its shortest chain; node attribute
        ``distance``). ``g.graph["total"]`` is the number of bodies.

        >>> g = kg.accountable_bodies("org:nhs-england", as_of="2024-01-01")
        >>> g.nodes["type:icb"]["distance"], g.graph["total"] == g.number_of_nodes() - 1
        (1, True)
        """
        records = self._paged(f"/entities/{entity_id}/accountable-bodies", _window(as_of, from_, to, status), None, None)
        if records.truncated:
            self._truncated(f"more than 20000 chains below {entity_id}; some bodies may be missing", on_truncated)
        entity = records.meta["entity"]
        graph: Graph = nx.MultiDiGraph(seed=entity_id, as_of=as_of, window=records.window, total=records.total, truncated=records.truncated)
        graph.add_node(entity_id, **{k: v for k, v in entity.items() if k != "id"}, distance=0)
        for item in records:
            node = item["node"]
            graph.add_node(node["id"], **{k: v for k, v in node.items() if k != "id"}, distance=item["distance"])
            path = [node["id"], *(v["id"] for v in item["via"]), entity_id]
            for lower, upper in zip(path, path[1:]):
                if not graph.has_edge(lower, upper):
                    graph.add_edge(lower, upper, key=f"ACCOUNTABLE_TO:{lower}->{upper}", type="ACCOUNTABLE_TO")
        return graph

    def delegation_paths(
        self,
        *,
        delegator: str | None = None,
        delegate: str | None = None,
        service: str | None = None,
        as_of: str | None = None,
        from_: str | None = None,
        to: str | None = None,
        status: Status = None,
        expand: bool = True,
        on_truncated: OnTruncated | None = None,
    ) -> Records:
        """Delegation chains from a statutory holder to whoever carries the function out (at most 200: warns when cut);
        full node records unless ``expand=False``.

        >>> paths = kg.delegation_paths(delegator="org:nhs-england", service="service:dental-services", as_of="2024-01-01")
        >>> paths[0]["holder"]["id"]
        'org:nhs-england'
        """
        body = self.get("/paths/delegation", delegator=delegator, delegate=delegate, service=service, expand="nodes" if expand else None, **_window(as_of, from_, to, status))
        if body.get("truncated"):
            self._truncated("more than 200 delegation chains; narrow by service or delegate", on_truncated)
        return self._records(body, "paths")

    def subgraph(
        self,
        seed: str,
        *,
        depth: int = 1,
        as_of: str | None = None,
        from_: str | None = None,
        to: str | None = None,
        status: Status = None,
        labels: Iterable[str] | None = None,
        max_nodes: int | None = None,
        full: bool = True,
        expand: str | Iterable[str] | None = None,
        on_truncated: OnTruncated | None = None,
    ) -> Graph:
        """The neighbourhood of ``seed`` as a MultiDiGraph (``GET /subgraph``).

        Full records (every property, each edge's evidence) unless
        ``full=False`` (briefs: ids, names, dates, status and each edge's
        ``source_ids``); ``expand`` ("nodes", "edges") picks one. When a cap
        cut it (``max_nodes``, default 250, at most 1000; 5000 edges), it
        warns with TruncationWarning (or raises, ``on_truncated="raise"``).
        ``g.graph`` carries ``truncated``, ``total`` (the neighbourhood's
        node count; None when cut, since the API stops counting at its cap),
        ``caps``, ``window`` and ``source_ids`` (every source the edges cite).

        >>> import warnings
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     g = kg.subgraph("org:nhs-england", depth=2, as_of="2024-01-01", max_nodes=50, full=False)
        >>> g.graph["truncated"], g.number_of_nodes(), g.graph["total"], caught[0].category.__name__
        (True, 50, None, 'TruncationWarning')
        """
        wanted = _comma(expand) if expand is not None else ("nodes,edges" if full else None)
        params = {"seed": seed, "depth": depth, "labels": _comma(labels), "max_nodes": max_nodes, "expand": wanted, **_window(as_of, from_, to, status)}
        body = self.get("/subgraph", **params)
        graph = graph_from_parts(body["nodes"], body["edges"])
        truncated = bool(body["truncated"])
        graph.graph.update(
            {
                "seed": seed,
                "depth": depth,
                "as_of": body.get("as_of"),
                "window": body["window"],
                "truncated": truncated,
                "total": None if truncated else graph.number_of_nodes(),
                "caps": body["caps"],
                "source_ids": _source_ids(body["edges"]),
            }
        )
        if truncated:
            caps = body["caps"]
            self._truncated(
                f"the subgraph of {seed} at depth {depth} has more than {caps['max_nodes']} nodes or {caps['edges']} edges; "
                f"got {graph.number_of_nodes()} nodes (raise max_nodes, at most 1000, or lower depth, or filter labels)",
                on_truncated,
            )
        return graph

    def export_subgraph(
        self,
        seed: str,
        path: str | Path,
        *,
        format: Literal["graphml", "csv"] = "graphml",
        depth: int = 1,
        as_of: str | None = None,
        from_: str | None = None,
        to: str | None = None,
        status: Status = None,
        labels: Iterable[str] | None = None,
        max_nodes: int | None = None,
    ) -> Path:
        """Save the API's own export of a neighbourhood: GraphML (for Gephi or
        ``networkx.read_graphml``; list values are JSON strings) or a zip of
        ``nodes.csv`` and ``edges.csv`` (``format="csv"``). Returns the path."""
        params = {"seed": seed, "depth": depth, "labels": _comma(labels), "max_nodes": max_nodes, "format": format, **_window(as_of, from_, to, status)}
        content = self.fetch("/subgraph", params).content
        target = Path(path)
        target.write_bytes(content)
        return target

    # -- lifetime ------------------------------------------------------------------------

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self.http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
