"""The install: the base serves the API and the client without spaCy;
`[extract]` brings spaCy and `nhskg extract` says in one line how to get it;
`[notebooks]` brings what docs/notebooks.md imports; the README's test
command (which .ci/run runs) installs every extra."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

# Run with spaCy made unimportable, as on a base install.
NO_SPACY = """
import sys
class _Blocker:
    def find_spec(self, name, path=None, target=None):
        if name == "spacy" or name.startswith("spacy."):
            raise ModuleNotFoundError("No module named 'spacy'")
        return None
sys.meta_path.insert(0, _Blocker())
import importlib.util
_find = importlib.util.find_spec
importlib.util.find_spec = lambda name, *a: None if name == "spacy" else _find(name, *a)
"""


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=\[; ]", r, maxsplit=1)[0].lower() for r in requirements}


def test_the_base_install_has_no_spacy_and_the_extras_bring_it_and_the_notebook_tools() -> None:
    assert "spacy" not in _names(PROJECT["dependencies"])
    extras = {k: _names(v) for k, v in PROJECT["optional-dependencies"].items()}
    assert extras["extract"] == {"spacy"}
    assert {"pandas", "matplotlib"} <= extras["notebooks"]
    notebook = (ROOT / "docs" / "notebooks.md").read_text(encoding="utf-8")
    imported = set(re.findall(r"^\s*(?:import|from) (\w+)", notebook, re.M))
    third_party = imported - {"nhskg", "warnings", "csv", "tempfile", "os", "networkx"}
    assert third_party <= extras["notebooks"], third_party - extras["notebooks"]


def test_the_readme_test_command_installs_every_extra_and_ci_runs_it() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = next(line for line in readme.splitlines() if "python -m pytest" in line and "pip install" in line)
    wanted = set(re.search(r'-e "\.\[([a-z,]+)\]"', command).group(1).split(","))  # type: ignore[union-attr]
    assert wanted == set(PROJECT["optional-dependencies"])
    assert command in ci
    assert "pip install -e . && .venv/bin/nhskg serve" in readme  # the base install serves


def test_api_and_client_import_without_spacy() -> None:
    code = NO_SPACY + "import nhskg.api.app, nhskg.client, nhskg.cli\nprint('ok')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_extract_without_spacy_says_how_to_install_it(tmp_path: Path) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text("NHS England commissions specialised services.", encoding="utf-8")
    for command in (["extract", str(doc)], ["extract-eval"]):
        code = NO_SPACY + f"from nhskg.cli import main\nraise SystemExit(main({command!r}))"
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
        lines = done.stderr.strip().splitlines()
        assert done.returncode != 0 and len(lines) == 1, done.stderr
        assert "spaCy" in lines[0] and "pip install 'nhskg[extract]'" in lines[0]
