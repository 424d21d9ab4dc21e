"""Hybrid retrieval over the loaded index: dense (Chroma) + BM25, fused by reciprocal rank.

The whole passage table and its embedding matrix are held in memory (1,000 passages
for the sample corpus, ~15,000 for every letter ever published: a few tens of MB), so
set questions can score every passage of every letter in scope, not a top-k sample.
Filtered top-k dense search goes through Chroma with the filters in its ``where``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from rag.glossary import expand
from rag.text import stems
from rag.types import Letter, Passage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Scope:
    """Which letters a search or sweep may look at."""

    areas: tuple[str, ...] = ()
    since: int | None = None
    until: int | None = None
    framework: str | None = None
    kind: str | None = None
    letter_ids: tuple[str, ...] = ()

    def admits(self, lt: Letter) -> bool:
        if self.letter_ids and lt.id not in self.letter_ids:
            return False
        if self.areas and lt.area.lower() not in {a.lower() for a in self.areas}:
            return False
        if self.framework and lt.framework != self.framework:
            return False
        if self.kind and lt.kind != self.kind:
            return False
        y = lt.year
        if self.since is not None and (y is None or y < self.since):
            return False
        return not (self.until is not None and (y is None or y > self.until))

    def where(self) -> dict | None:
        """The same filter as a Chroma ``where`` clause (dates as yyyymmdd integers)."""
        clauses: list[dict] = []
        if self.letter_ids:
            clauses.append({"letter_id": {"$in": list(self.letter_ids)}})
        if self.areas:
            clauses.append({"area": {"$in": list(self.areas)}})
        if self.framework:
            clauses.append({"framework": self.framework})
        if self.kind:
            clauses.append({"kind": self.kind})
        if self.since is not None:
            clauses.append({"year": {"$gte": self.since}})
        if self.until is not None:
            clauses.append({"year": {"$lte": self.until}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class HybridIndex:
    def __init__(self, passages: list[Passage], matrix: np.ndarray, collection, *, rrf_k: int = 60,
                 candidates: int = 50) -> None:
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets DEBUG on import
        self.passages = passages
        self.matrix = matrix
        self.collection = collection
        self.rrf_k = rrf_k
        self.candidates = candidates
        self.pos = {p.id: i for i, p in enumerate(passages)}
        self.bm25 = bm25s.BM25()
        corpus = [stems(p.text) or ["_"] for p in passages]
        self.bm25.index(corpus, show_progress=False)

    # -- scoring over all passages (for sweeps and in-memory ranking) ------------------
    def dense_scores(self, qvec: np.ndarray) -> np.ndarray:
        if self.matrix.size == 0:
            return np.zeros(len(self.passages), dtype=np.float32)
        return self.matrix @ qvec.astype(np.float32)

    def bm25_scores(self, query: str) -> np.ndarray:
        q = stems(expand(query))
        if not q or not self.passages:
            return np.zeros(len(self.passages), dtype=np.float32)
        return np.asarray(self.bm25.get_scores(q), dtype=np.float32)

    # -- top-k search ------------------------------------------------------------------
    def dense_topk(self, qvec: np.ndarray, scope: Scope, k: int,
                   idx: Sequence[int]) -> list[tuple[int, float]]:
        """Nearest passages by Chroma's HNSW index, with the scope pushed into ``where``."""
        if self.collection is None or not self.passages:
            return []
        try:
            got = self.collection.query(query_embeddings=[qvec.tolist()], n_results=max(1, k),
                                        where=scope.where(), include=["distances"])
        except Exception as exc:  # noqa: BLE001 - e.g. the generation was replaced and removed
            log.warning("Chroma query failed (%s); searching the in-memory matrix instead", exc)
            return self.dense_memory(qvec, idx, k)
        return [(self.pos[pid], 1.0 - float(d))
                for pid, d in zip(got["ids"][0], got["distances"][0], strict=True) if pid in self.pos]

    def dense_memory(self, qvec: np.ndarray, idx: Sequence[int], k: int) -> list[tuple[int, float]]:
        """Exact nearest passages among ``idx`` from the in-memory matrix."""
        if not len(idx):
            return []
        idx = np.asarray(idx)
        s = self.dense_scores(qvec)[idx]
        order = np.argsort(-s, kind="stable")[:k]
        return [(int(idx[i]), float(s[i])) for i in order]

    def bm25_topk(self, query: str, idx: Sequence[int], k: int) -> list[tuple[int, float]]:
        if not len(idx):
            return []
        idx = np.asarray(idx)
        s = self.bm25_scores(query)[idx]
        order = np.argsort(-s, kind="stable")[:k]
        return [(int(idx[i]), float(s[i])) for i in order if s[i] > 0]

    def hybrid_topk(self, query: str, qvec: np.ndarray, scope: Scope, idx: Sequence[int],
                    k: int) -> list[tuple[int, float]]:
        n = max(self.candidates, k)
        dense = self.dense_topk(qvec, scope, n, idx)
        sparse = self.bm25_topk(query, idx, n)
        score: dict[int, float] = {}
        for ranked in (dense, sparse):
            for r, (i, _) in enumerate(ranked, start=1):
                score[i] = score.get(i, 0.0) + 1.0 / (self.rrf_k + r)
        return sorted(score.items(), key=lambda kv: -kv[1])[:k]

    def with_score(self, i: int, score: float) -> Passage:
        return replace(self.passages[i], score=round(score, 6))
