"""A small client for notebooks: calls the HTTP API and returns networkx
graphs for subgraphs and chains, plain records otherwise, and pandas
DataFrames on request (`as_frame=True`, needs pandas).

    from nhskg.client import Client
    kg = Client("http://127.0.0.1:8000")
    g = kg.accountability("type:icb", as_of="2024-01-01")   # networkx.MultiDiGraph
    kg.commissioners("service:urgent-and-emergency-care", as_of="2015-06-01", as_frame=True)

Every edge keeps its attributes, including `evidence` (a list of
{"source_id", "quote"}), so an answer can always be traced to its sentence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import httpx
import networkx as nx


class ClientError(Exception):
    """The API answered with an error; the message is the API's own."""

    def __init__(self, status: int, detail: str) -> None:
        self.status = status
        self.detail = detail
        super().__init__(f"HTTP {status}: {detail}")


def _frame(records: list[dict[str, Any]]):
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("as_frame=True needs pandas: pip install 'nhskg[notebooks]'") from exc
    return pd.json_normalize(records)


def graph_from_parts(nodes: Iterable[Mapping[str, Any]], edges: Iterable[Mapping[str, Any]]) -> nx.MultiDiGraph:
    """Nodes keyed by id, edges keyed by their id, every attribute kept."""
    graph = nx.MultiDiGraph()
    for node in nodes:
        graph.add_node(node["id"], **{k: v for k, v in node.items() if k != "id"})
    for edge in edges:
        attrs = {k: v for k, v in edge.items() if k not in ("from", "to")}
        key = edge.get("id") or f"{edge.get('type')}:{edge['from']}->{edge['to']}"
        graph.add_edge(edge["from"], edge["to"], key=key, **attrs)
    return graph


def _subgraph_params(seed: str, depth: int, as_of: str | None, labels: Iterable[str] | None) -> dict[str, Any]:
    return {"seed": seed, "depth": depth, "as_of": as_of, "labels": ",".join(labels) if labels else None}


