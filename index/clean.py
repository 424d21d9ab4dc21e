"""Turn extracted text into a letter's canonical text: one paragraph a line.

Removes page footers and page numbers, mends lines broken by PDF wrapping or by
copy-paste (a bullet split over a blank line), straightens curly quotes and drops
markdown emphasis. Citation spans index into the text this returns.
"""

from __future__ import annotations

import re

from index.headings import HEADING_START_RE, is_heading_line, match_heading

BULLET_RE = re.compile(r"^(?:[-•◼■▪●◦▶*]|\uf0b7|\uf0a7)\s+")
_LABEL_RE = re.compile(r"^[A-Z][A-Za-z ]{2,40}:\s")
_FOOTER_RES = (
    re.compile(r"^(?:Area SEND\s+)?(?:inspection|monitoring)[^\n]{0,120}?report:[^\n]*$", re.I),
    re.compile(r"^Page \d+(?: of \d+)?$", re.I),
    re.compile(r"^\d{1,3}$"),
    re.compile(r"^This page is intentionally left blank$", re.I),
)
# The date-and-page line that follows a report's running footer: "20 to 24 January 2025 8".
_FOOTER_DATE_RE = re.compile(r"^[\w ]{0,40}\d{4}\s+\d{1,3}$")
_CHAR_MAP = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\ufffe": "-", "\u00ad": "", "\u00a0": " ", "\u2002": " ", "\u2003": " ",
    "\u2009": " ", "\u200b": "", "\ufeff": "", "\t": "\n", "\r": "\n", "\f": "\n",
})
_TERMINAL = (".", "!", "?", ":", ";", '."', ".'")


def normalise_chars(text: str) -> str:
    text = text.replace("\r\n", "\n").translate(_CHAR_MAP)
    return text.replace("**", "")


def strip_footers(lines: list[str]) -> list[str]:
    out: list[str] = []
    skip_date = False
    for line in lines:
        s = line.strip()
        if skip_date and _FOOTER_DATE_RE.match(s):
            skip_date = False
            continue
        skip_date = False
        if any(r.match(s) for r in _FOOTER_RES):
            skip_date = "report:" in s.lower()
            continue
        out.append(line)
    return out


def _is_wrapped(lines: list[str]) -> int:
    """For hard-wrapped (PDF) text, the length from which a line counts as 'full'."""
    lengths = sorted(len(s) for s in (ln.strip() for ln in lines) if s)
    if len(lengths) < 20:
        return 0
    p90 = lengths[int(len(lengths) * 0.9)]
    return int(p90 * 0.72) if p90 < 140 else 0


def unwrap(lines: list[str]) -> list[str]:
    """Join wrapped lines into paragraphs; keep headings, bullets and labels apart."""
    full = _is_wrapped(lines)
    paras: list[str] = []
    cur = ""
    prev_line = ""
    blank = False
    force_break = False
    for raw in lines:
        s = re.sub(r"\s+", " ", raw).strip()
        if not s:
            blank = True
            continue
        heading = is_heading_line(s)
        opens = bool(HEADING_START_RE.match(s))
        starts_lower = s[0].islower() or s[0] in "(,"
        if not cur:
            cur = s
        elif heading or opens or force_break or BULLET_RE.match(s) or _LABEL_RE.match(s):
            paras.append(cur)
            cur = s
        elif starts_lower and not cur.endswith(_TERMINAL):
            cur += " " + s
        elif blank:
            paras.append(cur)
            cur = s
        elif full and len(prev_line) >= full:
            cur += " " + s
        elif prev_line.endswith(_TERMINAL) or len(prev_line) < 60 and not full:
            paras.append(cur)
            cur = s
        else:
            cur += " " + s
        force_break = heading or bool(_LABEL_RE.match(s))
        prev_line = s
        blank = False
    if cur:
        paras.append(cur)
    # a stray bullet glyph or rule on its own line is not a paragraph
    paras = [p for p in paras if any(ch.isalnum() for ch in p)]
    return _split_run_in_headings(paras)


def _split_run_in_headings(paras: list[str]) -> list[str]:
    """A heading that PDF wrapping ran into its first sentence becomes its own line."""
    out: list[str] = []
    for p in paras:
        hit = match_heading(p)
        if hit and 0 < hit[1] < len(p) and p[hit[1] - 1] in "?:" or (
            hit and 0 < hit[1] < len(p) and hit[0].name.startswith("What")
        ):
            out.append(p[: hit[1]].strip())
            out.append(p[hit[1]:].strip())
        else:
            out.append(p)
    return [p for p in out if p]


def clean_text(raw: str) -> str:
    """Canonical text: normalised characters, no footers, one paragraph per line."""
    lines = strip_footers(normalise_chars(raw).split("\n"))
    return "\n".join(unwrap(lines))
