"""The Neo4j Browser kit: style, guide and docs/browser.md are generated from
the vocabulary and the query catalogue, and the Cypher and parameters they
show run on the real engine."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import yaml

from nhskg.api.browser_kit import RESEARCH_QUESTIONS, slide_title, TIME_EXAMPLE, browser_md, cypher_literal, example_params, params_command
from nhskg.api.palette import label_styles
from nhskg.core.vocabulary import vocabulary
from nhskg.graph.falkordb_engine import FalkorDBStore
from nhskg.queries.catalogue import load_catalogue

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = list(load_catalogue())


def test_docs_browser_md_is_current() -> None:
    assert (ROOT / "docs" / "browser.md").read_text(encoding="utf-8") == browser_md(), "run: python -m nhskg.api.browser_kit --write docs/browser.md"


def parse_grass(text: str) -> dict[str, dict[str, str]]:
    """A GraSS sheet read the way Neo4j Browser reads one: outside a block,
    whitespace is dropped and the rest is the selector; a quote toggles
    string mode (its braces are text); a block is `key: value` pairs split on
    `;` and on the first `:`; nothing else (no comments)."""
    rules: dict[str, str] = {}
    in_string = in_block = False
    selector = body = ""
    for c in text:
        if c in "'\"":
            in_string = not in_string
            continue
        if c == "{" and not in_string:
            in_block = True
            continue
        if c == "}" and not in_string:
            rules[selector], selector, body, in_block = body, "", "", False
            continue
        if in_block:
            body += c
        elif not c.isspace():
            selector += c
    parsed = {}
    for sel, raw in rules.items():
        pairs = [p.split(":") for p in raw.split(";")]
        parsed[sel] = {p[0].strip(): p[1].strip() for p in pairs if len(p) > 1 and p[0].strip() and p[1].strip()}
    return parsed


def test_style_grass_colours_every_label_and_captions_by_name(api) -> None:
    r = api.get("/browser/style.grass", headers={"Origin": "http://localhost:7474"})
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "http://localhost:7474"
    rules = parse_grass(r.text)
    vocab = vocabulary()
    styles = label_styles()
    assert set(rules) == {"node", "relationship", f"node.{vocab.base_label}"} | {f"node.{n}" for n in [*vocab.labels, *vocab.kinds]} | {
        f"relationship.{n}" for n in vocab.relationships
    }, "every selector is a label or a type (nothing stray, such as a comment, glued to one)"
    for name in [*vocab.labels, *vocab.kinds]:
        assert rules[f"node.{name}"]["color"] == styles[name].colour and rules[f"node.{name}"]["caption"] == "{name}", name
    assert "color" not in rules[f"node.{vocab.base_label}"], "the base label must not hide a label's colour"
    for name in vocab.relationships:
        assert rules[f"relationship.{name}"]["caption"] == "<type>", name


def _runnable_blocks(text: str) -> list[str]:
    return [html.unescape(b) for b in re.findall(r'<pre mode="cypher" class="[^"]*runnable[^"]*">(.*?)</pre>', text, re.S)]


def test_guide_has_a_slide_per_catalogue_query_with_its_parameters_and_cypher(api) -> None:
    r = api.get("/browser/guide", headers={"Origin": "http://localhost:7474"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.headers["access-control-allow-origin"] == "http://localhost:7474"
    text = r.text
    assert text.count("<slide") == text.count("</slide>") == 4 + len(CATALOGUE)
    blocks = _runnable_blocks(text)
    for q in CATALOGUE:
        assert f"<h3>{html.escape(slide_title(q))}</h3>" in text
        assert f"<code>{q.path.name}</code>" in text
        assert q.cypher in blocks, f"{q.name}: its Cypher is not a runnable block"
        if q.params or q.windowed:
            assert params_command(q) in blocks, f"{q.name}: its :param lines are not a runnable block"
        if q.windowed:
            assert {"from_date", "to_date", "statuses"} <= set(example_params(q))
    for name in vocabulary().labels:
        assert f"<code>{name}</code>" in text


@pytest.mark.parametrize("query", CATALOGUE, ids=lambda q: q.name)
def test_each_shown_query_runs_with_its_shown_parameters(kg_store: FalkorDBStore, query) -> None:
    params = example_params(query)
    # Each `:param name => value;` line, evaluated by the engine as the
    # Browser does (`RETURN value`), gives exactly the parameter the query runs with.
    shown = {}
    for line in filter(None, params_command(query).splitlines()):
        name, value = re.fullmatch(r":param (\w+) => (.*);", line).groups()
        shown[name] = kg_store.run_read(f"RETURN {value} AS p", {})[0]["p"]
    assert shown == params
    kg_store.run_read(query.cypher, shown)


def test_the_guides_own_example_runs(kg_store: FalkorDBStore) -> None:
    window = {"from_date": "2016-01-01", "to_date": "2016-01-02", "statuses": ["in_force"], "undated_too": False}
    assert kg_store.run_read(TIME_EXAMPLE, window) == []  # no ICBs in 2016
    assert kg_store.run_read(TIME_EXAMPLE, {**window, "from_date": "2024-01-01", "to_date": "2024-01-02"})


def test_cypher_literal_escapes_quotes() -> None:
    assert cypher_literal("King's Fund \\ x") == "'King\\'s Fund \\\\ x'"
    assert cypher_literal({"a": [1, True, None]}) == "{a: [1, true, null]}"


def test_compose_allows_the_guide_host() -> None:
    env = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["neo4j"]["environment"]
    hosts = env["NEO4J_browser_remote__content__hostname__whitelist"].split(",")
    assert "localhost" in hosts


def test_slides_are_research_questions_in_a_researchers_order(api) -> None:
    text = api.get("/browser/guide").text
    titles = [html.unescape(t) for t in re.findall(r"<h3>(.*?)</h3>", text)]
    questions = [q for _, q in RESEARCH_QUESTIONS if any(c.name == _ for c in CATALOGUE)]
    assert titles[4 : 4 + len(questions)] == questions
    assert titles[4] == "Who is an ICB accountable to?"
    names = {q.name for q in CATALOGUE}
    assert not names & set(titles), "a slide is still named after its query id"


def test_the_style_link_is_the_requests_own_address(api) -> None:
    text = api.get("/browser/guide", headers={"host": "kg.example.org:9000"}).text
    assert 'href="http://kg.example.org:9000/browser/style.grass"' in text
    assert "localhost:8000/browser/style.grass" not in text
