"""The version of what a graph is built from: a content hash of the inputs.

The graph records it (graph/store.py, BUILD_LABEL) so that `nhskg serve` can
tell a graph built from an older knowledge base, corpus or register snapshot
and rebuild it, instead of serving stale facts after an upgrade.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# Everything a build reads from the package. registers/files is added by the
# register layer; it counts once it exists.
SOURCE_DIRS = (PACKAGE_DIR / "kb", PACKAGE_DIR / "corpus", PACKAGE_DIR / "registers" / "files", PACKAGE_DIR / "registers" / "reconcile.yaml")


def _files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def source_version(extra: Iterable[Path] = ()) -> str:
    """sha256 over the relative path and bytes of every source file (the
    package's kb/, corpus/ and registers/files/, plus `extra` files or
    folders), in a fixed order; the same inputs give the same version on any
    machine."""
    digest = hashlib.sha256()
    roots = dict.fromkeys(Path(p).resolve() for p in (*SOURCE_DIRS, *extra))
    for root in roots:
        for path in _files(root):
            name = path.relative_to(root.parent).as_posix()
            data = path.read_bytes()
            digest.update(f"{name}\0{len(data)}\0".encode())
            digest.update(data)
    return "sha256:" + digest.hexdigest()
