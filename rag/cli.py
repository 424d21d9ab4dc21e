"""The `sendqa` command: index, letters, ask, chat, eval, serve.

Only this module (and the UI) prints and chooses exit codes: 0 ok, 1 a check failed,
2 bad input or a store problem the message explains.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
from pathlib import Path

from rag.errors import InputRejected, SendQAError
from rag.settings import default_store

BUNDLED = Path(__file__).resolve().parent.parent / "data" / "corpus"


def _store_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", type=Path, default=None,
                   help="index folder (default: $SENDQA_STORE or .sendqa/store)")
    p.add_argument("--chroma-url", default=None,
                   help="use a Chroma server, e.g. http://127.0.0.1:8000, instead of a folder")


def _store(args: argparse.Namespace) -> Path:
    return args.store if args.store is not None else default_store()


def _say(line: str) -> None:
    print(f"sendqa: {line}", file=sys.stderr, flush=True)


def cmd_index(args: argparse.Namespace) -> int:
    from index.build import build_index
    from rag.errors import NothingToIndex

    paths = args.paths or [BUNDLED]
    try:
        report = build_index(paths, store=_store(args), chroma_url=args.chroma_url,
                             rebuild=args.rebuild, mirror=args.mirror, progress=not args.quiet,
                             wait=args.wait, on_wait=_say)
    except NothingToIndex as exc:
        for path, why in exc.skipped:
            print(f"skipped {path}: {why}", file=sys.stderr)
        raise
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


def _open_for_questions(args: argparse.Namespace):
    from rag.library import Library
    from rag.settings import LLMSettings, Settings

    if args.since is not None and args.until is not None and args.since > args.until:
        raise InputRejected(f"--since {args.since} is after --until {args.until}; "
                            "swap them or drop one")
    settings = Settings(llm=LLMSettings(url=args.llm_url, model_path=args.llm_model,
                                        model_name=args.llm_name))
    return Library.open(_store(args), chroma_url=args.chroma_url, settings=settings)


def _answer(lib, question: str, args: argparse.Namespace, history: list[str]):
    """Ask with the command's filters and the earlier questions; reword with the LLM if set."""
    context = {"history": list(history)} if history else {}
    answer = lib.ask(question, **context, areas=args.area or None, since=args.since,
                     until=args.until, framework=args.framework)
    if args.llm_url or args.llm_model:
        from rag.synthesis import synthesise

        answer = synthesise(lib, answer)
    return answer


def _print_answer(answer, as_json: bool, *, indent: int | None = 2) -> None:
    if as_json:
        print(json.dumps(answer.to_dict(), indent=indent, ensure_ascii=False), flush=True)
    else:
        print(answer.text)
        if answer.citations:
            print("\nSources:")
            for c in answer.citations:
                dates = f"{c.inspection_start} to {c.inspection_end}" if c.inspection_start else "undated"
                print(f"[{c.n}] {c.area}, {dates}, {c.section}: \"{c.quote[:300]}"
                      f"{'...' if len(c.quote) > 300 else ''}\"")
        sys.stdout.flush()
    for note in answer.notes:
        print(f"note: {note}", file=sys.stderr, flush=True)


def cmd_ask(args: argparse.Namespace) -> int:
    lib = _open_for_questions(args)
    _print_answer(_answer(lib, args.question, args, args.history or []), args.json)
    return 0


CHAT_INTRO = ("sendqa chat: ask about the inspection letters; a follow-up (\"and Dorset?\") is "
              "read with your earlier questions. 'new' starts over; 'exit', 'quit' or Ctrl-D ends.")


def cmd_chat(args: argparse.Namespace) -> int:
    """Questions from stdin, one a line; each is answered with the earlier ones as history."""
    lib = _open_for_questions(args)
    interactive = sys.stdin.isatty()
    if interactive:
        try:
            import readline  # noqa: F401 - line editing and recall for input()
        except ImportError:  # pragma: no cover - not on every platform
            pass
        print(CHAT_INTRO, file=sys.stderr)
    history: list[str] = []
    while True:
        try:
            line = input("> " if interactive else "")
        except EOFError:
            break
        except KeyboardInterrupt:
            print(file=sys.stderr)
            return 130
        question = line.strip()
        if not question:
            continue
        if question.lower() in ("exit", "quit"):
            break
        if question.lower() == "new":
            history.clear()
            print("sendqa: new conversation", file=sys.stderr, flush=True)
            continue
        try:
            answer = _answer(lib, question, args, history)
        except InputRejected as exc:  # a bad question ends nothing: say why, read the next
            print(f"sendqa: {exc}", file=sys.stderr, flush=True)
            continue
        history.append(question)
        _print_answer(answer, args.json, indent=None)
        if not args.json:
            print(flush=True)
    return 0


def _question_args(p: argparse.ArgumentParser) -> None:
    _store_args(p)
    p.add_argument("--area", action="append", help="only these areas (repeatable)")
    p.add_argument("--since", type=int, help="only inspections from this year on")
    p.add_argument("--until", type=int, help="only inspections up to this year")
    p.add_argument("--framework", choices=["joint_2016", "area_2023"])
    g = p.add_mutually_exclusive_group()
    g.add_argument("--llm-url", help="OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1")
    g.add_argument("--llm-model", help="a local GGUF file (needs llama-cpp-python); loaded once")
    p.add_argument("--llm-name", default="local", help="model name sent to the LLM server")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sendqa", description=__doc__.split("\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", help="build or update the index from letters (.txt .md .pdf)")
    p.add_argument("paths", nargs="*", type=Path, help="files or folders (default: the bundled data/corpus/)")
    _store_args(p)
    p.add_argument("--mirror", "--prune", dest="mirror", action="store_true",
                   help="make the index exactly these paths: drop letters from paths not named "
                        "(default: add and update, keep the rest)")
    p.add_argument("--rebuild", action="store_true",
                   help="re-embed these paths from scratch (the index becomes exactly them)")
    p.add_argument("--wait", type=float, default=600.0, metavar="SECONDS",
                   help="wait this long for another build into the same store (default 600; "
                        "0: give up at once)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("letters", help="list the indexed letters")
    _store_args(p)
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(func=cmd_letters)

    p = sub.add_parser("ask", help="ask a question; get a cited answer")
    p.add_argument("question")
    _question_args(p)
    p.add_argument("--json", action="store_true", help="print Answer.to_dict() as JSON")
    p.add_argument("--history", action="append", metavar="EARLIER",
                   help="an earlier question of the same conversation, for a follow-up "
                        "(repeatable, oldest first)")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("chat", help="ask questions one a line (stdin); follow-ups use the "
                                    "earlier ones")
    _question_args(p)
    p.add_argument("--json", action="store_true",
                   help="print each answer as one line of JSON (Answer.to_dict())")
    p.set_defaults(func=cmd_chat)

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
    except BrokenPipeError:  # `sendqa ask ... | head`: the reader left; nothing to report
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - so the exit flush is quiet
        return 0
    except KeyboardInterrupt:
        print("sendqa: interrupted; the previous index is unchanged", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
