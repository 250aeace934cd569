"""A YAML bomb in a knowledge-base file is refused before it expands: one
line naming the file, the line and the cause, in well under a second."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from nhskg.ingest.kb import KnowledgeBaseError, load_knowledge_base, load_yaml

BOMB = """entities:
  - id: org:bomb
    name: Bomb
    labels: [Organisation]
    properties:
      a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
      b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
      c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
      d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
      e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
      f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
      g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
      h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
      i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def test_a_yaml_bomb_is_refused_before_it_expands(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "bomb.yaml").write_text(BOMB)
    started = time.monotonic()
    with pytest.raises(KnowledgeBaseError) as failure:
        load_knowledge_base([kb])
    assert time.monotonic() - started < 5
    problems = [str(p) for p in failure.value.problems]
    assert any("aliases (*name) are not allowed" in p and "bomb.yaml" in p for p in problems), problems


def test_one_scalar_alias_is_refused_too_and_plain_yaml_still_loads() -> None:
    with pytest.raises(Exception, match="aliases"):
        load_yaml("a: &x 1\nb: *x\n")
    assert load_yaml("a: [1, 2]\nb: {c: 2020-01-01}\n") == {"a": [1, 2], "b": {"c": "2020-01-01", "_line": 2}, "_line": 1}
