"""Score one answer (or one retriever's passages) against one gold case, and aggregate."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from evals import metrics as m
from evals.gold import GoldCase

SUMMARY_KEYS = (
    "set_f1",
    "set_precision",
    "set_recall",
    "forbidden_violations",
    "evidence_recall",
    "citation_precision",
    "verbatim_rate",
    "must_mention",
    "abstention_accuracy",
    "latency_p50_ms",
    "latency_p95_ms",
    "words_p50",
    "words_p90",
)
"""The stable keys of results.json ``summary`` and of each ``by_kind`` entry (more follow
them, never fewer). ``words_*``: answer length in words (``metrics.answer_words``)."""

LOOKUP_WORD_KEYS = ("lookup_words_p50", "lookup_words_p90")
"""Top-level summary only: ``by_kind.lookup``'s answer length (None without lookups)."""

RETRIEVAL_KEYS = ("retrieval_area_recall", "retrieval_evidence_recall", "retrieval_precision")
"""Figures on which sendqa and the baselines are compared like with like."""

SHARE_KEYS = tuple(k for k in SUMMARY_KEYS if not k.startswith(("latency", "forbidden", "words")))


@dataclass
class QuestionResult:
    case: GoldCase
    scores: dict[str, m.Score]
    violations: tuple[str, ...] = ()
    latency_ms: float = 0.0
    answer_text: str = ""
    abstained: bool = False
    yes_areas: tuple[str, ...] = ()
    citations: int = 0
    words: int | None = None
    """Words in the answer text without citation markers; None when the ask failed."""
    error: str | None = None
    reasons: list[str] = field(default_factory=list)
    baselines: dict[str, dict[str, m.Score]] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return not self.reasons

    def to_dict(self) -> dict[str, Any]:
        c = self.case
        return {
            "id": c.id,
            "line": c.line,
            "kind": c.kind,
            "question": c.question,
            "passed": self.passed,
            "reasons": list(self.reasons),
            "scores": {k: _round(s.value) for k, s in self.scores.items()},
            "why": {k: s.reason for k, s in self.scores.items() if s.applies},
            "forbidden_violations": list(self.violations),
            "latency_ms": _round(self.latency_ms, 1),
            "answer": self.answer_text,
            "words": self.words,
            "abstained": self.abstained,
            "yes_areas": list(self.yes_areas),
            "citations": self.citations,
            "error": self.error,
            "baselines": {
                name: {k: _round(s.value) for k, s in scores.items()}
                for name, scores in self.baselines.items()
            },
        }


def _round(x: float | None, nd: int = 4) -> float | None:
    return None if x is None else round(x, nd)


def citations_to_cited(citations: Iterable[Any], letters: Mapping[str, Any]) -> list[m.Cited]:
    """rag Citations as cited spans, each with its letter's inspection year."""
    out = []
    for c in citations:
        letter = letters.get(c.letter_id)
        year = letter.year if letter is not None else None
        if year is None and c.inspection_start is not None:
            year = c.inspection_start.year
        out.append(m.Cited(c.letter_id, c.area, year, c.start, c.end, c.quote))
    return out


def retrieval_scores(case: GoldCase, cited: Sequence[m.Cited], texts: dict[str, str]) -> dict:
    """Expected areas and gold quotes present among passages; share of on-area passages."""
    precision = (
        m.citation_precision(cited, case.expected_areas, case.allowed_areas)
        if case.answerable
        else m.NA
    )
    return {
        "retrieval_area_recall": m.area_recall(cited, case.expected_areas),
        "retrieval_evidence_recall": m.evidence_recall(case.evidence, cited, texts),
        "retrieval_precision": precision,
    }


def score_answer(
    case: GoldCase, answer: Any, cited: Sequence[m.Cited], texts: dict[str, str]
) -> QuestionResult:
    """Every answer-level and retrieval-level figure for one rag Answer."""
    yes = list(answer.yes_areas)
    scores: dict[str, m.Score] = {}
    if case.is_set:
        s = m.set_scores(yes, case.expected_areas, case.allowed_areas, case.forbidden_areas)
        scores |= {"set_f1": s.f1, "set_precision": s.precision, "set_recall": s.recall}
    scores["evidence_recall"] = m.evidence_recall(case.evidence, cited, texts)
    scores["citation_precision"] = m.citation_precision(
        cited, case.expected_areas, case.allowed_areas
    )
    scores["verbatim_rate"] = m.verbatim_rate(cited, texts)
    scores["must_mention"] = m.must_mention(answer.text, case.must_mention)
    scores["abstention_accuracy"] = m.abstention(case.answerable, answer.abstained)
    scores |= retrieval_scores(case, cited, texts)
    result = QuestionResult(
        case=case,
        scores=scores,
        violations=m.forbidden_hits(yes, case.forbidden_areas),
        answer_text=answer.text,
        words=m.answer_words(answer.text),
        abstained=answer.abstained,
        yes_areas=tuple(yes),
        citations=len(m.dedupe(cited)),
    )
    result.reasons = fail_reasons(result)
    return result


