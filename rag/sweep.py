"""Set and count questions: check every letter in scope, never a top-k sample.

Each clause of the question (rag/question.py) is scored against every sentence of the
collection (rag/relevance.py). For each letter in scope a clause is ``yes`` when a
relevant sentence leans the way the clause asks (criticism, praise, or any mention),
``no`` when the letter speaks to the topic only the other way, ``not_mentioned``
otherwise. A negated clause ("did not ...") asks for the opposite lean among the
letters that speak to the topic. Clauses combine with "and" / "or"; an outcome
("systemic failings") is read from the letters table and filters the letters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from rag.compose import CitationBook, letter_label
from rag.direction import completion, completions, direction, directions
from rag.glossary import harvest
from rag.question import Clause, Query
from rag.relevance import BM25_BONUS, FLOOR, Calibrated
from rag.text import STOPWORDS, tokens
from rag.types import OUTCOME_LABELS, Finding, Letter

if TYPE_CHECKING:
    from rag.library import Library

CLEAR_MARGIN = 1.5  # ... below this, a lean read from the question's words is faint (see judge)
POLARITY_MARGIN = 0.5  # |stance logit| of the clause below this: the clause asks for any mention
NEGATED_MARGIN = 1.0  # ... for a negated clause
LEAN_MARGIN = 0.5  # a sentence leans one way when its stance is beyond this (logit units)
MIXED_GAP = 0.1  # a letter that says both: the other way must be this much more on topic to win
STANCE_RANK = 0.05
FOCUSED = 3  # a set answer over this many letters or fewer quotes more of each
FOCUSED_QUOTES = 2  # quotes per letter in a focused answer
# ... a second one may sit this far below the best, if it clearly agrees (plus the BM25 bonus,
# which one of the two may have and the other not)
SUPPORT_GAP = 0.12 + BM25_BONUS
_PARTS_SPLIT_RE = re.compile(r"(,|;|\band/or\b|\bor\b|\bsuch\s+as\b|\bincluding\b|\be\.g\.|\bfor\s+example\b)", re.I)
# A negator inside a clause, after its subject: "the pool is not open", "pupils don't get",
# "no longer too long" (not the clause's first word: that is question negation).
_INNER_NEGATOR_RE = re.compile(r"(?<=\w)\s+(?:(?:do|does|did|is|are|was|were|have|has|had|can|could)\s*"
                               r"(?:not|n't)|not|never|no\s+longer|cannot)\b", re.I)
_NEGATOR_RE = re.compile(r"\b(?:not|no|never|without|nor)\b|n't\b", re.I)


@dataclass
class ClauseCheck:
    clause: Clause
    cal: Calibrated
    polarity: int  # effective polarity after negation: -1 criticism, +1 praise, 0 any
    weak: bool = False  # the lean was read from the clause's words, and only faintly
    against: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    """Sentences stating only the opposite direction of the topic's comparison (rag/direction.py)."""
    along: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    """... and only the topic's own direction."""
    directional: bool = False
    """The topic compares up or down ("suspensions above the England rate"), not completion."""
    complement: bool = False
    """The question asks for the letters saying the opposite of its topic: negated ("did not
    have X above average"), or criticism of a finished thing ("lacked an established X")."""


@dataclass
class LetterVerdict:
    verdict: str  # yes | no | not_mentioned
    sentences: list[int] = field(default_factory=list)  # sentence ids, best first
    reason: str = ""


@dataclass
class SweepResult:
    findings: list[Finding] = field(default_factory=list)
    best: dict[str, int] = field(default_factory=dict)  # letter id -> best citation number
    opposite: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # letter id -> spans saying the opposite
    unclear: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # ... on topic, no clear lean
    checks: list[ClauseCheck] = field(default_factory=list)


def topic_variants(topic: str) -> list[str]:
    """The whole topic and each of its listed parts ("OT or physio" -> both, and each).

    A negation scopes over the "or" after it: "reviews did not record the pupil or parent's
    wishes" is one proposition, not "... the pupil" and "parent's wishes"."""
    pieces = _PARTS_SPLIT_RE.split(topic)  # text, separator, text, ...
    parts = [pieces[0]]
    for sep, text in zip(pieces[1::2], pieces[2::2], strict=True):
        if re.fullmatch(r"\s*(?:or|and/or)\s*", sep, re.I) and _NEGATOR_RE.search(parts[-1]):
            parts[-1] += sep + text
        else:
            parts.append(text)
    parts = [p.strip() for p in parts]
    parts = [p for p in parts if len(re.findall(r"[A-Za-z]{3,}", p)) >= 1 and p != topic]
    return [topic, *dict.fromkeys(parts)]


