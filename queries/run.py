"""Running catalogue queries, the one way code asks the graph a question.

A `Question` is a catalogue query by name with its parameters checked by the
catalogue (UserError naming the parameter) and, for a windowed query, the
window: `question(name, window, **params)`. `ask_all` asks questions that do
not depend on each other in one round trip where the engine allows, and
`ask_all_async` is the same for a caller on the event loop (both hand the
same questions to the store: GraphStore.run_reads / run_reads_async). `ask`
is the short form for one question.
"""

from __future__ import annotations

from typing import Any

from nhskg.core.timescope import Window
from nhskg.graph.store import GraphStore
from nhskg.queries.catalogue import load_catalogue

# A catalogue query with its checked parameters: (cypher, parameters).
Question = tuple[str, dict[str, Any]]


def question(name: str, /, window: Window | None = None, **params: Any) -> Question:
    """Catalogue query `name`, its parameters checked, ready to be asked."""
    entry = load_catalogue().get(name)
    raw = dict(params)
    if entry.windowed and window is not None:
        raw["window"] = window
    return entry.cypher, entry.coerce(raw)


def ask_all(store: GraphStore, *questions: Question) -> list[list[dict[str, Any]]]:
    """The rows of each question, in order, asked in one round trip."""
    return store.run_reads(questions)


async def ask_all_async(store: GraphStore, *questions: Question) -> list[list[dict[str, Any]]]:
    """ask_all for a caller on the event loop."""
    return await store.run_reads_async(questions)


def ask(store: GraphStore, name: str, /, window: Window | None = None, **params: Any) -> list[dict[str, Any]]:
    """The rows of one question (store and name are positional-only, so a
    query parameter may be called `name`)."""
    return ask_all(store, question(name, window, **params))[0]
