"""Lookups (one area or none) and comparisons (two areas, or one area over time).

A lookup scores every sentence of the letters in scope against the question (the whole
question and its topic, rag/relevance.py), leads with the one sentence that answers,
quoted and cited, and adds at most two supporting sentences while the answer stays
short; whole passages are for the evidence panel and the reader. Metadata the question
asks for (dates, lead inspector, next inspection, outcome) comes from the letters table,
cited. It abstains when the best sentence is weak, or when the question names something
(a school, a college) that no letter in scope mentions.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from rag.compose import CitationBook, framework_label, letter_label
from rag.question import Query
from rag.sentences import continues
from rag.sweep import topic_variants
from rag.text import STOPWORDS, stem, tokens
from rag.types import OUTCOME_LABELS, Finding, Letter

if TYPE_CHECKING:
    from rag.library import Library

LOOKUP_FLOOR = 0.5  # best relevance in scope below this: nothing answers the question
STRONG = 0.7  # ... and below this when the question uses a word no letter uses
SUPPORT_GAP = 0.2  # supporting sentences score within this of the lead sentence
NUMBER_BONUS = 0.15  # "how many ...": a sentence that holds a number ranks higher
ADMIN_PENALTY = 0.1
MIN_WORDS = 4  # fewer words than this: a heading or label, never a lookup's answer
ADMIN_SECTIONS = ("Introduction", "Information about the local area partnership",
                  "Local area partnership details", "Inspection team", "Sign-off")
# The sections of a report that recommend rather than find ("Leaders should improve X",
# "improving the focus on X"): a finding says how things are, which is what a comparison
# or a lookup asks, unless the question itself asks what should be done.
ADVICE_SECTIONS = ("Areas for priority action", "Areas for improvement")  # whole section path: 2023+ reports
ADVICE_PENALTY = 0.2
_ASKS_ADVICE_RE = re.compile(r"\b(?:should|must|ought|needs?\s+to|have\s+to|has\s+to|recommend\w*|priorit\w*|"
                             r"actions?|next\s+steps?|to\s+do|improve)\b", re.I)
COMPARE_QUOTES = 2  # sentences quoted per letter in a comparison
COMPARE_GAP = 0.45  # ... the second within this of the first (one line per letter: room for two)
LIST_ITEMS = 8  # a lead sentence that opens a list brings up to this many of its items
MAX_WORDS = 100  # the whole answer: label, section and quotes (the median stays well under 80)
_NUMBER_RE = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                        r"twenty|thirty|forty|fifty|hundred|half|third|quarter|twice|double|treble|triple|majority|minority|most|few)\b", re.I)
# What counts as a figure when the question asks for one (Query.asks_figure).
_FIGURE = {
    "count": re.compile(r"\d|%|\bper\s*cent\b|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|"
                        r"twelve|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|"
                        r"half|third|quarter|dozen)\b", re.I),
    "money": re.compile(r"£|\bpounds?\b|\b(?:million|billion)\b", re.I),
    "clock": re.compile(r"\b\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)|\b\d{1,2}:\d{2}\b|\b(?:noon|midday|"
                        r"midnight|o'clock|mornings?|afternoons?|evenings?|weekends?)\b", re.I),
    "address": re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b"),  # a UK postcode
    "phone": re.compile(r"(?:\+44\s?|\b0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b"),
    "web": re.compile(r"\bwww\.|https?://|\b[\w.-]+@[\w-]+\.\w|\b[\w-]+\.(?:gov|nhs|org|co|ac)\.uk\b", re.I),
}
# What the sentences of an inspection's make-up hold: names, addresses, websites.
_CONTACT_KINDS = ("person", "name", "address", "phone", "web")
_HONORIFIC_RE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Professor|Prof|Sir|Dame|Cllr|Councillor|Lord|Lady)\.?\s+[A-Z][a-z]")
_CAPWORD = r"[A-Z][a-z]+(?:['-][A-Za-z][a-z]+)*"
_CAP_PAIR_RE = re.compile(rf"(?=\b({_CAPWORD})\s+({_CAPWORD})\b)")
# ... a year, a key stage, a school year or an age is a label, not the figure asked for.
_LABEL_NUMBER_RE = re.compile(r"\b(?:19|20)\d\d\b|\bkey\s+stages?\s+\d+|\byears?\s+\d+\b|"
                              r"\b\d+\s*(?:-|to|and)?\s*(?:\d+\s*)?-?\s*years?[\s-]*olds?\b|\bages?d?\s+\d+|"
                              # an age band (SEND covers ages 0 to 25): "the 0-25 service", "19-25
                              # age group"; a range with a unit after it is a quantity ("12-18 weeks")
                              r"\b(?:the|aged?|ages|for)\s+['‘]?1?\d\s*(?:-|–|to)\s*(?:[5-9]|1\d|2[0-5])\b"
                              r"(?!\s*(?:%|per\s*cent|weeks?|months?|days?|hours?|minutes?|working)\b)|"
                              r"\b1?\d\s*(?:-|–|to)\s*(?:[5-9]|1\d|2[0-5])(?:\s+ages?\b|\s*[.;]?\s*$)", re.I)
FIGURE_CANDIDATES = 5  # a figure question: one of this many best sentences must hold a figure
_NAME_RE = re.compile(r"(?<![.?!]\s)(?<!^)\b((?:[A-Z][a-z']+|[A-Z]{2,})(?:\s+(?:of\s+|and\s+|the\s+)?"
                      r"(?:[A-Z][a-z']+|[A-Z]{2,}))+)\b")


@dataclass
class LookupResult:
    text: str = ""
    findings: list[Finding] = field(default_factory=list)
    best: float = 0.0
    facts: int = 0
    missing_name: str = ""
    no_figure: bool = False  # the question asks for a figure and no sentence on topic gives one


def meta_facts(q: Query, letters: list[Letter], book: CitationBook) -> list[str]:
    """Sentences for the metadata the question asks about, one per letter, cited."""
    lines: list[str] = []
    for lt in sorted(letters, key=lambda x: x.date or dt.date.min):
        what = framework_label(lt.framework)
        if q.asks_when and lt.inspection_start:
            n = _cite(book, lt, "dates")
            lines.append(f"{lt.area} was inspected from {lt.dates_label()} ({what}){n}.")
        if q.asks_lead and lt.lead_inspector:
            n = _cite(book, lt, "lead_inspector")
            lines.append(f"The {lt.year} {lt.area} inspection was led by {lt.lead_inspector}{n}.")
        if q.asks_next and lt.next_inspection:
            n = _cite(book, lt, "next_inspection")
            lines.append(f"{lt.area} ({lt.year}): {lt.next_inspection}{n}")
        if q.asks_outcome and lt.outcome and not q.topic_specific:
            n = _cite(book, lt, "outcome")
            lines.append(f"{letter_label(lt)}: {OUTCOME_LABELS[lt.outcome]}{n}.")
    return lines


def _cite(book: CitationBook, lt: Letter, key: str) -> str:
    span = lt.evidence.get(key)
    n = book.cite(lt.id, span.start, span.end) if span else None
    return f" [{n}]" if n else ""


def missing_names(q: Query, letters: list[Letter], lib: Library) -> list[str]:
    """Proper names in the question ("Oak Tree Academy", "Riverside College") that no
    letter in scope contains."""
    areas = {a.lower() for a in lib.areas()} | {a.lower() for a in q.unknown_areas}
    text = " ".join(lib.letter_text(lt.id) for lt in letters).lower()
    out = []
    for m in _NAME_RE.finditer(q.text):
        words = [re.sub(r"'s?$", "", w) for w in m.group(1).split()]
        while words and (words[0].lower() in areas or words[0].lower() in ("of", "and", "the")):
            words.pop(0)
        while words and (words[-1].lower() in areas or words[-1].lower() in ("of", "and", "the")):
            words.pop()
        name = " ".join(words)
        if name and not all(w.lower() in areas for w in words) and name.lower() not in text:
            out.append(name)
    return out


def unknown_words(q: Query, lib: Library) -> list[str]:
    """Content words of the question that no sentence of the collection holds ("fees")."""
    post = lib.sentence_index.postings()
    areas = {w.lower() for a in lib.areas() + q.unknown_areas for w in a.split()}
    return [t for t in tokens(q.topic or q.text)
            if t not in STOPWORDS and t not in areas and len(t) > 2 and not t.isdigit()
            and stem(t) not in post and stem(lib.expand(t).split()[0]) not in post]


def names_person(text: str, lower: frozenset[str], areas: frozenset[str]) -> bool:
    """Whether ``text`` names a person: an honorific and a name ("Ms Brown"), or two
    capitalised words next to each other that the collection never writes in lower case and
    that are not area names ("Bernie Brown"; not "Local Authority", "Care Board")."""
    if _HONORIFIC_RE.search(text):
        return True
    for m in _CAP_PAIR_RE.finditer(text):
        pair = (m.group(1).lower(), m.group(2).lower())
        if not any(w in lower or w in areas for w in pair):
            return True
    return False


_PROPER_RE = re.compile(r"(?<=[\w,;:]\s)['‘\"“(]?([A-Z][A-Za-z0-9]*[A-Za-z0-9])")


def names_local(text: str, lower: frozenset[str], areas: frozenset[str], area_count: Callable[[str], int]) -> bool:
    """Whether ``text`` names something of one area's own, by a name the letters coin
    ("the hearing service (HearNow)", "Sight4Kids", "'Ask Alex'"): a capitalised word
    inside the sentence that the collection never writes in lower case and only one area's
    letters use (a local acronym, yes; not "SEND" or "CAMHS", which every area's letters use)."""
    for m in _PROPER_RE.finditer(text):
        w = m.group(1)
        if w.lower() in lower or w.lower() in areas or len(w) < 3:
            continue
        if area_count(w) == 1:
            return True
    return False


def answer_check(lib: Library, kind: str) -> Callable[[str], bool]:
    """Whether a sentence holds the kind of answer the question asks for (Query.asks_figure),
    as one test built once per question."""
    if kind in ("person", "name"):
        si = lib.sentence_index
        lower = si.lower_words()
        areas = frozenset(w.lower() for a in lib.areas() for w in a.split())
        if kind == "person":  # "who chairs X", "who is the head of X"
            return lambda text: names_person(text, lower, areas)
        post = si.postings()

        def area_count(word: str) -> int:
            return len({lib.letter(si.letter_of(int(k))).area for k in post.get(stem(word.lower()), ())})
        # "who is the X service", "the name of the X": a person's name, or one area's own
        return lambda text: names_person(text, lower, areas) or names_local(text, lower, areas, area_count)
    if kind in ("count", "money", "clock"):
        return lambda text: bool(_FIGURE[kind].search(_LABEL_NUMBER_RE.sub(" ", text)))
    return lambda text: bool(_FIGURE[kind].search(text))


def _label(sentence: str) -> bool:
    """A heading or label left in the text: a few words, or a few words all capitalised."""
    words = sentence.split()
    content = [w for w in words if w.lower().strip("'’") not in STOPWORDS]
    return len(words) < MIN_WORDS or (len(words) <= 6 and all(w[:1].isupper() for w in content))


def score_sentences(lib: Library, q: Query, idx: np.ndarray) -> np.ndarray:
    si = lib.sentence_index
    topic = q.topic or q.text
    # The question as asked, less its scope (area names, years): "the 2016 inspection of X"
    # would otherwise pull the letter's introduction, which names both, to the top.
    asked = " ".join(" ".join(c.text for c in q.clauses if c.text).split()) or q.text
    texts = [lib.expand(asked)] + [lib.expand(v) for v in topic_variants(topic)]
    scores = si.score(lib.embed_many(texts), topic, expansions=lib.abbreviations())[idx]
    # Sentences about the inspection itself (who, where, the partnership's make-up) rarely
    # answer a question about provision; facts about them come from the letters table.
    # Names, addresses and websites live there, though, and a name can stand alone as a label.
    contact = q.asks_figure in _CONTACT_KINDS
    holds = answer_check(lib, q.asks_figure) if contact else None
    if not contact:
        admin = np.array([si.passages[int(si.pidx[k])].section.split(" > ")[0] in ADMIN_SECTIONS for k in idx])
        scores = scores - ADMIN_PENALTY * admin
    if not _ASKS_ADVICE_RE.search(q.text):
        advice = np.array([si.passages[int(si.pidx[k])].section in ADVICE_SECTIONS for k in idx])
        scores = scores - ADVICE_PENALTY * advice
    # A heading or label left in the text ("Ofsted", "Director of Children's Services") is
    # not a sentence that answers anything.
    short = np.array([_label(si.text(int(k))) and not (holds and holds(si.text(int(k)))) for k in idx])
    scores = np.where(short, scores - 1.0, scores)
    if q.asks_number:
        has_num = np.array([bool(_NUMBER_RE.search(si.text(int(k)))) for k in idx])
        scores = scores + NUMBER_BONUS * has_num
    return scores


def lookup(lib: Library, q: Query, letters: list[Letter], book: CitationBook, *,
           max_words: int = MAX_WORDS) -> LookupResult:
    res = LookupResult()
    facts = meta_facts(q, letters, book)
    res.facts = len(facts)
    si = lib.sentence_index
    idx = np.concatenate([si.by_letter.get(lt.id, np.zeros(0, np.int64)) for lt in letters]) \
        if letters else np.zeros(0, np.int64)
    parts = list(facts)
    cited: dict[str, list[int]] = {}
    for line in facts:
        for n in map(int, re.findall(r"\[(\d+)\]", line)):
            cited.setdefault(book.items[n - 1].letter_id, []).append(n)
    needs_text = q.topic_specific or not facts
    if len(idx) and needs_text:
        missing = missing_names(q, letters, lib)
        if missing and not facts:
            res.missing_name = missing[0]
            return res
        scores = score_sentences(lib, q, idx)
        order = np.argsort(-scores, kind="stable")
        res.best = float(scores[order[0]])
        # A question word the collection never uses ("fees") needs a strong match elsewhere.
        floor = LOOKUP_FLOOR if not unknown_words(q, lib) else STRONG
        if res.best >= floor and q.asks_figure and not facts:
            # "How much does an EHC plan cost?": a sentence on topic without a figure of the
            # kind asked for does not answer it, however close it is.
            top = [j for j in order[:FIGURE_CANDIDATES] if scores[j] >= floor]
            holds = answer_check(lib, q.asks_figure)
            holding = [j for j in top if holds(si.text(int(idx[j])))]
            if not holding:
                res.no_figure = True
                return res
            if q.asks_figure in _CONTACT_KINDS:  # the sentence that holds it leads
                order = np.concatenate([[holding[0]], order[order != holding[0]]])
                res.best = float(scores[holding[0]])
        if res.best >= floor:
            lead = int(idx[order[0]])
            chosen = [lead]
            label = f"{letter_label(lib.letter(si.letter_of(lead)))} {si.passages[int(si.pidx[lead])].section}"
            words = len(si.text(lead).split()) + len(label.split()) + sum(len(x.split()) for x in facts)
            for j in order[1:12]:
                k = int(idx[j])
                if scores[j] < res.best - SUPPORT_GAP or len(chosen) >= 3:
                    break
                w = len(si.text(k).split())
                if words + w > max_words:
                    continue
                chosen.append(k)
                words += w
            # The sentence after the lead, in the same passage, goes on about it when it is
            # on topic too, or when the lead opens a list ("... include:").
            nxt = lead + 1
            if si.text(lead).rstrip().endswith(":"):
                items, used = [], len(si.text(lead).split()) + len(label.split())
                for k in range(lead + 1, min(len(si), lead + 1 + LIST_ITEMS)):
                    w = len(si.text(k).split())
                    if si.pidx[k] != si.pidx[lead] or (items and used + w > max_words):
                        break
                    items.append(k)
                    used += w
                chosen = [lead] + items
            elif nxt < len(si) and si.pidx[nxt] == si.pidx[lead] and nxt not in chosen:
                pos = np.nonzero(idx == nxt)[0]
                on_topic = (len(pos) and scores[pos[0]] >= LOOKUP_FLOOR) or continues(si.text(nxt))
                if on_topic and words + len(si.text(nxt).split()) <= max_words:
                    chosen.insert(1, nxt)
                    words += len(si.text(nxt).split())
            # A quoted sentence whose next one goes on from it ("In such cases, the delay
            # doubles") brings that one too, while the answer stays short.
            for k in list(chosen):
                nk = k + 1
                if (nk < len(si) and si.pidx[nk] == si.pidx[k] and nk not in chosen and continues(si.text(nk))
                        and words + len(si.text(nk).split()) <= max_words):
                    chosen.insert(chosen.index(k) + 1, nk)
                    words += len(si.text(nk).split())
            # A lead that opens "This ..." / "As a result ..." needs the sentence it leans on.
            prev = lead - 1
            if (prev >= 0 and si.pidx[prev] == si.pidx[lead] and prev not in chosen and continues(si.text(lead))
                    and words + len(si.text(prev).split()) <= max_words):
                chosen.insert(0, prev)
            first = {lead, prev} if prev in chosen else {lead}
            by_letter: dict[str, list[int]] = {}
            for k in chosen:
                by_letter.setdefault(si.letter_of(k), []).append(k)
            for lid, ks in by_letter.items():
                ks = sorted(ks, key=lambda k: (k not in first, int(si.start[k])))
                quotes = []
                for k in ks:
                    n = book.cite(lid, int(si.start[k]), int(si.end[k]))
                    if n:
                        cited.setdefault(lid, []).append(n)
                        quotes.append(f'"{book.quote(n)}" [{n}]')
                if quotes:
                    lt = lib.letter(lid)
                    section = si.passages[int(si.pidx[ks[0]])].section  # the section of its first quote
                    parts.append(f"**{letter_label(lt)}**, {section}: " + " ".join(quotes))
    for lt in letters:
        ns = cited.get(lt.id, [])
        if ns:
            res.findings.append(Finding(lt.area, lt.id, lt.year, "yes", tuple(ns), "quoted"))
    res.text = "\n\n".join(parts)
    return res


_HEADLINE_SECTIONS = ("Main findings", "Inspection outcome",
                      "What is the area partnership doing that is effective",
                      "What does the area partnership need to do better")


def headline(lib: Library, lt: Letter, lean: int = 0) -> list[int]:
    """The first sentence of each headline section: what inspectors led with. With a lean
    ("what does X need to improve?": -1, "what did X do well?": +1) the first sentences of
    the sections filed under that stance come first (weakness / strength headings)."""
    si = lib.sentence_index
    out, seen = [], set()
    if lean:
        want = "weakness" if lean < 0 else "strength"
        for k in si.by_letter.get(lt.id, []):
            p = si.passages[int(si.pidx[k])]
            if p.stance == want and p.section not in seen:
                seen.add(p.section)
                out.append(int(k))
        if out:
            return out
    for k in si.by_letter.get(lt.id, []):
        sec = si.passages[int(si.pidx[k])].section.split(" > ")[0]
        if sec in _HEADLINE_SECTIONS and sec not in seen and sec != "Inspection outcome":
            seen.add(sec)
            out.append(int(k))
    return out


def compare(lib: Library, q: Query, letters: list[Letter], book: CitationBook) -> LookupResult:
    """One line per letter in date order (grouped by area), then the contrast in stance."""
    res = LookupResult()
    si = lib.sentence_index
    ordered = sorted(letters, key=lambda x: (q.areas.index(x.area) if x.area in q.areas else 99,
                                             x.date or dt.date.min))
    lines, leans = [], []
    for lt in ordered:
        idx = si.by_letter.get(lt.id, np.zeros(0, np.int64))
        ks: list[int] = []
        if q.topic_specific and len(idx):
            scores = score_sentences(lib, q, idx)
            order = np.argsort(-scores, kind="stable")
            res.best = max(res.best, float(scores[order[0]]))
            ks = [int(idx[j]) for j in order[:COMPARE_QUOTES]
                  if scores[j] >= max(LOOKUP_FLOOR, scores[order[0]] - COMPARE_GAP)]
            ks.sort()
        elif len(idx):
            lean = next((c.polarity for c in q.clauses if c.polarity and not c.topic), 0)
            ks = headline(lib, lt, lean)[: 2 if lean else 1]
            res.best = max(res.best, 1.0)
        ns = []
        bits = []
        if lt.outcome:
            n = _cite(book, lt, "outcome")
            bits.append(f"outcome: {OUTCOME_LABELS[lt.outcome]}{n}")
            ns += [int(x) for x in re.findall(r"\d+", n)]
        for k in ks:
            n = book.cite(lt.id, *si.quote_span(k))
            if n and n not in ns:
                ns.append(n)
                bits.append(f'"{book.quote(n)}" [{n}]')
        if ks:
            leans.append((lt, float(np.mean([si.lean[k] for k in ks]))))
        if not ks and q.topic_specific:
            bits.append("says nothing on this")
        lines.append(f"- **{letter_label(lt)}**: " + "; ".join(bits))
        if ns:
            res.findings.append(Finding(lt.area, lt.id, lt.year, "yes", tuple(ns), "compared"))
    text = "\n".join(lines)
    if len(leans) >= 2:
        def word(x: float) -> str:
            return "critical" if x > 0.5 else "favourable" if x < -0.5 else "mixed"
        text += "\n\nIn contrast: " + "; ".join(f"{letter_label(lt)} reads {word(x)}" for lt, x in leans) + "."
    res.text = text
    return res
