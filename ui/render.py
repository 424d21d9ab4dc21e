"""Pure functions that turn an Answer into what the UI shows and downloads.

Every piece of text that comes from a letter or a user goes through ``html.escape``
here, so a letter containing ``<script>`` or ``<img onerror>`` is shown as text.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from collections.abc import Mapping, Sequence
from typing import Any

from rag.types import FRAMEWORK_LABELS, OUTCOME_LABELS, Answer, Citation, Finding, Passage

VERDICT_LABELS = {"yes": "yes", "no": "no", "not_mentioned": "not mentioned"}
SET_INTENTS = ("set", "count", "compare")
CSV_COLUMNS = (
    "area", "year", "verdict", "n", "quote", "section", "inspection_start", "inspection_end",
    "framework", "letter_id", "start", "end",
)
_CONTEXT_CHARS = 500  # passage text kept either side of a quote in the evidence panel


def esc(text: Any) -> str:
    """Escape for HTML text and attribute values."""
    return html.escape("" if text is None else str(text), quote=True)


def md_text(text: str) -> str:
    """Neutralise HTML inside Markdown: ``<script>`` renders as the text ``<script>``.

    Only ``&`` and ``<`` are escaped: no tag can open without ``<``, and ``>`` must stay
    as it is for Markdown block quotes.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;")


def dates_label(start: dt.date | None, end: dt.date | None) -> str:
    if start and end and start != end:
        return f"{start.day} {start:%B %Y} to {end.day} {end:%B %Y}"
    if start:
        return f"{start.day} {start:%B %Y}"
    return "date unknown"


def framework_label(framework: str | None) -> str:
    return FRAMEWORK_LABELS.get(framework or "", framework or "")


def filters_label(filters: Mapping[str, Any]) -> str:
    """One plain-text line describing an answer's scope (internal parse keys are left out)."""
    parts: list[str] = []
    areas = filters.get("areas")
    if areas:
        parts.append("areas: " + ", ".join(str(a) for a in areas))
    since, until = filters.get("since"), filters.get("until")
    if since and until:
        parts.append(f"years: {since}-{until}" if since != until else f"year: {since}")
    elif since:
        parts.append(f"years: {since} onwards")
    elif until:
        parts.append(f"years: up to {until}")
    if filters.get("framework"):
        parts.append("framework: " + framework_label(filters["framework"]))
    if filters.get("kind"):
        parts.append(f"kind: {filters['kind']}")
    if filters.get("outcome"):
        parts.append("outcome: " + outcome_label(filters["outcome"]))
    return "; ".join(parts) if parts else "none (all letters)"


def _quote_of(answer: Answer, ns: Sequence[int]) -> list[Citation]:
    by_n = {c.n: c for c in answer.citations}
    return [by_n[n] for n in ns if n in by_n]


def sorted_findings(answer: Answer) -> list[Finding]:
    """Yes first, then no, then not mentioned; the library's order within each."""
    rank = {"yes": 0, "no": 1}
    return sorted(answer.findings, key=lambda f: rank.get(f.verdict, 2))


def findings_rows(answer: Answer) -> list[list[str]]:
    """[area, year, verdict, quote] per finding; quotes carry their [n] markers."""
    rows = []
    for f in sorted_findings(answer):
        quotes = " ".join(f"[{c.n}] \u201c{c.quote}\u201d" for c in _quote_of(answer, f.citations))
        verdict = VERDICT_LABELS.get(f.verdict, f.verdict)
        note = "" if f.reason.strip().lower() == verdict else f.reason
        rows.append([f.area, "" if f.year is None else str(f.year), verdict, quotes or note])
    return rows


def chat_markdown(answer: Answer, filters: Mapping[str, Any]) -> str:
    """The chat message for an answer: its Markdown with HTML escaped, then filters."""
    lines = [md_text(answer.text.strip())]
    label = answer.coverage.label()
    if (answer.intent in SET_INTENTS or answer.findings) and label.lower() not in answer.text.lower():
        lines.append(f"*{md_text(label)}*")
    lines.append(f"**Filters:** {md_text(filters_label(filters))}")
    return "\n\n".join(lines)


def _locate(c: Citation, p: Passage) -> tuple[int, int] | None:
    """Where the quote sits inside the passage text, relative to the passage."""
    if p.start <= c.start and c.end <= p.end:
        a, b = c.start - p.start, c.end - p.start
        if p.text[a:b] == c.quote:
            return a, b
    i = p.text.find(c.quote)
    return (i, i + len(c.quote)) if i >= 0 and c.quote else None


def passage_for(c: Citation, passages: Mapping[str, Passage]) -> Passage | None:
    """The passage a citation points into: by id, else the one whose span covers it."""
    p = passages.get(c.passage_id) if c.passage_id else None
    if p is not None and p.letter_id == c.letter_id:
        return p
    covering = [p for p in passages.values()
                if p.letter_id == c.letter_id and p.start <= c.start and c.end <= p.end]
    return min(covering, key=lambda p: p.end - p.start) if covering else None


def highlight(text: str, start: int, end: int, *, context: int | None = None) -> str:
    """Escape ``text`` and wrap ``text[start:end]`` in <mark>, optionally trimming around it."""
    left, right = 0, len(text)
    if context is not None:
        left, right = max(0, start - context), min(len(text), end + context)
    pre = ("\u2026" if left > 0 else "") + text[left:start]
    post = text[end:right] + ("\u2026" if right < len(text) else "")
    return f'{esc(pre)}<mark class="sq-hl">{esc(text[start:end])}</mark>{esc(post)}'


