"""Ask benchmark: warm-process latency of lookups and set questions, and how a set
question's time grows with the collection (25 -> 250 documents).

The 250-document store is made from the 25-document one by copying every letter under
new area names ("Dudley 2", "Dudley 3", ...) with its passages and their embeddings, so
the sweep really checks 250 letters; only the re-embedding is skipped (it would measure
the indexer, not the answerer). Extractive mode. Targets (2 cores): lookup p50 <= 300 ms,
set p50 <= 1.5 s at 25 documents and <= 5 s at 250, RSS of the asking process <= 1.5 GB.
Beside it, the same questions through plain top-10 hybrid retrieval (no sweep) give the
baseline cost of a top-k answerer.

    .venv/bin/python benchmarks/ask_bench.py [--store DIR] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def questions() -> tuple[list[str], list[str]]:
    lookups, sets = [], []
    for line in (ROOT / "evals/gold/seed.jsonl").read_text().splitlines():
        case = json.loads(line)
        if case["kind"] == "lookup":
            lookups.append(case["question"])
        elif case["kind"] in ("aggregation", "temporal", "count"):
            sets.append(case["question"])
    return lookups, sets


def timed(fn, qs: list[str], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        for q in qs:
            t0 = time.perf_counter()
            fn(q)
            out.append((time.perf_counter() - t0) * 1000)
    return out


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p * (len(xs) - 1))))]


def scale_store(src: Path, dst: Path, copies: int) -> int:
    """Write a store holding every letter of ``src`` ``copies`` times under new area names."""
    from index.store import Manifest, Store, connect, now_iso

    s = Store(connect(src))
    man = s.require_manifest()
    letters = s.read_letters(man.generation)
    passages, vecs = s.read_passages(man.generation)
    d = Store(connect(dst, create=True))
    pcol = d.passages_collection(1, create=True)
    lcol = d.letters_collection(1, create=True)
    new_letters, new_passages, rows = [], [], []
    for k in range(1, copies + 1):
        for lt, text in letters:
            lid = f"{lt.id[:12]}c{k:03d}"
            area = lt.area if k == 1 else f"{lt.area} {k}"
            new_letters.append((replace(lt, id=lid, area=area), text))
        for i, p in enumerate(passages):
            lid = f"{p.letter_id[:12]}c{k:03d}"
            area = p.area if k == 1 else f"{p.area} {k}"
            new_passages.append(replace(p, id=f"{lid}-{p.id.rsplit('-', 1)[1]}", letter_id=lid,
                                        area=area))
            rows.append(i)
    d.add_passages(pcol, new_passages, vecs[rows], {})
    d.add_letters(lcol, new_letters)
    d.commit(Manifest(1, man.embedder, man.dim, man.parser_version, now_iso()))
    return len(new_letters)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--store", type=Path, help="an index of data/ (built if not given)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    from index.build import build_index
    from rag.library import Library

    lookups, sets = questions()
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store
        if store is None:
            store = Path(tmp) / "store25"
            build_index([ROOT / "data" / "corpus"], store=store)
        lib = Library.open(store)
        lib.ask(lookups[0])  # warm caches (sentence splits, BM25)
        for q in sets:
            lib.ask(q)
        look = timed(lib.ask, lookups, args.repeat)
        sets25 = timed(lib.ask, sets, args.repeat)
        topk25 = timed(lambda q: lib.retrieve(q, k=10), sets, args.repeat)
        n25 = len(lib.letters())
        print(f"lookup   p50 {pct(look, .5):7.0f} ms  p95 {pct(look, .95):7.0f} ms  "
              f"(n={len(look)}, target p50 <= 300 ms)")
        print(f"set      p50 {pct(sets25, .5):7.0f} ms  p95 {pct(sets25, .95):7.0f} ms  "
              f"at {n25} documents (target p50 <= 1500 ms)")
        print(f"baseline top-10 hybrid retrieval p50 {pct(topk25, .5):5.0f} ms at {n25} documents "
              f"(sweep / top-k = {statistics.median(sets25) / statistics.median(topk25):.1f}x)")

        big = Path(tmp) / "store250"
        n = scale_store(Path(store), big, 10)
        lib250 = Library.open(big)
        for q in sets:  # first pass splits sentences of the new letters
            lib250.ask(q)
        sets250 = timed(lib250.ask, sets, args.repeat)
        topk250 = timed(lambda q: lib250.retrieve(q, k=10), sets, args.repeat)
        print(f"set      p50 {pct(sets250, .5):7.0f} ms  p95 {pct(sets250, .95):7.0f} ms  "
              f"at {n} documents (target p50 <= 5000 ms); growth 25->250: "
              f"{statistics.median(sets250) / statistics.median(sets25):.1f}x")
        print(f"baseline top-10 hybrid retrieval p50 {pct(topk250, .5):5.0f} ms at {n} documents")
        cold = Library.open(big)
        t0 = time.perf_counter()
        cold.ask(sets[0])
        print(f"first set question on a freshly opened {n}-document library: "
              f"{(time.perf_counter() - t0) * 1000:.0f} ms (sentence splitting included)")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the asking process {rss:.0f} MB (target <= 1500 MB; two libraries open)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
