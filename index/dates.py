"""Parse the date phrases letters use: '20 to 24 January 2025', 'Between 20 May and 24 May 2019'."""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {
    m: i + 1
    for i, m in enumerate(
        "january february march april may june july august september october november december".split()
    )
}
_M = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
RANGE_RE = re.compile(
    r"(\d{1,2})(?:st|nd|rd|th)?\s*" + _M + r"?\s*(\d{4})?\s*(?:to|and|-|–|until)\s*"
    r"(\d{1,2})(?:st|nd|rd|th)?\s+" + _M + r"\s+(\d{4})",
    re.I,
)
SINGLE_RE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+" + _M + r"\s+(\d{4})\b", re.I)


def _date(day: str, month: str, year: str) -> dt.date | None:
    try:
        return dt.date(int(year), MONTHS[month.lower()], int(day))
    except (ValueError, KeyError):
        return None


def parse_range(text: str) -> tuple[dt.date, dt.date, re.Match[str]] | None:
    """First date range in text: (start, end, match)."""
    for m in RANGE_RE.finditer(text):
        d1, m1, y1, d2, m2, y2 = m.groups()
        end = _date(d2, m2, y2)
        start = _date(d1, m1 or m2, y1 or y2)
        if start and end and start > end and not y1:
            start = _date(d1, m1 or m2, str(int(y2) - 1))
        if start and end and start <= end and (end - start).days < 60:
            return start, end, m
    return None


def parse_single(text: str) -> tuple[dt.date, re.Match[str]] | None:
    for m in SINGLE_RE.finditer(text):
        d = _date(*m.groups())
        if d:
            return d, m
    return None
