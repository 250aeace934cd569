"""Every queries/*.cypher file, and every statement the Neo4j engine sends
(schema, load, alias switch), must be valid Cypher for Neo4j 5.

The check uses Neo4j's own Cypher parser and semantic analyser, shipped on npm
as @neo4j-cypher/language-support and driven by tools/cypher-lint/lint.mjs.
Set it up once with:

    npm ci --prefix tools/cypher-lint --no-audit --no-fund

The tests skip only when `node` is not on PATH. If node is there but the npm
packages are not installed, they fail, so CI cannot pass without checking.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
QUERIES_DIR = REPO_ROOT / "queries"
LINT_DIR = REPO_ROOT / "tools" / "cypher-lint"
LINT_SCRIPT = LINT_DIR / "lint.mjs"
LIBRARY_DIR = LINT_DIR / "node_modules" / "@neo4j-cypher" / "language-support"
NPM_CI = "npm ci --prefix tools/cypher-lint --no-audit --no-fund"

QUERY_FILES = sorted(QUERIES_DIR.glob("*.cypher"))


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not on PATH: cannot run Neo4j's Cypher parser (tools/cypher-lint)")
    if not LINT_SCRIPT.is_file():
        pytest.fail(f"{LINT_SCRIPT.relative_to(REPO_ROOT)} is missing")
    if not LIBRARY_DIR.is_dir():
        pytest.fail(
            "tools/cypher-lint/node_modules is not installed, so Neo4j's Cypher "
            f"parser cannot run. From the repository root, run: {NPM_CI}"
        )
    return node


def run_lint(*paths: Path | str) -> tuple[int, dict]:
    """Run lint.mjs on the paths; return (exit code, parsed JSON report)."""
    node = _node()
    proc = subprocess.run(
        [node, str(LINT_SCRIPT), *(str(p) for p in paths)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if proc.returncode not in (0, 1):
        pytest.fail(
            f"cypher-lint failed to run (exit {proc.returncode}):\n"
            f"stderr:\n{proc.stderr}\nstdout:\n{proc.stdout}"
        )
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        pytest.fail(f"cypher-lint printed no JSON report ({exc}):\n{proc.stdout}\n{proc.stderr}")
    return proc.returncode, report


def _key(path: str) -> Path:
    p = Path(path)
    return (p if p.is_absolute() else REPO_ROOT / p).resolve()


def _format(entries: list[dict]) -> str:
    return "\n".join(
        f"  {e['line']}:{e['column']} [{e['severity']}] {e['message']}" for e in entries
    )


# --- one node run for everything: the catalogue as it runs, and self-tests ---
#
# The catalogue expands the time-and-status fragment (@valid(x)) when it loads
# a file, so Neo4j's parser must see the expanded text, exactly what runs. It
# is written to a temporary folder together with the linter's own self-test
# cases (known-bad queries must fail, known-good portable ones pass), and the
# whole folder is linted in ONE node start-up.

SELF_TESTS: dict[str, str] = {
    # Syntactically fine, semantically wrong: only semantic analysis sees it.
    "selftest_semantic.cypher": "// name: bad\nMATCH (n)\nRETURN m\n",
    "selftest_path_variable.cypher": "MATCH (n) WHERE all(r IN relationships(p) WHERE coalesce(r.valid_from,'0000-01-01') <= $as_of) RETURN n\n",
    "selftest_syntax.cypher": "MATCH (n RETURN n\n",
    "selftest_function.cypher": "MATCH (n) RETURN toLowr(n.name)\n",
    "selftest_params_ok.cypher": (
        "MATCH (n:Entity)\n"
        "WHERE (toLower(n.name) CONTAINS toLower($q)\n"
        "   OR any(a IN coalesce(n.aliases, []) WHERE toLower(a) CONTAINS toLower($q)))\n"
        "  AND coalesce(n.valid_from, '0000-01-01') <= $as_of\n"
        "RETURN n.id AS id, properties(n) AS props, labels(n) AS labels\n"
        "ORDER BY n.name SKIP $offset LIMIT $limit;\n"
    ),
    "selftest_shortestpath_ok.cypher": (
        "MATCH (a:Entity {id: $id}) WITH a MATCH (b:Entity {id: $to}) "
        "WITH a, b, shortestPath((a)-[:ACCOUNTABLE_TO*]->(b)) AS p RETURN p\n"
    ),
    "selftest_projection_ok.cypher": (
        "MATCH p = (a:Entity {id: $id})-[:ACCOUNTABLE_TO*1..6]->(top) "
        "WHERE NOT (top)-[:ACCOUNTABLE_TO]->() "
        "RETURN [n IN nodes(p) | n {.*, labels: labels(n)}] AS nodes\n"
    ),
}


def engine_statements() -> dict[str, str]:
    """Every statement shape the Neo4j engine sends besides the catalogue:
    schema, the single-transaction clear, the batched load (one statement per
    label set and relationship type), the build record, housekeeping reads,
    and the administration commands of an alias switch."""
    from nhskg.graph import store
    from nhskg.graph.neo4j_admin import ADMIN_EXAMPLES
    from nhskg.graph.neo4j_engine import CLEAR, SCHEMA
    from nhskg.graph.schema import ALL_LABELS, BASE_LABEL, REL_TYPES

    labels = sorted(ALL_LABELS - {BASE_LABEL})
    nodes = [store.NodeRow(f"org:{label.lower()}", (label,), {}) for label in labels]
    rels = [store.RelRow(f"rel:{t}", t, nodes[0].id, nodes[1].id, {}) for t in sorted(REL_TYPES)]
    load = {cypher for cypher, _ in store.load_statements(store.GraphData(nodes, rels))}
    statements = {f"schema_{i}": text for i, text in enumerate(SCHEMA)}
    statements |= {f"clear_{i}": text for i, text in enumerate(CLEAR)}
    statements |= {f"load_{i}": text for i, text in enumerate(sorted(load))}
    statements |= {
        "build_record": store.build_statement(store.new_build("v"))[0],
        "rebuild_record": store.rebuild_statement()[0],
        "counts": store._COUNTS,
        "build_info": store._BUILD_INFO,
    }
    statements |= {f"admin_{name}": text for name, text in ADMIN_EXAMPLES.items()}
    return {f"engine_{name}.cypher": text for name, text in statements.items()}


ENGINE_STATEMENTS = engine_statements()


@pytest.fixture(scope="module")
def lint_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    from nhskg.queries.catalogue import load_catalogue

    folder = tmp_path_factory.mktemp("cypher-lint")
    for query in load_catalogue():
        (folder / f"{query.name}.cypher").write_text(query.cypher + "\n", encoding="utf-8")
    for name, text in ENGINE_STATEMENTS.items():
        (folder / name).write_text(text + "\n", encoding="utf-8")
    for name, text in SELF_TESTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    _, report = run_lint(folder)
    return {Path(f["path"]).name: f for f in report["files"]}


@pytest.mark.parametrize("query_file", QUERY_FILES, ids=[p.name for p in QUERY_FILES])
def test_query_file_is_valid_neo4j5_cypher(query_file: Path, lint_report: dict) -> None:
    result = lint_report.get(query_file.name)
    assert result is not None, f"cypher-lint reported nothing for {query_file.name}"
    assert result["errors"] == [], (
        f"queries/{query_file.name} (expanded) is not valid Neo4j 5 Cypher according to Neo4j's parser:\n"
        + _format(result["errors"])
    )


def test_every_catalogue_query_was_linted(lint_report: dict) -> None:
    assert {p.name for p in QUERY_FILES} <= set(lint_report)


@pytest.mark.parametrize("name", sorted(ENGINE_STATEMENTS))
def test_engine_statement_is_valid_neo4j5_cypher(name: str, lint_report: dict) -> None:
    result = lint_report.get(name)
    assert result is not None, f"cypher-lint reported nothing for {name}"
    assert result["errors"] == [], (
        f"the Neo4j engine's statement {name} is not valid Neo4j 5 Cypher according to Neo4j's parser:\n"
        + ENGINE_STATEMENTS[name] + "\n" + _format(result["errors"])
    )


# --- the linter itself must work: known-bad queries fail, known-good pass ---


def test_linter_reports_semantic_error(lint_report: dict) -> None:
    result = lint_report["selftest_semantic.cypher"]
    assert any("Variable `m` not defined" in e["message"] for e in result["errors"]), result
    assert result["errors"][0]["line"] == 3


def test_linter_reports_undefined_path_variable(lint_report: dict) -> None:
    messages = [e["message"] for e in lint_report["selftest_path_variable.cypher"]["errors"]]
    assert messages == ["Variable `p` not defined"], messages  # $as_of is not an error


def test_linter_reports_syntax_error(lint_report: dict) -> None:
    assert lint_report["selftest_syntax.cypher"]["errors"]


def test_linter_reports_unknown_function(lint_report: dict) -> None:
    assert any("toLowr" in e["message"] for e in lint_report["selftest_function.cypher"]["errors"])


@pytest.mark.parametrize("name", ["selftest_params_ok.cypher", "selftest_shortestpath_ok.cypher", "selftest_projection_ok.cypher"])
def test_linter_accepts_portable_constructs(lint_report: dict, name: str) -> None:
    assert lint_report[name]["errors"] == [], _format(lint_report[name]["errors"])
