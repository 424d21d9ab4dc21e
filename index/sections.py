"""Split a letter's canonical text into its own sections, each with a stance.

A section is a run of paragraphs under one heading path ("Assessing and meeting
needs > Areas for development"). Revisit letters quote each original weakness as a
bullet and then report progress; each such block is a section of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.clean import BULLET_RE
from index.headings import match_heading
from index.metadata import progress_verdict
from rag.types import Stance


@dataclass(frozen=True)
class Para:
    start: int
    end: int


@dataclass(frozen=True)
class Section:
    path: str
    stance: Stance
    paras: tuple[Para, ...]


_SUB_PARENTS = {"Identifying needs", "Assessing and meeting needs", "Improving outcomes"}
_REVISIT_BLOCK_RE = re.compile(r"^(?:[■◼▪●]|\uf0a7)\s+")


def paragraphs(text: str) -> list[Para]:
    out: list[Para] = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            out.append(Para(pos, pos + len(line)))
        pos += len(line) + 1
    return out


def split_sections(text: str, *, kind: str = "inspection") -> list[Section]:
    sections: list[Section] = []
    top, sub, stance = "Introduction", "", "neutral"
    paras: list[Para] = []

    def flush() -> None:
        if paras:
            path = f"{top} > {sub}" if sub else top
            sections.append(Section(path, stance, tuple(paras)))
            paras.clear()

    for p in paragraphs(text):
        line = text[p.start: p.end]
        hit = match_heading(line)
        whole = hit is not None and hit[1] >= len(line.rstrip())
        if hit and (whole or hit[0].lead_in):
            h = hit[0]
            flush()
            if h.level == 2 and top in _SUB_PARENTS:
                sub, stance = h.name, h.stance
            else:
                top, sub, stance = h.name, "", h.stance
            if whole:
                continue
        elif kind == "revisit" and top == "Main findings" and _REVISIT_BLOCK_RE.match(line):
            flush()
            words = BULLET_RE.sub("", line).split()
            sub, stance = "Weakness: " + " ".join(words[:8]).rstrip(",;:-—") + "...", "neutral"
        paras.append(p)
    flush()
    return [part for sec in sections for part in _progress_stance(text, sec)] if kind == "revisit" else sections


# A revisit reports progress on each weakness and closes the block with its verdict, in the
# framework's own words ("The local area has (not) made sufficient progress to improve this
# previous area of weakness"). What it says after the quoted weakness is then praise of the
# progress, or criticism of the lack of it: the block's own verdict is its stance.
_VERDICT_STANCE: dict[str | None, Stance] = {"insufficient_progress": "weakness", "sufficient_progress": "strength"}


def _progress_stance(text: str, sec: Section) -> list[Section]:
    if not sec.path.startswith("Main findings > Weakness:") or len(sec.paras) < 2:
        return [sec]
    rest = sec.paras[1:]
    body = " ".join(text[p.start: p.end] for p in rest)
    stance = _VERDICT_STANCE.get(progress_verdict(body), "neutral")
    return [Section(sec.path, sec.stance, sec.paras[:1]), Section(sec.path, stance, rest)]
