"""The headings Ofsted/CQC letters and reports use, and the stance each section takes.

Both frameworks are templated, so their headings are a closed, known list. A heading
is matched at the start of a paragraph (PDF extraction can run a heading into its
first sentence) and sets the section path of what follows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.types import Stance


@dataclass(frozen=True)
class Heading:
    name: str
    pattern: re.Pattern[str]
    level: int  # 1 = top-level section, 2 = sub-section (Strengths / Areas for development)
    stance: Stance
    lead_in: bool = False  # may open a paragraph that goes on as content


def _h(
    name: str, regex: str, level: int = 1, stance: Stance = "neutral", lead_in: bool = False
) -> Heading:
    pattern = re.compile(r"^\s*(?:" + regex + r")\s*[?:.]?\s*", re.I)
    return Heading(name, pattern, level, stance, lead_in)


_EFF = r"(?:the\s+)?effectiveness\s+of\s+the\s+(?:local\s+)?area\s+in\s+"
HEADINGS: tuple[Heading, ...] = (
    # 2016-2022 joint inspection letters and revisits
    _h("Main findings", r"main\s+findings"),
    _h("Identifying needs", _EFF + r"identifying\s+children\s+and\s+young\s+people.{0,80}?disabilities"),
    _h("Assessing and meeting needs", _EFF + r"(?:assessing\s+and\s+)?meeting\s+the\s+needs\s+of\s+children\s+and\s+young\s+people.{0,80}?disabilities"),
    _h("Improving outcomes", _EFF + r"improving\s+outcomes\s+for\s+children\s+and\s+young\s+people.{0,80}?disabilities"),
    _h("Strengths", r"strengths", 2, "strength"),
    _h("Areas for development", r"areas\s+for\s+(?:development|further\s+development)", 2, "weakness"),
    _h("Areas for improvement", r"areas\s+for\s+(?:improvement|further\s+improvement)", 2, "weakness"),
    _h("Significant weaknesses", r"the\s+inspection\s+raises\s+significant\s+concerns\s+about\s+the\s+effectiveness\s+of\s+the\s+(?:local\s+)?area", 1, "weakness"),
    _h("Significant weaknesses", r"the\s+(?:local\s+)?area\s+is\s+required\s+to\s+produce\s+and\s+submit", 1, "weakness", True),
    _h("Sign-off", r"yours\s+sincerely"),
    # 2023+ area SEND inspection reports
    _h("Inspection outcome", r"inspection\s+outcome"),
    _h("Information about the local area partnership", r"information\s+about\s+the\s+local\s+area\s+partnership"),
    _h("What is it like to be a child or young person with SEND", r"what\s+is\s+it\s+like\s+to\s+be\s+a\s+child\s+or\s+young\s+person\s+(?:with\s+)?(?:SEND|special\s+educational\s+needs.{0,40}?)\s+in\s+this\s+area"),
    _h("What is the area partnership doing that is effective", r"what\s+is\s+the\s+(?:local\s+)?area\s+partnership\s+doing\s+that\s+is\s+effective", 1, "strength"),
    _h("What does the area partnership need to do better", r"what\s+does\s+the\s+(?:local\s+)?area\s+partnership\s+need\s+to\s+do\s+better", 1, "weakness"),
    _h("Areas for priority action", r"areas?\s+for\s+priority\s+action", 1, "weakness"),
    _h("Local area partnership details", r"local\s+area\s+partnership\s+details"),
    _h("Inspection team", r"inspection\s+team"),
)


# The first words of the multi-line headings: a line that starts so opens a new paragraph.
HEADING_START_RE = re.compile(
    r"^(?:What is it like to be a child|What is the (?:local )?area partnership doing|"
    r"What does the (?:local )?area partnership need|The effectiveness of the local area in)",
    re.I,
)


def match_heading(paragraph: str) -> tuple[Heading, int] | None:
    """The heading a paragraph starts with, and where the heading text ends."""
    for h in HEADINGS:
        m = h.pattern.match(paragraph)
        if m:
            return h, m.end()
    return None


def is_heading_line(line: str) -> bool:
    """A whole line that is nothing but a known heading."""
    s = line.strip()
    if not s or len(s) > 220:
        return False
    hit = match_heading(s)
    return bool(hit and hit[1] >= len(s))