def is_topic(lib: Library, q: Query, c: Clause) -> bool:
    """Does the clause name something to check each letter for? Beside an outcome ("whose
    SEND arrangements had systemic failings") words that nearly every letter uses are frame;
    otherwise a topic most letters speak to ("waiting times") is still the question."""
    if not c.topic or all(t in STOPWORDS for t in tokens(c.topic)):
        return False
    return not q.outcome or lib.sentence_index.distinctive(lib.expand(c.topic))


def clause_stance(lib: Library, text: str, without: str | None = None) -> float:
    """The learnt stance of a question's clause (less that of ``without``, the clause with
    its negator taken out): as typed, or read in the letters' own register ("Inspectors
    found long waits for X."), whichever is clearer. The stance model learnt from letter
    sentences; a bare fragment ("long waits for X?") can read close to its topic's usual
    lean, while a clause that leans reads so at least one way."""
    def reads(t: str) -> np.ndarray:
        bare = t.strip().rstrip("?.! ").strip()
        return np.array([lib.stance_of(t), lib.stance_of(f"Inspectors found {bare}.")])
    both = reads(text) - (reads(without) if without is not None else 0.0)
    return float(both[int(np.argmax(np.abs(both)))])


def check_clause(lib: Library, c: Clause) -> ClauseCheck:
    si = lib.sentence_index
    raw = topic_variants(c.topic)
    variants = [lib.expand(v) for v in raw]
    # Focus before expanding: an abbreviation's expansion ("education, health and care")
    # is made of near-universal words, and dropping them leaves "( ) ," behind.
    focused = [lib.expand(si.focus(v)) for v in raw]
    scores = si.score(lib.embed_many(variants), c.topic, focus=lib.embed_many(focused),
                      expansions=lib.abbreviations(), alternatives=raw[1:],
                      passage_bm25=lib.index.bm25_scores(c.topic))
    # A list of names and job titles ("..., Chief Nursing Officer, ...") names a topic's
    # words but finds nothing: no letter counts for a set question on such a line.
    scores = np.where(si.name_lines(), np.minimum(scores, FLOOR - 0.01), scores)
    named = harvest([c.topic])
    if named:
        # The question defines a name ("a sensory support officer (SSO)"): a sentence
        # is on topic only if it names that thing, however close a neighbouring role reads.
        scores = np.where(si.naming(named), scores, np.minimum(scores, FLOOR - 0.01))
    against = along = np.zeros(0, np.int64)
    d, axis = direction(c.topic), directions
    if not d:
        d, axis = completion(c.topic), completions
    if d:
        # "attendance above the national average": a sentence saying it is below says the
        # opposite, however close it reads
        cand = np.nonzero(scores >= FLOOR)[0]
        dirs = axis([si.text(int(k)) for k in cand])
        against, along = cand[dirs == -d], cand[dirs == d]
    # "lacked a fully established X", "criticised for not having X in place": the letters
    # saying it is not yet established answer it, as "did not have an established X" would
    complement = c.negated != bool(d and axis is completions and c.polarity < 0)
    cal = si.calibrate(scores)
    polarity = c.polarity
    weak = False
    if not c.explicit:
        # A negated clause ("did not have X") reads as absence unless the clause it negates
        # clearly leans one way; a plain clause takes any clear lean.
        margin = NEGATED_MARGIN if c.negated else POLARITY_MARGIN
        text = lib.expand(c.text or c.topic)
        inner = _INNER_NEGATOR_RE.search(text)
        if inner and not c.negated:
            # "pupils did not get a quick assessment": what the negation does to the stance
            # (the clause against itself without it) is the lean asked for, free of the
            # topic's usual lean ("a quick assessment" reads favourable whatever is said of it).
            logit = clause_stance(lib, text, text[: inner.start()] + " " + text[inner.end():])
        else:
            logit = clause_stance(lib, text)
        polarity = 0 if abs(logit) < margin else (-1 if logit > 0 else 1)
        weak = bool(polarity) and abs(logit) < CLEAR_MARGIN
    if c.negated:
        polarity = -polarity if polarity else -1
    return ClauseCheck(c, cal, polarity, weak, against, along, bool(d) and axis is directions, complement)


