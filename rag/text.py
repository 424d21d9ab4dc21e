"""Tokens and stems for lexical evidence: Snowball (PyStemmer) and bm25s's stopwords.

No hand-written stemmer or cue-word lists: which words matter for a question is
decided by their rarity in the collection (IDF), and stance by rag/stance.py.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS

from rag.sentences import sentence_spans

__all__ = ["STOPWORDS", "sentence_spans", "stem", "stem_string", "stems", "tokens"]

STOPWORDS = frozenset(STOPWORDS_EN_PLUS)
_TOKEN_RE = re.compile(r"[a-z0-9]+")
_POSSESSIVE_RE = re.compile(r"(?<=[a-z])['’]s?\b")
_STEMMER = Stemmer.Stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball English stem of one lower-case word ('delays', 'delayed' -> 'delay')."""
    return _STEMMER.stemWord(word.lower())


def tokens(text: str) -> list[str]:
    return _TOKEN_RE.findall(_POSSESSIVE_RE.sub("", text.lower()))


def stems(text: str) -> list[str]:
    return [stem(t) for t in tokens(text)]


def content_stems(text: str) -> list[str]:
    """Stems of the words that are not stopwords, in order, without repeats."""
    return list(dict.fromkeys(stem(t) for t in tokens(text) if t not in STOPWORDS))


def stem_string(text: str) -> str:
    """' s1 s2 s3 ' so that a phrase's stems can be found with a substring test."""
    return " " + " ".join(stems(text)) + " "
