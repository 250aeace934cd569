"""Print docs/queries.md from the catalogue, so the list stays true:

    python -m nhskg.queries.docgen > docs/queries.md
"""

from __future__ import annotations

import json

from nhskg.queries.catalogue import load_catalogue

HEADER = """# The query catalogue

Every named query in `queries/`, generated from the files' headers by
`python -m nhskg.queries.docgen > docs/queries.md` (a test checks this file is up
to date). Run any of them over HTTP with `GET /queries/{name}?param=...`
(list parameters comma-separated), or from Python with
`nhskg.queries.run.ask(store, name, **params)`. Parameter types: `string`, `date` (ISO
`YYYY-MM-DD`), `int`, `bool`, `list`; a `?` marks an optional parameter
(null when absent). A required `as_of` defaults to today; an optional one
(`date?`) means "any date" when absent.

Time rule used by every landscape query: a node or relationship counts on
`as_of` when `coalesce(valid_from, '0000-01-01') <= as_of < coalesce(valid_to,
'9999-12-31')`, applied to every node and relationship on a walked path.
"""


def render() -> str:
    lines = [HEADER]
    catalogue = load_catalogue()
    lines.append("| query | parameters |\n|---|---|")
    for q in catalogue:
        params = ", ".join(f"`{p.name}`" for p in q.params) or "none"
        lines.append(f"| [`{q.name}`](#{q.name}) | {params} |")
    lines.append("")
    for q in catalogue:
        lines.append(f"## {q.name}\n")
        lines.append(f"{q.description}\n")
        lines.append(f"File: `queries/{q.path.name}`\n")
        if q.params:
            lines.append("| parameter | type | description |\n|---|---|---|")
            for p in q.params:
                lines.append(f"| `{p.name}` | {p.type}{'?' if p.optional else ''} | {p.description} |")
            lines.append("")
        else:
            lines.append("No parameters.\n")
        lines.append(f"Example parameters: `{json.dumps(q.example)}`\n")
    return "\n".join(lines).rstrip() + "\n"


def main() -> None:
    print(render(), end="")


if __name__ == "__main__":
    main()
