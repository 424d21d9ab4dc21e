"""Small, pure, deterministic scorers. Each returns a value and the reason for it.

A ``Score`` is a ratio ``num / den`` so that figures aggregate exactly: summing
numerators and denominators over questions gives the share over all items
(quotes, citations, key facts); per-question figures such as F1 use ``den = 1``
so the aggregate is their mean. ``den == 0`` means "does not apply" (value None).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

COVERED_SHARE = 0.5
"""A gold quote is covered when at least this share of its characters lie in cited spans."""

_CHAR_MAP = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u0060\u00b4", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"),
    "\u00ad": "",
}


@dataclass(frozen=True)
class Score:
    num: float
    den: float
    reason: str = ""

    @property
    def value(self) -> float | None:
        return self.num / self.den if self.den else None

    @property
    def applies(self) -> bool:
        return self.den > 0


NA = Score(0.0, 0.0, "does not apply")


def total(scores: Iterable[Score]) -> float | None:
    """Aggregate: sum of numerators over sum of denominators (None when nothing applies)."""
    num = den = 0.0
    for s in scores:
        num += s.num
        den += s.den
    return num / den if den else None


# --- normalisation -------------------------------------------------------------------


def area_key(name: str) -> str:
    """Compare area names case- and spacing-insensitively ("City of X" == "X")."""
    key = " ".join(name.replace("&", " and ").casefold().split())
    for prefix in ("the ", "city of "):
        key = key.removeprefix(prefix)
    for suffix in (" local area", " council"):
        key = key.removesuffix(suffix)
    return key


@lru_cache(maxsize=128)
def _norm_map(text: str) -> tuple[str, tuple[int, ...]]:
    """Normalised text and, for each of its characters, the index it came from."""
    out: list[str] = []
    where: list[int] = []
    in_space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if not in_space:
                out.append(" ")
                where.append(i)
            in_space = True
            continue
        in_space = False
        rep = _CHAR_MAP.get(ch, ch)
        if len(rep) == 1 and not rep.isascii():
            rep = unicodedata.normalize("NFKC", rep)
        for r in rep:
            out.append(r)
            where.append(i)
    return "".join(out), tuple(where)


def normalise(text: str) -> str:
    """Whitespace collapsed, curly quotes and dashes made plain, soft hyphens dropped."""
    return _norm_map(text)[0].strip()


def locate(quote: str, text: str) -> list[tuple[int, int]]:
    """Every [start, end) span of ``text`` that equals ``quote`` after normalisation."""
    needle = normalise(quote)
    if not needle:
        return []
    hay, where = _norm_map(text)
    spans = []
    i = hay.find(needle)
    while i >= 0:
        spans.append((where[i], where[i + len(needle) - 1] + 1))
        i = hay.find(needle, i + 1)
    return spans


def mentions(text: str, item: str) -> bool:
    """Case-insensitive find of ``item`` (``a|b``: either) in ``text``.

    An alternative must start at a word boundary ("sufficient progress" is not found in
    "insufficient progress") and, when it ends in a digit, end at one ("4" is not in "2024").
    """
    hay = normalise(text).casefold()
    for alt in item.split("|"):
        alt = normalise(alt).casefold()
        if not alt:
            continue
        pattern = re.escape(alt)
        if alt[0].isalnum():
            pattern = r"(?<![0-9a-z])" + pattern
        if alt[-1].isdigit():
            pattern += r"(?![0-9])"
        if re.search(pattern, hay):
            return True
    return False


# --- spans ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Cited:
    """A span of one letter that an answer cites or a retriever returns."""

    letter_id: str
    area: str
    year: int | None
    start: int
    end: int
    quote: str = ""


class EvidenceLike(Protocol):
    area: str
    year: int
    quote: str


def dedupe(cited: Iterable[Cited]) -> list[Cited]:
    """Drop repeats (same letter, span and quote), keeping first-seen order."""
    seen: set[tuple[str, int, int, str]] = set()
    out = []
    for c in cited:
        key = (c.letter_id, c.start, c.end, c.quote)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def covered_chars(span: tuple[int, int], spans: Iterable[tuple[int, int]]) -> int:
    """How many characters of ``span`` lie inside the union of ``spans``."""
    lo, hi = span
    clipped = sorted((max(s, lo), min(e, hi)) for s, e in spans if min(e, hi) > max(s, lo))
    count, reach = 0, lo
    for s, e in clipped:
        s = max(s, reach)
        if e > s:
            count += e - s
            reach = e
    return count


def quote_coverage(ev: EvidenceLike, cited: Sequence[Cited], texts: dict[str, str]) -> float:
    """Best share of the gold quote's characters inside spans cited from one letter of its
    area and year (0.0 when no such letter is cited or the quote is not in it)."""
    by_letter: dict[str, list[tuple[int, int]]] = {}
    for c in cited:
        if area_key(c.area) == area_key(ev.area) and c.year == ev.year:
            by_letter.setdefault(c.letter_id, []).append((c.start, c.end))
    best = 0.0
    for letter_id, spans in by_letter.items():
        text = texts.get(letter_id)
        if text is None:
            continue
        for s, e in locate(ev.quote, text):
            best = max(best, covered_chars((s, e), spans) / (e - s))
    return best


def evidence_recall(
    evidence: Sequence[EvidenceLike], cited: Sequence[Cited], texts: dict[str, str]
) -> Score:
    """Share of gold quotes covered (>= half their characters) by cited spans of the same
    area and year. ``texts`` maps letter id to canonical letter text."""
    if not evidence:
        return NA
    missing = []
    hit = 0
    for ev in evidence:
        if quote_coverage(ev, cited, texts) >= COVERED_SHARE:
            hit += 1
        else:
            missing.append(f"{ev.area} {ev.year} {_short(ev.quote)!r}")
    reason = f"{hit}/{len(evidence)} gold quotes covered"
    if missing:
        reason += "; missing " + "; ".join(missing)
    return Score(hit, len(evidence), reason)


# --- areas ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SetScore:
    precision: Score
    recall: Score
    f1: Score
    missed: tuple[str, ...]
    extra: tuple[str, ...]
    violations: tuple[str, ...]


def _keyed(areas: Iterable[str]) -> dict[str, str]:
    return {area_key(a): a for a in areas}


def forbidden_hits(yes_areas: Iterable[str], forbidden: Iterable[str]) -> tuple[str, ...]:
    """Forbidden areas the answer says ``yes`` for."""
    banned = _keyed(forbidden)
    return tuple(sorted({banned[k] for k in _keyed(yes_areas) if k in banned}))


def set_scores(
    yes_areas: Iterable[str],
    expected: Iterable[str],
    allowed: Iterable[str] = (),
    forbidden: Iterable[str] = (),
) -> SetScore:
    """Precision, recall and F1 of the ``yes`` areas against the expected set.

    Allowed areas count neither way. Empty expected and empty answer is a perfect 1.0;
    an empty answer to a non-empty expected set scores 0 on all three.
    """
    exp = _keyed(expected)
    ok = _keyed(allowed)
    said = {k: v for k, v in _keyed(yes_areas).items() if k not in ok or k in exp}
    tp = [k for k in said if k in exp]
    missed = tuple(sorted(exp[k] for k in exp if k not in said))
    extra = tuple(sorted(said[k] for k in said if k not in exp))
    violations = forbidden_hits(said.values(), forbidden)
    if not exp and not said:
        p = r = f = 1.0
    else:
        p = len(tp) / len(said) if said else 0.0
        r = len(tp) / len(exp) if exp else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
    parts = [f"{len(tp)} of {len(exp)} expected areas answered yes"]
    if missed:
        parts.append("missed " + ", ".join(missed))
    if extra:
        parts.append("extra " + ", ".join(extra))
    if violations:
        parts.append("FORBIDDEN " + ", ".join(violations))
    reason = "; ".join(parts)
    return SetScore(
        precision=Score(p, 1, reason),
        recall=Score(r, 1, reason),
        f1=Score(f, 1, reason),
        missed=missed,
        extra=extra,
        violations=violations,
    )


def citation_precision(
    cited: Sequence[Cited], expected: Iterable[str], allowed: Iterable[str] = ()
) -> Score:
    """Share of distinct cited spans that come from expected or allowed areas."""
    spans = dedupe(cited)
    if not spans:
        return Score(0, 0, "no citations")
    ok = set(_keyed(expected)) | set(_keyed(allowed))
    off = sorted({c.area for c in spans if area_key(c.area) not in ok})
    good = sum(1 for c in spans if area_key(c.area) in ok)
    reason = f"{good}/{len(spans)} citations from expected or allowed areas"
    if off:
        reason += "; others from " + ", ".join(off)
    return Score(good, len(spans), reason)


def area_recall(cited: Sequence[Cited], expected: Iterable[str]) -> Score:
    """Share of expected areas present among the cited or retrieved spans."""
    exp = _keyed(expected)
    if not exp:
        return NA
    present = {area_key(c.area) for c in cited}
    missing = sorted(exp[k] for k in exp if k not in present)
    reason = f"{len(exp) - len(missing)}/{len(exp)} expected areas present"
    if missing:
        reason += "; missing " + ", ".join(missing)
    return Score(len(exp) - len(missing), len(exp), reason)


# --- text ----------------------------------------------------------------------------


def verbatim_rate(cited: Sequence[Cited], texts: dict[str, str]) -> Score:
    """Share of distinct citations whose quote is found exactly in the stored letter text."""
    spans = dedupe(cited)
    if not spans:
        return Score(0, 0, "no citations")
    bad = [c for c in spans if not c.quote or c.quote not in texts.get(c.letter_id, "")]
    moved = sum(1 for c in spans if c not in bad and texts[c.letter_id][c.start : c.end] != c.quote)
    reason = f"{len(spans) - len(bad)}/{len(spans)} quotes verbatim"
    if bad:
        reason += "; not found: " + "; ".join(repr(_short(c.quote)) for c in bad[:3])
    if moved:
        reason += f"; {moved} found at other offsets than cited"
    return Score(len(spans) - len(bad), len(spans), reason)


def must_mention(text: str, items: Sequence[str]) -> Score:
    """Share of key facts found in the answer text (case-insensitive, ``a|b``: either)."""
    if not items:
        return NA
    missing = [i for i in items if not mentions(text, i)]
    reason = f"{len(items) - len(missing)}/{len(items)} key facts mentioned"
    if missing:
        reason += "; missing " + ", ".join(repr(m) for m in missing)
    return Score(len(items) - len(missing), len(items), reason)


_MARKER = re.compile(r"\[\d+(?:\s*[,;\u2013-]\s*\d+)*\]")
_WORDY = re.compile(r"[^\W_]")


def answer_words(text: str) -> int:
    """Words in an answer's text, citation markers (``[3]``, ``[1, 2]``) left out.

    A word is a whitespace-separated token holding a letter or digit, so Markdown bullets,
    emphasis marks and dashes standing alone do not count; "2019-2025" is one word.
    """
    return sum(1 for tok in _MARKER.sub(" ", text).split() if _WORDY.search(tok))


def abstention(answerable: bool, abstained: bool) -> Score:
    """1 when an unanswerable question abstains or an answerable one does not."""
    if answerable:
        ok, why = not abstained, "abstained on an answerable question" if abstained else "answered"
    else:
        ok = abstained
        why = "abstained as it should" if abstained else "answered an unanswerable question"
    return Score(1 if ok else 0, 1, why)


# --- timing --------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) by linear interpolation between closest ranks."""
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def _short(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 3] + "..."
