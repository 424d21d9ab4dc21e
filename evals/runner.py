"""Run a gold suite through rag's public API (and, optionally, the baselines)."""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals import baselines as bl
from evals.gold import GoldCase, GoldError, default_gold, load_gold, validate_evidence
from evals.scoring import (
    QuestionResult,
    baseline_summary,
    citations_to_cited,
    errored,
    retrieval_scores,
    score_answer,
    summarise,
)

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
"""``on_progress(stage, done, total)``: the runner reports, the caller draws."""


@dataclass
class EvalResult:
    summary: dict[str, Any]
    baselines: dict[str, dict[str, Any]]
    questions: list[QuestionResult]
    meta: dict[str, Any] = field(default_factory=dict)
    gold_problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": self.summary,
            "baselines": self.baselines,
            "questions": [q.to_dict() for q in self.questions],
            "meta": self.meta,
            "gold_problems": list(self.gold_problems),
        }


def bundled_corpus() -> Path:
    """The sample corpus shipped in the repository's data/ folder."""
    for base in (Path(__file__).resolve().parent.parent, Path.cwd()):
        if (base / "data" / "corpus").is_dir():
            return base / "data" / "corpus"
    raise FileNotFoundError(
        "No bundled corpus: run from the sendqa checkout (it has data/corpus/) or pass --corpus DIR."
    )


def _close(lib: Any) -> None:
    close = getattr(lib, "close", None)
    if callable(close):
        close()


@contextmanager
def open_library(
    store: str | Path | None = None,
    corpus: Sequence[str | Path] = (),
    *,
    settings: Any = None,
    chroma_url: str | None = None,
    on_progress: Progress | None = None,
) -> Iterator[tuple[Any, str]]:
    """A Library to evaluate and a description of where it came from.

    ``corpus`` folders are indexed into a temporary store, removed afterwards. With neither
    ``store`` nor ``corpus``: the default store, built from the bundled data/ if missing.
    """
    from rag import Library, StoreNotFound
    from rag.settings import default_store

    if store is not None and corpus:
        raise ValueError("give a store or corpus folders, not both")
    progress = (lambda done, total: on_progress("indexing", done, total)) if on_progress else False
    if corpus:
        from index.build import build_index

        paths = [Path(p) for p in corpus]
        with tempfile.TemporaryDirectory(prefix="sendqa-eval-") as tmp:
            build_index(paths, store=Path(tmp) / "store", settings=settings, progress=progress)
            lib = Library.open(store=Path(tmp) / "store", settings=settings)
            try:
                yield lib, "corpus " + ", ".join(str(p) for p in paths)
            finally:
                _close(lib)
        return
    if store is not None:
        lib = Library.open(store=Path(store), chroma_url=chroma_url, settings=settings)
        where = f"store {store}"
    else:
        path = default_store()
        try:
            lib = Library.open(store=path, chroma_url=chroma_url, settings=settings)
        except StoreNotFound:
            from index.build import build_index

            data = bundled_corpus()
            log.info("no index at %s; building it from %s", path, data)
            build_index(
                [data], store=path, chroma_url=chroma_url, settings=settings, progress=progress
            )
            lib = Library.open(store=path, chroma_url=chroma_url, settings=settings)
        where = f"store {path}"
    try:
        yield lib, where
    finally:
        _close(lib)


def run_eval(
    gold: str | Path | None = None,
    *,
    store: str | Path | None = None,
    corpus: Sequence[str | Path] = (),
    baselines: bool = False,
    settings: Any = None,
    chroma_url: str | None = None,
    allow_missing_evidence: bool = False,
    on_progress: Progress | None = None,
) -> EvalResult:
    """Ask every gold question, score the answers, and score the baselines if asked.

    Raises GoldError for a malformed gold file, or for evidence quotes not found in the
    indexed documents of their area and year (unless ``allow_missing_evidence``: then they
    are kept in ``EvalResult.gold_problems``).
    """
    gold_path = Path(gold) if gold is not None else default_gold()
    cases = load_gold(gold_path)
    started = time.perf_counter()
    with open_library(
        store, corpus, settings=settings, chroma_url=chroma_url, on_progress=on_progress
    ) as (lib, where):
        problems = validate_evidence(cases, lib)
        if problems and not allow_missing_evidence:
            raise GoldError(gold_path, problems)
        warm = getattr(lib, "warm", None)
        if callable(warm):  # load the model before timing, as a server does at start
            warm()
        letters = {letter.id: letter for letter in lib.letters()}
        texts = {lid: lib.letter_text(lid) for lid in letters}
        results = [
            _ask(lib, case, letters, texts) for case in _progress(cases, "sendqa", on_progress)
        ]
        base_summaries = (
            _run_baselines(lib, letters, texts, results, on_progress) if baselines else {}
        )
    meta = {
        "gold": str(gold_path),
        "source": where,
        "letters": len(letters),
        "questions": len(cases),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "elapsed_s": round(time.perf_counter() - started, 1),
    }
    return EvalResult(summarise(results), base_summaries, results, meta, problems)


def _progress(items: list, stage: str, on_progress: Progress | None) -> Iterator:
    for i, item in enumerate(items):
        if on_progress:
            on_progress(stage, i, len(items))
        yield item
    if on_progress:
        on_progress(stage, len(items), len(items))


def _ask(lib: Any, case: GoldCase, letters: dict, texts: dict[str, str]) -> QuestionResult:
    from rag import SendQAError

    t0 = time.perf_counter()
    try:
        answer = lib.ask(case.question)
    except SendQAError as e:
        return errored(case, f"{type(e).__name__}: {e}")
    latency = (time.perf_counter() - t0) * 1000
    cited = citations_to_cited(answer.citations, letters)
    result = score_answer(case, answer, cited, texts)
    result.latency_ms = latency
    return result


def _run_baselines(
    lib: Any,
    letters: dict,
    texts: dict[str, str],
    results: list[QuestionResult],
    on_progress: Progress | None,
) -> dict[str, dict[str, Any]]:
    stage = "baselines: indexing for llama-index"
    if on_progress:
        on_progress(stage, 0, 1)
    made = bl.make_baselines(lib, letters)
    if on_progress:
        on_progress(stage, 1, 1)
    out = {}
    for base in made:
        latencies = []
        for r in _progress(results, base.name, on_progress):
            t0 = time.perf_counter()
            cited = base.retrieve(r.case.question)
            latencies.append((time.perf_counter() - t0) * 1000)
            r.baselines[base.name] = retrieval_scores(r.case, cited, texts)
        out[base.name] = baseline_summary(results, base.name, latencies, base.label, base.k)
    return out