def judge(lib: Library, chk: ClauseCheck, letter_id: str) -> LetterVerdict:
    si = lib.sentence_index
    idx = si.by_letter.get(letter_id, np.zeros(0, np.int64))
    rel = chk.cal.relevant(idx)
    if not len(rel):
        return LetterVerdict("not_mentioned", reason="not mentioned")
    rel = rel[np.argsort(-chk.cal.scores[rel], kind="stable")]
    if len(chk.against) or len(chk.along):
        # "below the national average" when asked "above": the opposite, unless a sentence
        # not going that way is nearly as much on topic. Asked "not above", the other way round:
        # "below" is the answer and "above" the opposite.
        wrong, right = (chk.along, chk.against) if chk.complement else (chk.against, chk.along)
        opposite = np.isin(rel, wrong)
        if opposite.any():
            if opposite.all() or chk.cal.scores[rel[opposite]].max() - chk.cal.scores[rel[~opposite]].max() > MIXED_GAP:
                return LetterVerdict("no", list(map(int, rel[opposite])), "says the opposite")
            rel = rel[~opposite]
        if chk.complement and np.isin(rel, right).any():
            return LetterVerdict("yes", list(map(int, rel[np.isin(rel, right)])), "says so")
    if chk.directional and not chk.complement:
        # "suspensions above the England rate": a sentence on suspensions that states no
        # direction ("suspended more often than their classmates") does not say it is above.
        along = rel[np.isin(rel, chk.along)]
        if not len(along):
            return LetterVerdict("not_mentioned", list(map(int, rel)), "mentioned without saying which way it compares")
        rel = along
    if chk.polarity == 0:
        return LetterVerdict("yes", list(map(int, rel)), "mentions it")
    lean = si.lean[rel] * (-chk.polarity)
    # A faint lean in the question ("long waits for X" with no frame word) asks for letters
    # that speak to it, bar those that clearly say the opposite.
    agree = rel[lean > (-LEAN_MARGIN if chk.weak else LEAN_MARGIN)]
    oppose = rel[lean < -LEAN_MARGIN]
    if not len(agree) and not len(oppose):
        return LetterVerdict("not_mentioned", list(map(int, rel)), "mentioned without a clear judgement")
    if len(agree) and len(oppose):
        # Both ways: the letter's clearest word on it decides, unless the other way is
        # nearly as much on topic (then the letter says both, and it counts).
        if chk.cal.scores[oppose].max() - chk.cal.scores[agree].max() > MIXED_GAP:
            agree = agree[:0]
    if len(agree):
        # Best quote first: on topic, and clearly leaning the asked way.
        strength = chk.cal.scores[agree] + STANCE_RANK * np.minimum(si.lean[agree] * (-chk.polarity), 4.0)
        agree = agree[np.argsort(-strength, kind="stable")]
        return LetterVerdict("yes", list(map(int, agree)), "says so")
    # What it says instead, most on topic first (a clear opposite lean counts a little), so
    # the quote shown is the letter's own word on the topic, not a stronger aside.
    other = rel[lean <= LEAN_MARGIN]
    strength = chk.cal.scores[other] + STANCE_RANK * np.minimum(np.maximum(-lean[lean <= LEAN_MARGIN], 0), 4.0)
    return LetterVerdict("no", list(map(int, other[np.argsort(-strength, kind="stable")])), "says the opposite")


def _combine(verdicts: list[LetterVerdict], how: str) -> LetterVerdict:
    if len(verdicts) == 1:
        return verdicts[0]
    kinds = [v.verdict for v in verdicts]
    if how == "or":
        yes = [v for v in verdicts if v.verdict == "yes"]
        if yes:
            return LetterVerdict("yes", [s for v in yes for s in v.sentences], yes[0].reason)
    elif all(k == "yes" for k in kinds):
        return LetterVerdict("yes", [s for v in verdicts for s in v.sentences[:2]], verdicts[0].reason)
    if "no" in kinds:
        no = next(v for v in verdicts if v.verdict == "no")
        return LetterVerdict("no", no.sentences, no.reason)
    if how == "and" and "yes" in kinds:
        return LetterVerdict("not_mentioned", [], "only part of the question is mentioned")
    return LetterVerdict("not_mentioned", [], "not mentioned")


