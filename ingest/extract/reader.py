"""Read a document a researcher brings (text, Markdown or HTML) into plain text.

Why a module of its own: every later step (sentences, matching, quotes) works
on one plain-text string and character offsets into it, so decoding, size
limits and markup removal must happen once, here, and fail with a one-line
`UserError` rather than a traceback. Offsets reported by `nhskg extract` are
offsets into the plain text this module returns; for a .txt file that is the
file's own text.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from nhskg.core.errors import UserError

# The largest document we read, in bytes. Documents are read whole (the
# matcher needs sentence context), so the cap is what keeps memory bounded:
# a bigger file is refused with a message, and we never read more than
# cap + 1 bytes from any file, even one whose size the filesystem misreports.
MAX_BYTES_ENV = "NHSKG_EXTRACT_MAX_BYTES"
DEFAULT_MAX_BYTES = 5 * 1024 * 1024

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown"}


@dataclass(frozen=True)
class Document:
    """A decoded document: its plain text and what kind of file it came from."""

    path: Path
    kind: str  # "text" | "markdown" | "html"
    raw: str  # the decoded file as it was
    text: str  # plain text every offset refers to
    title: str | None = None
    date: str | None = None  # an ISO date found in the document's front matter or meta tags

    @property
    def is_verbatim(self) -> bool:
        """True when the plain text is the file itself (quotes verify against the file)."""
        return self.text == self.raw


def max_bytes() -> int:
    """The size cap, from NHSKG_EXTRACT_MAX_BYTES (bytes) or 5 MB."""
    value = os.environ.get(MAX_BYTES_ENV)
    if not value:
        return DEFAULT_MAX_BYTES
    try:
        cap = int(value)
    except ValueError:
        raise UserError(f"{MAX_BYTES_ENV}={value!r} is not a whole number of bytes") from None
    if cap <= 0:
        raise UserError(f"{MAX_BYTES_ENV} must be positive, got {cap}")
    return cap


def _read_bytes(path: Path, cap: int) -> bytes:
    if not path.exists():
        raise UserError(f"{path}: no such file")
    if path.is_dir():
        raise UserError(f"{path}: is a directory, not a document")
    try:
        size = path.stat().st_size
        if size > cap:
            raise UserError(f"{path}: {size} bytes is larger than the {cap}-byte limit ({MAX_BYTES_ENV}); split the document")
        with path.open("rb") as handle:
            data = handle.read(cap + 1)
    except PermissionError:
        raise UserError(f"{path}: cannot read (permission denied)") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if len(data) > cap:
        raise UserError(f"{path}: larger than the {cap}-byte limit ({MAX_BYTES_ENV}); split the document")
    return data


def _looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 KB mean not text.

    UTF-16 text has NULs too, so a UTF-16 BOM is checked before this.
    """
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return bool(head) and controls / len(head) > 0.05


def decode(data: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM) or BOM-marked UTF-16; anything else is refused.

    We do not guess legacy encodings: a wrong guess would put mangled quotes
    into evidence that later fails verification against the document.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise UserError(f"{path}: cannot decode as UTF-16 text") from None
    if _looks_binary(data):
        raise UserError(f"{path}: looks like a binary file, not text, Markdown or HTML")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 text (undecodable byte at offset {exc.start}); save it as UTF-8") from None


# --- HTML -----------------------------------------------------------------------

_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th",
    "table", "section", "article", "header", "footer", "blockquote", "pre", "dd", "dt", "hr",
    "main", "aside", "nav", "figure", "figcaption", "title",
}
_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "head"}


class _TextExtractor(HTMLParser):
    """Collect visible text, with a line break at every block element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.title: list[str] = []
        self.in_title = False
        self.meta_date: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        if tag == "meta":
            a = {k.lower(): (v or "") for k, v in attrs}
            name = (a.get("name") or a.get("property") or "").lower()
            if name in ("date", "dc.date", "article:published_time", "dcterms.date") and a.get("content"):
                self.meta_date = a["content"][:10]
        if tag in _SKIP_TAGS:
            self.skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
            if tag == "li":
                self.parts.append("• ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        if not self.skip:
            self.parts.append(data)


def html_to_text(markup: str) -> tuple[str, str | None, str | None]:
    """Visible text of an HTML page (title, meta date too); blocks become lines."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    lines = [re.sub(r"[ \t\r\f\v\u00a0]+", " ", line).strip() for line in text.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"
    title = html.unescape(" ".join("".join(parser.title).split())) or None
    return text, title, parser.meta_date


# --- Markdown ---------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)


def markdown_to_text(source: str) -> tuple[str, str | None, str | None]:
    """Plain text of Markdown: drop markup characters, keep words and line structure.

    Not a full CommonMark renderer; it removes what would otherwise end up in
    quotes (#, *, _, `, link targets, images, HTML tags, table pipes).
    """
    title = date = None
    m = _FRONT_MATTER.match(source)
    if m:
        for line in m.group(1).splitlines():
            key, _, value = line.partition(":")
            value = value.strip().strip("'\"")
            if key.strip().lower() == "title" and value:
                title = value
            elif key.strip().lower() == "date" and value:
                date = value[:10]
        source = source[m.end():]
    out: list[str] = []
    in_fence = False
    for line in source.splitlines():
        if line.strip().startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if in_fence:
            out.append(line)
            continue
        if re.fullmatch(r"\s*([-*_=]\s*){3,}", line) or re.fullmatch(r"\s*\|?[\s:|-]+\|[\s:|-]*", line):
            out.append("")  # horizontal rules, setext underlines, table separators
            continue
        heading = re.match(r"\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", line)
        if heading:
            line = heading.group(1)
            if title is None:
                title = line
        line = re.sub(r"^\s{0,3}>\s?", "", line)  # block quotes
        line = re.sub(r"^(\s*)[-*+]\s+", r"\1• ", line)  # bullets
        line = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", line)  # images
        line = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", line)  # links
        line = re.sub(r"\[([^\]]+)\]\[[^\]]*\]", r"\1", line)  # reference links
        line = re.sub(r"<[^>]+>", "", line)  # inline HTML
        line = re.sub(r"(\*\*|__)(.+?)\1", r"\2", line)
        line = re.sub(r"(?<![\w*])[*_](?!\s)(.+?)(?<!\s)[*_](?![\w*])", r"\1", line)
        line = re.sub(r"`([^`]*)`", r"\1", line)
        if "|" in line and line.strip().startswith("|"):
            line = " ".join(cell.strip() for cell in line.strip().strip("|").split("|"))
        out.append(line.rstrip())
    text = "\n".join(out).strip() + "\n"
    return text, title, date


def kind_of(path: Path, text: str) -> str:
    """By suffix; a .txt that is plainly an HTML page is treated as HTML."""
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    if re.match(r"\s*(<!doctype html|<html)", text[:500], re.I):
        return "html"
    return "text"


def read_document(path: str | Path) -> Document:
    """Read, check and decode one document; raise UserError with one line if we cannot."""
    path = Path(path)
    data = _read_bytes(path, max_bytes())
    if not data.strip():
        raise UserError(f"{path}: the file is empty")
    raw = decode(data, path)
    kind = kind_of(path, raw)
    title = date = None
    if kind == "html":
        text, title, date = html_to_text(raw)
    elif kind == "markdown":
        text, title, date = markdown_to_text(raw)
    else:
        text = raw
    if not text.strip():
        raise UserError(f"{path}: no text in the document")
    return Document(path=path, kind=kind, raw=raw, text=text, title=title, date=date)
