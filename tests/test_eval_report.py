"""The CI gate's threshold check, the report files and the eval CLI's arguments."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from evals.cli import register
from evals.gold import Evidence, GoldCase
from evals.metrics import Score
from evals.report import render_markdown, write_report
from evals.runner import EvalResult
from evals.scoring import SUMMARY_KEYS, QuestionResult, summarise
from evals.thresholds import ThresholdError, check_thresholds, load_thresholds

PASSING = {
    "set_f1": 0.95,
    "forbidden_violations": 0,
    "evidence_recall": 0.9,
    "verbatim_rate": 1.0,
    "must_mention": 1.0,
    "by_kind": {"unanswerable": {"abstention_accuracy": 1.0}},
}


def test_shipped_thresholds_are_the_bar():
    t = load_thresholds()
    assert t["min"]["set_f1"] == 0.9
    assert t["min"]["verbatim_rate"] == 1.0
    assert t["min"]["evidence_recall"] == 0.9
    assert t["min"]["must_mention"] == 0.9
    assert t["min"]["by_kind.unanswerable.abstention_accuracy"] == 1.0
    # The bar is 0; the one allowance is a documented disagreement with the seed gold
    # (agg-part-time / Sandwell 2023 "reduced timetables"; see thresholds.toml). No more.
    assert t["max"]["forbidden_violations"] <= 1


def test_check_thresholds_passes_and_fails():
    assert check_thresholds(PASSING) == []
    worse = PASSING | {"set_f1": 0.8, "forbidden_violations": 2}
    failures = check_thresholds(worse)
    assert failures == ["set_f1 = 0.8, needs >= 0.9", "forbidden_violations = 2, needs <= 1"]


def test_unmeasured_figure_fails_the_gate():
    failures = check_thresholds(PASSING | {"by_kind": {}, "must_mention": None})
    assert any(f.startswith("must_mention: not measured") for f in failures)
    assert any(f.startswith("by_kind.unanswerable.abstention_accuracy") for f in failures)


def test_bad_thresholds_file(tmp_path: Path):
    bad = tmp_path / "t.toml"
    bad.write_text("[minimum]\nset_f1 = 0.9\n")
    with pytest.raises(ThresholdError, match="unknown section"):
        check_thresholds(PASSING, bad)
    bad.write_text('[min]\nset_f1 = "high"\n')
    with pytest.raises(ThresholdError, match="must be a number"):
        check_thresholds(PASSING, bad)


def result() -> EvalResult:
    case = GoldCase(
        "agg | 1",
        "Which?",
        "aggregation",
        "",
        ("Dudley",),
        (),
        (),
        (),
        (Evidence("Dudley", 2019, "q"),),
        1,
    )
    scores = {
        "set_f1": Score(1, 1),
        "evidence_recall": Score(0, 1, "0/1 gold quotes covered"),
        "abstention_accuracy": Score(1, 1),
        "retrieval_area_recall": Score(1, 1),
        "retrieval_evidence_recall": Score(0, 1),
    }
    q = QuestionResult(case, scores, latency_ms=12.0, reasons=["evidence_recall: 0/1 covered"])
    baselines = {
        "bm25_top10": {
            "label": "BM25, top-10",
            "k": 10,
            "retrieval_area_recall": 0.5,
            "retrieval_evidence_recall": 0.25,
            "retrieval_precision": 0.4,
            "latency_p50_ms": 3.0,
            "latency_p95_ms": 5.0,
        }
    }
    meta = {"gold": "g.jsonl", "source": "store s", "letters": 3, "date": "now", "elapsed_s": 1}
    return EvalResult(summarise([q]), baselines, [q], meta, ["line 9 (x): gone"])


def test_write_report(tmp_path: Path):
    paths = write_report(result(), tmp_path / "out")
    data = json.loads(paths["json"].read_text())
    assert list(data)[:3] == ["summary", "baselines", "questions"]
    assert set(SUMMARY_KEYS) <= set(data["summary"])
    assert data["questions"][0]["passed"] is False
    assert data["baselines"]["bm25_top10"]["retrieval_area_recall"] == 0.5
    assert paths["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    md = paths["md"].read_text()
    assert "| figure | sendqa | bm25_top10 |" in md
    assert "agg \\| 1" in md  # pipes escaped inside table cells
    assert "FAIL" in md and "line 9 (x): gone" in md


def test_markdown_marks_answer_level_figures_na_for_baselines():
    md = render_markdown(result())
    row = next(line for line in md.splitlines() if line.startswith("| set F1"))
    assert row.rstrip(" |").endswith("n/a")


def test_cli_registers_eval():
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["eval", "--corpus", "a", "--corpus", "b", "--baselines", "--check"])
    assert args.corpus == ["a", "b"] and args.baselines and args.check and args.out == "out"
    assert callable(args.func)
    with pytest.raises(SystemExit):
        parser.parse_args(["eval", "--store", "s", "--corpus", "a"])