def sweep(lib: Library, q: Query, letters: list[Letter], book: CitationBook) -> SweepResult:
    res = SweepResult()
    checks = [check_clause(lib, c) for c in q.clauses if is_topic(lib, q, c)]
    res.checks = checks
    quotes = lib.settings.answer.quotes_per_letter
    for lt in letters:
        if q.outcome:
            match = (lt.outcome == q.outcome) != q.outcome_negated
            if not match:
                label = OUTCOME_LABELS.get(lt.outcome or "", "no outcome stated")
                res.findings.append(Finding(lt.area, lt.id, lt.year, "no", (), f"outcome: {label}"))
                continue
        if not checks:
            dated = q.since is not None or q.until is not None
            keys = (("outcome", "outcome_2") + (("dates",) if dated else ())) if q.outcome else ("dates",)
            ns = _cite_meta(book, lt, keys)
            reason = (f"outcome: {OUTCOME_LABELS[lt.outcome]}" if q.outcome and lt.outcome
                      else f"inspected {lt.dates_label()}")
            if q.outcome and q.outcome_negated:
                reason = f"outcome: {OUTCOME_LABELS.get(lt.outcome or '', 'no outcome stated')}"
            res.findings.append(Finding(lt.area, lt.id, lt.year, "yes", tuple(ns), reason))
            if ns:
                res.best[lt.id] = ns[0]
            continue
        v = _combine([judge(lib, chk, lt.id) for chk in checks], q.combine)
        ns: list[int] = []
        if v.verdict == "yes":
            if q.outcome:  # the outcome that admitted the letter is part of the answer
                ns += _cite_meta(book, lt, ("outcome",))
            spans: list[tuple[int, int]] = []
            for k in _dedupe(v.sentences):
                a, b = lib.sentence_index.quote_span(k)
                if any(x <= a and b <= y for x, y in spans):
                    continue  # already quoted with the sentence it belongs to
                if len(spans) >= quotes:
                    break
                spans.append((a, b))
                n = book.cite(lt.id, a, b)
                if n:
                    ns.append(n)
            if len(letters) <= FOCUSED and len(spans) == 1:
                k = _support(lib, checks[0], lt.id, v.sentences[0])
                if k is not None:
                    a, b = lib.sentence_index.quote_span(k)
                    if not any(x <= a and b <= y for x, y in spans) and (n := book.cite(lt.id, a, b)):
                        ns.append(n)
            if ns:
                res.best[lt.id] = ns[-min(len(ns), quotes)] if q.outcome else ns[0]
            reason = v.reason
        elif v.verdict == "no" and v.sentences:
            k = v.sentences[0]
            reason = f'says the opposite: "{lib.sentence_index.text(k)}"'
            si = lib.sentence_index
            res.opposite[lt.id] = [si.quote_span(k) for k in _dedupe(v.sentences)[:2]]
        else:
            reason = v.reason
            if v.sentences:
                si = lib.sentence_index
                res.unclear[lt.id] = [si.quote_span(k) for k in _dedupe(v.sentences)[:2]]
        res.findings.append(Finding(lt.area, lt.id, lt.year, v.verdict if (ns or v.verdict != "yes")
                                    else "not_mentioned", tuple(ns), reason))
    return res


def _support(lib: Library, chk: ClauseCheck, letter_id: str, best: int) -> int | None:
    """A second sentence for a letter a focused answer quotes: the next most on-topic one,
    nearly as close to the topic as the best (SUPPORT_GAP) and clearly leaning the way asked,
    so a letter that says so twice is shown saying so twice."""
    si = lib.sentence_index
    idx = si.by_letter.get(letter_id, np.zeros(0, np.int64))
    scores = chk.cal.scores
    order = idx[np.argsort(-scores[idx], kind="stable")]
    for k in order[:4]:
        k = int(k)
        if k == best or si.quote_span(k) == si.quote_span(best):
            continue
        if scores[k] < scores[best] - SUPPORT_GAP:
            return None
        if chk.polarity and si.lean[k] * (-chk.polarity) < CLEAR_MARGIN:
            continue
        return k
    return None


