"""Sentence-level evidence: which sentences of a letter speak to a question's topic, and how.

Every passage is split into sentences once (lazily) with their stems and cue-word
polarity. A sentence is on topic when the topic terms it (or the sentence before it,
in the same passage) contains carry enough of the question's topic weight; rarer
terms weigh more (squared IDF), so "DMO" outweighs "service".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rag.glossary import Term
from rag.text import absence, polarity, sentence_spans, stem_string
from rag.types import Passage

_STANCE_PRIOR = {"weakness": 0.5, "strength": -0.5, "neutral": 0.0}


@dataclass(frozen=True)
class Sentence:
    passage: int  # index into the library's passage list
    start: int  # absolute span in the letter text
    end: int
    stems: str
    prev: str  # stems of the sentence before it in the same passage ("" for the first)
    lean: float  # >0 critical, <0 favourable: cue words plus the section's stance
    absence: bool = False  # says something is missing or falls short

    @property
    def critical(self) -> bool:
        return self.lean > 0

    @property
    def favourable(self) -> bool:
        return self.lean < 0


def split_passage(i: int, p: Passage) -> list[Sentence]:
    out: list[Sentence] = []
    prev = ""
    for a, b in sentence_spans(p.text):
        text = p.text[a:b]
        st = stem_string(text)
        out.append(Sentence(i, p.start + a, p.start + b, st, prev,
                            polarity(text) + _STANCE_PRIOR.get(p.stance, 0.0), absence(text)))
        prev = st
    return out


class TermWeights:
    """Squared IDF of each topic term over passages; unseen terms weigh the most."""

    def __init__(self, passage_stems: list[str]) -> None:
        self.passage_stems = passage_stems
        self.n = max(1, len(passage_stems))
        self._cache: dict[tuple[str, ...], float] = {}

    def df(self, term: Term) -> int:
        return sum(1 for s in self.passage_stems if term.found_in(s))

    def weight(self, term: Term) -> float:
        if term.forms not in self._cache:
            idf = math.log((self.n + 1) / (self.df(term) + 0.5))
            self._cache[term.forms] = max(idf, 0.1) ** 2
        return self._cache[term.forms]


def coverage(terms: list[Term], weights: TermWeights, stems: str, context: str = "") -> float:
    """Share of the topic weight found in ``stems`` (or its ``context``)."""
    if not terms:
        return 0.0
    total = sum(weights.weight(t) for t in terms)
    got = sum(weights.weight(t) for t in terms if t.found_in(stems) or (context and t.found_in(context)))
    return got / total if total else 0.0


def on_topic(terms: list[Term], weights: TermWeights, sent: Sentence, threshold: float) -> float:
    """The sentence's topic coverage if it is on topic, else 0. The sentence itself must
    hold one of the terms; the sentence before it may supply the others ("All are rated
    good or outstanding" after "There are five special schools")."""
    if not any(t.found_in(sent.stems) for t in terms):
        return 0.0
    cov = coverage(terms, weights, sent.stems, sent.prev)
    return cov if cov >= threshold else 0.0
