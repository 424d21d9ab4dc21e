"""`sendqa eval`: the only part of evals/ that prints."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from evals.gold import GoldError
from evals.thresholds import ThresholdError, check_thresholds


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``eval`` subcommand to an argparse subparsers object."""
    p = subparsers.add_parser(
        "eval",
        help="score answers against a gold suite (and baselines), write a report",
        description="Run a gold JSONL suite through sendqa and write out/report.md, "
        "out/results.json and out/report.png.",
    )
    p.add_argument("--gold", metavar="FILE", help="gold JSONL (default: evals/gold/seed.jsonl)")
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
    from evals.report import summary_rows, text_table, write_report
    from evals.runner import run_eval
    from rag import SendQAError

    bars = None if args.no_progress else _Bars()
    try:
        result = run_eval(
            args.gold,
            store=args.store,
            corpus=args.corpus,
            baselines=args.baselines,
            chroma_url=args.chroma_url,
            allow_missing_evidence=args.allow_missing_evidence,
            on_progress=bars,
        )
        failures = check_thresholds(result.summary, args.thresholds) if args.check else []
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
    paths = write_report(result, args.out)
    for problem in result.gold_problems:
        print(f"warning: {problem}", file=sys.stderr)
    print(text_table(summary_rows(result)))
    s = result.summary
    print(
        f"\n{s['passed']}/{s['questions']} questions passed. Wrote "
        + ", ".join(str(p) for p in paths.values())
    )
    if failures:
        print("\nthreshold check FAILED:", file=sys.stderr)
        for f in failures:
            print(f"  {f}", file=sys.stderr)
        return 1
    if args.check:
        print("threshold check passed")
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m evals eval ...`` without the main sendqa CLI."""
    parser = argparse.ArgumentParser(prog="python -m evals")
    sub = parser.add_subparsers(dest="command", required=True)
    register(sub)
    args = parser.parse_args(argv)
    return args.func(args)
