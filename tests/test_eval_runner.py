"""The eval runner end to end on the bundled corpus with the real model (slow)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals import check_thresholds, load_gold, run_eval, validate_evidence, write_report
from evals.cli import main
from evals.gold import gold_dir
from evals.scoring import RETRIEVAL_KEYS, SUMMARY_KEYS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def result(built_store: Path):
    return run_eval(store=built_store, baselines=True)


@pytest.mark.parametrize("suite", ["seed", "dev", "heldout"])
def test_suite_evidence_is_in_the_bundled_corpus(built_store: Path, suite: str):
    from rag import Library

    path = gold_dir() / f"{suite}.jsonl"
    if not path.exists():
        pytest.skip(f"{path.name} is not written yet")
    assert validate_evidence(load_gold(path), Library.open(store=built_store)) == []


def test_bundled_corpus_meets_the_bar(result):
    assert result.gold_problems == []
    assert check_thresholds(result.summary, suite="seed") == [], result.summary


def test_baselines_scored_like_with_like(result):
    assert set(result.baselines) == {"llamaindex_top5", "bm25_top10", "hybrid_top10"}
    for figures in result.baselines.values():
        for key in RETRIEVAL_KEYS:
            assert 0.0 <= figures[key] <= 1.0
    for key in RETRIEVAL_KEYS:
        assert result.summary[key] is not None


def test_report_files(result, tmp_path: Path):
    paths = write_report(result, tmp_path)
    data = json.loads(paths["json"].read_text())
    assert set(SUMMARY_KEYS) <= set(data["summary"])
    assert len(data["questions"]) == len(load_gold())
    assert "| figure | sendqa |" in paths["md"].read_text()
    assert paths["png"].stat().st_size > 0


def test_cli_gate_passes(built_store: Path, tmp_path: Path):
    argv = ["eval", "--store", str(built_store), "--out", str(tmp_path), "--check", "--no-progress"]
    assert main(argv) == 0
    assert (tmp_path / "results.json").exists()
