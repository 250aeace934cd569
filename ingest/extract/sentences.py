"""Split plain text into sentences with character offsets.

Why not spaCy's sentencizer: on a blank pipeline it splits after every
full stop, including "i.e." and "Prof.", and it does not know that a line
break in these documents (a heading, a bullet) ends a sentence. Evidence is
the sentence, so boundaries matter more here than anywhere else; a small,
explicit splitter is easier to reason about and to test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int  # index of the block (line group) the sentence is in


# Words after which a full stop does not end a sentence.
_ABBREVIATIONS = {
    "i.e", "e.g", "ie", "eg", "etc", "prof", "dr", "mr", "mrs", "ms", "st", "no", "vs", "cf",
    "approx", "incl", "dept", "govt", "para", "paras", "sec", "art", "ch", "vol", "pp", "p",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
}

# A candidate boundary: end punctuation, optional closing quote/bracket, space, then
# something that can start a sentence.
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'’”)\]]*\s+(?=[\"'‘“(\[]?[A-Z0-9£•])")


def _blocks(text: str) -> Iterator[tuple[int, int]]:
    """Lines are blocks: in explainers a heading or a bullet is its own unit."""
    pos = 0
    for line in text.splitlines(keepends=True):
        start, end = pos, pos + len(line.rstrip("\r\n"))
        pos += len(line)
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            yield start, end


def split_sentences(text: str) -> list[Sentence]:
    """Sentences in document order; offsets index into `text`."""
    out: list[Sentence] = []
    for block_no, (b_start, b_end) in enumerate(_blocks(text)):
        block = text[b_start:b_end]
        # Strip a leading bullet so the sentence starts at a word.
        lead = re.match(r"[•\-*·▪◦]\s+", block)
        offset = lead.end() if lead else 0
        cut = offset
        for m in _BOUNDARY.finditer(block):
            if m.start() <= cut:
                continue
            before = block[cut:m.start()]
            last_word = re.search(r"([A-Za-z][A-Za-z.]*)\.?[\"'’”)\]]*$", before)
            if last_word and last_word.group(1).rstrip(".").lower() in _ABBREVIATIONS:
                continue
            # A single capital letter ("J. Smith") is an initial, not a sentence end.
            if re.search(r"(?:^|\s)[A-Z]\.$", before):
                continue
            seg_end = m.start() + len(m.group(0).rstrip())
            _emit(out, text, b_start + cut, b_start + seg_end, block_no)
            cut = m.end()
        _emit(out, text, b_start + cut, b_end, block_no)
    return out


def _emit(out: list[Sentence], text: str, start: int, end: int, block_no: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(start, end, text[start:end], block_no))