def errored(case: GoldCase, error: str) -> QuestionResult:
    """A question the library refused: it scores zero wherever a figure applies."""
    zero = m.Score(0, 1, error)
    scores = {"abstention_accuracy": zero}
    if case.is_set:
        scores |= {"set_f1": zero, "set_precision": zero, "set_recall": zero}
    if case.evidence:
        scores["evidence_recall"] = m.Score(0, len(case.evidence), error)
    if case.must_mention:
        scores["must_mention"] = m.Score(0, len(case.must_mention), error)
    scores |= retrieval_scores(case, [], {})
    return QuestionResult(case=case, scores=scores, error=error, reasons=[f"error: {error}"])


_STRICT = ("set_f1", "evidence_recall", "citation_precision", "verbatim_rate", "must_mention")


def fail_reasons(r: QuestionResult) -> list[str]:
    """Why a question fails: any applicable figure short of perfect, or a forbidden area."""
    out = []
    ab = r.scores["abstention_accuracy"]
    if ab.value != 1:
        out.append(ab.reason)
    if r.violations:
        out.append("forbidden area answered yes: " + ", ".join(r.violations))
    for key in _STRICT:
        s = r.scores.get(key)
        if s is not None and s.applies and s.value is not None and s.value < 1:
            out.append(f"{key}: {s.reason}")
    return out


def aggregate(results: Sequence[QuestionResult]) -> dict[str, Any]:
    """Summary figures over the given questions (shares micro-averaged, F1 macro)."""
    out: dict[str, Any] = {}
    for key in (*SHARE_KEYS, *RETRIEVAL_KEYS):
        value = m.total(r.scores[key] for r in results if key in r.scores)
        out[key] = _round(value)
    out["forbidden_violations"] = sum(len(r.violations) for r in results)
    latencies = [r.latency_ms for r in results if r.error is None]
    out["latency_p50_ms"] = _round(m.percentile(latencies, 50), 1)
    out["latency_p95_ms"] = _round(m.percentile(latencies, 95), 1)
    words = [r.words for r in results if r.words is not None]
    out["words_p50"] = _round(m.percentile(words, 50), 1)
    out["words_p90"] = _round(m.percentile(words, 90), 1)
    out["questions"] = len(results)
    out["passed"] = sum(r.passed for r in results)
    return {k: out[k] for k in (*SUMMARY_KEYS, *RETRIEVAL_KEYS, "questions", "passed")}


def summarise(results: Sequence[QuestionResult]) -> dict[str, Any]:
    """``aggregate`` over all questions, the lookups' answer length (``LOOKUP_WORD_KEYS``)
    and ``by_kind``: the same figures per kind."""
    summary = aggregate(results)
    kinds = sorted({r.case.kind for r in results})
    by_kind = {k: aggregate([r for r in results if r.case.kind == k]) for k in kinds}
    lookup = by_kind.get("lookup", {})
    summary["lookup_words_p50"] = lookup.get("words_p50")
    summary["lookup_words_p90"] = lookup.get("words_p90")
    summary["by_kind"] = by_kind
    return summary


def baseline_summary(
    results: Sequence[QuestionResult], name: str, latencies: list[float], label: str, k: int
) -> dict[str, Any]:
    """A baseline's retrieval-level figures over every question it was run on."""
    out: dict[str, Any] = {"label": label, "k": k}
    for key in RETRIEVAL_KEYS:
        out[key] = _round(m.total(r.baselines[name][key] for r in results if name in r.baselines))
    out["latency_p50_ms"] = _round(m.percentile(latencies, 50), 1)
    out["latency_p95_ms"] = _round(m.percentile(latencies, 95), 1)
    return out
