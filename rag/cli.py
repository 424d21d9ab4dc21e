"""The `sendqa` command: index, letters, ask, eval, serve.

Only this module (and the UI) prints and chooses exit codes: 0 ok, 1 a check failed,
2 bad input or a store problem the message explains.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from rag.errors import SendQAError
from rag.settings import default_store

BUNDLED = Path(__file__).resolve().parent.parent / "data" / "corpus"


def _store_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", type=Path, default=None,
                   help="index folder (default: $SENDQA_STORE or .sendqa/store)")
    p.add_argument("--chroma-url", default=None,
                   help="use a Chroma server, e.g. http://127.0.0.1:8000, instead of a folder")


def _store(args: argparse.Namespace) -> Path:
    return args.store if args.store is not None else default_store()


def cmd_index(args: argparse.Namespace) -> int:
    from index.build import build_index

    paths = args.paths or [BUNDLED]
    report = build_index(paths, store=_store(args), chroma_url=args.chroma_url,
                         rebuild=args.rebuild, progress=not args.quiet)
    for path, why in report.skipped:
        print(f"skipped {path}: {why}", file=sys.stderr)
    for path, why in report.warnings:
        print(f"warning {path}: {why}", file=sys.stderr)
    for path, first in report.duplicates:
        print(f"duplicate {path}: same letter as {first}; indexed once", file=sys.stderr)
    where = args.chroma_url or _store(args)
    if report.noop:
        print(f"index at {where} is up to date: {report.letters} letters, {report.passages} "
              f"passages ({report.seconds:.1f} s)")
    else:
        print(f"indexed {report.letters} letters, {report.passages} passages into {where} in "
              f"{report.seconds:.1f} s ({report.embedded} passages embedded, {len(report.added)} "
              f"letters added or changed, {len(report.removed)} removed, {report.unchanged} "
              f"unchanged, {len(report.skipped)} files skipped)")
    return 0


def cmd_letters(args: argparse.Namespace) -> int:
    from rag.library import Library

    lib = Library.open(_store(args), chroma_url=args.chroma_url)
    letters = lib.letters()
    if args.json:
        keys = ("id", "area", "framework", "kind", "outcome", "inspection_start",
                "inspection_end", "letter_date", "source", "passages")
        print(json.dumps([{k: lt.to_dict()[k] for k in keys} for lt in letters], indent=2))
        return 0
    for lt in letters:
        print(f"{lt.id}  {lt.area:<22} {lt.framework:<10} {lt.kind:<10} {lt.outcome or '-':<22} "
              f"{lt.dates_label():<32} {lt.passages:>3} passages  {lt.source}")
    print(f"{len(letters)} letters")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from rag.library import Library
    from rag.settings import LLMSettings, Settings

    settings = Settings(llm=LLMSettings(url=args.llm_url, model_path=args.llm_model,
                                        model_name=args.llm_name))
    lib = Library.open(_store(args), chroma_url=args.chroma_url, settings=settings)
    answer = lib.ask(args.question, areas=args.area or None, since=args.since, until=args.until,
                     framework=args.framework)
    if args.llm_url or args.llm_model:
        from rag.synthesis import synthesise

        answer = synthesise(lib, answer)
    if args.json:
        print(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False))
        return 0
    print(answer.text)
    if answer.citations:
        print("\nSources:")
        for c in answer.citations:
            dates = f"{c.inspection_start} to {c.inspection_end}" if c.inspection_start else "undated"
            print(f"[{c.n}] {c.area}, {dates}, {c.section}: \"{c.quote[:300]}"
                  f"{'...' if len(c.quote) > 300 else ''}\"")
    for note in answer.notes:
        print(f"note: {note}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sendqa", description=__doc__.split("\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", help="build or update the index from letters (.txt .md .pdf)")
    p.add_argument("paths", nargs="*", type=Path, help="files or folders (default: the bundled data/corpus/)")
    _store_args(p)
    p.add_argument("--rebuild", action="store_true", help="re-embed everything from scratch")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("letters", help="list the indexed letters")
    _store_args(p)
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(func=cmd_letters)

    p = sub.add_parser("ask", help="ask a question; get a cited answer")
    p.add_argument("question")
    _store_args(p)
    p.add_argument("--json", action="store_true", help="print Answer.to_dict() as JSON")
    p.add_argument("--area", action="append", help="only these areas (repeatable)")
    p.add_argument("--since", type=int, help="only inspections from this year on")
    p.add_argument("--until", type=int, help="only inspections up to this year")
    p.add_argument("--framework", choices=["joint_2016", "area_2023"])
    g = p.add_mutually_exclusive_group()
    g.add_argument("--llm-url", help="OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1")
    g.add_argument("--llm-model", help="a local GGUF file (needs llama-cpp-python)")
    p.add_argument("--llm-name", default="local", help="model name sent to the LLM server")
    p.set_defaults(func=cmd_ask)

    try:
        from evals.cli import register as register_eval

        register_eval(sub)
    except ImportError:  # pragma: no cover - evals is part of this distribution
        pass
    try:
        from ui.cli import register as register_serve

        register_serve(sub)
    except ImportError:  # pragma: no cover
        pass
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args) or 0)
    except SendQAError as exc:
        print(f"sendqa: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("sendqa: interrupted; the previous index is unchanged", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
