"""Direction of a comparison: "above the national average" is not "below" it; and the
same for completion: "the register is in development" is not "the register is well
established".

The dense model scores "attendance is below the national average" nearly as high as
"attendance is above the national average" for a topic asking for the second, and the
lexical side drops "above"/"below" as stopwords. Comparative direction words are a closed
class of English (prepositions and comparative adjectives of position and size), so a
grammar of them is fine: a topic that takes one direction does not match a sentence that
states only the other.
"""

from __future__ import annotations

import re

import numpy as np

__all__ = ["completion", "completions", "direction", "directions"]

# English fixed compounds that use a comparative as a name, not a comparison.
_NAMES = re.compile(r"\bhigher\s+education\b|\bgreater\s+(?:manchester|london)\b", re.I)
# "more"/"less" are left out: they qualify too many other things ("more support", "less
# well") to mark a comparison on their own.
_UP = re.compile(r"\b(?:above|higher|greater|exceed(?:s|ed|ing)?)\b", re.I)
_DOWN = re.compile(r"\b(?:below|lower|fewer|smaller|beneath)\b", re.I)
# A sentence may state the level itself against a norm ("the suspension rate is high for
# a county"): once the topic compares, the positive degree says which way too.
_HIGH = re.compile(r"\bhigh\b", re.I)
_LOW = re.compile(r"\blow\b", re.I)


def direction(text: str, *, level: bool = False) -> int:
    """+1 when ``text`` compares upwards only, -1 downwards only, 0 neither or both; with
    ``level``, a text that does not compare may say "high" or "low" instead."""
    text = _NAMES.sub(" ", text)
    up, down = bool(_UP.search(text)), bool(_DOWN.search(text))
    if level and not (up or down):
        up, down = bool(_HIGH.search(text)), bool(_LOW.search(text))
    return int(up) - int(down)


def directions(sentences: list[str]) -> np.ndarray:
    """The direction each sentence states, reading "high" and "low" as directions too (a
    topic that compares has been found: "suspensions above the England rate")."""
    return np.array([direction(s, level=True) for s in sentences], dtype=np.int8)


# Completion is the other axis the dense model cannot see: "X is well established" and "X is
# in development" read nearly the same. Its markers are aspect, not topic: the closed class of
# ways English says a thing is finished and in use, or not yet.
_INCOMPLETE = re.compile(
    r"\b(?:not\s+yet|yet\s+to|in\s+development|under\s+development|in\s+its\s+infancy|too\s+early|"
    r"being\s+(?:developed|established|embedded|implemented|introduced|set\s+up|rolled\s+out)|"
    r"(?:at\s+an?|in\s+the|at\s+the)\s+(?:very\s+)?early\s+stages?|early\s+stages?\s+of|"
    r"working\s+towards|still\s+(?:developing|being|to\b)|"
    r"not\s+(?:\w+\s+)?(?:fully|well|yet|securely|firmly)\s+(?:established|embedded|in\s+place|implemented|developed))\b",
    re.I)
_COMPLETE = re.compile(r"\b(?:established|embedded|in\s+place|fully\s+implemented|well[\s-]developed|"
                       r"up\s+and\s+running)\b", re.I)


def completion(text: str) -> int:
    """+1 when ``text`` says something is finished and in use ("well established",
    "embedded", "in place"), -1 when it says not yet ("in development", "yet to", "at an early
    stage", "not fully established"), 0 neither."""
    if _INCOMPLETE.search(text):
        return -1
    return int(bool(_COMPLETE.search(text)))


def completions(sentences: list[str]) -> np.ndarray:
    """``completion`` of each sentence."""
    return np.array([completion(s) for s in sentences], dtype=np.int8)
