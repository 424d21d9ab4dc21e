"""The runner's logic with a stub library: follow-up history, several suites on one index,
baselines built once, and the CLI's per-suite reports and gates (fast, no model)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from evals import baselines as bl
from evals import runner
from evals.cli import main
from evals.gold import GoldError
from evals.metrics import Cited
from evals.runner import baseline_query, run_eval, run_suites, takes_history
from rag.types import Answer, Citation, Coverage, Finding

TEXT = "Main findings\nThere is no designated medical officer in post.\n"
QUOTE = "There is no designated medical officer in post."


@dataclass(frozen=True)
class StubLetter:
    id: str
    area: str
    year: int


class StubLibrary:
    """Answers every question with Dudley, yes, in a fixed number of words; records calls."""

    def __init__(self, words: int = 5):
        self.words = words
        self.calls: list[tuple[str, list[str] | None]] = []

    def letters(self) -> list[StubLetter]:
        return [StubLetter("d19", "Dudley", 2019)]

    def letter_text(self, letter_id: str) -> str:
        return TEXT

    def answer(self, question: str) -> Answer:
        text = " ".join(["word"] * self.words) + " [1]"
        start = TEXT.index(QUOTE)
        cit = Citation(
            1,
            "d19",
            "Dudley",
            dt.date(2019, 5, 20),
            None,
            "joint_2016",
            "",
            QUOTE,
            start,
            start + len(QUOTE),
        )
        finding = Finding("Dudley", "d19", 2019, "yes", (1,))
        return Answer(question, text, "set", False, (finding,), (cit,), Coverage(1, 1))

    def ask(self, question: str, *, history: list[str] | None = None) -> Answer:
        self.calls.append((question, history))
        return self.answer(question)


class OldLibrary(StubLibrary):
    """``Library.ask`` before it took ``history=``."""

    def ask(self, question: str) -> Answer:  # type: ignore[override]
        self.calls.append((question, None))
        return self.answer(question)


def row(id: str, kind: str = "aggregation", **kw) -> dict:
    base = {
        "id": id,
        "question": f"Question {id}?",
        "kind": kind,
        "answer": "Dudley.",
        "expected_areas": ["Dudley"],
        "allowed_areas": [],
        "forbidden_areas": [],
        "must_mention": [],
        "evidence": [{"area": "Dudley", "year": 2019, "quote": QUOTE}],
    }
    return base | kw


def gold(path: Path, *rows: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


class Opener:
    """Stands in for ``runner.open_library``; records each open as (library, store, corpus)."""

    def __init__(self) -> None:
        self.lib: StubLibrary = StubLibrary()
        self.opens: list[tuple[StubLibrary, object, tuple]] = []

    @contextmanager
    def __call__(self, store=None, corpus=(), **kw) -> Iterator[tuple[StubLibrary, str]]:
        self.opens.append((self.lib, store, tuple(corpus)))
        yield self.lib, "stub store"


@pytest.fixture
def opener(monkeypatch) -> Opener:
    fake = Opener()
    monkeypatch.setattr(runner, "open_library", fake)
    return fake


def test_follow_up_passes_its_history_and_fresh_questions_pass_none(tmp_path, opener):
    path = gold(
        tmp_path / "dev.jsonl",
        row("a"),
        row("b", history=["First question?", "Second question?"]),
    )
    result = run_eval(path)
    lib = opener.lib
    assert lib.calls == [
        ("Question a?", None),
        ("Question b?", ["First question?", "Second question?"]),
    ]
    assert result.summary["passed"] == 2


def test_library_without_history_still_runs_fresh_questions(tmp_path, opener):
    opener.lib = OldLibrary()
    path = gold(tmp_path / "dev.jsonl", row("a"), row("b", history=["First question?"]))
    result = run_eval(path)
    assert opener.lib.calls == [("Question a?", None)]
    fresh, follow_up = result.questions
    assert fresh.passed and fresh.error is None
    assert not follow_up.passed and "takes no history" in follow_up.error
    assert not takes_history(OldLibrary()) and takes_history(StubLibrary())


def test_several_suites_share_one_library(tmp_path, opener):
    a = gold(tmp_path / "a" / "seed.jsonl", row("s1"), row("s2"))
    b = gold(tmp_path / "b" / "dev.jsonl", row("d1", history=["Earlier?"]))
    results = run_suites([a, b], corpus=["data/corpus"])
    assert len(opener.opens) == 1 and opener.opens[0][2] == ("data/corpus",)
    assert [r.meta["suite"] for r in results] == ["seed", "dev"]
    assert [r.summary["questions"] for r in results] == [2, 1]
    assert results[1].meta["gold"] == str(b)
    assert [q for q, _ in opener.lib.calls] == ["Question s1?", "Question s2?", "Question d1?"]


def test_suites_with_one_name_are_refused_before_opening(tmp_path, opener):
    a = gold(tmp_path / "a" / "dev.jsonl", row("x"))
    b = gold(tmp_path / "b" / "dev.jsonl", row("y"))
    with pytest.raises(ValueError, match="two gold files named dev"):
        run_suites([a, b])
    assert opener.opens == []


def test_a_malformed_suite_fails_before_the_index_is_opened(tmp_path, opener):
    a = gold(tmp_path / "seed.jsonl", row("x"))
    b = gold(tmp_path / "dev.jsonl", row("y", history="Earlier?"))
    with pytest.raises(GoldError, match="line 1: 'history' must be a list"):
        run_suites([a, b])
    assert opener.opens == []


def test_missing_evidence_is_reported_for_every_suite_at_once(tmp_path, opener):
    bad = {"area": "Dudley", "year": 2019, "quote": "Not in the letter."}
    a = gold(tmp_path / "seed.jsonl", row("x", evidence=[bad]))
    b = gold(tmp_path / "dev.jsonl", row("y", evidence=[bad]))
    with pytest.raises(GoldError) as info:
        run_suites([a, b])
    assert [p.split(" (")[0] for p in info.value.problems] == [
        "seed.jsonl line 1",
        "dev.jsonl line 1",
    ]
    assert opener.lib.calls == []  # nothing asked
    kept = run_suites([a, b], allow_missing_evidence=True)
    assert [len(r.gold_problems) for r in kept] == [1, 1]


def test_baselines_are_built_once_and_see_the_chat(tmp_path, opener, monkeypatch):
    built, queries = [], []

    def retrieve(q: str) -> list[Cited]:
        queries.append(q)
        return [Cited("d19", "Dudley", 2019, TEXT.index(QUOTE), len(TEXT) - 1, QUOTE)]

    def make(lib, letters):
        built.append(1)
        return [bl.Baseline("fake_top1", "fake", 1, retrieve)]

    monkeypatch.setattr(bl, "make_baselines", make)
    a = gold(tmp_path / "seed.jsonl", row("x"))
    b = gold(tmp_path / "dev.jsonl", row("y", history=["Earlier?"]))
    results = run_suites([a, b], baselines=True)
    assert built == [1]
    assert queries == ["Question x?", "Earlier? Question y?"]
    assert all(r.baselines["fake_top1"]["retrieval_evidence_recall"] == 1.0 for r in results)
    assert baseline_query(results[1].questions[0].case) == "Earlier? Question y?"


def test_cli_writes_a_report_per_suite_and_gates_each(tmp_path, opener, capsys):
    opener.lib = StubLibrary(words=90)
    seed = gold(tmp_path / "g" / "seed.jsonl", row("s1"), row("l1", kind="lookup"))
    dev = gold(tmp_path / "g" / "dev.jsonl", row("d1"), row("l2", kind="lookup"))
    bounds = tmp_path / "t.toml"
    bounds.write_text(
        "[seed.min]\nset_f1 = 0.9\n[seed.max]\nlookup_words_p50 = 100\n"
        "[dev.min]\nset_f1 = 0.9\n[dev.max]\nlookup_words_p50 = 80\n"
    )
    out = tmp_path / "out"
    argv = ["eval", "--gold", str(seed), "--gold", str(dev), "--out", str(out)]
    argv += ["--check", "--thresholds", str(bounds), "--no-progress"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "threshold check FAILED for dev" in err and "for seed" not in err
    assert "lookup_words_p50 = 90, needs <= 80" in err
    for suite in ("seed", "dev"):
        assert (out / suite / "report.md").exists()
        data = json.loads((out / suite / "results.json").read_text())
        assert data["meta"]["suite"] == suite
        assert data["summary"]["lookup_words_p50"] == 90
        assert data["questions"][1]["words"] == 90
    summary = (out / "summary.md").read_text()
    assert "| seed |" in summary and "| dev |" in summary and "FAIL" in summary
    assert len(opener.opens) == 1


def test_cli_one_suite_writes_to_out_itself(tmp_path, opener):
    seed = gold(tmp_path / "seed.jsonl", row("s1"))
    flat = tmp_path / "t.toml"
    flat.write_text("[min]\nset_f1 = 1.0\n")
    out = tmp_path / "out"
    argv = ["eval", "--gold", str(seed), "--out", str(out), "--check", "--no-progress"]
    assert main([*argv, "--thresholds", str(flat)]) == 0
    assert (out / "report.md").exists() and not (out / "summary.md").exists()


def test_cli_check_refuses_a_suite_without_bounds_before_running(tmp_path, opener, capsys):
    mine = gold(tmp_path / "mine.jsonl", row("m1"))
    argv = ["eval", "--gold", str(mine), "--out", str(tmp_path / "out"), "--check"]
    assert main([*argv, "--no-progress"]) == 2
    assert "no bounds for suite 'mine'" in capsys.readouterr().err
    assert opener.opens == []