def _dedupe(ids: list[int]) -> list[int]:
    return list(dict.fromkeys(ids))


def _cite_meta(book: CitationBook, lt: Letter, keys: tuple[str, ...]) -> list[int]:
    ns = []
    for k in keys:
        span = lt.evidence.get(k)
        if span and (n := book.cite(lt.id, span.start, span.end)):
            ns.append(n)
    return ns


def compose_set(q: Query, res: SweepResult, letters: dict[str, Letter], book: CitationBook,
                in_scope: int, scope_label: str) -> str:
    """The lead line (how many, of how many checked), then one best quote per letter."""
    yes = [f for f in res.findings if f.verdict == "yes"]
    no = [f for f in res.findings if f.verdict == "no"]
    silent = [f for f in res.findings if f.verdict == "not_mentioned"]
    yes_areas = sorted({f.area for f in yes})
    docs = "document" if in_scope == 1 else "documents"
    if q.intent == "count" and q.count_unit == "documents" and not res.checks and not q.outcome:
        lead = (f"**{len(yes)} {docs}** in scope ({scope_label})"
                + (": " + ", ".join(letter_label(letters[f.letter_id]) for f in yes) if yes else "") + ".")
    elif q.intent == "count" and q.count_unit == "documents":
        lead = (f"**{len(yes)} of the {in_scope} {docs}** in scope ({scope_label}) do"
                + (": " + ", ".join(letter_label(letters[f.letter_id]) for f in yes) if yes else "") + ".")
    elif q.intent == "count":
        lead = (f"**{len(yes_areas)} area{'s' if len(yes_areas) != 1 else ''}** "
                f"({len(yes)} of the {in_scope} {docs} checked, {scope_label})"
                + (": " + ", ".join(yes_areas) if yes_areas else "") + ".")
    elif yes:
        lead = (f"**{len(yes_areas)} area{'s' if len(yes_areas) != 1 else ''}** "
                f"({len(yes)} of the {in_scope} {docs} checked, {scope_label}): " + ", ".join(yes_areas) + ".")
    else:
        lead = f"None of the {in_scope} {docs} in scope ({scope_label}) says so."
    parts = [lead]
    if yes:
        lines = []
        focused = in_scope <= FOCUSED
        for f in yes:
            n = res.best.get(f.letter_id)
            ns = [x for x in f.citations if x != n][: FOCUSED_QUOTES - 1] if focused else []
            quote = " ".join(f'"{book.quote(x)}" [{x}]' for x in ([n] if n else []) + ns) or f.reason
            lines.append(f"- **{letter_label(letters[f.letter_id])}**: {quote}")
        parts.append("\n".join(lines))
    topic_no = [f for f in no if f.letter_id in res.opposite]
    if topic_no and (not yes or in_scope <= FOCUSED) and len(topic_no) <= FOCUSED:
        # Nothing says so, or the question is about a few letters: show, cited, what the
        # letters that speak to it the other way say.
        lines = []
        for f in topic_no:
            ns = [n for a, b in res.opposite[f.letter_id][: FOCUSED_QUOTES if in_scope <= FOCUSED else 1]
                  if (n := book.cite(f.letter_id, a, b))]
            if ns:
                quotes = " ".join(f'"{book.quote(n)}" [{n}]' for n in ns)
                lines.append(f"- **{letter_label(letters[f.letter_id])}** says the opposite: {quotes}")
        parts.append("\n".join(lines))
    elif topic_no:
        parts.append("Say the opposite: " + "; ".join(letter_label(letters[f.letter_id]) for f in topic_no) + ".")
    unclear = [f for f in silent if f.letter_id in res.unclear]
    if unclear and in_scope <= FOCUSED:
        # A question about a letter or two: what they say on it, even without a clear lean.
        lines = []
        for f in unclear:
            ns = [n for a, b in res.unclear[f.letter_id][:FOCUSED_QUOTES] if (n := book.cite(f.letter_id, a, b))]
            if ns:
                quotes = " ".join(f'"{book.quote(n)}" [{n}]' for n in ns)
                lines.append(f"- **{letter_label(letters[f.letter_id])}** speaks to it without a clear lean: {quotes}")
        parts.append("\n".join(lines))
    if silent and res.checks:
        parts.append(f"Not mentioned in {len(silent)} of the {in_scope} {docs}.")
    return "\n\n".join(parts)
