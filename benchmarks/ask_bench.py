"""Ask benchmark: warm-process latency of lookups and set questions at 25, 61 and 250
documents, and the RSS of the asking process, beside the previous main.

Issue 8's targets (2 cores): warm lookup p50 <= 300 ms; warm set question p50 <= 1.5 s at
61 documents and <= 5 s at 250; RSS of an asking process <= 1.5 GB.

The bigger stores are made from a 25-document one by ``scale_store``: every letter copied
under a new area name ("Dudley 2", ...) with its passages, their embeddings, their
sentences (spans and vectors) and the generation's stance model, so the sweep really
checks 61 or 250 letters and nothing is re-embedded. Each checkout builds its own
25-document store (formats differ) and scales it with its own code.

Each store is asked in its own process (this script again, ``--worker ask``): open the
library, ask one set question (the "first question" figure), ``warm()`` as a server does,
then ask every lookup and set question ``--repeat`` times. Each timed question embeds
afresh (the library's question-vector cache is emptied first), as a new question to a
warm server would. The questions are this script's own, on themes of data/corpus (not
the gold suites'). Beside each figure, plain top-10 hybrid retrieval of the set
questions gives the cost of a top-k answerer.

The previous main (``--before DIR``, default /tmp/before) runs the same questions with
PYTHONPATH=DIR and cwd DIR; its own benchmarks/ask_bench.py (gold questions, 25 and 250
documents) is run as well and its output printed as it is (``--no-before-own`` skips it).

    .venv/bin/python benchmarks/ask_bench.py [--store DIR] [--sizes 25,61,250] [--repeat 3]
        [--before DIR | --before ''] [--no-before-own]

Timings on a machine shared with other jobs are noisy: the load average is printed too.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "corpus"
BEFORE = Path("/tmp/before")

# Written for this benchmark on themes found in data/corpus; none is a gold question.
LOOKUPS = [
    "What did the Durham report say about the designated clinical officer?",
    "How long were children in Bolton waiting for a neurodevelopmental assessment?",
    "What did inspectors find about annual reviews of EHC plans in Cornwall?",
    "What did the Lewisham report say about young people preparing for adulthood?",
    "When was the Wiltshire area partnership inspected?",
    "Who was the lead inspector for Rutland?",
    "What does the Derbyshire report say about appeals to the SEND tribunal?",
    "How are personal budgets used in Worcestershire?",
]
SETS = [
    "Which areas had long waits for autism or neurodevelopmental assessments?",
    "Which areas worked well with their parent carer forum on co-production?",
    "Which areas offered supported internships to young people?",
    "Which areas were short of specialist school places?",
    "How many letters mentioned Portage?",
    "Which areas had high exclusion rates for children with SEND?",
    "Which areas had good short breaks provision?",
    "Which inspections found widespread and/or systemic failings?",
]
WARM_SET = "Which areas mentioned wheelchair services?"  # the first question, not timed after
WARM_LOOKUP = "What did the Medway report say about health visitors?"


# ---- the store -------------------------------------------------------------------------
def scale_store(src: Path, dst: Path, n_docs: int) -> dict:
    """Write a store of ``n_docs`` letters: those of ``src`` (by area), then copies of them
    under new area names ("Dudley 2", "Dudley 3", ...), each with its passages, their
    embeddings and sentences, and ``src``'s stance model. Works with the previous main's
    store too (no sentences or stance model there)."""
    from index.store import Manifest, Store, connect, now_iso

    t0 = time.perf_counter()
    s = Store(connect(src))
    man = s.require_manifest()
    # by area and file, so two checkouts (whose letter ids differ) copy the same letters
    letters = sorted(s.read_letters(man.generation), key=lambda r: (r[0].area, r[0].source))
    if hasattr(s, "read_table"):
        table = s.read_table(man.generation)
        passages, vecs = table.passages, table.matrix
        sents = list(zip(table.sentence_spans, table.sentence_vectors, strict=True))
    else:
        (passages, vecs), sents = s.read_passages(man.generation), None
    by_letter: dict[str, list[int]] = {}
    for i, p in enumerate(passages):
        by_letter.setdefault(p.letter_id, []).append(i)

    new_letters, new_passages, rows = [], [], []
    extra: dict[str, dict] = {}
    sentences: dict = {}
    for j in range(n_docs):
        lt, text = letters[j % len(letters)]
        k = j // len(letters) + 1
        lid = lt.id if k == 1 else f"{lt.id[:12]}c{k:03d}"
        area = lt.area if k == 1 else f"{lt.area} {k}"
        new_letters.append((replace(lt, id=lid, area=area), text))
        extra[lid] = {"kind": lt.kind, "outcome": lt.outcome or ""}
        for i in by_letter.get(lt.id, []):
            p = passages[i]
            pid = f"{lid}-{p.id.rsplit('-', 1)[1]}"
            new_passages.append(replace(p, id=pid, letter_id=lid, area=area))
            rows.append(i)
            if sents is not None:
                sentences[pid] = sents[i]

    d = Store(connect(dst, create=True))
    pcol = d.passages_collection(1, create=True)
    lcol = d.letters_collection(1, create=True)
    if sents is not None:
        d.add_passages(pcol, new_passages, vecs[rows], extra, sentences=sentences)
    else:
        d.add_passages(pcol, new_passages, vecs[rows], extra)
    d.add_letters(lcol, new_letters)
    stance = s.get_stance(man.generation) if hasattr(s, "get_stance") else None
    if stance:
        d.put_stance(1, stance)
    d.commit(Manifest(1, man.embedder, man.dim, man.parser_version, now_iso()))
    return {"letters": len(new_letters), "passages": len(new_passages),
            "sentences": sum(len(sp) for sp, _ in sentences.values()) if sents is not None else None,
            "stance": bool(stance), "seconds": time.perf_counter() - t0}


# ---- asking (in the checkout's own process) ---------------------------------------------
def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p * (len(xs) - 1))))]


def ask_worker(store: Path, repeat: int) -> dict:
    from rag.library import Library

    t0 = time.perf_counter()
    lib = Library.open(store)
    open_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    lib.ask(WARM_SET)
    first_ms = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    if hasattr(lib, "warm"):
        lib.warm()
    warm_s = time.perf_counter() - t0
    lib.ask(WARM_LOOKUP)

    def timed(fn, qs: list[str]) -> tuple[list[float], list]:
        ms, out = [], []
        for _ in range(repeat):
            for q in qs:
                getattr(lib, "_qcache", {}).clear()  # a new question is embedded afresh
                t = time.perf_counter()
                out.append(fn(q))
                ms.append((time.perf_counter() - t) * 1000)
        return ms, out[: len(qs)]

    look, look_ans = timed(lib.ask, LOOKUPS)
    sets, set_ans = timed(lib.ask, SETS)
    topk, _ = timed(lambda q: lib.retrieve(q, k=10), SETS)
    return {
        "letters": len(lib.letters()), "open_s": open_s, "first_ms": first_ms, "warm_s": warm_s,
        "lookup_ms": look, "set_ms": sets, "topk_ms": topk,
        "lookup_abstained": sum(a.abstained for a in look_ans),
        "set_abstained": sum(a.abstained for a in set_ans),
        "set_yes": [len({f.area for f in a.findings if f.verdict == "yes"}) for a in set_ans],
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "torch": "torch" in sys.modules, "chromadb": "chromadb" in sys.modules,
    }


# ---- running a checkout in its own process ----------------------------------------------
def run(cmd: list[str], code: Path) -> tuple[int, str, float, float]:
    """Run ``cmd`` with ``code`` first on the import path and as the working directory:
    (exit code, stdout, wall seconds, peak RSS MB of that process); stderr goes to ours."""
    env = {**os.environ, "PYTHONPATH": str(code), "HF_HUB_OFFLINE": "1"}
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=code, env=env, stdout=subprocess.PIPE, text=True)
    out = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, out, time.perf_counter() - t0, usage.ru_maxrss / 1024


def run_worker(code: Path, *args: str) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--code", str(code), *args]
    rc, out, _, _ = run(cmd, code)
    if rc != 0:
        raise SystemExit(f"{' '.join(args)} with {code} failed (exit {rc}): {out[-2000:]}")
    return json.loads(out.strip().splitlines()[-1])


def build(code: Path, store: Path) -> float:
    rc, out, seconds, _ = run([sys.executable, "-m", "rag.cli", "index", str(CORPUS), "--store",
                               str(store), "--quiet"], code)
    if rc != 0:
        raise SystemExit(f"building {store} with {code} failed (exit {rc}): {out}")
    return seconds


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def measure(name: str, code: Path, store25: Path | None, sizes: list[int], repeat: int,
            tmp: Path) -> tuple[dict[int, dict], Path]:
    if store25 is None:
        store25 = tmp / f"{name}_25"
        print(f"[{name}] building the 25-document store ({load()})", flush=True)
        print(f"[{name}]   {build(code, store25):.1f} s", flush=True)
    out = {}
    for n in sizes:
        store = store25
        if n != 25:
            store = tmp / f"{name}_{n}"
            made = run_worker(code, "--worker", "scale", "--store", str(store25), "--dst",
                              str(store), "--docs", str(n))
            print(f"[{name}] scaled to {made['letters']} letters, {made['passages']} passages, "
                  f"{made['sentences'] if made['sentences'] is not None else 'no'} sentence "
                  f"vectors, stance model {'copied' if made['stance'] else 'none'} in "
                  f"{made['seconds']:.1f} s", flush=True)
        print(f"[{name}] asking at {n} documents ({load()})", flush=True)
        out[n] = run_worker(code, "--worker", "ask", "--store", str(store), "--repeat", str(repeat))
        out[n]["load"] = os.getloadavg()[0]
    return out, store25


def report(figs: dict[str, dict[int, dict]], sizes: list[int], repeat: int) -> None:
    names = list(figs)
    print(f"\nwarm asking process, {len(LOOKUPS)} lookups and {len(SETS)} set questions x "
          f"{repeat}; ms unless marked")
    head = f"{'':38}" + "".join(f"{f'{n} @{size}':>14}" for size in sizes for n in names)
    print(head)

    def row(label: str, fmt) -> None:
        print(f"{label:38}" + "".join(f"{fmt(figs[n][size]):>14}" for size in sizes for n in names))

    row("letters in the store", lambda f: str(f["letters"]))
    row("lookup p50 (target <= 300)", lambda f: f"{pct(f['lookup_ms'], .5):.0f}")
    row("lookup p95", lambda f: f"{pct(f['lookup_ms'], .95):.0f}")
    row("set p50 (<= 1500 @61, <= 5000 @250)", lambda f: f"{pct(f['set_ms'], .5):.0f}")
    row("set p95", lambda f: f"{pct(f['set_ms'], .95):.0f}")
    row("top-10 hybrid retrieval p50", lambda f: f"{pct(f['topk_ms'], .5):.0f}")
    row("first set question after open", lambda f: f"{f['first_ms']:.0f}")
    row("Library.open, s", lambda f: f"{f['open_s']:.1f}")
    row("warm(), s", lambda f: f"{f['warm_s']:.1f}")
    row("peak RSS, MB (target <= 1500)", lambda f: f"{f['rss_mb']:.0f}")
    row("torch / chromadb imported", lambda f: f"{'y' if f['torch'] else 'n'} / "
                                               f"{'y' if f['chromadb'] else 'n'}")
    row("abstained (lookups, sets)", lambda f: f"{f['lookup_abstained']}, {f['set_abstained']}")
    row("1-min load average at the end", lambda f: f"{f['load']:.2f}")
    print("\nper set question: median ms / areas answered yes")
    for i, q in enumerate(SETS):
        row(q[:36] + (".." if len(q) > 36 else ""),
            lambda f, i=i: f"{statistics.median(f['set_ms'][i::len(SETS)]):.0f} / {f['set_yes'][i]}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--store", type=Path, help="a 25-document index built by this checkout")
    ap.add_argument("--before-store", type=Path, help="one built by the previous main")
    ap.add_argument("--sizes", default="25,61,250")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--before", type=str, default=str(BEFORE),
                    help="a checkout of the previous main ('' to skip it)")
    ap.add_argument("--no-before-own", action="store_true",
                    help="do not run the previous main's own ask_bench")
    ap.add_argument("--worker", choices=["ask", "scale"], help=argparse.SUPPRESS)
    ap.add_argument("--code", type=Path, default=ROOT, help=argparse.SUPPRESS)
    ap.add_argument("--dst", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--docs", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.worker:
        sys.path.insert(0, str(args.code))
        fig = (ask_worker(args.store, args.repeat) if args.worker == "ask"
               else scale_store(args.store, args.dst, args.docs))
        print(json.dumps(fig))
        return 0

    sizes = [int(x) for x in args.sizes.split(",")]
    checkouts = {"now": (ROOT, args.store)}
    before = Path(args.before) if args.before else None
    if before and (before / "rag" / "library.py").is_file():
        checkouts["before"] = (before, args.before_store)
    elif before:
        print(f"no checkout at {before}; measuring this one only")
    figs = {}
    with tempfile.TemporaryDirectory(prefix="ask_bench_") as tmp:
        stores = {}
        for name, (code, store25) in checkouts.items():
            figs[name], stores[name] = measure(name, code, store25, sizes, args.repeat, Path(tmp))
        report(figs, sizes, args.repeat)
        if "before" in checkouts and not args.no_before_own:
            code = checkouts["before"][0]
            print(f"\nthe previous main's own benchmarks/ask_bench.py on its 25-document store "
                  f"({load()}):", flush=True)
            rc, out, seconds, rss = run([sys.executable, str(code / "benchmarks" / "ask_bench.py"),
                                         "--store", str(stores["before"]),
                                         "--repeat", str(args.repeat)], code)
            print("    " + out.strip().replace("\n", "\n    "))
            print(f"    (exit {rc}, {seconds:.0f} s, peak RSS {rss:.0f} MB; {load()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
