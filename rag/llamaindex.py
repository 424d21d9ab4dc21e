"""A llama-index retriever over a Library, for use in llama-index query engines."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

if TYPE_CHECKING:
    from rag.library import Library


class SendQARetriever(BaseRetriever):
    """Hybrid (dense + BM25) retrieval with sendqa's filters; nodes carry area, date, section."""

    def __init__(self, library: Library, *, k: int = 10, filters: dict[str, Any] | None = None) -> None:
        super().__init__()
        self._library = library
        self._k = k
        self._filters = filters or {}

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        out = []
        for p in self._library.retrieve(query_bundle.query_str, k=self._k, **self._filters):
            node = TextNode(
                id_=p.id, text=p.text,
                metadata={"letter_id": p.letter_id, "area": p.area,
                          "date": p.date.isoformat() if p.date else None, "section": p.section,
                          "stance": p.stance, "start": p.start, "end": p.end},
            )
            out.append(NodeWithScore(node=node, score=p.score))
        return out
