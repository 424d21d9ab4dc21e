"""Index benchmark: full build, no-op re-index and peak RSS, beside the previous main.

Issue 8's targets (2 cores): a full build of the bundled 25 documents <= 60 s including
the sentence vectors, of 250 documents <= 10 minutes with a progress bar; a no-op
re-index <= 3 s (as a `sendqa index` command, imports included).

Every build runs in its own process (this script again, with ``--worker``), so each
checkout's peak RSS is its own and neither inherits the other's imports. The previous
main (``--before DIR``, default /tmp/before) runs with PYTHONPATH=DIR and cwd DIR. Both
index the same files.

``--copies N`` also writes N renamed copies of the bundled documents as text files (the
canonical text of each, with its area's name replaced everywhere by "<Area> Copy <k>",
which the metadata parser reads back as the area) and builds the 25 originals plus the N
copies through the real indexer with its progress bar (``--copies 225``: 250 documents,
several minutes per checkout).

``--before-noop-only`` builds each corpus once, with this checkout, and times the previous
main's no-op re-index on that same store (its no-op only reads the store): the no-op
figures of both at a third of the CPU when 250 documents take minutes to build.

    .venv/bin/python benchmarks/index_bench.py [--copies 225] [--before DIR | --before '']
        [--before-noop-only] [--env KEY=VALUE]... [--llamaindex]

Timings on a machine shared with other jobs are noisy: the load average is printed too.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "corpus"
BEFORE = Path("/tmp/before")
EXTRA_ENV: dict[str, str] = {}  # --env KEY=VALUE, for every build and command of both checkouts


# ---- running a checkout in its own process ------------------------------------------------
def run(cmd: list[str], code: Path, *, capture: bool = True) -> tuple[int, str, float, float]:
    """Run ``cmd`` with ``code`` first on the import path and as the working directory:
    (exit code, stdout, wall seconds, peak RSS of that process in MB). stderr (the
    progress bar) goes to ours."""
    env = {**os.environ, "PYTHONPATH": str(code), "HF_HUB_OFFLINE": "1", **EXTRA_ENV}
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=code, env=env, stdout=subprocess.PIPE if capture else None,
                         text=True)
    out = p.stdout.read() if capture else ""
    _, status, usage = os.wait4(p.pid, 0)
    seconds = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, out, seconds, usage.ru_maxrss / 1024


def worker_cmd(code: Path, store: Path, paths: list[Path], *, progress: bool = False,
               noop_only: bool = False) -> list[str]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "--code", str(code),
           "--store", str(store), *map(str, paths)]
    return cmd + (["--progress"] if progress else []) + (["--noop-only"] if noop_only else [])


def cli_noop(code: Path, store: Path, paths: list[Path]) -> tuple[float, float, bool]:
    """A no-op `sendqa index` as a user runs it: seconds, peak RSS MB, said 'up to date'."""
    rc, out, seconds, rss = run([sys.executable, "-m", "rag.cli", "index", *map(str, paths),
                                 "--store", str(store), "--quiet"], code)
    return seconds, rss, rc == 0 and "up to date" in out


def measure(code: Path, store: Path, paths: list[Path], *, progress: bool = False) -> dict:
    """Full build and in-process no-op (worker), then a no-op `sendqa index` command."""
    rc, out, seconds, rss = run(worker_cmd(code, store, paths, progress=progress), code)
    if rc != 0:
        raise SystemExit(f"build with {code} failed (exit {rc}): {out[-2000:]}")
    fig = json.loads(out.strip().splitlines()[-1])
    fig["process_s"], fig["rss_mb"] = seconds, rss
    fig["noop_cli_s"], fig["noop_cli_rss_mb"], fig["noop_cli_ok"] = cli_noop(code, store, paths)
    return fig


def measure_noop(code: Path, store: Path, paths: list[Path]) -> dict:
    """In-process and command no-op re-index of ``code`` on a store another checkout built."""
    rc, out, _, _ = run(worker_cmd(code, store, paths, noop_only=True), code)
    if rc != 0:
        raise SystemExit(f"no-op with {code} failed (exit {rc}): {out[-2000:]}")
    fig = json.loads(out.strip().splitlines()[-1])
    fig["noop_cli_s"], fig["noop_cli_rss_mb"], fig["noop_cli_ok"] = cli_noop(code, store, paths)
    return fig


def worker(code: Path, store: Path, paths: list[Path], progress: bool, noop_only: bool) -> int:
    """In the checkout's own process: build, then build again (no-op); JSON on stdout.
    ``noop_only``: only the second (the store is built already)."""
    sys.path.insert(0, str(code))
    from index.build import build_index

    rep = None
    if not noop_only:
        t0 = time.perf_counter()
        rep = build_index(paths, store=store, progress=progress)
        build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = build_index(paths, store=store)
    noop_s = time.perf_counter() - t0
    fig = {"letters": again.letters, "passages": again.passages, "noop_s": noop_s,
           "noop": again.noop, "noop_parsed": getattr(again, "parsed", None)}
    if rep is not None:
        fig.update(letters=rep.letters, passages=rep.passages, embedded=rep.embedded,
                   sentences=getattr(rep, "sentences", None), skipped=len(rep.skipped),
                   build_s=build_s)
    print(json.dumps(fig))
    return 0


# ---- renamed copies of the corpus ---------------------------------------------------------
def copy_name(area: str, k: int) -> str:
    return f"{area} Copy {k}"


def write_copies(n: int, folder: Path) -> list[Path]:
    """``n`` renamed copies of the bundled documents as .txt files in ``folder``: copy k of a
    document is its canonical text with its area's name replaced by "<area> Copy <k>". The
    first copy of every document is parsed back to check its area reads as the new name."""
    from index.build import discover
    from index.parse import parse_file

    files, _ = discover([CORPUS])
    originals = [(f, parse_file(f)) for f in files]
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for i in range(n):
        f, pl = originals[i % len(originals)]
        k = i // len(originals) + 1
        new = copy_name(pl.letter.area, k)
        text = re.sub(rf"(?<![\w-]){re.escape(pl.letter.area)}(?![\w-])", new, pl.text)
        out = folder / f"copy{k:03d}_{f.stem}.txt"
        out.write_text(text, encoding="utf-8")
        written.append(out)
        if k == 1:
            got = parse_file(out).letter.area
            if got != new:
                raise SystemExit(f"{out.name}: the parser reads the area as {got!r}, not {new!r}")
    return written


# ---- report -------------------------------------------------------------------------------
def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def rate(n: int | None, s: float) -> str:
    return f"{n / s:9.1f}" if n else f"{'n/a':>9}"


def table(title: str, figs: dict[str, dict], target_s: float | None) -> None:
    names = list(figs)
    print(f"\n{title}")
    print(f"{'':34}" + "".join(f"{n:>18}" for n in names))

    def row(label: str, fmt, key: str | None = None) -> None:
        """One line; "-" where a checkout has no such figure (it did not build)."""
        def cell(f: dict) -> str:
            try:
                return fmt(f) if key is None else fmt(f[key])
            except KeyError:
                return "-"
        print(f"{label:34}" + "".join(f"{cell(figs[n]):>18}" for n in names))

    row("documents (letters) / passages", lambda f: f"{f['letters']} / {f['passages']}")
    row("sentences embedded", lambda f: "-" if f["sentences"] is None else f"{f['sentences']}")
    row("full build, s" + (f" (target <= {target_s:.0f})" if target_s else ""),
        lambda v: f"{v:.1f}", "build_s")
    row("  whole process (imports too), s", lambda v: f"{v:.1f}", "process_s")
    row("passages/s", lambda f: rate(f["embedded"], f["build_s"]).strip())
    row("sentences/s", lambda f: rate(f["sentences"], f["build_s"]).strip())
    row("no-op re-index in-process, s", lambda f: f"{f['noop_s']:.2f}{'' if f['noop'] else ' !'}")
    row("  files it parsed", lambda f: "n/a" if f.get("noop_parsed") is None
        else f"{f['noop_parsed']}")
    row("no-op `sendqa index`, s (<= 3)",
        lambda f: f"{f['noop_cli_s']:.2f}{'' if f['noop_cli_ok'] else ' !'}")
    row("peak RSS build process, MB", lambda v: f"{v:.0f}", "rss_mb")
    row("peak RSS no-op command, MB", lambda v: f"{v:.0f}", "noop_cli_rss_mb")
    if not all(f["noop"] and f["noop_cli_ok"] for f in figs.values()):
        print("! = the re-index was not a no-op")
    if any("build_s" not in f for f in figs.values()):
        print("- = no build of its own: its no-op ran on the store the first column built")


def baseline_llamaindex(files: list[Path]) -> tuple[float, int]:
    """llama-index's defaults over the same canonical texts: seconds, nodes."""
    from llama_index.core import Document, Settings, VectorStoreIndex
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    from index.embed import model_path
    from index.parse import parse_file

    docs = [Document(text=parse_file(f).text) for f in files]
    Settings.llm = None
    t0 = time.perf_counter()
    embed = HuggingFaceEmbedding(model_name=model_path(), device="cpu")
    idx = VectorStoreIndex.from_documents(docs, embed_model=embed)
    return time.perf_counter() - t0, len(idx.docstore.docs)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--before", type=str, default=str(BEFORE),
                    help="a checkout of the previous main ('' to skip it)")
    ap.add_argument("--before-noop-only", action="store_true",
                    help="build with this checkout only; time --before's no-op on that store")
    ap.add_argument("--copies", type=int, default=0,
                    help="also build the corpus plus N renamed copies (225: 250 documents)")
    ap.add_argument("--llamaindex", action="store_true",
                    help="also time llama-index's default ingestion of the 25 documents")
    ap.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                    help="set in the environment of every build (e.g. OMP_WAIT_POLICY=PASSIVE)")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--code", type=Path, default=ROOT, help=argparse.SUPPRESS)
    ap.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--progress", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--noop-only", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("paths", nargs="*", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return worker(args.code, args.store, args.paths, args.progress, args.noop_only)

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sys.path.insert(0, str(ROOT))
    EXTRA_ENV.update(kv.split("=", 1) for kv in args.env)
    if EXTRA_ENV:
        print("environment of the builds: " + " ".join(f"{k}={v}" for k, v in EXTRA_ENV.items()))
    checkouts = {"now": ROOT}
    if args.before:
        if (Path(args.before) / "index" / "build.py").is_file():
            checkouts["before"] = Path(args.before)
        else:
            print(f"no checkout at {args.before}; measuring this one only")
    with tempfile.TemporaryDirectory(prefix="index_bench_") as tmp:
        shared = args.before_noop_only

        def measure_all(paths: list[Path], what: str, store: str, progress: bool) -> dict:
            figs = {}
            for name, code in checkouts.items():
                if shared and name != "now":
                    print(f"[{name}] no-op re-index of the store [now] built ({load()})",
                          flush=True)
                    figs[name] = measure_noop(code, Path(tmp) / f"{store}_now", paths)
                    continue
                print(f"[{name}] full build of {what} ({load()})", flush=True)
                figs[name] = measure(code, Path(tmp) / f"{store}_{name}", paths,
                                     progress=progress)
            return figs

        figs = measure_all([CORPUS], str(CORPUS.relative_to(ROOT)), "store25", False)
        table(f"bundled corpus ({load()} at the end)", figs, 60)

        if args.copies:
            copies = Path(tmp) / "copies"
            t0 = time.perf_counter()
            write_copies(args.copies, copies)
            print(f"\nwrote {args.copies} renamed copies in {time.perf_counter() - t0:.1f} s "
                  f"(areas checked: the parser reads '<area> Copy <k>')")
            big = measure_all([CORPUS, copies], f"the corpus + {args.copies} copies",
                              "store_big", True)
            table(f"corpus + {args.copies} copies ({load()} at the end)", big, 600)
    if args.llamaindex:
        from index.build import discover

        files, _ = discover([CORPUS])
        base_s, nodes = baseline_llamaindex(files)
        print(f"\nllama-index VectorStoreIndex defaults, same model: {base_s:.1f} s for {nodes} "
              f"nodes; sendqa build / llama-index = {figs['now']['build_s'] / base_s:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
