"""Gold-suite evaluation of sendqa: deterministic metrics, baselines, and a report.

from evals import run_eval, run_suites, write_report, check_thresholds
result = run_eval("evals/gold/seed.jsonl", store=".sendqa/store", baselines=True)
write_report(result, "out")
failures = check_thresholds(result.summary)              # the seed suite's bounds

# Several suites against one index (built or opened once), each gated on its own bounds:
for r in run_suites(["seed", "dev", "heldout"], corpus=["data/corpus"]):
    write_report(r, f"out/{r.meta['suite']}")
    failures = check_thresholds(r.summary, suite=r.meta["suite"])
"""

from evals.gold import (
    Evidence,
    GoldCase,
    GoldError,
    load_gold,
    resolve_gold,
    suite_name,
    validate_evidence,
)
from evals.metrics import Cited, Score
from evals.report import write_report
from evals.runner import EvalResult, run_eval, run_suites
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
    "resolve_gold",
    "run_eval",
    "run_suites",
    "suite_name",
    "validate_evidence",
    "write_report",
]
