"""`sendqa serve`: build the index on first run, then serve the chat in a browser.

The main CLI (rag/cli.py) calls ``register(subparsers)``; ``python -m ui serve`` works too.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

from rag.errors import InputRejected, SendQAError, StoreNotFound
from rag.settings import default_store

LOOPBACK = ("127.0.0.1", "localhost", "::1")
BUNDLED_DATA = Path(__file__).resolve().parent.parent / "data"


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
                   help="corpus indexed on first run (default: the bundled data/ folder)")
    p.add_argument("--concurrency", type=int, default=4,
                   help="questions answered at once (minimum 4)")
    p.set_defaults(func=run)
    return p


def _data_dir(arg: Path | None) -> Path:
    if arg is not None:
        return arg
    return BUNDLED_DATA if BUNDLED_DATA.is_dir() else Path("data")


def open_library(store: Path, *, chroma_url: str | None, data: Path) -> Any:
    """Open the index at ``store``; on first run build it from ``data`` (with progress)."""
    from rag import Library

    try:
        return Library.open(store, chroma_url=chroma_url)
    except StoreNotFound:
        if not data.is_dir():
            raise StoreNotFound(
                f"No index at {store} and no corpus at {data} to build one from; "
                "pass --data DIR or run `sendqa index` first."
            ) from None
    print(f"No index at {store} yet: building it over {data} (first run, a few minutes)...",
          file=sys.stderr, flush=True)
    from index.build import build_index

    report = build_index([data], store=store, chroma_url=chroma_url, progress=True)
    print(f"Index built at {store}: {report.letters} letters, {report.passages} passages.",
          file=sys.stderr, flush=True)
    for source, reason in report.skipped:
        print(f"  skipped {source}: {reason}", file=sys.stderr)
    return Library.open(store, chroma_url=chroma_url)


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted; returns the process exit code."""
    from ui.app import build_app, launch
    from ui.service import parse_auth

    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
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
        lib = open_library(store, chroma_url=args.chroma_url, data=_data_dir(args.data))
    except SendQAError as exc:
        print(f"sendqa serve: {exc}", file=sys.stderr)
        return 1
    demo = build_app(lib, concurrency=args.concurrency)
    try:
        launch(demo, host=args.host, port=args.port, auth=auth)
    except OSError as exc:
        print(f"sendqa serve: cannot serve on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ui")
    sub = parser.add_subparsers(dest="command", required=True)
    register(sub)
    args = parser.parse_args(argv)
    return args.func(args)
