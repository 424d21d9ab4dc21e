"""Pure functions for the Letters tab: the letters table and a whole-letter reader."""

from __future__ import annotations

from collections.abc import Sequence

from rag.types import Letter, Passage
from ui.render import esc, framework_label, outcome_label

LETTER_COLUMNS = [
    "Area", "Framework", "Kind", "Outcome", "Inspected from", "Inspected to", "Letter date",
    "Passages", "Letter id",
]


def _iso(d) -> str:
    return d.isoformat() if d else ""


def letters_rows(letters: Sequence[Letter]) -> list[list]:
    """Rows for the letters table; dates are ISO so that sorting by column works."""
    rows = [[
        lt.area, "2016-2022 joint" if lt.framework == "joint_2016" else "2023+ area",
        lt.kind, outcome_label(lt.outcome), _iso(lt.inspection_start), _iso(lt.inspection_end),
        _iso(lt.letter_date), lt.passages, lt.id,
    ] for lt in letters]
    return sorted(rows, key=lambda r: (r[0], r[4]))


def letter_choices(letters: Sequence[Letter]) -> list[tuple[str, str]]:
    """(label, id) pairs for the letter picker, sorted by area then date."""
    ordered = sorted(letters, key=lambda lt: (lt.area, _iso(lt.date)))
    return [(f"{lt.area} \u2014 {lt.dates_label()} ({lt.kind})", lt.id) for lt in ordered]


def _segment(text: str, offset: int, hl: tuple[int, int] | None) -> str:
    """Escape one piece of the letter starting at ``offset``, marking its overlap with ``hl``."""
    if not hl or hl[1] <= offset or hl[0] >= offset + len(text):
        return esc(text)
    a, b = max(hl[0] - offset, 0), min(hl[1] - offset, len(text))
    return (f'{esc(text[:a])}<mark class="sq-hl" id="sq-hl">{esc(text[a:b])}</mark>'
            f"{esc(text[b:])}")


def _gap(text: str, offset: int, hl: tuple[int, int] | None, headings: set[str]) -> str:
    """Text between passages (headings, address blocks), muted; bare heading lines dropped."""
    if not text.strip():
        return ""
    if not (hl and hl[0] < offset + len(text) and hl[1] > offset):
        kept = [ln for ln in text.splitlines() if ln.strip().lower() not in headings]
        if not "".join(kept).strip():
            return ""
        text = "\n".join(kept).strip("\n")
    return f'<div class="sq-gap">{_segment(text, offset, hl)}</div>'


def _meta_html(letter: Letter) -> str:
    facts = [
        ("Inspected", letter.dates_label()),
        ("Letter date", letter.letter_date.isoformat() if letter.letter_date else ""),
        ("Kind", letter.kind),
        ("Outcome", outcome_label(letter.outcome)),
        ("Lead inspector", letter.lead_inspector or ""),
        ("Source", letter.source),
    ]
    items = "".join(f"<li><strong>{k}:</strong> {esc(v)}</li>" for k, v in facts if v)
    return (f'<h3 class="sq-letter-title">{esc(letter.area)} \u2014 '
            f"{esc(framework_label(letter.framework))}</h3><ul class=\"sq-meta\">{items}</ul>")


def reader_html(
    letter: Letter,
    text: str,
    passages: Sequence[Passage],
    highlight: tuple[int, int] | None = None,
) -> str:
    """A whole letter by sections; ``highlight`` (start, end) is marked and scrolled to."""
    ordered = sorted(passages, key=lambda p: p.start)
    headings = {part.strip().lower() for p in ordered for part in p.section.split(">")}
    out = [_meta_html(letter)]
    pos, section = 0, None
    for p in ordered:
        if p.end <= pos:  # overlaps what was already shown
            continue
        start = max(p.start, pos)
        gap = _gap(text[pos:start], pos, highlight, headings)
        if section is None and gap:  # the letter's heading and address block, folded
            is_open = " open" if 'class="sq-hl"' in gap else ""
            gap = (f'<details class="sq-preamble"{is_open}><summary>Letter heading</summary>'
                   f"{gap}</details>")
        out.append(gap)
        if p.section != section:
            out.append(f'<h4 class="sq-section">{esc(p.section)}</h4>')
            section = p.section
        out.append(f'<div class="sq-p" data-passage="{esc(p.id)}">'
                   f"{_segment(text[start:p.end], start, highlight)}</div>")
        pos = p.end
    if not ordered:
        out.append(f'<div class="sq-p">{_segment(text, 0, highlight)}</div>')
    else:
        out.append(_gap(text[pos:], pos, highlight, headings))
    return f'<div class="sq-reader">{"".join(out)}</div>'
