"""Running catalogue queries: one query by name with its parameters checked
by the catalogue (ask), or several that do not depend on each other in one
round trip (question + ask_all / ask_all_async)."""

from __future__ import annotations

from typing import Any

from nhskg.core.timescope import Window
from nhskg.graph.store import GraphStore
from nhskg.queries.catalogue import load_catalogue

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
