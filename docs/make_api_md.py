"""Regenerate docs/api.md from docs/api.md.in by running each request against
a live server, so the outputs shown are real:

    nhskg serve &                  # http://127.0.0.1:8000
    python docs/make_api_md.py     # or: --base http://127.0.0.1:PORT

It also writes api/openapi_examples.json, the example answer of each
operation in the OpenAPI document.

The test suite renders the same template through the app in-process
(`render(fetch)`) and fails when docs/api.md differs, so the file cannot go
stale unnoticed. Every example pins its date or period: none depends on today.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

DOCS = Path(__file__).resolve().parent
TEMPLATE = DOCS / "api.md.in"
TARGET = DOCS / "api.md"
BASE = "http://127.0.0.1:8000"
GRAPH_PATH = "/subgraph?seed=type:icb&depth=2&as_of=2024-01-01&format="

Fetch = Callable[[str], tuple[int, bytes]]


def trim(x: Any, depth: int = 0) -> Any:
    """Keep the first few items of each list and the start of long text."""
    if isinstance(x, list):
        n = 2 if depth > 0 else 3
        if all(not isinstance(v, (dict, list)) for v in x):
            n = 6
        out = [trim(v, depth + 1) for v in x[:n]]
        if len(x) > n:
            out.append(f"... {len(x) - n} more")
        return out
    if isinstance(x, dict):
        return {k: trim(v, depth + 1) for k, v in x.items()}
    if isinstance(x, str) and len(x) > 140:
        return x[:137] + "..."
    return x


def example(fetch: Fetch, path: str) -> str:
    code, body = fetch(path)
    try:
        shown = json.dumps(trim(json.loads(body)), indent=2, ensure_ascii=False)
    except ValueError:
        shown = body.decode("utf-8", "replace")[:400]
    status = "" if code == 200 else f"HTTP {code}\n"
    return f"```console\n$ curl -s '{BASE}{path}'\n{status}{shown}\n```"


def render(fetch: Fetch) -> str:
    text = re.sub(r"<<RUN (\S+)>>", lambda m: example(fetch, m.group(1)), TEMPLATE.read_text(encoding="utf-8"))
    _, graphml = fetch(GRAPH_PATH + "graphml")
    g = nx.read_graphml(io.BytesIO(graphml), force_multigraph=True)
    text = text.replace("{{GRAPHML}}", f"{type(g).__name__} {g.number_of_nodes()} {g.number_of_edges()}")
    _, archive = fetch(GRAPH_PATH + "csv")
    text = text.replace("{{TABLE_COLUMNS}}", table_columns())
    return text.replace("{{CSVZIP}}", str(sorted(zipfile.ZipFile(io.BytesIO(archive)).namelist())))


def table_columns() -> str:
    """The CSV columns of each list endpoint, from the one place they are declared."""
    from nhskg.api.serialise import TABLE_COLUMNS

    return "\n".join(f"- `{endpoint}`: " + ", ".join(f"`{c}`" for c in columns) for endpoint, columns in TABLE_COLUMNS.items())


def examples(fetch: Fetch) -> dict[str, Any]:
    """The OpenAPI examples (nhskg.api.examples): each operation's real answer, shortened."""
    from nhskg.api.examples import EXAMPLE_REQUESTS, shorten

    out = {}
    for operation, path in EXAMPLE_REQUESTS.items():
        code, body = fetch(path)
        if code != 200:
            raise SystemExit(f"{path}: HTTP {code}, not an example")
        out[operation] = shorten(json.loads(body))
    return out


def examples_text(fetch: Fetch) -> str:
    return json.dumps(examples(fetch), indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def http_fetch(base: str) -> Fetch:
    def fetch(path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(base + path) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as err:
            return err.code, err.read()

    return fetch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default=BASE, help=f"the live server (default {BASE})")
    args = parser.parse_args()
    from nhskg.api.examples import EXAMPLES_FILE

    fetch = http_fetch(args.base)
    text = render(fetch)
    TARGET.write_text(text, encoding="utf-8")
    EXAMPLES_FILE.write_text(examples_text(fetch), encoding="utf-8")
    print("written", TARGET, len(text), "and", EXAMPLES_FILE)


if __name__ == "__main__":
    main()
