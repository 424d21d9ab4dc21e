"""Set and count questions: check every letter in scope, never a top-k sample.

For each letter the verdict is ``yes`` (it says so), ``no`` (it says the opposite) or
``not_mentioned``. Topic questions read the letter's own sentences (topic terms plus
the lean of their wording and section); outcome and date questions read the letters
table and cite the sentence that establishes the fact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rag.compose import CitationBook, letter_label
from rag.evidence import Sentence, on_topic
from rag.question import Query
from rag.types import OUTCOME_LABELS, Finding, Letter

if TYPE_CHECKING:
    from rag.library import Library


@dataclass
class SweepResult:
    findings: list[Finding] = field(default_factory=list)
    lines: dict[str, str] = field(default_factory=dict)  # letter id -> quoted line


def sweep(lib: Library, q: Query, letters: list[Letter], book: CitationBook) -> SweepResult:
    if q.outcome:
        return _by_outcome(q, letters, book)
    if not q.terms:
        return _by_scope(q, letters, book)
    return _by_topic(lib, q, letters, book)


def _cite_meta(book: CitationBook, lt: Letter, keys: tuple[str, ...]) -> list[int]:
    ns = []
    for k in keys:
        span = lt.evidence.get(k)
        if span and (n := book.cite(lt.id, span.start, span.end)):
            ns.append(n)
    return ns


def _by_outcome(q: Query, letters: list[Letter], book: CitationBook) -> SweepResult:
    res = SweepResult()
    dated = q.since is not None or q.until is not None
    keys = ("outcome", "outcome_2") + (("dates",) if dated else ())
    for lt in letters:
        if lt.outcome == q.outcome:
            ns = _cite_meta(book, lt, keys)
            res.findings.append(Finding(lt.area, lt.id, lt.year, "yes", tuple(ns),
                                        f"outcome: {OUTCOME_LABELS[q.outcome]}"))
            res.lines[lt.id] = " ".join(f'"{book.quote(n)}" [{n}]' for n in ns)
        else:
            label = OUTCOME_LABELS.get(lt.outcome or "", "no outcome stated")
            res.findings.append(Finding(lt.area, lt.id, lt.year, "no", (), f"outcome: {label}"))
    return res


def _by_scope(q: Query, letters: list[Letter], book: CitationBook) -> SweepResult:
    """No topic beyond the filters ("letters from before 2018"): every letter in scope."""
    res = SweepResult()
    for lt in letters:
        ns = _cite_meta(book, lt, ("dates",))
        res.findings.append(Finding(lt.area, lt.id, lt.year, "yes", tuple(ns),
                                    f"inspected {lt.dates_label()}"))
        res.lines[lt.id] = " ".join(f'"{book.quote(n)}" [{n}]' for n in ns)
    return res


def _by_topic(lib: Library, q: Query, letters: list[Letter], book: CitationBook) -> SweepResult:
    res = SweepResult()
    threshold = lib.settings.answer.match_threshold
    per_letter = lib.settings.answer.quotes_per_letter
    for lt in letters:
        hits: list[tuple[float, Sentence]] = []
        for sent in lib.sentences(lt.id):
            cov = on_topic(q.terms, lib.weights, sent, threshold)
            if cov:
                hits.append((cov, sent))
        if q.polarity < 0:
            agree = [h for h in hits if h[1].critical and (h[1].absence or not q.absence)]
            oppose = [h for h in hits if h[1].favourable]
        elif q.polarity > 0:
            agree = [h for h in hits if h[1].favourable]
            oppose = [h for h in hits if h[1].critical]
        else:
            agree, oppose = hits, []
        if agree:
            verdict, chosen = "yes", agree
        elif oppose:
            verdict, chosen = "no", oppose[:1]
        else:
            verdict, chosen = "not_mentioned", []
        chosen = sorted(chosen, key=lambda h: (-h[0], -abs(h[1].lean), h[1].start))[:per_letter]
        chosen = sorted(chosen, key=lambda h: h[1].start)
        if verdict == "yes":
            ns = [n for _, s in chosen if (n := book.cite(lt.id, s.start, s.end))]
            reason = "says so"
        else:
            # Not cited as support for the answer; the opposing sentence is named in the reason.
            ns = []
            text = lib.letter_text(lt.id)
            reason = (f'says the opposite: "{text[chosen[0][1].start:chosen[0][1].end]}"' if chosen
                      else "mentioned without a judgement" if hits else "not mentioned")
        res.findings.append(Finding(lt.area, lt.id, lt.year, verdict, tuple(ns), reason))
        if ns:
            res.lines[lt.id] = " ".join(f'"{book.quote(n)}" [{n}]' for n in ns)
    return res


def compose_set(q: Query, res: SweepResult, letters: dict[str, Letter], in_scope: int,
                scope_label: str) -> str:
    yes = [f for f in res.findings if f.verdict == "yes"]
    no = [f for f in res.findings if f.verdict == "no"]
    yes_areas = sorted({f.area for f in yes})
    count = len(yes)
    if q.intent == "count":
        lead = (f"**{count}** of the {in_scope} letters in scope ({scope_label}) do: "
                + (", ".join(letter_label(letters[f.letter_id]) for f in yes) or "none") + ".")
    elif yes:
        lead = (f"**{len(yes_areas)} area{'s' if len(yes_areas) != 1 else ''}** "
                f"({count} of {in_scope} letters in scope, {scope_label}): " + ", ".join(yes_areas) + ".")
    else:
        lead = f"None of the {in_scope} letters in scope ({scope_label}) says so."
    parts = [lead]
    if yes:
        parts.append("\n".join(f"- **{letter_label(letters[f.letter_id])}**: {res.lines.get(f.letter_id, '')}"
                               for f in yes))
    if no and not q.outcome:
        parts.append("Letters that say the opposite: " + "; ".join(
            letter_label(letters[f.letter_id]) for f in no) + ".")
    return "\n\n".join(parts)
