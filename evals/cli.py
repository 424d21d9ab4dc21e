"""`sendqa eval`: the only part of evals/ that prints."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from evals.gold import GoldError, resolve_gold, suite_name
from evals.thresholds import ThresholdError, check_thresholds, load_thresholds


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``eval`` subcommand to an argparse subparsers object."""
    p = subparsers.add_parser(
        "eval",
        help="score answers against a gold suite (and baselines), write a report",
        description="Run gold JSONL suites through sendqa and write out/report.md, "
        "out/results.json and out/report.png; with several --gold, one index serves them all "
        "and each suite's files go to out/SUITE/.",
    )
    p.add_argument(
        "--gold",
        metavar="FILE",
        action="append",
        default=[],
        help="gold JSONL, or a bundled suite's name: seed, dev, dev2, heldout (repeatable; "
        "default: seed)",
    )
    src = p.add_mutually_exclusive_group()
    src.add_argument(
        "--store",
        metavar="DIR",
        help="an existing index (default: $SENDQA_STORE "
        "or .sendqa/store, built from data/corpus/ if missing)",
    )
    src.add_argument(
        "--corpus",
        metavar="DIR",
        action="append",
        default=[],
        help="index these folders into a temporary store first (repeatable)",
    )
    p.add_argument("--chroma-url", metavar="URL", help="Chroma server holding --store's vectors")
    p.add_argument("--out", metavar="DIR", default="out", help="report folder (default: out)")
    p.add_argument(
        "--baselines",
        action="store_true",
        help="also score llama-index top-5, BM25 top-10 and hybrid top-10",
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="exit 1 when a figure misses its bound in the thresholds file",
    )
    p.add_argument(
        "--thresholds", metavar="FILE", help="bounds for --check (default: evals/thresholds.toml)"
    )
    p.add_argument(
        "--allow-missing-evidence",
        action="store_true",
        help="score even when gold quotes are missing from the corpus",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run)
    return p


class _Bars:
    """One tqdm bar per runner stage, on stderr."""

    def __init__(self) -> None:
        self.stage: str | None = None
        self.bar: Any = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        from tqdm import tqdm

        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = tqdm(total=total, desc=stage, unit="q", file=sys.stderr, leave=False)
        self.bar.n = done
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def run(args: argparse.Namespace) -> int:
    from evals.report import (
        suites_rows,
        summary_rows,
        text_table,
        write_report,
        write_suites_table,
    )
    from evals.runner import run_suites
    from rag import SendQAError

    golds = args.gold or [None]
    bars = None if args.no_progress else _Bars()
    try:
        if args.check:  # a suite without bounds fails now, not after the run
            for gold in golds:
                load_thresholds(args.thresholds, suite_name(resolve_gold(gold)))
        results = run_suites(
            golds,
            store=args.store,
            corpus=args.corpus,
            baselines=args.baselines,
            chroma_url=args.chroma_url,
            allow_missing_evidence=args.allow_missing_evidence,
            on_progress=bars,
        )
        failures = {
            r.meta["suite"]: check_thresholds(r.summary, args.thresholds, r.meta["suite"])
            if args.check
            else []
            for r in results
        }
    except GoldError as e:
        print(f"error: {e}", file=sys.stderr)
        if any("evidence quote" in p or "no indexed document" in p for p in e.problems):
            print(
                "(is this the corpus the gold file was written for? "
                "--allow-missing-evidence scores anyway)",
                file=sys.stderr,
            )
        return 2
    except (SendQAError, ThresholdError, FileNotFoundError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    finally:
        if bars is not None:
            bars.close()
    several = len(results) > 1
    for r in results:
        suite = r.meta["suite"]
        out = Path(args.out) / suite if several else Path(args.out)
        paths = write_report(r, out)
        if several:
            print(f"\n== {suite} ({r.meta['gold']})")
        for problem in r.gold_problems:
            print(f"warning: {suite}: {problem}", file=sys.stderr)
        print(text_table(summary_rows(r)))
        s = r.summary
        print(
            f"\n{s['passed']}/{s['questions']} questions passed. Wrote "
            + ", ".join(str(p) for p in paths.values())
        )
    if several:
        checked = failures if args.check else None
        path = write_suites_table(results, checked, args.out)
        print("\n" + text_table(suites_rows(results, checked)))
        print(f"Wrote {path}")
    failed = {suite: f for suite, f in failures.items() if f}
    for suite, found in failed.items():
        print(f"\nthreshold check FAILED for {suite}:", file=sys.stderr)
        for f in found:
            print(f"  {f}", file=sys.stderr)
    if failed:
        return 1
    if args.check:
        print("threshold check passed" + (f" for {', '.join(failures)}" if several else ""))
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m evals eval ...`` without the main sendqa CLI."""
    parser = argparse.ArgumentParser(prog="python -m evals")
    sub = parser.add_subparsers(dest="command", required=True)
    register(sub)
    args = parser.parse_args(argv)
    return args.func(args)
