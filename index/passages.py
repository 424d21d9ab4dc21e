"""Cut sections into passages: bullets kept whole, no passage crosses a section.

Consecutive short paragraphs of one section are packed together up to ``max_words``;
a paragraph longer than ``max_words`` is split at sentence ends. Every passage is a
span of the canonical text, so ``text[start:end]`` is the passage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.clean import BULLET_RE
from index.sections import Para, Section
from rag.types import Stance

_SENT_RE = re.compile(r"(?<=[.!?;])\s+(?=[A-Z\"'(\d■◼•-])")


@dataclass(frozen=True)
class Chunk:
    section: str
    stance: Stance
    start: int
    end: int


def _words(text: str, a: int, b: int) -> int:
    return len(text[a:b].split())


def split_long(text: str, p: Para, max_words: int) -> list[Para]:
    """Split one over-long paragraph at sentence ends into pieces of <= max_words (where possible)."""
    cuts = [p.start] + [m.end() for m in _SENT_RE.finditer(text, p.start, p.end)] + [p.end]
    pieces: list[Para] = []
    start = p.start
    for i in range(1, len(cuts)):
        if _words(text, start, cuts[i]) > max_words and cuts[i - 1] > start:
            pieces.append(Para(start, text[:cuts[i - 1]].rstrip().__len__()))
            start = cuts[i - 1]
    pieces.append(Para(start, p.end))
    return [q for q in pieces if q.end > q.start]


def _is_list_item(text: str, cur: Para, u: Para) -> bool:
    """u is a bullet of a list that cur's lead-in sentence (ending with ':') introduces."""
    first_line = text[cur.start: cur.end].split("\n", 1)[0].rstrip()
    return first_line.endswith(":") and bool(BULLET_RE.match(text[u.start: u.end]))


def chunk_section(text: str, section: Section, *, min_words: int, max_words: int) -> list[Chunk]:
    units: list[Para] = []
    for p in section.paras:
        if _words(text, p.start, p.end) > max_words:
            units.extend(split_long(text, p, max_words))
        else:
            units.append(p)
    chunks: list[Chunk] = []
    cur: Para | None = None
    for u in units:
        if cur is None:
            cur = u
        elif _words(text, cur.start, u.end) <= max_words and (
            _words(text, cur.start, cur.end) < min_words or _is_list_item(text, cur, u)
        ):
            cur = Para(cur.start, u.end)
        else:
            chunks.append(Chunk(section.path, section.stance, cur.start, cur.end))
            cur = u
    if cur is not None:
        chunks.append(Chunk(section.path, section.stance, cur.start, cur.end))
    return chunks


def chunk_letter(text: str, sections: list[Section], *, min_words: int = 40, max_words: int = 250) -> list[Chunk]:
    out: list[Chunk] = []
    for s in sections:
        out.extend(chunk_section(text, s, min_words=min_words, max_words=max_words))
    return out
