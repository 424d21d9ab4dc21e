"""Understand a question: areas, years, framework, intent, topic terms and polarity.

Nothing here knows any particular question. The rules read the shapes users ask in
("which areas ...", "how many ...", "when did X ...", "between 2017 and 2019") and
the SEND vocabulary in rag/glossary.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.areas import known_area_names
from rag.glossary import Term, concept_forms, word_term
from rag.text import FRAME_WORDS, NEG_CUES, POS_CUES, STOPWORDS, stem, stem_string

Polarity = int  # -1 asks for criticism, +1 for praise, 0 for any mention

_YEAR = r"(20[0-4]\d|19\d\d)"
_RANGE_RES = (
    (re.compile(r"\bbetween\s+" + _YEAR + r"\s+and\s+" + _YEAR, re.I), "range"),
    (re.compile(r"\bfrom\s+" + _YEAR + r"\s+(?:to|until|-)\s+" + _YEAR, re.I), "range"),
    (re.compile(r"\b" + _YEAR + r"\s*(?:to|-|–)\s*" + _YEAR, re.I), "range"),
    (re.compile(r"\b(?:before|prior\s+to|earlier\s+than)\s+" + _YEAR, re.I), "before"),
    (re.compile(r"\b(?:until|up\s+to|by)\s+" + _YEAR, re.I), "until"),
    (re.compile(r"\b(?:after|later\s+than)\s+" + _YEAR, re.I), "after"),
    (re.compile(r"\b(?:since|from)\s+" + _YEAR, re.I), "since"),
    (re.compile(r"\b(?:in|during)\s+" + _YEAR, re.I), "in"),
)
_SET_RE = re.compile(
    r"^\s*(?:which|what)\s+(?:of\s+the\s+)?(?:local\s+)?(?:areas?|inspections?|letters?|reports?|revisits?|"
    r"partnerships?|councils?|authorities|local\s+area\s+partnerships?|inspection\s+letters?|"
    r"letters\s+or\s+reports|documents?)\b|^\s*(?:in\s+)?which\s+(?:areas|places|letters)\b|"
    r"^\s*where\b|^\s*(?:list|name)\b|^\s*(?:in\s+)?which\s+local\b|"
    r"^\s*which\s+of\s+the\b|\bwhich\s+areas'?\b|^[^?]{0,40},\s*(?:where|which)\b",
    re.I,
)
_COUNT_RE = re.compile(
    r"^\s*how\s+many\s+(?:of\s+the\s+)?(?:local\s+)?(?:areas?|inspections?|letters?|reports?|revisits?|"
    r"partnerships?|local\s+area\s+partnerships?|councils?|documents?)\b",
    re.I,
)
_COMPARE_RE = re.compile(r"\b(?:change|changed|compare|compared|comparison|over\s+time|differ|"
                         r"difference|versus|vs\.?|progress\s+since)\b", re.I)
_JOINT_RE = re.compile(r"\bjoint\b|\b2016\s*(?:to|-|–)\s*2022\b|\bjoint\s+local\s+area\b", re.I)
_AREA2023_RE = re.compile(r"\barea\s+SEND\s+inspection\s+reports?\b|\b2023\s+framework\b|"
                          r"\blocal\s+area\s+partnerships?\b", re.I)

# Outcome phrases a question can ask about; answered from the letters table.
_OUTCOME_RES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("systemic", re.compile(r"systemic|widespread", re.I)),
    ("positive", re.compile(r"positive\s+experiences|typically\s+lead\s+to\s+positive", re.I)),
    ("inconsistent", re.compile(r"inconsistent\s+experiences", re.I)),
    ("insufficient_progress", re.compile(r"(?:insufficient|not\s+(?:made\s+)?(?:sufficient|enough))\s+progress", re.I)),
    ("sufficient_progress", re.compile(r"\bsufficient\s+progress", re.I)),
    ("no_wsoa", re.compile(r"\b(?:no|not|without|n't)\b(?:\s+\w+){0,3}?\s+(?:a\s+)?(?:written\s+statement\s+of\s+action|wsoa)\b", re.I)),
    ("wsoa_required", re.compile(r"(?:written\s+statement\s+of\s+action|wsoa)", re.I)),
)
_OUTCOME_FRAME = {
    "systemic", "widespread", "failing", "failings", "positive", "experience", "experiences",
    "outcome", "outcomes", "inconsistent", "typically", "lead", "leading", "sufficient",
    "insufficient", "progress", "made", "written", "statement", "action", "wsoa", "required",
    "require", "requiring", "need", "needed", "produce", "resulted", "result", "being", "arrangement",
    "arrangements", "significant", "concerns", "concern", "judged", "judgement",
}
_WHEN_RE = re.compile(r"^\s*when\b|\bwhat\s+dates?\b|\bwhich\s+dates?\b", re.I)
_WHO_LED_RE = re.compile(r"\bwho\s+(?:led|leads|was\s+the\s+lead)|\blead\s+inspector\b", re.I)
_NEXT_RE = re.compile(r"\bnext\b.*\binspection\b|\binspection\b.*\bnext\b|\breinspect", re.I)
_CONCLUDE_RE = re.compile(r"\bconclu|\boutcome\b|\bverdict\b|\bjudge?ment\b|\bresult\s+of\b", re.I)
_REVISIT_RE = re.compile(r"\brevisit", re.I)


@dataclass
class Query:
    text: str
    intent: str = "lookup"  # lookup | set | count | compare
    areas: list[str] = field(default_factory=list)
    unknown_areas: list[str] = field(default_factory=list)
    since: int | None = None
    until: int | None = None
    framework: str | None = None
    kind: str | None = None
    outcome: str | None = None
    terms: list[Term] = field(default_factory=list)
    polarity: Polarity = 0
    absence: bool = False  # asks what is missing ("lacked a DMO", "without a ...")
    asks_when: bool = False
    asks_lead: bool = False
    asks_next: bool = False
    asks_outcome: bool = False


def parse_question(text: str, indexed_areas: list[str]) -> Query:
    q = Query(text=text)
    low = text.lower()
    _areas(q, low, indexed_areas)
    _years(q, text)
    if _JOINT_RE.search(text):
        q.framework = "joint_2016"
    elif _AREA2023_RE.search(text) and not q.areas:
        q.framework = "area_2023"
    if _REVISIT_RE.search(text):
        q.kind = "revisit"
    q.asks_when = bool(_WHEN_RE.search(text))
    q.asks_lead = bool(_WHO_LED_RE.search(text))
    q.asks_next = bool(_NEXT_RE.search(text))
    q.asks_outcome = bool(_CONCLUDE_RE.search(text))

    if _COUNT_RE.search(text):
        q.intent = "count"
    elif _SET_RE.search(text) and len(q.areas) != 1:
        q.intent = "set"
    elif len(q.areas) >= 2 or (len(q.areas) == 1 and _COMPARE_RE.search(text)):
        q.intent = "compare"
    if q.intent in ("set", "count"):
        for outcome, pattern in _OUTCOME_RES:
            if pattern.search(text):
                q.outcome = outcome
                break
    _topic(q, text)
    return q


def _areas(q: Query, low: str, indexed: list[str]) -> None:
    found: list[str] = []
    spans: list[tuple[int, int]] = []
    names = {a.lower(): a for a in indexed}
    for surface, canon in sorted(names.items(), key=lambda kv: -len(kv[0])):
        for m in re.finditer(r"\b" + re.escape(surface) + r"\b", low):
            if not any(a <= m.start() < b for a, b in spans):
                spans.append((m.start(), m.end()))
                if canon not in found:
                    found.append(canon)
    q.areas = found
    indexed_keys = {a.lower() for a in indexed}
    for surface, canon in known_area_names().items():
        if canon.lower() in indexed_keys:
            continue
        for m in re.finditer(r"\b" + re.escape(surface) + r"\b", low):
            if not any(a <= m.start() < b for a, b in spans) and canon not in q.unknown_areas:
                q.unknown_areas.append(canon)


def _years(q: Query, text: str) -> None:
    for pattern, how in _RANGE_RES:
        m = pattern.search(text)
        if not m:
            continue
        ys = [int(g) for g in m.groups()]
        if how == "range":
            q.since, q.until = min(ys), max(ys)
        elif how == "before":
            q.until = ys[0] - 1
        elif how == "until":
            q.until = ys[0]
        elif how == "after":
            q.since = ys[0] + 1
        elif how == "since":
            q.since = ys[0]
        elif how == "in":
            q.since = q.until = ys[0]
        return


def _topic(q: Query, text: str) -> None:
    """Topic terms (concepts and content words) and the polarity the question asks for."""
    s = stem_string(re.sub(r"\b(19|20)\d\d\b", " ", text))
    for area in q.areas + q.unknown_areas:
        s = s.replace(stem_string(area), " ")
    terms: list[Term] = []
    for form, label, forms in concept_forms():
        if form in s:
            if label == "wsoa" and q.outcome:
                s = s.replace(form, " ")
                continue
            if all(t.label != label for t in terms):
                terms.append(Term(label, forms))
            s = s.replace(form, " ")
    neg = {stem(w) for w in NEG_CUES}
    pos = {stem(w) for w in POS_CUES}
    frame = {stem(w) for w in FRAME_WORDS | STOPWORDS}
    outcome_frame = {stem(w) for w in _OUTCOME_FRAME} if q.outcome else set()
    polarity = 0
    raw = s.split()
    words: list[str] = []
    sets = q.intent in ("set", "count")
    for w in raw:
        if w in {"prais", "commend", "criticis", "criticism"}:
            polarity = polarity or (1 if w != "criticis" and w != "criticism" else -1)
            continue
        if w in pos or w in {"strength", "effectiv", "good", "positiv"}:
            polarity = polarity or 1
            if sets:
                continue
        elif w in neg or w in {"lack", "concern", "delay", "fail", "weak", "absenc", "miss"}:
            polarity = polarity or -1
            q.absence = q.absence or w in {"lack", "absenc", "absent", "without", "miss", "no"}
            if sets:
                continue
        if w in frame or w in outcome_frame or len(w) < 2:
            continue
        words.append(w)
    # "assessment or diagnosis": either word will do.
    joined = " ".join(raw)
    for w in dict.fromkeys(words):
        term = word_term(w)
        merged = False
        for t in terms:
            if re.search(rf"\b{re.escape(t.label.split()[-1])}\s+or\s+{re.escape(w)}\b", joined) or \
               re.search(rf"\b{re.escape(w)}\s+or\s+{re.escape(t.label.split()[-1])}\b", joined):
                terms[terms.index(t)] = type(t)(t.label + " or " + w, t.forms + term.forms)
                merged = True
                break
        if not merged:
            terms.append(term)
    q.terms = terms
    q.polarity = polarity
