"""Build or update an index: incremental by content, atomic by generation.

``build_index`` adds and updates: new and changed letters are embedded, unchanged ones are
carried over without re-embedding, letters whose files vanished from a path named in this
run are dropped, letters from paths not named stay (``mirror=True``: the index becomes
exactly the named paths). A file that cannot be used is reported and skipped; if it was
indexed before, its previous version is kept. A run with no usable letter publishes
nothing (index/sources.py has the rules). One build writes to a store at a time
(index/lock.py). Nothing is visible to readers until the new generation is complete (see
index/store.py).

Files unchanged since they were indexed (same resolved path, size and mtime_ns: see
index/unchanged.py) are not parsed again, so a re-index where nothing changed stats the
files, compares them with the record kept beside the manifest and publishes nothing: no
parsing, no embedding, no model load.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from index.embed import Embedder
from index.lock import lock_folder, pinned_generations, store_lock
from index.parse import ParsedLetter, parse_file
from index.sources import Plan, plan, scan
from index.store import DB_NAME, Manifest, Store, check_store_folder, connect, now_iso
from index.unchanged import Entry, Known, dump, observe, record_key
from rag.errors import InputRejected, StoreNotFound
from rag.sentences import sentence_spans
from rag.settings import PARSER_VERSION, Settings
from rag.stance import StanceModel
from rag.types import Letter

log = logging.getLogger(__name__)


@dataclass
class BuildReport:
    letters: int = 0
    passages: int = 0
    embedded: int = 0
    sentences: int = 0
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
    parsed: int = 0  # files read and parsed in this run (not those unchanged since indexed)


@dataclass
class _Files:
    """What this run found: letters parsed now, letters of files unchanged since they were
    indexed (not parsed: letter id -> the file's path as given), and the record entries
    of this run's files (resolved path -> entry)."""

    known: Known
    parsed: dict[str, ParsedLetter] = field(default_factory=dict)
    unchanged: dict[str, str] = field(default_factory=dict)
    entries: dict[str, Entry] = field(default_factory=dict)
    scanned: set[str] = field(default_factory=set)

    def record(self, sources: dict[str, str]) -> dict[str, Entry]:
        """The record of a generation whose letters come from ``sources`` (letter id ->
        source): this run's entries, and those of files not scanned now whose letters
        stay, still from them."""
        out = {p: e for p, e in self.known.entries.items()
               if p not in self.scanned and e.letter in sources
               and _resolved(sources[e.letter]) == p}
        out.update((p, e) for p, e in self.entries.items() if e.letter in sources)
        return out


def _resolved(source: str) -> str:
    try:
        return str(Path(source).resolve())
    except (OSError, RuntimeError):  # a link loop: no entry is kept for it
        return ""


class _StaleRecord(Exception):
    """The record read before taking the lock names a letter the index no longer holds
    (another build published in between): the run starts again, parsing every file."""


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """The letter files under ``paths`` and (path, reason) for what could not be read."""
    found = scan(paths)
    return found.files, found.skipped


def build_index(
    paths: Iterable[Path],
    *,
    store: Path | str | None = None,
    chroma_url: str | None = None,
    rebuild: bool = False,
    mirror: bool = False,
    settings: Settings | None = None,
    progress: bool | Callable[[int, int], None] = False,
    wait: float = 0.0,
    on_wait: Callable[[str], None] | None = None,
) -> BuildReport:
    """Add and update the letters under ``paths`` (``mirror``/``rebuild``: exactly them).

    Raises NothingToIndex when no path yields a usable letter, StoreBusy when another
    build holds the store for longer than ``wait`` seconds (``on_wait`` is told once),
    StoreDamaged / StoreMismatch for a store it cannot use; nothing is changed then."""
    t0 = time.perf_counter()
    paths = list(paths)
    args = dict(store=store, chroma_url=chroma_url, rebuild=rebuild, mirror=mirror,
                settings=settings or Settings(), progress=progress, wait=wait, on_wait=on_wait)
    try:
        return _build(paths, t0=t0, use_record=not rebuild, **args)
    except _StaleRecord:
        log.debug("the index changed while this build read its files; parsing them all")
        return _build(paths, t0=t0, use_record=False, **args)


def _build(paths: list[Path], *, store: Path | str | None, chroma_url: str | None, rebuild: bool,
           mirror: bool, settings: Settings, progress: bool | Callable[[int, int], None],
           wait: float, on_wait: Callable[[str], None] | None, t0: float,
           use_record: bool) -> BuildReport:
    report = BuildReport()
    found = scan(paths)
    report.skipped = list(found.skipped)
    client, client_error, known = (_read_record(store, chroma_url, settings) if use_record
                                   and found.files else (None, None, Known()))

    files = _Files(known)
    first: dict[str, str] = {}  # letter id -> the file it was first found in
    failed_sources: set[str] = set()
    usable: list[str] = []
    for f in found.files:
        obs = observe(f)
        if obs is not None:
            files.scanned.add(obs.path)
        hit = known.lookup(obs)
        if hit is not None:
            lid, warnings = hit.letter, hit.warnings
            files.entries[obs.path] = hit
        else:
            if obs is not None and obs.racy:
                _ = obs.sha256  # hashed before it is read: a change while parsing shows next time
            report.parsed += 1
            try:
                pl = parse_file(f, settings.chunk)
            except InputRejected as exc:
                report.skipped.append((str(f), str(exc)))
                failed_sources.add(str(f))
                continue
            except Exception as exc:  # noqa: BLE001 - one bad file never stops a build
                log.debug("parsing %s failed", f, exc_info=True)
                reason = " ".join(f"{exc.__class__.__name__}: {exc}".split())[:200]
                report.skipped.append((str(f), f"could not be read ({reason})"))
                failed_sources.add(str(f))
                continue
            lid, warnings = pl.letter.id, pl.warnings
            entry = obs.entry(lid, warnings) if obs is not None else None
            if entry is not None:
                files.entries[obs.path] = entry
        usable.append(str(f))
        for w in warnings:
            report.warnings.append((str(f), w))
        if lid in first:
            report.duplicates.append((str(f), first[lid]))
            continue
        first[lid] = str(f)
        if hit is not None:
            files.unchanged[lid] = str(f)
        else:
            files.parsed[lid] = pl
    rules = plan(found, usable, failed_sources, mirror=mirror or rebuild, skipped=report.skipped)

    if store is None and not chroma_url:
        raise StoreNotFound("no store given")
    if not chroma_url:
        check_store_folder(Path(store), create=True)
    folder = lock_folder(store, chroma_url)
    with store_lock(folder, where=chroma_url or str(store), wait=wait, on_wait=on_wait):
        if client is None:
            if client_error is not None:
                raise client_error
            client = connect(store, chroma_url, create=True)
        return _publish(report, files, rules, folder, client=client, rebuild=rebuild,
                        settings=settings, progress=progress, t0=t0)


def _read_record(store: Path | str | None, chroma_url: str | None, settings: Settings):
    """(client, the error connecting raised, the published generation's record of its
    files), read before taking the lock and parsing. Never raises and never creates
    anything: a store that is missing, damaged or built by another parser version gives an
    empty record, and the build reports the problem where it always has. A server that
    cannot be reached is not asked twice: its error is raised when the build connects."""
    key = record_key(settings.chunk)
    if not chroma_url and (store is None or not (Path(store) / DB_NAME).is_file()):
        return None, None, Known(key)
    try:
        client = connect(store, chroma_url)
    except Exception as exc:  # noqa: BLE001 - reported by the build, not here
        return None, (exc if chroma_url else None), Known(key)
    try:
        st = Store(client)
        man = st.manifest()
        if man is None or man.parser_version != PARSER_VERSION:
            return client, None, Known(key)
        return client, None, Known.parse(st.get_files(man.generation), key)
    except Exception:  # noqa: BLE001 - the build reports it when it reads the manifest
        log.debug("no record of indexed files", exc_info=True)
        return client, None, Known(key)


def _publish(report: BuildReport, files: _Files, rules: Plan, folder: Path, *, client,
             rebuild: bool, settings: Settings, progress: bool | Callable[[int, int], None],
             t0: float) -> BuildReport:
    """Write and publish the new generation; the caller holds the store's write lock."""
    embedder = Embedder(settings.embed)
    st = Store(client)
    pinned = pinned_generations(folder)
    man = st.manifest()
    if man is not None and not rebuild:
        man.check(embedder.id, embedder.dim, PARSER_VERSION)
    old: dict[str, tuple[Letter, str]] = {}
    if man is not None and not rebuild and man.generation in st.generations():
        old = {lt.id: (lt, text) for lt, text in st.read_letters(man.generation)}
    parsed, unchanged = files.parsed, files.unchanged
    if any(lid not in old for lid in unchanged):
        raise _StaleRecord()

    def source(lid: str) -> str:
        return parsed[lid].letter.source if lid in parsed else unchanged[lid]

    # A file that fails now but was indexed before keeps its previous letter; so do letters
    # from paths not named in this run (unless mirroring).
    kept = {lid for lid, (lt, _) in old.items()
            if lid not in parsed and lid not in unchanged and rules.keeps(lt)}
    target = set(parsed) | set(unchanged) | kept
    carried = target & set(old)
    fresh = [parsed[lid] for lid in sorted(target - carried)]
    new_sources = {pl.letter.source for pl in fresh}
    report.removed = sorted(f"{old[lid][0].area} ({old[lid][0].source})" for lid in set(old) - target
                            if old[lid][0].source not in new_sources)
    report.added = sorted(f"{pl.letter.area} ({pl.letter.source})" for pl in fresh)
    report.unchanged = len(carried)
    key = record_key(settings.chunk)
    record = files.record({lid: source(lid) if lid in parsed or lid in unchanged
                           else old[lid][0].source for lid in target})

    sources_same = all(old[lid][0].source == source(lid) for lid in carried
                       if lid in parsed or lid in unchanged)
    if man is not None and not rebuild and target == set(old) and sources_same:
        report.noop = True
        report.generation = man.generation
        report.letters = len(old)
        report.passages = sum(lt.passages for lt, _ in old.values())
        if record != files.known.entries:  # files touched, or a store built before records
            st.put_files(man.generation, dump(key, record))
        st.drop_generations(keep={man.generation, *_previous(st, man.generation), *pinned})
        report.seconds = time.perf_counter() - t0
        return report

    gen = max(st.generations() | {man.generation if man else 0}) + 1
    # what an interrupted build left (under the lock, no other build is writing one now)
    st.drop_generations(keep=({man.generation} if man else set()) | pinned)
    pcol = st.passages_collection(gen, create=True)
    lcol = st.letters_collection(gen, create=True)

    if carried:
        table = st.read_table(man.generation, letter_ids=carried)
        extra = {lid: _letter_extra(old[lid][0]) for lid in carried}
        st.add_passages(pcol, table.passages, table.matrix, extra, sentences={
            p.id: (sp, sv) for p, sp, sv in zip(table.passages, table.sentence_spans,
                                                table.sentence_vectors, strict=True)})

    todo = [p for pl in fresh for p in pl.passages]
    spans = [sentence_spans(p.text, p.start) for p in todo]
    sent_texts = [p.text[a - p.start: b - p.start] for p, sp in zip(todo, spans, strict=True)
                  for a, b in sp]
    report.tokens = sum(len(p.text.split()) for p in todo)
    bar = _progress(progress, len(sent_texts))
    on_batch = bar.update if hasattr(bar, "update") else bar
    # Each sentence is embedded once; a passage's vector is the normalised mean of its
    # sentences' vectors (the model reads at most 256 tokens, so embedding a long passage
    # whole would drop its tail, and embedding both would double the build time).
    svecs = embedder.embed(sent_texts, on_batch=on_batch)
    if hasattr(bar, "close"):
        bar.close()
    by_passage: dict[str, tuple[list[tuple[int, int]], np.ndarray]] = {}
    vectors = np.zeros((len(todo), embedder.dim), dtype=np.float32)
    k = 0
    for i, (p, sp) in enumerate(zip(todo, spans, strict=True)):
        mine = svecs[k: k + len(sp)]
        by_passage[p.id] = (sp, mine)
        k += len(sp)
        vectors[i] = mine.mean(axis=0) if len(sp) else embedder.embed([p.text])[0]
        vectors[i] /= max(float(np.linalg.norm(vectors[i])), 1e-9)
    st.add_passages(pcol, todo, vectors, {pl.letter.id: _letter_extra(pl.letter) for pl in fresh},
                    sentences=by_passage)
    # The stance model learns from every sentence of the new generation (see rag/stance.py).
    labelled = [(by_passage[p.id][1], p.stance, _texts(p, by_passage[p.id][0])) for p in todo]
    if carried:
        labelled += [(sv, p.stance, _texts(p, sp)) for p, sp, sv in
                     zip(table.passages, table.sentence_spans, table.sentence_vectors, strict=True)]
    st.put_stance(gen, train_stance(labelled).to_json())
    report.embedded = len(todo)
    report.sentences = len(sent_texts)

    letters: list[tuple[Letter, str]] = []
    for lid in sorted(target):
        if lid in parsed:
            letters.append((parsed[lid].letter, parsed[lid].text))
        elif lid in unchanged and old[lid][0].source != unchanged[lid]:
            letters.append((replace(old[lid][0], source=unchanged[lid]), old[lid][1]))
        else:
            letters.append(old[lid])
    st.add_letters(lcol, letters)
    st.put_files(gen, dump(key, record))
    st.commit(Manifest(gen, embedder.id, embedder.dim, PARSER_VERSION, now_iso()))
    # The previous generation stays until the next build: a Library opened on it (a running
    # `sendqa serve`) keeps answering until it is reopened.
    # Generations a live reader pinned (index/lock.py) stay too.
    st.drop_generations(keep=({gen, man.generation} if man else {gen}) | pinned_generations(folder))

    report.generation = gen
    report.letters = len(letters)
    report.passages = sum(lt.passages for lt, _ in letters)
    report.seconds = time.perf_counter() - t0
    return report


def _texts(p, spans: list[tuple[int, int]]) -> list[str]:
    return [p.text[a - p.start: b - p.start] for a, b in spans]


def train_stance(labelled: list[tuple[np.ndarray, str, list[str]]]) -> StanceModel:
    """Fit the sentence stance model on (a passage's sentence vectors, its stance, its
    sentences)."""
    rows = [(v, stance, t) for vecs, stance, texts in labelled for v, t in zip(vecs, texts, strict=True)]
    if not rows:
        return StanceModel.from_sections(np.zeros((0, 384), np.float32), [])
    return StanceModel.from_sections(np.vstack([np.asarray(v, np.float32) for v, _, _ in rows]),
                                     [stance for _, stance, _ in rows], [t for _, _, t in rows])


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

        return tqdm(total=total, unit="text", desc="embedding passages and sentences")
    return None
