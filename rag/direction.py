"""Direction of a comparison: "above the national average" is not "below" it.

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

__all__ = ["direction", "directions"]

# English fixed compounds that use a comparative as a name, not a comparison.
_NAMES = re.compile(r"\bhigher\s+education\b|\bgreater\s+(?:manchester|london)\b", re.I)
# "more"/"less" are left out: they qualify too many other things ("more support", "less
# well") to mark a comparison on their own.
_UP = re.compile(r"\b(?:above|higher|greater|exceed(?:s|ed|ing)?)\b", re.I)
_DOWN = re.compile(r"\b(?:below|lower|fewer|smaller|beneath)\b", re.I)


def direction(text: str) -> int:
    """+1 when ``text`` compares upwards only, -1 downwards only, 0 neither or both."""
    text = _NAMES.sub(" ", text)
    up, down = bool(_UP.search(text)), bool(_DOWN.search(text))
    return int(up) - int(down)


def directions(sentences: list[str]) -> np.ndarray:
    """``direction`` of each sentence."""
    return np.array([direction(s) for s in sentences], dtype=np.int8)
