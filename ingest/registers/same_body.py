"""One legal body, one node: curated ids that name the same legal body under
an earlier name are folded into the body's node (reconcile.yaml `same_body`).

The NHS Commissioning Board and NHS England are one body (one ODS code, X24)
whose statutory name changed; the knowledge base states facts on both ids.
Folding them here, on the whole graph before derivation, makes every fact on
either id reach the one node, whatever KB file states it: relationships are
repointed, a RENAMED_TO or SUCCEEDED_BY between the two becomes a dated line
of `name_history`, and the former id stays in `former_ids`, which the API
resolves (a request for the old id is redirected to the body).
"""

from __future__ import annotations

from typing import Any

from nhskg.core.evidence import pack, unpack
from nhskg.graph.store import GraphData, NodeRow, RelRow

RENAMINGS = ("RENAMED_TO", "SUCCEEDED_BY")


def _repoint(value: Any, former: str, body: str) -> Any:
    if value == former:
        return body
    if isinstance(value, list):
        return [body if v == former else v for v in value]
    return value


def fold(data: GraphData, former: str, body: str, why: str) -> None:
    """Fold node `former` into node `body` in place; every reference moves."""
    index = {n.id: i for i, n in enumerate(data.nodes)}
    if former not in index or body not in index:
        raise ValueError(f"same_body: {former} or {body} is not in the knowledge base")
    old, new = data.nodes[index[former]], data.nodes[index[body]]
    props: dict[str, Any] = dict(new.props)
    history: list[tuple[str, str]] = []
    if old.props.get("valid_from"):
        history.append((old.props["valid_from"], old.props["name"]))
    kept: list[RelRow] = []
    for rel in data.relationships:
        ends = {rel.from_id, rel.to_id}
        if ends == {former, body} and rel.type in RENAMINGS:
            day = rel.props.get("valid_from") or rel.props.get("date")
            to_name = new.props["name"] if rel.to_id == body else old.props["name"]
            if day:
                history.append((day, f"{to_name} ({'statutory name' if rel.type == 'RENAMED_TO' else 'successor'})"))
            props.update(pack(unpack(props) + unpack(rel.props), external=bool(props.get("external") or rel.props.get("external"))))
            continue
        if former in ends or any(v == former or (isinstance(v, list) and former in v) for v in rel.props.values()):
            rel_props = {k: _repoint(v, former, body) for k, v in rel.props.items()}
            rel = RelRow(rel.id, rel.type, _repoint(rel.from_id, former, body), _repoint(rel.to_id, former, body), rel_props)
        kept.append(rel)
    data.relationships[:] = kept
    if new.props.get("valid_from"):
        history.append((new.props["valid_from"], f"{new.props['name']} (operating name)"))
    starts = [d for d in (old.props.get("valid_from"), new.props.get("valid_from")) if d]
    if starts:
        props["valid_from"] = min(starts)
    aliases = list(props.get("aliases", []))
    for name in [old.props.get("name"), *old.props.get("aliases", [])]:
        if name and name not in aliases and name != props.get("name"):
            aliases.append(name)
    props["aliases"] = aliases
    props["former_ids"] = list(dict.fromkeys([*props.get("former_ids", []), former]))
    props["name_history"] = list(dict.fromkeys([*props.get("name_history", []), *(f"{d}: {n}" for d, n in sorted(history))]))
    note = f"One legal body with the former node {former} ({why}); its facts are on this node."
    props["date_note"] = f"{props['date_note']} {note}" if props.get("date_note") else note
    props.update(pack(unpack(props) + unpack(old.props), external=bool(props.get("external") or old.props.get("external"))))
    data.nodes[index[body]] = NodeRow(body, tuple(dict.fromkeys((*new.labels, *old.labels))), props)
    del data.nodes[index[former]]
    # Property references on nodes (a Delegation's `by`, a Budget's holder).
    for i, n in enumerate(data.nodes):
        if any(v == former or (isinstance(v, list) and former in v) for k, v in n.props.items() if k not in ("former_ids", "evidence")):
            data.nodes[i] = NodeRow(n.id, n.labels, {k: v if k in ("former_ids", "evidence") else _repoint(v, former, body) for k, v in n.props.items()})
