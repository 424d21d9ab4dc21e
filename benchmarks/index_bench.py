"""Index benchmark: full build of the bundled corpus, no-op re-index, peak RSS.

Prints figures beside a baseline measured in the same run: llama-index's default
ingestion (SentenceSplitter + the same bundled model into a VectorStoreIndex) of the
same documents. Targets on the 2-core machine: build <= 90 s, no-op <= 3 s (as a
`sendqa index` command, imports included), peak RSS <= 2.5 GB.

    .venv/bin/python benchmarks/index_bench.py [--no-baseline]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


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
    ap.add_argument("--no-baseline", action="store_true")
    args = ap.parse_args()

    from index.build import build_index, discover
    from index.embed import Embedder

    data = ROOT / "data" / "corpus"
    files, _ = discover([data])
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        t0 = time.perf_counter()
        rep = build_index([data], store=store)
        build_s = time.perf_counter() - t0
        tok = Embedder().model.tokenizer
        passages = rep.passages
        from rag.library import Library

        lib = Library.open(store)
        model_tokens = sum(len(tok(p.text, truncation=True, max_length=256)["input_ids"])
                           for p in lib.passages())
        t0 = time.perf_counter()
        again = build_index([data], store=store)
        noop_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "rag.cli", "index", str(data), "--store",
                              str(store), "--quiet"], cwd=ROOT, capture_output=True, text=True)
        noop_cli_s = time.perf_counter() - t0
        if out.returncode != 0 or "up to date" not in out.stdout:
            print("no-op CLI run did not report 'up to date':", out.stdout, out.stderr)
            return 1
    peak = rss_mb()
    print(f"documents                  {len(files)}")
    print(f"letters / passages         {rep.letters} / {passages}")
    print(f"full build                 {build_s:7.1f} s   (target <= 90 s)")
    print(f"passages/s                 {passages / build_s:7.1f}")
    print(f"model tokens/s             {model_tokens / build_s:7.0f}   ({model_tokens} tokens)")
    print(f"no-op re-index (in-proc)   {noop_s:7.2f} s   noop={again.noop}")
    print(f"no-op `sendqa index` (CLI) {noop_cli_s:7.2f} s   (target <= 3 s, imports included)")
    print(f"peak RSS (this process)    {peak:7.0f} MB  (target <= 2500 MB)")
    if not args.no_baseline:
        base_s, nodes = baseline_llamaindex(files)
        print(f"baseline: llama-index VectorStoreIndex defaults, same model: {base_s:.1f} s for "
              f"{nodes} nodes; sendqa build / baseline = {build_s / base_s:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
