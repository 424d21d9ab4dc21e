"""The one sentence splitter, shared by index/ (sentence vectors), rag/ (evidence, quotes)
and ui/ (highlighting). No heavy imports: index/ and ui/ import it cheaply.

A sentence ends at . ! or ? (optionally followed by a closing quote or bracket) when the
next word starts like a sentence (capital, digit, quote, bracket, bullet), or at a line
break: the canonical text keeps one paragraph or bullet per line. A bullet mark at the
start of a sentence is not part of it.
"""

from __future__ import annotations

import re

_SENT_RE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"')\]]))\s+(?=[A-Z\"'(\d■◼•-])|\n")
_BULLET_RE = re.compile(r"^\s*(?:[-•◼■▪●◦▶*]|\uf0b7|\uf0a7)\s+")
# "e.g. Kent", "Dr. Smith": a full stop after these is not a sentence end.
_NO_END_RE = re.compile(r"(?:\b(?:e\.g|i\.e|etc|Dr|Mr|Mrs|Ms|St|No|vs|approx)\.)$", re.I)


def sentence_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Sentence spans of ``text`` as (start, end) pairs, shifted by ``offset``.

    ``text[start - offset:end - offset]`` is the sentence, without its bullet mark or
    surrounding white space; fragments shorter than 3 characters are dropped.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_RE.finditer(text):
        if m.group() != "\n" and _NO_END_RE.search(text, 0, m.start()):
            continue
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for a, b in spans:
        seg = text[a:b]
        bm = _BULLET_RE.match(seg)
        if bm:
            a += bm.end()
            seg = text[a:b]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg) - len(seg.rstrip())
        a, b = a + lead, b - trail
        if b - a >= 3:
            out.append((a + offset, b + offset))
    return out


# Openers that tie a sentence to the one before it (a closed class of English discourse
# words: demonstratives and consequence markers). "This means families travel further"
# says nothing alone; a quote of the sentence before it is incomplete without it.
# ... and a phrase that points back with a demonstrative ("In such cases, ...", "For those
# children, ...", "Despite this, ..."); "in this area" points at the place.
_CONTINUES_RE = re.compile(r"^\W*(?:this|these|such|as\s+a\s+result|consequently|therefore|thus|hence|"
                           r"because\s+of\s+this|in\s+turn|as\s+such|"
                           r"(?:in|for|with|at|by|despite|after|because\s+of|as\s+well\s+as|in\s+addition\s+to)\s+"
                           r"(?:these|those|such)|"
                           r"(?:despite|after|with|for|because\s+of|in\s+addition\s+to)\s+(?:this|that)(?!\s+(?:local\s+)?area)|"
                           r"in\s+(?:this|that)\s+(?:case|situation|instance|context|respect|way))\b", re.I)


def continues(sentence: str) -> bool:
    """Does the sentence lean on the one before it ("This means ...", "As a result, ...")?"""
    return bool(_CONTINUES_RE.match(sentence))
