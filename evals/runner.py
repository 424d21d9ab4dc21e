"""Run a gold suite through rag's public API (and, optionally, the baselines)."""

from __future__ import annotations

import datetime as dt
import inspect
import logging
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals import baselines as bl
from evals.gold import (
    GoldCase,
    GoldError,
    default_gold,
    load_gold,
    resolve_gold,
    suite_name,
    validate_evidence,
)
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
    [result] = run_suites(
        [gold],
        store=store,
        corpus=corpus,
        baselines=baselines,
        settings=settings,
        chroma_url=chroma_url,
        allow_missing_evidence=allow_missing_evidence,
        on_progress=on_progress,
    )
    return result


def run_suites(
    golds: Sequence[str | Path | None],
    *,
    store: str | Path | None = None,
    corpus: Sequence[str | Path] = (),
    baselines: bool = False,
    settings: Any = None,
    chroma_url: str | None = None,
    allow_missing_evidence: bool = False,
    on_progress: Progress | None = None,
) -> list[EvalResult]:
    """``run_eval`` for several suites against one index, opened (or built) once.

    ``golds`` are paths or bundled suite names (``"dev"``); None is the seed suite. Every
    file is loaded and checked before the index is built, and every suite's evidence before
    any question is asked. The llama-index baseline is built once and shared. Suites are
    told apart by name (``gold.suite_name``), so two files with one name are refused.
    """
    paths = [resolve_gold(g) for g in golds] or [default_gold()]
    names = [suite_name(p) for p in paths]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(
            f"two gold files named {', '.join(twice)}: suites are told apart by file name "
            "(report folder, thresholds section); rename one"
        )
    suites = [load_gold(p) for p in paths]
    started = time.perf_counter()
    with open_library(
        store, corpus, settings=settings, chroma_url=chroma_url, on_progress=on_progress
    ) as (lib, where):
        problems = [validate_evidence(cases, lib) for cases in suites]
        if any(problems) and not allow_missing_evidence:
            if len(paths) == 1:
                raise GoldError(paths[0], problems[0])
            raise GoldError(
                ", ".join(str(p) for p in paths),
                [
                    f"{p.name} {msg}"
                    for p, found in zip(paths, problems, strict=True)
                    for msg in found
                ],
            )
        warm = getattr(lib, "warm", None)
        if callable(warm):  # load the model before timing, as a server does at start
            warm()
        letters = {letter.id: letter for letter in lib.letters()}
        texts = {lid: lib.letter_text(lid) for lid in letters}
        setup_s = round(time.perf_counter() - started, 1)
        history_ok = takes_history(lib)
        made: list[bl.Baseline] = []
        out = []
        for path, name, cases, found in zip(paths, names, suites, problems, strict=True):
            t0 = time.perf_counter()
            prefix = f"{name}: " if len(paths) > 1 else ""
            results = [
                _ask(lib, case, letters, texts, history_ok)
                for case in _progress(cases, prefix + "sendqa", on_progress)
            ]
            base_summaries = {}
            if baselines:
                if not made:
                    made = _make_baselines(lib, letters, on_progress)
                base_summaries = _run_baselines(made, texts, results, on_progress, prefix)
            meta = {
                "suite": name,
                "gold": str(path),
                "source": where,
                "letters": len(letters),
                "questions": len(cases),
                "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "elapsed_s": round(time.perf_counter() - t0, 1),
                "setup_s": setup_s,
            }
            out.append(EvalResult(summarise(results), base_summaries, results, meta, found))
    return out


def takes_history(lib: Any) -> bool:
    """Whether ``lib.ask`` accepts ``history=`` (the earlier questions of a chat)."""
    try:
        params = inspect.signature(lib.ask).parameters
    except (TypeError, ValueError):  # not introspectable: assume it does
        return True
    return "history" in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


def _progress(items: list, stage: str, on_progress: Progress | None) -> Iterator:
    for i, item in enumerate(items):
        if on_progress:
            on_progress(stage, i, len(items))
        yield item
    if on_progress:
        on_progress(stage, len(items), len(items))


def _ask(
    lib: Any, case: GoldCase, letters: dict, texts: dict[str, str], history_ok: bool = True
) -> QuestionResult:
    """One case through ``lib.ask``; a follow-up (``case.history``) passes its chat's
    earlier questions as ``history=``, a fresh question passes nothing."""
    from rag import SendQAError

    if case.history and not history_ok:
        return errored(case, "Library.ask takes no history= yet, so this follow-up was not asked")
    t0 = time.perf_counter()
    try:
        if case.history:
            answer = lib.ask(case.question, history=list(case.history))
        else:
            answer = lib.ask(case.question)
    except SendQAError as e:
        return errored(case, f"{type(e).__name__}: {e}")
    latency = (time.perf_counter() - t0) * 1000
    cited = citations_to_cited(answer.citations, letters)
    result = score_answer(case, answer, cited, texts)
    result.latency_ms = latency
    return result


def baseline_query(case: GoldCase) -> str:
    """What a baseline retrieves with: the question, after its chat's earlier questions
    (a top-k retriever has no chat state; joining the turns is the plain way to give it one)."""
    return " ".join((*case.history, case.question))


def _make_baselines(lib: Any, letters: dict, on_progress: Progress | None) -> list[bl.Baseline]:
    stage = "baselines: indexing for llama-index"
    if on_progress:
        on_progress(stage, 0, 1)
    made = bl.make_baselines(lib, letters)
    if on_progress:
        on_progress(stage, 1, 1)
    return made


def _run_baselines(
    made: list[bl.Baseline],
    texts: dict[str, str],
    results: list[QuestionResult],
    on_progress: Progress | None,
    prefix: str = "",
) -> dict[str, dict[str, Any]]:
    out = {}
    for base in made:
        latencies = []
        for r in _progress(results, prefix + base.name, on_progress):
            t0 = time.perf_counter()
            cited = base.retrieve(baseline_query(r.case))
            latencies.append((time.perf_counter() - t0) * 1000)
            r.baselines[base.name] = retrieval_scores(r.case, cited, texts)
        out[base.name] = baseline_summary(results, base.name, latencies, base.label, base.k)
    return out
