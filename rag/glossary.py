"""Abbreviations: what an acronym in a question stands for.

Two sources, both expansion only (never a gate on what is on topic):
- the documents themselves: "designated medical officer (DMO)" defines DMO, harvested
  from every letter when the library opens (``harvest``);
- a short table of abbreviations people type that letters rarely define (salt, ot, ep).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

TYPED: dict[str, str] = {
    "dmo": "designated medical officer", "dco": "designated clinical officer",
    "dsco": "designated social care officer", "ehcp": "education, health and care plan",
    "ehcps": "education, health and care plans", "ehc": "education, health and care",
    "iass": "information, advice and support service", "sendiass": "information, advice and support service",
    "camhs": "child and adolescent mental health services", "wsoa": "written statement of action",
    "senco": "special educational needs coordinator", "sencos": "special educational needs coordinators",
    "icb": "integrated care board", "ccg": "clinical commissioning group",
    "neet": "not in education, employment or training", "ap": "alternative provision",
    "asd": "autism", "asc": "autism", "adhd": "attention deficit hyperactivity disorder",
    "salt": "speech and language therapy", "slt": "speech and language therapy",
    "ot": "occupational therapy", "physio": "physiotherapy", "pcf": "parent carer forum",
    "pfa": "preparing for adulthood", "cla": "children looked after", "lac": "looked-after children",
    "ehe": "elective home education", "ebsa": "emotionally based school avoidance",
    "semh": "social, emotional and mental health", "yos": "youth offending service",
    "ep": "educational psychologist", "eps": "educational psychologists",
    "ed psych": "educational psychologist", "dsr": "dynamic support register",
    "hv": "health visitor", "hvs": "health visitors", "lga": "local government association",
    "ld": "learning disability", "sen": "special educational needs", "send": "",
    "gp": "general practitioner", "cyp": "children and young people", "yp": "young people",
    "mh": "mental health", "ks2": "key stage 2", "ks4": "key stage 4", "ks5": "key stage 5",
    "jsna": "joint strategic needs assessment", "dcs": "director of children's services",
    "ceo": "chief executive officer", "phb": "personal health budget", "phbs": "personal health budgets",
    "sendco": "special educational needs coordinator", "sendcos": "special educational needs coordinators",
    "nd": "neurodevelopmental", "sen support": "special educational needs support",
}

_ACRO_RE = re.compile(r"\(([A-Z][A-Za-z]{1,7})\)")
_DEF_RE = re.compile(r"((?:[A-Za-z][\w'-]*[ ,]+(?:and |of |for |with |the |to |&amp; )*){1,7})$")
_WINDOW = 160  # characters before "(DMO)" that may hold its expansion


def harvest(texts: Iterable[str]) -> dict[str, str]:
    """Acronyms the documents define: 'designated medical officer (DMO)' -> dmo."""
    seen: dict[str, Counter] = {}
    for text in texts:
        # Find each "(ACRONYM)" first and read only the words just before it: matching the
        # definition pattern at every position of a letter backtracks for seconds.
        for a in _ACRO_RE.finditer(text):
            m = _DEF_RE.search(text, max(0, a.start() - _WINDOW), a.start())
            if not m:
                continue
            acro = a.group(1)
            letters = [c for c in acro if c.isupper()]
            words = m.group(1).replace(",", " ").split()
            # The expansion is the shortest tail of words whose initials spell the acronym.
            for k in range(len(letters), min(len(words), len(letters) + 4) + 1):
                tail = words[-k:]
                initials = [w[0].upper() for w in tail if w.lower() not in ("and", "of", "for", "with", "the", "to")]
                if initials == letters:
                    seen.setdefault(acro.lower(), Counter())[" ".join(tail).lower()] += 1
                    break
    return {a: c.most_common(1)[0][0] for a, c in seen.items()}


def expand(text: str, defined: dict[str, str] | None = None) -> str:
    """The text with each known abbreviation followed by what it stands for."""
    table = {**(defined or {}), **TYPED}

    def one(m: re.Match[str]) -> str:
        word = m.group(0)
        full = table.get(word.lower())
        if not full or full.lower() in text.lower():
            return word
        return f"{full} ({word})"

    keys = sorted((k for k, v in table.items() if v), key=len, reverse=True)
    if not keys:
        return text
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(k) for k in keys) + r")\b", re.I)
    return pattern.sub(one, text)


def hyphenated(texts: Iterable[str]) -> dict[str, str]:
    """Words the documents usually write with a hyphen, keyed by the word without it, when
    the hyphenated form is more common than the joined one ("coproduction" -> "co-production")."""
    counts: dict[str, int] = {}
    plain: dict[str, int] = {}
    for text in texts:
        low = text.lower()
        for w in re.findall(r"(?<![a-z-])[a-z]+(?:-[a-z]+)+(?![a-z-])", low):
            counts[w] = counts.get(w, 0) + 1
        for w in re.findall(r"[a-z]+", low):
            plain[w] = plain.get(w, 0) + 1
    best: dict[str, str] = {}
    for w, n in counts.items():
        key = w.replace("-", "")
        if n > plain.get(key, 0) and n > counts.get(best.get(key, ""), 0):
            best[key] = w
    return best
