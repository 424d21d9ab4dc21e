"""Lookups (one area or none) and comparisons (two areas, or one area over time).

A lookup ranks the passages in scope by hybrid retrieval and by how much of the
question's topic they hold, quotes the best few whole, and adds the metadata facts
the question asks for (dates, lead inspector, next inspection, outcome), each cited.
It abstains when nothing in scope holds enough of the topic.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from rag.compose import CitationBook, blockquote, framework_label, letter_label
from rag.evidence import coverage
from rag.question import Query
from rag.types import OUTCOME_LABELS, Finding, Letter

if TYPE_CHECKING:
    from rag.library import Library


@dataclass
class LookupResult:
    text: str = ""
    findings: list[Finding] = field(default_factory=list)
    best_coverage: float = 0.0
    facts: int = 0


def meta_facts(q: Query, letters: list[Letter], book: CitationBook) -> list[str]:
    """Sentences for the metadata the question asks about, one per letter, cited."""
    lines: list[str] = []
    book.mark()
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
        if q.asks_outcome and lt.outcome:
            n = _cite(book, lt, "outcome")
            lines.append(f"{letter_label(lt)}: {OUTCOME_LABELS[lt.outcome]}{n}.")
    return lines


def _cite(book: CitationBook, lt: Letter, key: str) -> str:
    span = lt.evidence.get(key)
    n = book.cite(lt.id, span.start, span.end) if span else None
    return f" [{n}]" if n else ""


def rank_passages(lib: Library, q: Query, idx: list[int], qvec: np.ndarray) -> list[tuple[int, float, float]]:
    """(passage index, score, topic coverage), best first: topic coverage, then similarity."""
    if not idx:
        return []
    fused = lib.index.fused(q.text, qvec, idx)
    dense = lib.index.dense_scores(qvec)
    top_rrf = fused[0][1] if fused else 1.0
    out = []
    for i, rrf in fused:
        cov = coverage(q.terms, lib.weights, lib.passage_stems[i]) if q.terms else 0.0
        score = 0.55 * cov + 0.3 * float(dense[i]) + 0.15 * (rrf / top_rrf)
        out.append((i, score, cov))
    out.sort(key=lambda t: -t[1])
    return out


def lookup(lib: Library, q: Query, letters: list[Letter], book: CitationBook, qvec: np.ndarray,
           *, quotes: int | None = None) -> LookupResult:
    res = LookupResult()
    facts = meta_facts(q, letters, book)
    res.facts = len(facts)
    fact_cites = book.since_mark()
    ids = {lt.id for lt in letters}
    idx = [i for i, p in enumerate(lib.index.passages) if p.letter_id in ids]
    ranked = rank_passages(lib, q, idx, qvec)
    res.best_coverage = max((c for _, _, c in ranked), default=0.0)
    want = quotes or lib.settings.answer.lookup_passages
    chosen = []
    if ranked and (res.best_coverage >= lib.settings.answer.lookup_threshold or not q.terms):
        floor = 0.5 * res.best_coverage
        chosen = [r for r in ranked if r[2] >= floor][:want]
    parts = list(facts)
    by_letter: dict[str, list[int]] = {}
    for c in fact_cites:
        by_letter.setdefault(c.letter_id, []).append(c.n)
    for i in _with_list_continuations(lib, [i for i, _, _ in chosen]):
        p = lib.index.passages[i]
        n = book.cite(p.letter_id, p.start, p.end)
        if n:
            by_letter.setdefault(p.letter_id, []).append(n)
            lt = lib.letter(p.letter_id)
            parts.append(f"**{letter_label(lt)}**, {p.section}:\n\n{blockquote(p.text, n)}")
    for lt in letters:
        ns = by_letter.get(lt.id, [])
        if ns or facts:
            res.findings.append(Finding(lt.area, lt.id, lt.year, "yes" if ns else "not_mentioned",
                                        tuple(ns), "quoted" if ns else ""))
    res.text = "\n\n".join(parts)
    return res


def _with_list_continuations(lib: Library, chosen: list[int], most: int = 3) -> list[int]:
    """A passage that introduces a list ("... the following areas of weakness:") brings the
    rest of the list with it: the next passages of the same section."""
    out: list[int] = []
    for i in chosen:
        if i not in out:
            out.append(i)
        p = lib.index.passages[i]
        if not any(line.rstrip().endswith(":") for line in p.text.split("\n")):
            continue
        j = i + 1
        while j < len(lib.index.passages) and j - i <= most:
            nxt = lib.index.passages[j]
            if nxt.letter_id != p.letter_id or nxt.section != p.section:
                break
            if j not in out:
                out.append(j)
            j += 1
    return out


_HEADLINE_SECTIONS = ("Main findings", "What is the area partnership doing that is effective",
                      "What does the area partnership need to do better")


def headline_passages(lib: Library, lt: Letter) -> list:
    """The first passage of each headline section: what inspectors led with."""
    out = []
    for name in _HEADLINE_SECTIONS:
        for p in lib.passages(lt.id):
            if p.section.split(" > ")[0] == name:
                out.append(p)
                break
    return out


def compare(lib: Library, q: Query, letters: list[Letter], book: CitationBook,
            qvec: np.ndarray) -> LookupResult:
    """Side by side, in date order: per area (two or more areas) or per letter (one area)."""
    res = LookupResult()
    groups: list[tuple[str, list[Letter]]]
    if len(q.areas) >= 2:
        groups = [(a, [lt for lt in letters if lt.area == a]) for a in q.areas]
    else:
        groups = [(letter_label(lt), [lt]) for lt in sorted(letters, key=lambda x: x.date or dt.date.min)]
    parts = []
    for title, group in groups:
        if not group:
            parts.append(f"**{title}**: no letter in scope.")
            continue
        lines = []
        if len(q.areas) < 2:
            lt = group[0]
            n = _cite(book, lt, "outcome") + _cite(book, lt, "outcome_2")
            if lt.outcome:
                lines.append(f"Outcome: {OUTCOME_LABELS[lt.outcome]}{n}.")
            if not q.terms:
                ns = []
                for p in headline_passages(lib, lt):
                    if (k := book.cite(lt.id, p.start, p.end)):
                        ns.append(k)
                        lines.append(f"{p.section}:\n\n{blockquote(p.text, k)}")
                res.findings.append(Finding(lt.area, lt.id, lt.year, "yes", tuple(ns), "headline findings"))
                parts.append(f"### {title}\n\n" + "\n\n".join(lines))
                continue
        sub = lookup(lib, q, group, book, qvec, quotes=2 if q.terms else 1)
        res.best_coverage = max(res.best_coverage, sub.best_coverage)
        res.findings.extend(sub.findings)
        parts.append(f"### {title}\n\n" + "\n\n".join(lines + ([sub.text] if sub.text else [])))
    res.text = "\n\n".join(parts)
    res.facts = sum(1 for f in res.findings if f.citations)
    return res
