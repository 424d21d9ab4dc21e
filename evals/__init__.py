"""Gold-suite evaluation of sendqa: deterministic metrics, baselines, and a report.

from evals import run_eval, write_report, check_thresholds
result = run_eval("evals/gold/seed.jsonl", store=".sendqa/store", baselines=True)
write_report(result, "out")
failures = check_thresholds(result.summary)
"""

from evals.gold import Evidence, GoldCase, GoldError, load_gold, validate_evidence
from evals.metrics import Cited, Score
from evals.report import write_report
from evals.runner import EvalResult, run_eval
from evals.scoring import QuestionResult
from evals.thresholds import ThresholdError, check_thresholds

__all__ = [
    "Cited",
    "EvalResult",
    "Evidence",
    "GoldCase",
    "GoldError",
    "QuestionResult",
    "Score",
    "ThresholdError",
    "check_thresholds",
    "load_gold",
    "run_eval",
    "validate_evidence",
    "write_report",
]
