"""docs/coverage.md is generated from the knowledge base and kept fresh."""

from __future__ import annotations

from pathlib import Path

from nhskg.ingest.coverage import DEFAULT_OUTPUT, main, render
from nhskg.ingest.kb import load_knowledge_base


def test_coverage_page_is_fresh() -> None:
    assert DEFAULT_OUTPUT.read_text(encoding="utf-8") == render(load_knowledge_base()), (
        "docs/coverage.md is stale: run python -m nhskg.ingest.coverage"
    )


def test_check_mode_reports_a_stale_page(tmp_path: Path) -> None:
    page = tmp_path / "coverage.md"
    page.write_text("# old\n", encoding="utf-8")
    assert main(["--output", str(page), "--check"]) == 1
    assert main(["--output", str(page)]) == 0
    assert main(["--output", str(page), "--check"]) == 0


def test_page_answers_the_coverage_questions() -> None:
    text = render(load_knowledge_base())
    for heading in ("## Periods", "## Who commissions what", "## Budgets and counts", "## Claims kept but not answered", "## Undated records", "## Sources", "## Known gaps"):
        assert heading in text
    # The health-visiting claim the corpus makes and the primary source corrects is listed.
    assert "rel:commissions:la-health-visiting-from-2015-10" in text
    # Every outside source is listed with its address.
    kb = load_knowledge_base()
    for source in kb.sources:
        if source.external:
            assert source.url and source.url in text