def citation_html(c: Citation, passage: Passage | None) -> str:
    where = passage and _locate(c, passage)
    if passage is not None and where:
        body = highlight(passage.text, *where, context=_CONTEXT_CHARS)
    else:
        body = f'<mark class="sq-hl">{esc(c.quote)}</mark>'
    head = " \u00b7 ".join(esc(x) for x in (
        dates_label(c.inspection_start, c.inspection_end), framework_label(c.framework), c.section
    ) if x)
    return (
        f'<div class="sq-cite" id="sq-cite-{c.n}">'
        f'<div class="sq-cite-head"><span class="sq-n">[{c.n}]</span> '
        f'<strong class="sq-area">{esc(c.area)}</strong> \u00b7 {head}</div>'
        f'<blockquote class="sq-passage">{body}</blockquote></div>'
    )


def findings_table_html(answer: Answer) -> str:
    rows = []
    for f, row in zip(sorted_findings(answer), findings_rows(answer), strict=True):
        cells = "".join(f"<td>{esc(v)}</td>" for v in row)
        rows.append(f'<tr class="sq-verdict-{esc(f.verdict)}">{cells}</tr>')
    head = "".join(f"<th>{h}</th>" for h in ("Area", "Year", "Verdict", "Quote"))
    return (f'<table class="sq-findings"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def evidence_html(
    answer: Answer | None,
    passages: Mapping[str, Passage] | None = None,
    filters: Mapping[str, Any] | None = None,
) -> str:
    """The evidence panel for one answer: filters, findings table, cited passages."""
    if answer is None:
        return '<div class="sq-evidence"><p class="sq-empty">Ask a question to see its evidence.</p></div>'
    passages = passages or {}
    parts = [
        f'<p class="sq-question"><strong>Question:</strong> {esc(answer.question)}</p>',
        f'<p class="sq-filters"><strong>Filters:</strong> '
        f'{esc(filters_label(filters if filters is not None else answer.filters))}</p>',
    ]
    if answer.findings or answer.intent in SET_INTENTS:
        parts.append(f'<p class="sq-coverage">{esc(answer.coverage.label())}</p>')
    if answer.findings:
        parts.append(findings_table_html(answer))
    if answer.citations:
        parts.append('<h4 class="sq-sources">Sources</h4>')
        parts.extend(citation_html(c, passage_for(c, passages)) for c in answer.citations)
    elif answer.abstained:
        parts.append('<p class="sq-empty">No passage in the letters in scope answers this.</p>')
    return f'<div class="sq-evidence">{"".join(parts)}</div>'


def _csv_cell(value: Any) -> str:
    """Stop spreadsheet formula injection: a cell starting with = + - @ is prefixed with '."""
    s = "" if value is None else str(value)
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s


def _csv_row(f: Finding | None, c: Citation | None, area: str, year: str) -> list[str]:
    return [_csv_cell(v) for v in (
        area, year, VERDICT_LABELS.get(f.verdict, f.verdict) if f else "",
        c.n if c else "", c.quote if c else (f.reason if f else ""), c.section if c else "",
        c.inspection_start if c else "", c.inspection_end if c else "",
        c.framework if c else "", c.letter_id if c else (f.letter_id if f else ""),
        c.start if c else "", c.end if c else "",
    )]


def answer_csv(answer: Answer) -> str:
    """One row per (finding, citation); findings without quotes and uncited lookups too."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    used: set[int] = set()
    for f in answer.findings:
        year = "" if f.year is None else str(f.year)
        cites = _quote_of(answer, f.citations)
        used.update(c.n for c in cites)
        for c in cites or [None]:
            w.writerow(_csv_row(f, c, f.area, year))
    for c in answer.citations:
        if c.n not in used:
            year = str(c.inspection_start.year) if c.inspection_start else ""
            w.writerow(_csv_row(None, c, c.area, year))
    return out.getvalue()


def _md_cell(text: str) -> str:
    return md_text(text).replace("|", "\\|").replace("\n", " ")


def answer_markdown(answer: Answer, filters: Mapping[str, Any] | None = None) -> str:
    """The answer as a Markdown document: question, answer, findings table, sources."""
    lines = [f"# {_md_cell(answer.question)}", "", md_text(answer.text.strip()), "",
             f"Filters: {md_text(filters_label(filters if filters is not None else answer.filters))}"]
    if answer.findings or answer.intent in SET_INTENTS:
        lines += [f"Coverage: {md_text(answer.coverage.label())}"]
    if answer.findings:
        lines += ["", "## Findings", "", "| Area | Year | Verdict | Quote |", "|---|---|---|---|"]
        lines += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in findings_rows(answer)]
    if answer.citations:
        lines += ["", "## Sources", ""]
        for c in answer.citations:
            meta = ", ".join(x for x in (
                c.area, dates_label(c.inspection_start, c.inspection_end),
                framework_label(c.framework), c.section) if x)
            lines += [f"[{c.n}] {md_text(meta)} (letter {md_text(c.letter_id)}, "
                      f"characters {c.start}-{c.end})", "", f"> {_md_cell(c.quote)}", ""]
    return "\n".join(lines).rstrip() + "\n"


def outcome_label(outcome: str | None) -> str:
    return OUTCOME_LABELS.get(outcome or "", outcome or "")
