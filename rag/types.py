"""The types every folder shares: Letter, Passage, Citation, Finding, Answer.

They live here once. The UI, the evals and other apps see only these and the
functions exported from ``rag``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Framework = Literal["joint_2016", "area_2023"]
Kind = Literal["inspection", "revisit", "monitoring"]
Outcome = Literal[
    "wsoa_required",
    "no_wsoa",
    "sufficient_progress",
    "insufficient_progress",
    "positive",
    "inconsistent",
    "systemic",
]
Stance = Literal["strength", "weakness", "neutral"]
Verdict = Literal["yes", "no", "not_mentioned"]
Intent = Literal["lookup", "set", "count", "compare", "metadata"]

OUTCOME_LABELS: dict[str, str] = {
    "wsoa_required": "written statement of action required",
    "no_wsoa": "no written statement of action required",
    "sufficient_progress": "sufficient progress on every significant weakness",
    "insufficient_progress": "not enough progress on some significant weaknesses",
    "positive": "arrangements typically lead to positive experiences and outcomes",
    "inconsistent": "arrangements lead to inconsistent experiences and outcomes",
    "systemic": "widespread and/or systemic failings",
}

FRAMEWORK_LABELS: dict[str, str] = {
    "joint_2016": "joint local area SEND inspection (2016-2022 framework)",
    "area_2023": "area SEND inspection (2023 framework)",
}


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def date_int(d: dt.date | None) -> int:
    """yyyymmdd as an integer (Chroma range filters need numbers); 0 for no date."""
    return d.year * 10000 + d.month * 100 + d.day if d else 0


def date_from_int(n: int) -> dt.date | None:
    return dt.date(n // 10000, n // 100 % 100, n % 100) if n else None


@dataclass(frozen=True)
class Span:
    """A half-open character span [start, end) of a letter's canonical text."""

    start: int
    end: int


@dataclass(frozen=True)
class Letter:
    """One inspection letter or report, with metadata read from its own text."""

    id: str
    area: str
    framework: Framework
    kind: Kind
    outcome: Outcome | None
    inspection_start: dt.date | None
    inspection_end: dt.date | None
    letter_date: dt.date | None
    source: str
    content_hash: str
    previous_inspection: str | None = None
    next_inspection: str | None = None
    lead_inspector: str | None = None
    inspectors: tuple[str, ...] = ()
    # Where in the text each metadata fact is established (for citations).
    evidence: dict[str, Span] = field(default_factory=dict, compare=False, hash=False)
    passages: int = 0

    @property
    def year(self) -> int | None:
        d = self.inspection_start or self.letter_date
        return d.year if d else None

    @property
    def date(self) -> dt.date | None:
        return self.inspection_start or self.letter_date

    def dates_label(self) -> str:
        s, e = self.inspection_start, self.inspection_end
        if s and e and s != e:
            return f"{s.day} {s:%B %Y} to {e.day} {e:%B %Y}"
        if s:
            return f"{s.day} {s:%B %Y}"
        return f"{self.letter_date:%B %Y}" if self.letter_date else "date unknown"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "area": self.area,
            "framework": self.framework,
            "kind": self.kind,
            "outcome": self.outcome,
            "inspection_start": _iso(self.inspection_start),
            "inspection_end": _iso(self.inspection_end),
            "letter_date": _iso(self.letter_date),
            "source": self.source,
            "passages": self.passages,
            "previous_inspection": self.previous_inspection,
            "next_inspection": self.next_inspection,
            "lead_inspector": self.lead_inspector,
            "inspectors": list(self.inspectors),
            "content_hash": self.content_hash,
        }


@dataclass(frozen=True)
class Passage:
    """A piece of one section of one letter; ``letter_text[start:end] == text``."""

    id: str
    letter_id: str
    area: str
    date: dt.date | None
    section: str
    stance: Stance
    text: str
    start: int
    end: int
    framework: str = ""
    score: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["date"] = _iso(self.date)
        return d


@dataclass(frozen=True)
class Citation:
    """A verbatim quote from a letter: ``letter_text[start:end] == quote`` was checked."""

    n: int
    letter_id: str
    area: str
    inspection_start: dt.date | None
    inspection_end: dt.date | None
    framework: str
    section: str
    quote: str
    start: int
    end: int
    passage_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "letter_id": self.letter_id,
            "area": self.area,
            "inspection_start": _iso(self.inspection_start),
            "inspection_end": _iso(self.inspection_end),
            "framework": self.framework,
            "section": self.section,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "passage_id": self.passage_id,
        }


@dataclass(frozen=True)
class Finding:
    """What one letter says on the question: ``yes``, ``no`` or ``not_mentioned``."""

    area: str
    letter_id: str
    year: int | None
    verdict: Verdict
    citations: tuple[int, ...] = ()
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "area": self.area,
            "letter_id": self.letter_id,
            "year": self.year,
            "verdict": self.verdict,
            "citations": list(self.citations),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Coverage:
    in_scope: int
    checked: int

    def label(self) -> str:
        return f"checked {self.checked} of {self.in_scope} letters in scope"


@dataclass(frozen=True)
class Answer:
    """The one return shape of ``Library.ask``, whatever the intent or mode."""

    question: str
    text: str
    intent: Intent
    abstained: bool
    findings: tuple[Finding, ...]
    citations: tuple[Citation, ...]
    coverage: Coverage
    filters: dict[str, Any] = field(default_factory=dict)
    timings_ms: dict[str, float] = field(default_factory=dict)
    mode: str = "extractive"
    notes: tuple[str, ...] = ()
    read_as: str = ""
    """How a follow-up question was read in its conversation ("" when it stood alone)."""

    @property
    def yes_areas(self) -> list[str]:
        return sorted({f.area for f in self.findings if f.verdict == "yes"})

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.text,
            "intent": self.intent,
            "abstained": self.abstained,
            "coverage": {"in_scope": self.coverage.in_scope, "checked": self.coverage.checked},
            "findings": [f.to_dict() for f in self.findings],
            "citations": [c.to_dict() for c in self.citations],
            "filters": self.filters,
            "timings_ms": self.timings_ms,
            "mode": self.mode,
            "notes": list(self.notes),
            "read_as": self.read_as,
        }
