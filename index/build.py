"""Build or update an index: incremental by content, atomic by generation.

``build_index`` makes the index mirror the given files: new and changed letters are
embedded, unchanged ones are carried over without re-embedding, letters whose files
vanished are dropped. A file that fails to parse is reported and skipped; if it was
indexed before, its previous version is kept. Nothing is visible to readers until the
new generation is complete (see index/store.py).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index.embed import Embedder
from index.load import SUFFIXES
from index.parse import ParsedLetter, parse_file
from index.store import Manifest, Store, connect, now_iso
from rag.errors import InputRejected
from rag.settings import PARSER_VERSION, Settings
from rag.types import Letter

log = logging.getLogger(__name__)


@dataclass
class BuildReport:
    letters: int = 0
    passages: int = 0
    embedded: int = 0
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    noop: bool = False
    generation: int = 0
    tokens: int = 0


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    files: list[Path] = []
    missing: list[tuple[str, str]] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES))
        elif p.is_file():
            files.append(p)
        else:
            missing.append((str(p), "no such file or folder; check the path"))
    return files, missing


def build_index(
    paths: Iterable[Path],
    *,
    store: Path | str | None = None,
    chroma_url: str | None = None,
    rebuild: bool = False,
    settings: Settings | None = None,
    progress: bool | Callable[[int, int], None] = False,
) -> BuildReport:
    t0 = time.perf_counter()
    settings = settings or Settings()
    report = BuildReport()
    files, report.skipped = discover(paths)

    parsed: dict[str, ParsedLetter] = {}
    failed_sources: set[str] = set()
    for f in files:
        try:
            pl = parse_file(f, settings.chunk)
        except InputRejected as exc:
            report.skipped.append((str(f), str(exc)))
            failed_sources.add(str(f))
            continue
        for w in pl.warnings:
            report.warnings.append((str(f), w))
        if pl.letter.id in parsed:
            report.duplicates.append((str(f), parsed[pl.letter.id].letter.source))
            continue
        parsed[pl.letter.id] = pl

    embedder = Embedder(settings.embed)
    st = Store(connect(store, chroma_url, create=True))
    man = st.manifest()
    if man is not None and not rebuild:
        man.check(embedder.id, embedder.dim, PARSER_VERSION)
    old: dict[str, tuple[Letter, str]] = {}
    if man is not None and not rebuild and man.generation in st.generations():
        old = {lt.id: (lt, text) for lt, text in st.read_letters(man.generation)}

    # A file that fails now but was indexed before keeps its previous letter.
    kept = {lid for lid, (lt, _) in old.items() if lt.source in failed_sources and lid not in parsed}
    target = set(parsed) | kept
    carried = target & set(old)
    fresh = [parsed[lid] for lid in sorted(target - carried)]
    new_sources = {pl.letter.source for pl in fresh}
    report.removed = sorted(f"{old[lid][0].area} ({old[lid][0].source})" for lid in set(old) - target
                            if old[lid][0].source not in new_sources)
    report.added = sorted(f"{pl.letter.area} ({pl.letter.source})" for pl in fresh)
    report.unchanged = len(carried)

    sources_same = all(old[lid][0].source == parsed[lid].letter.source for lid in carried if lid in parsed)
    if man is not None and not rebuild and target == set(old) and sources_same:
        report.noop = True
        report.generation = man.generation
        report.letters = len(old)
        report.passages = sum(lt.passages for lt, _ in old.values())
        st.drop_generations(keep={man.generation, *_previous(st, man.generation)})
        report.seconds = time.perf_counter() - t0
        return report

    gen = max(st.generations() | {man.generation if man else 0}) + 1
    st.drop_generations(keep={man.generation} if man else set())  # what an interrupted build left
    pcol = st.passages_collection(gen, create=True)
    lcol = st.letters_collection(gen, create=True)

    if carried:
        passages, vecs = st.read_passages(man.generation, letter_ids=carried)
        extra = {lid: _letter_extra(old[lid][0]) for lid in carried}
        st.add_passages(pcol, passages, vecs, extra)

    todo = [p for pl in fresh for p in pl.passages]
    report.tokens = sum(len(p.text.split()) for p in todo)
    bar = _progress(progress, len(todo))
    on_batch = bar.update if hasattr(bar, "update") else bar
    vectors = embedder.embed([p.text for p in todo], on_batch=on_batch) if todo else np.zeros((0, embedder.dim))
    if hasattr(bar, "close"):
        bar.close()
    st.add_passages(pcol, todo, vectors, {pl.letter.id: _letter_extra(pl.letter) for pl in fresh})
    report.embedded = len(todo)

    letters: list[tuple[Letter, str]] = []
    for lid in sorted(target):
        if lid in parsed:
            letters.append((parsed[lid].letter, parsed[lid].text))
        else:
            letters.append(old[lid])
    st.add_letters(lcol, letters)
    st.commit(Manifest(gen, embedder.id, embedder.dim, PARSER_VERSION, now_iso()))
    # The previous generation stays until the next build: a Library opened on it (a running
    # `sendqa serve`) keeps answering until it is reopened.
    st.drop_generations(keep={gen, man.generation} if man else {gen})

    report.generation = gen
    report.letters = len(letters)
    report.passages = sum(lt.passages for lt, _ in letters)
    report.seconds = time.perf_counter() - t0
    return report


def _previous(st: Store, current: int) -> set[int]:
    older = [g for g in st.generations() if g < current]
    return {max(older)} if older else set()


def _letter_extra(lt: Letter) -> dict:
    return {"kind": lt.kind, "outcome": lt.outcome or ""}


def _progress(progress: bool | Callable[[int, int], None], total: int):
    if callable(progress):
        done = [0]

        def step(n: int) -> None:
            done[0] += n
            progress(done[0], total)

        return step
    if progress and total:
        from tqdm import tqdm

        return tqdm(total=total, unit="passage", desc="embedding")
    return None
