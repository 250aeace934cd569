"""`nhskg ingest --kb DIR` builds from DIR instead of the bundled knowledge
base and `--add-kb DIR` adds to it; a YAML syntax error is one line, not a
cascade of "unknown id" lines; every problem says file:line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from nhskg.ingest.kb import DEFAULT_KB_DIR, KnowledgeBaseError, load_knowledge_base
from faults import engine_pids
from tests.test_cli import run

LOCATED = re.compile(r"^  \S+:\d+: ")


def test_kb_replaces_the_bundled_knowledge_base(tmp_path: Path) -> None:
    # A copy of the bundled knowledge base given with --kb builds the same graph.
    copy = tmp_path / "kb"
    shutil.copytree(DEFAULT_KB_DIR, copy)
    shutil.copytree(DEFAULT_KB_DIR.parent / "corpus", tmp_path / "corpus")  # its documents, where sources.yaml says
    bundled = run("ingest", data_dir=tmp_path / "a")
    replaced = run("ingest", "--kb", str(copy), data_dir=tmp_path / "b")
    assert bundled.returncode == replaced.returncode == 0, replaced.stderr
    assert bundled.stdout.split(" into ")[0] == replaced.stdout.split(" into ")[0]
    # The same copy added to the bundled one defines every id twice.
    added = run("ingest", "--add-kb", str(copy), data_dir=tmp_path / "c")
    assert added.returncode == 2 and "duplicate id" in added.stderr
    # A refused knowledge base changes nothing, and leaves no engine behind.
    assert all(engine_pids(tmp_path / d) == [] for d in ("a", "b", "c"))


def test_a_yaml_syntax_error_is_one_located_line(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(DEFAULT_KB_DIR, kb)
    target = sorted(kb.glob("*.yaml"), key=lambda p: p.stat().st_size)[-1]  # the file most others refer to
    lines = target.read_text(encoding="utf-8").splitlines()
    lines.insert(5, "  - id: [unclosed")
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base([kb])
    problems = caught.value.problems
    assert len(problems) == 1, [str(p) for p in problems[:5]]
    assert problems[0].file.endswith(target.name) and problems[0].line >= 6 and "not valid YAML" in problems[0].message


def test_every_problem_has_a_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "entities: not-a-list\n"
        "gadgets:\n"
        "  - id: x\n"
        "relations:\n"
        "  - just a string\n"
        "  - id: rel:dup\n"
        "    type: ACCOUNTABLE_TO\n"
        "    from: org:nhs-england\n"
        "    to: org:no-such-body\n"
        "    evidence: [{source: source:kingsfund-2023, quote: \"not in it\"}]\n"
        "  - id: rel:dup\n"
        "    type: ACCOUNTABLE_TO\n"
        "    from: org:nhs-england\n"
        "    to: org:no-such-body\n"
        "    evidence: [{source: source:kingsfund-2023, quote: \"not in it\"}]\n",
        encoding="utf-8",
    )
    result = run("ingest", "--add-kb", str(bad), data_dir=tmp_path / "data")
    assert result.returncode == 2
    listed = [line for line in result.stderr.splitlines() if line.startswith("  ")]
    assert len(listed) >= 5 and all(LOCATED.match(line) for line in listed), listed
    text = result.stderr
    assert "bad.yaml:1: section 'entities' must be a list" in text
    assert "bad.yaml:2: unknown section 'gadgets'" in text
    assert "bad.yaml:4: relations: every item must be a mapping" in text
    assert re.search(r"bad\.yaml:11: duplicate relation id rel:dup \(first defined at \S*bad\.yaml:6\)", text)
