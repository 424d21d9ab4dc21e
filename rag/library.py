"""``Library``: the one object apps hold. Open an index, ask, retrieve, list letters."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from rag.compose import CANNOT_ANSWER, CitationBook
from rag.errors import InputRejected
from rag.evidence import Sentence, TermWeights, split_passage
from rag.lookup import compare, lookup
from rag.question import Query, parse_question
from rag.search import HybridIndex, Scope
from rag.settings import PARSER_VERSION, Settings, default_store
from rag.sweep import compose_set, sweep
from rag.text import stem_string
from rag.types import Answer, Coverage, Letter, Passage

log = logging.getLogger(__name__)


class Library:
    """A loaded sendqa index. Thread-safe for reads; open once per process and share it."""

    def __init__(self, *, store: Any, manifest: Any, settings: Settings, embedder: Any,
                 letters: list[tuple[Letter, str]], passages: list[Passage], matrix: np.ndarray,
                 collection: Any) -> None:
        self.settings = settings
        self.store = store
        self.manifest = manifest
        self.embedder = embedder
        self._letters = {lt.id: lt for lt, _ in letters}
        self._texts = {lt.id: text for lt, text in letters}
        self.index = HybridIndex(passages, matrix, collection, rrf_k=settings.retrieve.rrf_k,
                                 candidates=settings.retrieve.candidates)
        self.passage_stems = [stem_string(p.text) for p in passages]
        self.weights = TermWeights(self.passage_stems)
        self._by_letter: dict[str, list[int]] = {}
        for i, p in enumerate(passages):
            self._by_letter.setdefault(p.letter_id, []).append(i)
        self._sentences: dict[str, list[Sentence]] = {}
        self._lock = threading.Lock()

    # ---- opening ----------------------------------------------------------------------
    @classmethod
    def open(cls, store: str | Path | None = None, *, chroma_url: str | None = None,
             settings: Settings | None = None) -> Library:
        """Open the index at ``store`` (a folder) or on the Chroma server at ``chroma_url``.

        Raises StoreNotFound (no index yet: build one with `sendqa index`) or
        StoreMismatch (built with another embedder or parser: rebuild it).
        """
        from index.embed import Embedder
        from index.store import Store, connect

        settings = settings or Settings()
        st = Store(connect(store if store is not None else default_store(), chroma_url))
        man = st.require_manifest()
        embedder = Embedder(settings.embed)
        man.check(embedder.id, embedder.dim, PARSER_VERSION)
        letters = st.read_letters(man.generation)
        passages, matrix = st.read_passages(man.generation)
        lib = cls(store=st, manifest=man, settings=settings, embedder=embedder, letters=letters,
                  passages=passages, matrix=matrix,
                  collection=st.passages_collection(man.generation))
        return lib

    def warm(self) -> None:
        """Load the embedding model and split every letter into sentences now, so the first
        question does not pay for it (a server calls this at start; the CLI does not)."""
        self.embedder.embed_query("warm up")
        for lid in list(self._letters):
            self.sentences(lid)

    def close(self) -> None:
        """Nothing to release today; here so callers can treat a Library as a resource."""

    # ---- letters ----------------------------------------------------------------------
    def letters(self) -> list[Letter]:
        return sorted(self._letters.values(), key=lambda lt: (lt.area, lt.date or dt.date.min, lt.id))

    def letter(self, letter_id: str) -> Letter:
        return self._letters[letter_id]

    def letter_text(self, letter_id: str) -> str:
        """The canonical text of a letter; every citation's start/end slice it."""
        return self._texts[letter_id]

    def areas(self) -> list[str]:
        return sorted({lt.area for lt in self._letters.values()})

    def passages(self, letter_id: str | None = None) -> list[Passage]:
        if letter_id is None:
            return list(self.index.passages)
        return [self.index.passages[i] for i in self._by_letter.get(letter_id, [])]

    def sentences(self, letter_id: str) -> list[Sentence]:
        with self._lock:
            if letter_id not in self._sentences:
                self._sentences[letter_id] = [
                    s for i in self._by_letter.get(letter_id, [])
                    for s in split_passage(i, self.index.passages[i])
                ]
            return self._sentences[letter_id]

    # ---- retrieval --------------------------------------------------------------------
    def _scope(self, areas=None, since=None, until=None, framework=None, kind=None) -> Scope:
        return Scope(areas=tuple(self._canon_areas(areas or [])), since=since, until=until,
                     framework=framework, kind=kind)

    def _canon_areas(self, areas: list[str]) -> list[str]:
        known = {a.lower(): a for a in self.areas()}
        return [known.get(a.lower(), a) for a in areas]

    def _in_scope(self, scope: Scope) -> list[int]:
        ok = {lid for lid, lt in self._letters.items() if scope.admits(lt)}
        return [i for lid in ok for i in self._by_letter.get(lid, [])]

    def retrieve(self, query: str, *, k: int | None = None, areas: list[str] | None = None,
                 since: int | None = None, until: int | None = None,
                 framework: str | None = None) -> list[Passage]:
        """Hybrid search: dense (Chroma, filters in ``where``) + BM25, fused by reciprocal rank."""
        k = k or self.settings.retrieve.k
        scope = self._scope(areas, since, until, framework)
        qvec = self.embedder.embed_query(query)
        hits = self.index.hybrid_topk(query, qvec, scope, self._in_scope(scope), k)
        return [self.index.with_score(i, s) for i, s in hits]

    def retrieve_dense(self, query: str, *, k: int = 10, **filters: Any) -> list[Passage]:
        qvec = self.embedder.embed_query(query)
        scope = self._scope(**filters)
        return [self.index.with_score(i, s)
                for i, s in self.index.dense_topk(qvec, scope, k, self._in_scope(scope))]

    def retrieve_bm25(self, query: str, *, k: int = 10, **filters: Any) -> list[Passage]:
        scope = self._scope(**filters)
        return [self.index.with_score(i, s)
                for i, s in self.index.bm25_topk(query, self._in_scope(scope), k)]

    def as_retriever(self, *, k: int | None = None, **filters: Any):
        """A llama-index ``BaseRetriever`` over this library (hybrid, with these filters)."""
        from rag.llamaindex import SendQARetriever

        return SendQARetriever(self, k=k or self.settings.retrieve.k, filters=filters)

    # ---- answering --------------------------------------------------------------------
    def ask(self, question: str, *, areas: list[str] | None = None, since: int | None = None,
            until: int | None = None, framework: str | None = None) -> Answer:
        """Answer a question from the letters, with every claim cited verbatim.

        Explicit filters override what the question's wording implies.
        """
        t0 = time.perf_counter()
        question = (question or "").strip()
        limit = self.settings.answer.max_question_chars
        if not question:
            raise InputRejected("empty question; type a question about the inspection letters")
        if len(question) > limit:
            raise InputRejected(f"question is {len(question)} characters; the limit is {limit}")
        q = parse_question(question, self.areas())
        if areas:
            q.areas = self._canon_areas(list(areas))
            q.unknown_areas = [a for a in q.areas if a not in self.areas()]
        if since is not None:
            q.since = since
        if until is not None:
            q.until = until
        if framework:
            q.framework = framework
        if q.intent == "compare" and len(q.areas) < 2:
            n_letters = sum(1 for lt in self._letters.values() if self._scope_of(q).admits(lt))
            if n_letters < 2:
                q.intent = "lookup"
        t_parse = time.perf_counter()
        answer = self._answer(q)
        t_end = time.perf_counter()
        timings = {"parse_ms": round((t_parse - t0) * 1000, 1),
                   "answer_ms": round((t_end - t_parse) * 1000, 1),
                   "total_ms": round((t_end - t0) * 1000, 1)}
        return Answer(**{**answer.__dict__, "timings_ms": timings})

    def _scope_of(self, q: Query) -> Scope:
        return Scope(areas=tuple(q.areas), since=q.since, until=q.until, framework=q.framework,
                     kind=q.kind)

    def _filters(self, q: Query) -> dict[str, Any]:
        return {"areas": q.areas, "since": q.since, "until": q.until, "framework": q.framework,
                "kind": q.kind, "outcome": q.outcome, "terms": [t.label for t in q.terms],
                "polarity": q.polarity}

    def _answer(self, q: Query) -> Answer:
        scope = self._scope_of(q)
        letters = sorted((lt for lt in self._letters.values() if scope.admits(lt)),
                         key=lambda lt: (lt.area, lt.date or dt.date.min))
        book = CitationBook(self._texts, self._letters,
                            {lid: self.passages(lid) for lid in self._letters})
        cov = Coverage(in_scope=len(letters), checked=len(letters))
        base = {"question": q.text, "intent": q.intent, "filters": self._filters(q)}
        if q.unknown_areas and not q.areas:
            return self._abstain(
                base, cov,
                f"The collection holds no letter for {', '.join(q.unknown_areas)}. "
                f"It holds letters for {len(self.areas())} areas: {', '.join(self.areas())}.")
        if not letters:
            return self._abstain(base, cov, f"No letter matches the filters ({self._scope_label(q)}).")
        if q.intent in ("set", "count"):
            res = sweep(self, q, letters, book)
            text = compose_set(q, res, self._letters, len(letters), self._scope_label(q))
            text += f"\n\n_{cov.label().capitalize()}._"
            return Answer(**base, text=text, abstained=False, findings=tuple(res.findings),
                          citations=tuple(book.items), coverage=cov)
        qvec = self.embedder.embed_query(q.text)
        res = compare(self, q, letters, book, qvec) if q.intent == "compare" else \
            lookup(self, q, letters, book, qvec)
        if not book.items:
            searched = f"searched {len(letters)} letters ({self._scope_label(q)})"
            return self._abstain(base, cov, f"Nothing in the letters in scope answers it; {searched}.")
        return Answer(**base, text=res.text, abstained=False, findings=tuple(res.findings),
                      citations=tuple(book.items), coverage=cov)

    def _abstain(self, base: dict[str, Any], cov: Coverage, why: str) -> Answer:
        return Answer(**base, text=f"{CANNOT_ANSWER} {why}", abstained=True, findings=(),
                      citations=(), coverage=cov)

    def _scope_label(self, q: Query) -> str:
        bits = []
        if q.areas:
            bits.append(", ".join(q.areas))
        if q.since is not None and q.until is not None:
            bits.append(f"{q.since}" if q.since == q.until else f"{q.since}-{q.until}")
        elif q.since is not None:
            bits.append(f"from {q.since}")
        elif q.until is not None:
            bits.append(f"up to {q.until}")
        if q.framework:
            bits.append("joint inspections 2016-2022" if q.framework == "joint_2016"
                        else "area SEND inspections 2023+")
        if q.kind:
            bits.append(f"{q.kind}s")
        return "; ".join(bits) or "all letters"
