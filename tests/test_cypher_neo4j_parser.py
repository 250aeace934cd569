"""Every queries/*.cypher file must be valid Cypher for Neo4j 5.

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


@pytest.fixture(scope="module")
def queries_report() -> dict[Path, dict]:
    """Lint all query files in one node run (start-up takes about a second)."""
    if not QUERY_FILES:
        return {}
    _, report = run_lint(*QUERY_FILES)
    return {_key(f["path"]): f for f in report["files"]}


@pytest.mark.parametrize("query_file", QUERY_FILES, ids=[p.name for p in QUERY_FILES])
def test_query_file_is_valid_neo4j5_cypher(query_file: Path, queries_report: dict) -> None:
    result = queries_report.get(query_file.resolve())
    assert result is not None, f"cypher-lint reported nothing for {query_file}"
    rel = query_file.relative_to(REPO_ROOT)
    assert result["errors"] == [], (
        f"{rel} is not valid Neo4j 5 Cypher according to Neo4j's parser:\n"
        + _format(result["errors"])
    )


def test_queries_directory_lints_clean() -> None:
    """The whole queries/ directory, as CI would lint it (passes when empty)."""
    code, report = run_lint(QUERIES_DIR)
    linted = {_key(f["path"]) for f in report["files"]}
    assert linted == {p.resolve() for p in QUERY_FILES}
    bad = {f["path"]: f["errors"] for f in report["files"] if f["errors"]}
    assert code == 0 and not bad, "\n".join(
        f"{path}:\n{_format(errors)}" for path, errors in bad.items()
    )


# --- the linter itself must work: known-bad queries fail, known-good pass ---


def _lint_text(tmp_path: Path, name: str, text: str) -> tuple[int, dict]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code, report = run_lint(path)
    assert len(report["files"]) == 1
    return code, report["files"][0]


def test_linter_reports_semantic_error(tmp_path: Path) -> None:
    # Syntactically fine, semantically wrong: only semantic analysis sees it.
    code, result = _lint_text(tmp_path, "bad.cypher", "// name: bad\nMATCH (n)\nRETURN m\n")
    assert code == 1
    assert any("Variable `m` not defined" in e["message"] for e in result["errors"]), result
    assert result["errors"][0]["line"] == 3


def test_linter_reports_undefined_path_variable(tmp_path: Path) -> None:
    code, result = _lint_text(
        tmp_path,
        "bad_path.cypher",
        "MATCH (n) WHERE all(r IN relationships(p) "
        "WHERE coalesce(r.valid_from,'0000-01-01') <= $as_of) RETURN n\n",
    )
    assert code == 1
    messages = [e["message"] for e in result["errors"]]
    assert messages == ["Variable `p` not defined"], messages  # $as_of is not an error


def test_linter_reports_syntax_error(tmp_path: Path) -> None:
    code, result = _lint_text(tmp_path, "syntax.cypher", "MATCH (n RETURN n\n")
    assert code == 1
    assert result["errors"], result


def test_linter_reports_unknown_function(tmp_path: Path) -> None:
    code, result = _lint_text(tmp_path, "fn.cypher", "MATCH (n) RETURN toLowr(n.name)\n")
    assert code == 1
    assert any("toLowr" in e["message"] for e in result["errors"]), result


def test_linter_accepts_parameterised_query(tmp_path: Path) -> None:
    text = (
        "// name: search_entities\n"
        "// params: $q, $offset, $limit, $as_of\n"
        "MATCH (n:Entity)\n"
        "WHERE (toLower(n.name) CONTAINS toLower($q)\n"
        "   OR any(a IN coalesce(n.aliases, []) WHERE toLower(a) CONTAINS toLower($q)))\n"
        "  AND coalesce(n.valid_from, '0000-01-01') <= $as_of\n"
        "RETURN n.id AS id, properties(n) AS props, labels(n) AS labels\n"
        "ORDER BY n.name SKIP $offset LIMIT $limit;\n"
    )
    code, result = _lint_text(tmp_path, "good.cypher", text)
    assert result["errors"] == [], _format(result["errors"])
    assert code == 0


@pytest.mark.parametrize(
    "query",
    [
        pytest.param(
            "MATCH (a:Entity {id: $id}) WITH a MATCH (b:Entity {id: $to}) "
            "WITH a, b, shortestPath((a)-[:ACCOUNTABLE_TO*]->(b)) AS p RETURN p",
            id="shortestPath-in-WITH",
        ),
        pytest.param(
            "MATCH p = (a:Entity {id: $id})-[:ACCOUNTABLE_TO*1..6]->(top) "
            "WHERE NOT (top)-[:ACCOUNTABLE_TO]->() "
            "RETURN [n IN nodes(p) | n {.*, labels: labels(n)}] AS nodes",
            id="pattern-predicate-and-map-projection",
        ),
    ],
)
def test_linter_accepts_falkordb_portable_constructs(tmp_path: Path, query: str) -> None:
    code, result = _lint_text(tmp_path, "portable.cypher", query + "\n")
    assert result["errors"] == [], _format(result["errors"])
    assert code == 0
