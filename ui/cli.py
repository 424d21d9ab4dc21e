"""`sendqa serve`: build the index on first run, then serve the chat in a browser.

The main CLI (rag/cli.py) calls ``register(subparsers)``; ``python -m ui serve`` works too.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any

from rag.errors import InputRejected, SendQAError, StoreMismatch, StoreNotFound
from rag.settings import default_store

LOOPBACK = ("127.0.0.1", "localhost", "::1")
BUNDLED_DATA = Path(__file__).resolve().parent.parent / "data" / "corpus"


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``serve`` subcommand to an argparse subparsers object."""
    p = subparsers.add_parser(
        "serve", help="serve the chat UI in a browser",
        description="Serve the sendqa chat. Builds the index over the bundled corpus on first "
                    "run. Set SENDQA_AUTH=user:password to require a login.",
    )
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default 127.0.0.1; 0.0.0.0 exposes it to your network)")
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    p.add_argument("--store", type=Path, default=None,
                   help="index directory (default $SENDQA_STORE or .sendqa/store)")
    p.add_argument("--chroma-url", default=None, help="a Chroma server to use instead of the store")
    p.add_argument("--data", type=Path, default=None,
                   help="corpus indexed on first run (default: the bundled data/corpus/ folder)")
    p.add_argument("--concurrency", type=int, default=4,
                   help="questions answered at once (minimum 4)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--llm-url", help="word answers with an OpenAI-compatible server, e.g. "
                   "http://127.0.0.1:8080/v1 (validated; extractive fallback)")
    g.add_argument("--llm-model", help="word answers with a local GGUF file (llm-local extra)")
    p.set_defaults(func=run)
    return p


def _data_dir(arg: Path | None) -> Path:
    if arg is not None:
        return arg
    return BUNDLED_DATA if BUNDLED_DATA.is_dir() else Path("data") / "corpus"


def _built_from(store: Path, chroma_url: str | None, data: Path) -> bool:
    """Was the index at ``store`` built from files under ``data`` only?"""
    from index.store import Store, connect

    st = Store(connect(store, chroma_url))
    man = st.require_manifest()
    root = data.resolve()
    sources = [Path(lt.source).resolve() for lt, _ in st.read_letters(man.generation)]
    return bool(sources) and all(src.is_relative_to(root) for src in sources)


def open_library(store: Path, *, chroma_url: str | None, data: Path, settings: Any = None) -> Any:
    """Open the index at ``store``; on first run build it from ``data`` (with progress).

    An index that an older sendqa built from ``data`` alone is rebuilt; one that holds
    other letters is left alone and the error says how to rebuild it."""
    from rag import Library

    rebuild = False
    try:
        return Library.open(store, chroma_url=chroma_url, settings=settings)
    except StoreNotFound:
        if not data.is_dir():
            raise StoreNotFound(
                f"No index at {store} and no corpus at {data} to build one from; "
                "pass --data DIR or run `sendqa index` first."
            ) from None
        print(f"No index at {store} yet: building it over {data} (first run, a few minutes)...",
              file=sys.stderr, flush=True)
    except StoreMismatch as exc:
        if not (data.is_dir() and _built_from(store, chroma_url, data)):
            raise
        rebuild = True
        print(f"{exc}. It holds only letters from {data}: rebuilding it (a few minutes)...",
              file=sys.stderr, flush=True)
    from index.build import build_index

    report = build_index([data], store=store, chroma_url=chroma_url, progress=True, rebuild=rebuild)
    print(f"Index built at {store}: {report.letters} letters, {report.passages} passages.",
          file=sys.stderr, flush=True)
    for source, reason in report.skipped:
        print(f"  skipped {source}: {reason}", file=sys.stderr)
    return Library.open(store, chroma_url=chroma_url, settings=settings)


WARM_UP_QUESTIONS = ("How many children were waiting for a special school place?",
                     "Which areas lacked a DMO?")


def warm_up(lib: Any) -> None:
    """Load the model, split the letters into sentences, and ask a lookup and a set question
    once, so the first user does not pay for lazy loading."""
    warm = getattr(lib, "warm", None)
    if callable(warm):
        warm()
    for question in WARM_UP_QUESTIONS:
        try:
            lib.ask(question)
        except Exception:  # a failed warm-up only costs the first user some time
            logging.getLogger(__name__).warning("warm-up question failed", exc_info=True)


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted; returns the process exit code."""
    from ui.app import build_app, launch
    from ui.service import parse_auth

    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        auth = parse_auth(os.environ.get("SENDQA_AUTH"))
    except InputRejected as exc:
        print(f"sendqa serve: {exc}", file=sys.stderr)
        return 2
    if args.host not in LOOPBACK and auth is None:
        print(f"sendqa serve: warning: binding {args.host} without a login; anyone on your "
              "network can use it. Set SENDQA_AUTH=user:password to require one.", file=sys.stderr)
    store = args.store or default_store()
    try:
        from rag.settings import LLMSettings, Settings

        settings = Settings(llm=LLMSettings(url=getattr(args, "llm_url", None),
                                            model_path=getattr(args, "llm_model", None)))
        lib = open_library(store, chroma_url=args.chroma_url, data=_data_dir(args.data),
                           settings=settings)
    except SendQAError as exc:
        print(f"sendqa serve: {exc}", file=sys.stderr)
        return 2
    pin = _pin(lib, store, args.chroma_url)
    warm_up(lib)
    demo = build_app(lib, concurrency=args.concurrency)
    try:
        _, url, _ = launch(demo, host=args.host, port=args.port, auth=auth, block=False,
                           quiet=True)
    except OSError as exc:
        print(f"sendqa serve: cannot serve on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    login = " (login required)" if auth else ""
    print(f"sendqa is serving at {url}{login}. Press Ctrl+C to stop.", flush=True)
    previous = signal.signal(signal.SIGTERM, _interrupt)  # stop as Ctrl+C does, cleaning up
    try:
        demo.block_thread()
    finally:
        signal.signal(signal.SIGTERM, previous)
        demo.close(verbose=False)
        service = getattr(demo, "sendqa_service", None)
        if service is not None:
            service.close()
        if pin is not None:
            pin.close()
    return 0


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _pin(lib: Any, store: Path, chroma_url: str | None) -> Any:
    """Keep the generation this server reads from being dropped by later builds."""
    from index.lock import lock_folder, pin_generation

    manifest = getattr(lib, "manifest", None)
    if manifest is None:
        return None
    try:
        return pin_generation(lock_folder(store, chroma_url), manifest.generation)
    except OSError as exc:  # a read-only store folder: serve anyway, unpinned
        logging.getLogger(__name__).warning("cannot pin the index generation: %s", exc)
        return None


def main(argv: list[str] | None = None) -> int:
    for key, value in (("HF_HUB_OFFLINE", "1"), ("TRANSFORMERS_OFFLINE", "1"),
                       ("TOKENIZERS_PARALLELISM", "false")):
        os.environ.setdefault(key, value)
    parser = argparse.ArgumentParser(prog="python -m ui")
    sub = parser.add_subparsers(dest="command", required=True)
    register(sub)
    args = parser.parse_args(argv)
    return args.func(args)
