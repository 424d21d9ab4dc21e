"""Find the inspection letter or report inside a file (a council agenda pack, say)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.errors import InputRejected

JOINT_TITLE_RE = re.compile(
    r"^\s*Joint\s+(?:local\s+)?area\s+SEND\s+(inspection|revisit)\s+(?:in|of)\s+(?:the\s+)?(.+?)\s*\.?\s*$",
    re.I | re.M,
)
REPORT_TITLE_RE = re.compile(
    r"Area\s+SEND\s+(inspection|monitoring\s+inspection|revisit)\s+(?:of|in)\s+(?:the\s+)?(.+?)\s+Local\s+Area\s+Partnership",
    re.I,
)
_LETTERHEAD_RE = re.compile(r"^Ofsted\b.*$", re.M)
_REPORT_START_RE = re.compile(r"^(?:Local area partnership report|Area SEND)", re.I | re.M)
_REPORT_END_RE = re.compile(
    r"If you are not happy with the inspection|The Office for Standards in Education, Children's Services and Skills \(Ofsted\) regulates",
    re.I,
)
_SIGNOFF_RE = re.compile(r"^Yours sincerely\b", re.I | re.M)
_CC_RE = re.compile(r"^C[Cc]:?\s", re.M)


@dataclass(frozen=True)
class Located:
    text: str
    framework: str  # joint_2016 | area_2023
    title: re.Match[str]


def locate_letter(clean: str) -> Located:
    """The slice of the cleaned file text that is the letter or report itself."""
    m = REPORT_TITLE_RE.search(clean[:5000])
    if m:
        start_m = None
        for s in _REPORT_START_RE.finditer(clean, 0, m.end()):
            start_m = s
        start = start_m.start() if start_m else clean.rfind("\n", 0, m.start()) + 1
        end_m = _REPORT_END_RE.search(clean, m.end())
        end = end_m.start() if end_m else len(clean)
        text = clean[start:end].rstrip()
        return Located(text, "area_2023", REPORT_TITLE_RE.search(text))
    m = JOINT_TITLE_RE.search(clean)
    if m:
        window = clean[max(0, m.start() - 4000): m.start()]
        heads = list(_LETTERHEAD_RE.finditer(window))
        start = m.start() - len(window) + heads[-1].start() if heads else clean.rfind("\n", 0, m.start()) + 1
        end = _letter_end(clean, m.end())
        text = clean[start:end].rstrip()
        return Located(text, "joint_2016", JOINT_TITLE_RE.search(text))
    raise InputRejected("no Ofsted/CQC SEND inspection letter or report found in the text")


def _letter_end(clean: str, after: int) -> int:
    sign = _SIGNOFF_RE.search(clean, after)
    if not sign:
        return len(clean)
    cc = _CC_RE.search(clean, sign.end(), sign.end() + 3000)
    pos = cc.start() if cc else sign.end()
    lines = clean[pos:].split("\n")
    keep = 1 if cc else 0
    # the distribution list (Cc) or the signature block: short lines without sentences
    for line in lines[keep:]:
        if len(line) > 120 or line.endswith(".") and len(line) > 60:
            break
        keep += 1
        if keep > 14:
            break
    return pos + len("\n".join(lines[:keep]))