class Client:
    def __init__(self, base_url: str = "http://127.0.0.1:8000", *, http: httpx.Client | None = None, timeout: float = 30.0) -> None:
        """`http` lets you pass any httpx.Client (e.g. FastAPI's TestClient)."""
        self.http = http or httpx.Client(base_url=base_url, timeout=timeout)

    def get(self, path: str, **params: Any) -> Any:
        return self._fetch(path, params).json()

    def _fetch(self, path: str, params: Mapping[str, Any]) -> httpx.Response:
        clean = {k: v for k, v in params.items() if v is not None}
        response = self.http.get(path, params=clean)
        if response.status_code >= 400:
            try:
                detail = response.json().get("detail", response.text)
            except ValueError:
                detail = response.text
            raise ClientError(response.status_code, detail if isinstance(detail, str) else str(detail))
        return response

    # -- records --------------------------------------------------------------

    def entities(
        self,
        q: str | None = None,
        *,
        label: str | None = None,
        instance_of: str | None = None,
        part_of: str | None = None,
        code: str | None = None,
        as_of: str | None = None,
        limit: int = 50,
        offset: int = 0,
        as_frame: bool = False,
    ):
        """Search by name, alias or code; `instance_of` a type or `part_of` a body on `as_of`."""
        params = dict(q=q, label=label, instance_of=instance_of, part_of=part_of, code=code, as_of=as_of, limit=limit, offset=offset)
        items = self.get("/entities", **params)["items"]
        return _frame(items) if as_frame else items

    def entity(self, entity_id: str) -> dict[str, Any]:
        return self.get(f"/entities/{entity_id}")

    def delegations(self, entity_id: str, *, direction: str = "out", as_of: str | None = None, as_frame: bool = False):
        items = self.get(f"/entities/{entity_id}/delegations", direction=direction, as_of=as_of)["items"]
        return _frame(items) if as_frame else items

    def commissioners(self, service_id: str, *, as_of: str | None = None, expand: bool = False, instances: bool = False, as_frame: bool = False):
        """Who commissions the service on the date. A type's row counts the bodies
        that inherit its fact (`instance_count`); instances=True lists their ids too."""
        wanted = ",".join(name for name, on in (("commissioner", expand), ("instances", instances)) if on) or None
        items = self.get(f"/services/{service_id}/commissioners", as_of=as_of, expand=wanted)["items"]
        return _frame(items) if as_frame else items

    def history(self, entity_id: str) -> dict[str, Any]:
        return self.get(f"/entities/{entity_id}/history")

    def budgets(self, q: str | None = None, *, holder: str | None = None, fiscal_year: str | None = None, limit: int | None = None, as_frame: bool = False):
        items = self.get("/budgets", q=q, holder=holder, fiscal_year=fiscal_year, limit=limit)["items"]
        return _frame(items) if as_frame else items

    def statute_effects(self, statute_id: str, *, start: str | None = None, end: str | None = None, as_frame: bool = False):
        """What an Act did (established, abolished, renamed, enabled, conferred ...), over all time or [start, end)."""
        items = self.get(f"/statutes/{statute_id}/effects", **{"from": start, "to": end})["items"]
        return _frame(items) if as_frame else items

    def changes(self, start: str | None = None, end: str | None = None, *, kind: Iterable[str] | None = None, status: str | None = None, limit: int = 2000, as_frame: bool = False):
        """The landscape's timeline in [start, end), ordered by date (kinds: see GET /changes)."""
        params = {"from": start, "to": end, "kind": ",".join(kind) if kind else None, "status": status, "limit": limit}
        items = self.get("/changes", **params)["items"]
        return _frame(items) if as_frame else items

    def service_timeline(self, service_id: str, *, as_frame: bool = False):
        """Who commissioned the service over time: intervals [from, to) with basis and evidence."""
        items = self.get(f"/services/{service_id}/timeline")["items"]
        return _frame(items) if as_frame else items

    def sources(self) -> list[dict[str, Any]]:
        return self.get("/sources")["items"]

    def source(self, source_id: str) -> dict[str, Any]:
        return self.get(f"/sources/{source_id}")

    def query(self, name: str, *, as_frame: bool = False, **params: Any):
        """Run a named catalogue query (GET /queries/{name})."""
        rows = self.get(f"/queries/{name}", **params)["rows"]
        return _frame(rows) if as_frame else rows

    # -- graphs ---------------------------------------------------------------

    def accountability(self, entity_id: str, *, as_of: str | None = None) -> nx.MultiDiGraph:
        """Every accountability chain upwards from the entity, merged into one graph."""
        chains = self.accountability_chains(entity_id, as_of=as_of)
        nodes = [n for chain in chains for n in chain["nodes"]]
        edges = [r for chain in chains for r in chain["relationships"]]
        graph = graph_from_parts(nodes, edges)
        if entity_id not in graph:
            graph.add_node(entity_id)
        graph.graph.update({"seed": entity_id, "as_of": as_of, "chains": len(chains)})
        return graph

    def accountability_chains(self, entity_id: str, *, as_of: str | None = None) -> list[dict[str, Any]]:
        return self.get(f"/entities/{entity_id}/accountability", as_of=as_of, expand="nodes")["chains"]

    def accountable_bodies(self, entity_id: str, *, as_of: str | None = None) -> nx.MultiDiGraph:
        """Everyone who answers to the entity, transitively, as a graph of
        ACCOUNTABLE_TO edges (each body along its shortest chain; node
        attribute `distance`)."""
        body = self.get(f"/entities/{entity_id}/accountable-bodies", as_of=as_of, limit=5000)
        graph = nx.MultiDiGraph(seed=entity_id, as_of=as_of)
        graph.add_node(entity_id, **{k: v for k, v in body["entity"].items() if k != "id"}, distance=0)
        for item in body["items"]:
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
        from_id: str | None = None,
        to_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """Delegation chains; `from_id` / `to_id` are the older names of delegator / delegate."""
        params = {"delegator": delegator or from_id, "delegate": delegate or to_id, "service": service, "as_of": as_of, "expand": "nodes"}
        return self.get("/paths/delegation", **params)["paths"]

    def subgraph(self, seed: str, *, depth: int = 1, as_of: str | None = None, labels: Iterable[str] | None = None, full: bool = True) -> nx.MultiDiGraph:
        """The neighbourhood as a MultiDiGraph. The API answers with briefs by
        default; this asks for full records (every property, and each edge's
        evidence) unless `full=False` (briefs: ids, names, dates, status and
        each edge's source_ids; smaller and faster for large neighbourhoods,
        and `relationship(id)` gives any edge's evidence later)."""
        params = {**_subgraph_params(seed, depth, as_of, labels), "expand": "nodes,edges" if full else None}
        body = self.get("/subgraph", **params)
        graph = graph_from_parts(body["nodes"], body["edges"])
        graph.graph.update({"seed": seed, "depth": depth, "as_of": as_of})
        return graph

    def relationship(self, relationship_id: str) -> dict[str, Any]:
        """One relationship: {"relationship": every property and its evidence, "from", "to": briefs, "sources": [...]}."""
        return self.get(f"/relationships/{relationship_id}")

    def export_subgraph(
        self,
        seed: str,
        path: str | Path,
        *,
        format: str = "graphml",
        depth: int = 1,
        as_of: str | None = None,
        labels: Iterable[str] | None = None,
    ) -> Path:
        """Save the API's own export of a neighbourhood: GraphML (for Gephi or
        networkx.read_graphml; list values are JSON strings) or a zip of
        nodes.csv and edges.csv (format="csv"). Returns the path."""
        params = {**_subgraph_params(seed, depth, as_of, labels), "format": format}
        target = Path(path)
        target.write_bytes(self._fetch("/subgraph", params).content)
        return target

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
