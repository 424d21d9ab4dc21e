"""``Library``: the one object apps hold. Open an index, ask, retrieve, list letters."""

from __future__ import annotations

import datetime as dt
import logging
import re
import sys
import threading
import time
from collections.abc import Sequence
from difflib import get_close_matches
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from rag.areas import known_area_names
from rag.compose import CANNOT_ANSWER, REPHRASE, CitationBook
from rag.errors import InputRejected, StoreNotFound
from rag.followup import resolve
from rag.glossary import TYPED, expand, harvest, hyphenated
from rag.lookup import compare, lookup, unknown_words
from rag.question import (
    FRAME_WORDS,
    FRAME_WORDS_3,
    Query,
    excluded_by_region,
    parse_question,
    region_scope,
)
from rag.relevance import FLOOR, SentenceIndex
from rag.search import HybridIndex, Scope
from rag.settings import PARSER_VERSION, Settings, default_store
from rag.stance import StanceModel
from rag.sweep import compose_set, is_topic, sweep
from rag.text import STOPWORDS
from rag.types import Answer, Coverage, Letter, Passage

log = logging.getLogger(__name__)

_WEB_RE = re.compile(r"\S*(?:/|@|www\.|\.uk\b|\.com\b|\.org\b|\.net\b)\S*", re.I)
SPELLING_CUTOFF = 0.8  # difflib similarity a correction needs


class Library:
    """A loaded sendqa index. Thread-safe for reads; open once per process and share it."""

    def __init__(self, *, store: Any, manifest: Any, settings: Settings, embedder: Any,
                 letters: list[tuple[Letter, str]], passages: list[Passage], matrix: np.ndarray,
                 collection: Any, sentence_spans: list[list[tuple[int, int]]] | None = None,
                 sentence_vectors: list[np.ndarray] | None = None,
                 stance: StanceModel | None = None) -> None:
        self.settings = settings
        self.store = store
        self.manifest = manifest
        self.embedder = embedder
        self._letters = {lt.id: lt for lt, _ in letters}
        self._texts = {lt.id: text for lt, text in letters}
        self.index = HybridIndex(passages, matrix, collection, rrf_k=settings.retrieve.rrf_k,
                                 candidates=settings.retrieve.candidates)
        self._by_letter: dict[str, list[int]] = {}
        for i, p in enumerate(passages):
            self._by_letter.setdefault(p.letter_id, []).append(i)
        if sentence_spans is None or sentence_vectors is None:
            sentence_spans, sentence_vectors = _embed_sentences(embedder, passages)
        self.sentence_index = SentenceIndex(passages, sentence_spans, sentence_vectors, stance)
        self.sentence_index.texts = self._texts
        self.sentence_index.word_vectors = lambda words: np.vstack([self.embed(w) for w in words])
        self._acronyms: dict[str, str] | None = None
        self._abbreviations: dict[str, str] | None = None
        self._known: frozenset[str] | None = None
        self._common: frozenset[str] | None = None
        self._qcache: dict[str, np.ndarray] = {}
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
        from index.snapshot import open_for_reading
        from index.store import Store

        settings = settings or Settings()
        # A local folder is read from the snapshot of its published generation when there
        # is one (no chromadb import: index/snapshot.py); Chroma answers everything else.
        st = Store(open_for_reading(store if store is not None else default_store(), chroma_url))
        man = st.require_manifest()
        embedder = Embedder(settings.embed)
        man.check(embedder.id, embedder.dim, PARSER_VERSION)
        letters = st.read_letters(man.generation)
        if not letters:  # an older sendqa could publish an empty index
            raise StoreNotFound("the index holds no letters; build it with `sendqa index PATH`")
        table = st.read_table(man.generation)
        raw = st.get_stance(man.generation)
        stance = StanceModel.from_json(raw) if raw else None
        return cls(store=st, manifest=man, settings=settings, embedder=embedder, letters=letters,
                   passages=table.passages, matrix=table.matrix,
                   collection=st.passages_collection(man.generation),
                   sentence_spans=table.sentence_spans, sentence_vectors=table.sentence_vectors,
                   stance=stance)

    def warm(self) -> None:
        """Load the embedding model and the lexical tables now, so the first question does
        not pay for them (a server calls this at start; the CLI does not)."""
        self.embed("warm up")
        self.sentence_index.postings()
        self.acronyms()
        self.common_words()

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

    # ---- language helpers ----------------------------------------------------------------
    def acronyms(self) -> dict[str, str]:
        """Acronyms the letters define ("designated medical officer (DMO)")."""
        if self._acronyms is None:
            # Seconds of regex work over every letter: kept beside the store's snapshot
            # for the next process (recomputed when the generation or glossary.py changes).
            import rag.glossary
            from index.snapshot import cached, code_version

            self._acronyms = cached(getattr(self.store, "client", None), "acronyms",
                                    code_version(rag.glossary),
                                    lambda: harvest(self._texts.values()))
        return self._acronyms

    def expand(self, text: str) -> str:
        return expand(text, self.acronyms())

    def abbreviations(self) -> dict[str, str]:
        """Every abbreviation sendqa knows (typed ones and those the letters define)."""
        if self._abbreviations is None:
            self._abbreviations = {k: v for k, v in {**self.acronyms(), **TYPED}.items() if v}
        return self._abbreviations

    def common_words(self) -> frozenset[str]:
        """Words the letters write in lower case: an area named like one ("reading") is
        only taken as the area when the question capitalises it."""
        if self._common is None:
            from index.snapshot import cached, code_version

            def compute() -> list[str]:
                words: set[str] = set()
                for text in self._texts.values():
                    text = _WEB_RE.sub(" ", text)  # "www.kent.gov.uk" does not make "kent" a word
                    words.update(re.findall(r"(?<![A-Za-z])[a-z][a-z'-]+", text))
                return sorted(words)

            self._common = frozenset(cached(getattr(self.store, "client", None), "common_words",
                                            code_version(sys.modules[__name__]), compute))
        return self._common

    def embed(self, text: str) -> np.ndarray:
        with self._lock:
            hit = self._qcache.get(text)
        if hit is not None:
            return hit
        vec = np.asarray(self.embedder.embed_query(text), dtype=np.float32)
        with self._lock:
            if len(self._qcache) > 2000:
                self._qcache.clear()
            self._qcache[text] = vec
        return vec

    def embed_many(self, texts: Sequence[str]) -> list[np.ndarray]:
        return [self.embed(t) for t in texts]

    def stance_of(self, text: str) -> float:
        """The learnt stance of a piece of text: > 0 critical, < 0 favourable."""
        return float(self.sentence_index.stance_model.logit(self.embed(text)[None, :])[0])

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
        qvec = self.embed(query)
        hits = self.index.hybrid_topk(query, qvec, scope, self._in_scope(scope), k)
        return [self.index.with_score(i, s) for i, s in hits]

    def retrieve_dense(self, query: str, *, k: int = 10, **filters: Any) -> list[Passage]:
        qvec = self.embed(query)
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
    def parse(self, question: str) -> Query:
        """The question as a structure (scope, outcome, clauses, intent); no answering.
        Misspelt words are first corrected against the letters' own vocabulary."""
        fixed, fixes = self.spell(question)
        q = parse_question(fixed, self.areas(), common_words=self.common_words())
        q.text = question
        q.spelling = fixes
        return q

    def spell(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        """Words the letters never use, replaced by the closest word they do use
        ("phsyio" -> "physio" is not in the letters, "occupatinal" -> "occupational")."""
        vocab = self.common_words()
        known = self._known_words()
        fixes: list[tuple[str, str]] = []

        joined = self._hyphenated()

        def one(m: re.Match[str]) -> str:
            word = m.group(0)
            low = word.lower()
            if low in joined and word.islower():
                # "coproduction" where the letters write "co-production": their spelling,
                # so that the words and the model's tokens match theirs.
                fixes.append((word, joined[low]))
                return joined[low]
            if len(low) == 3 and low not in vocab and low not in known and word.islower():
                # "hwo", "teh": a three-letter word is too short to match loosely, but two
                # letters swapped in a frame word is still the commonest slip.
                swap = [w for w in FRAME_WORDS_3 if _swapped(low, w)]
                if swap:
                    fixes.append((word, swap[0]))
                    return swap[0]
            if len(low) < 4 or low in vocab or low in known or not word.islower() or _CONTRACTION_RE.match(low):
                return word
            pre = _PREFIX_RE.match(low)
            if pre and (low[pre.end():] in vocab or low[pre.end():] in known):
                return word  # "reinspected": a prefix on a word the letters use, not a slip
            # "wich", "critcised": the question's own frame words are not the letters'
            # vocabulary ("criticised" is rare in them), so they are matched first; a short
            # word only against short frame words, and a little more loosely.
            short = len(low) == 4
            frame = get_close_matches(low, _SHORT_FRAME_WORDS if short else FRAME_WORDS, n=1,
                                      cutoff=0.75 if short else 0.8)
            if frame:
                fixes.append((word, frame[0]))
                return frame[0]
            if short:
                return word
            near = [w for w in get_close_matches(low, self._vocab_list(), n=5, cutoff=SPELLING_CUTOFF)
                    if w[0] == low[0]]  # a typo rarely changes the first letter: "hydrotherapy" is not "physiotherapy"
            # Two letters swapped is the commonest slip of the keyboard ("thier" is "their", not "tier").
            near = sorted(near, key=lambda w: not _swapped(low, w))[:1]
            if near:
                fixes.append((word, near[0]))
                return near[0]
            return word

        return re.sub(r"[A-Za-z]+", one, text), fixes

    def _hyphenated(self) -> dict[str, str]:
        """Words the letters usually write with a hyphen, keyed by the word without it
        ("coproduction" -> "co-production"); kept beside the snapshot like the acronyms."""
        if not hasattr(self, "_joined"):
            import rag.glossary
            from index.snapshot import cached, code_version

            self._joined = cached(getattr(self.store, "client", None), "hyphenated", code_version(rag.glossary),
                                  lambda: hyphenated(self._texts.values()))
        return self._joined

    def _known_words(self) -> frozenset[str]:
        """Words that are not misspellings even if no letter uses them: area names,
        abbreviations, stopwords and the model's English vocabulary (built once)."""
        if self._known is None:
            known = {w.lower() for a in self.areas() for w in re.findall(r"[A-Za-z]+", a)}
            known |= {w for a in known_area_names() for w in re.findall(r"[a-z]+", a)}
            self._known = frozenset(known | set(self.abbreviations()) | STOPWORDS | english_words())
        return self._known

    def _vocab_list(self) -> list[str]:
        if not hasattr(self, "_vocab_sorted"):
            words = {w for w in self.common_words() if len(w) >= 4 and "'" not in w}
            words |= {a.lower() for a in self.areas() if " " not in a}
            self._vocab_sorted = sorted(words)
        return self._vocab_sorted

    def ask(self, question: str, *, history: Sequence[str] | None = None,
            areas: list[str] | None = None, since: int | None = None,
            until: int | None = None, framework: str | None = None) -> Answer:
        """Answer a question from the letters, with every claim cited verbatim.

        ``history``: the earlier questions of the same conversation, oldest first; a
        follow-up ("and Kent?", "which of them were from 2023?", "so how many areas?")
        is read against them, and the answer says how it was read.
        Explicit filters override what the question's wording implies.
        """
        t0 = time.perf_counter()
        question = (question or "").strip()
        limit = self.settings.answer.max_question_chars
        if not question:
            raise InputRejected("empty question; type a question about the inspection letters")
        if len(question) > limit:
            raise InputRejected(f"question is {len(question)} characters; the limit is {limit}")
        q, clarify = resolve(self, question, list(history or []))
        if areas:
            named = self._canon_areas(list(areas))
            q.areas = [a for a in named if a in self.areas()]
            q.unknown_areas = [a for a in named if a not in self.areas()]
        if since is not None:
            q.since = since
        if until is not None:
            q.until = until
        if framework:
            q.framework = framework
        t_parse = time.perf_counter()
        if clarify:
            answer = self._clarify(q, clarify)
        else:
            answer = self._answer(q)
        t_end = time.perf_counter()
        timings = {"parse_ms": round((t_parse - t0) * 1000, 1),
                   "answer_ms": round((t_end - t_parse) * 1000, 1),
                   "total_ms": round((t_end - t0) * 1000, 1)}
        return Answer(**{**answer.__dict__, "timings_ms": timings})

    def scope_letters(self, q: Query) -> list[Letter]:
        """The letters a question's scope admits (areas or region, years, framework, kind,
        exclusions, latest per area), by area then date."""
        scope = Scope(areas=tuple(q.areas), since=q.since, until=q.until, framework=q.framework,
                      kind=q.kind)
        region, apart = region_scope(q), excluded_by_region(q)
        out = [lt for lt in self._letters.values() if scope.admits(lt)
               and (not q.regions or lt.area in region) and lt.area not in q.exclude_areas and lt.area not in apart]
        if q.repeated:
            held: dict[str, int] = {}
            for lt in self._letters.values():
                held[lt.area] = held.get(lt.area, 0) + 1
            out = [lt for lt in out if held[lt.area] > 1]
        if q.latest:
            newest: dict[str, Letter] = {}
            for lt in out:
                if lt.area not in newest or (lt.date or dt.date.min) > (newest[lt.area].date or dt.date.min):
                    newest[lt.area] = lt
            out = list(newest.values())
        return sorted(out, key=lambda lt: (lt.area, lt.date or dt.date.min))

    def _filters(self, q: Query) -> dict[str, Any]:
        return {"areas": q.areas, "exclude_areas": q.exclude_areas, "regions": q.regions,
                "exclude_regions": q.exclude_regions,
                "since": q.since, "until": q.until, "framework": q.framework, "kind": q.kind,
                "latest": q.latest, "repeated": q.repeated, "outcome": q.outcome, "outcome_negated": q.outcome_negated,
                "clauses": [{"topic": c.topic, "polarity": c.polarity, "negated": c.negated}
                            for c in q.clauses],
                "combine": q.combine, "count_unit": q.count_unit, "read_as": q.read_as,
                "spelling": [list(x) for x in q.spelling]}

    def _base(self, q: Query) -> dict[str, Any]:
        return {"question": q.text, "intent": q.intent, "filters": self._filters(q),
                "read_as": q.read_as}

    def _answer(self, q: Query) -> Answer:
        letters = self.scope_letters(q)
        book = CitationBook(self._texts, self._letters,
                            {lid: self.passages(lid) for lid in self._letters})
        cov = Coverage(in_scope=len(letters), checked=len(letters))
        base = self._base(q)
        if q.wordless:
            return self._abstain(base, Coverage(in_scope=len(letters), checked=0), REPHRASE)
        if q.unknown_areas and not q.areas:
            return self._abstain(
                base, cov,
                f"The collection holds no letter for {', '.join(q.unknown_areas)}. "
                f"It holds letters for {len(self.areas())} areas: {', '.join(self.areas())}.")
        if not letters:
            held = ""
            if q.areas:
                held = " " + "; ".join(
                    f"{a} has letters from {', '.join(str(lt.year) for lt in self.letters() if lt.area == a)}"
                    for a in q.areas) + "."
            return self._abstain(base, cov, f"No letter matches the scope ({self._scope_label(q)}).{held}")
        if q.advice and q.intent == "lookup" and not q.areas:
            return self._abstain(base, cov, "The letters are inspection findings about local areas; they do not "
                                            "give personal advice or explain how the system works. Ask what "
                                            "the letters found, for example about EHC plans in an area.")
        unknown = unknown_words(q, self) if (q.intent == "lookup" and not q.areas and not q.regions
                                             and (q.asks_when or q.asks_next or q.asks_lead)) else []
        if unknown:  # "when is the next general election": a when-question about something no letter mentions
            return self._abstain(base, cov, f"No letter mentions {', '.join(unknown)}.")
        if q.intent in ("set", "count"):
            q.topic_specific = any(is_topic(self, q, c) for c in q.clauses)
        else:  # a lookup's topic is whatever its frame leaves: "respite care beds" counts
            q.topic_specific = any(c.topic for c in q.clauses)
        if q.intent == "compare" and len(q.areas) < 2 and len(letters) < 2:
            q.intent = "lookup"
        if q.intent in ("set", "count"):
            res = sweep(self, q, letters, book)
            if res.checks and all(chk.cal.best < FLOOR for chk in res.checks):
                # No letter in the collection speaks to the topic at all ("cheapest school
                # dinners"): the letters cannot answer it, which is not the same as "no area did".
                topics = "; ".join(dict.fromkeys(chk.clause.topic for chk in res.checks))
                return self._abstain(base, cov, f"No letter speaks to {topics}; "
                                                f"searched {len(letters)} letters ({self._scope_label(q)}).")
            text = compose_set(q, res, self._letters, book, len(letters), self._scope_label(q))
            text = self._read_as(q) + text + f"\n\n_{cov.label().capitalize()}._"
            return Answer(**base, text=text, abstained=False, findings=tuple(res.findings),
                          citations=tuple(book.items), coverage=cov)
        general = not q.topic_specific and not (q.asks_when or q.asks_lead or q.asks_next)
        if q.intent == "compare" or (q.intent == "lookup" and general and q.has_scope):
            # "What did the Kent inspection find?": the outcome and headline findings.
            res = compare(self, q, letters, book)
        else:
            res = lookup(self, q, letters, book)
        if res.missing_name:
            return self._abstain(base, cov, f"No letter in scope mentions {res.missing_name}; "
                                            f"searched {len(letters)} letters ({self._scope_label(q)}).")
        if res.no_figure:
            what = {"person": "names the person asked for", "name": "gives the name asked for", "address": "gives that address",
                    "phone": "gives that phone number", "web": "gives that web or email address"}.get(
                q.asks_figure, "gives that figure")
            return self._abstain(base, cov, f"The letters in scope say nothing that {what}; "
                                            f"searched {len(letters)} letters ({self._scope_label(q)}).")
        if not book.items:
            searched = f"searched {len(letters)} letters ({self._scope_label(q)})"
            return self._abstain(base, cov, f"Nothing in the letters in scope answers it; {searched}.")
        return Answer(**base, text=self._read_as(q) + res.text, abstained=False,
                      findings=tuple(res.findings), citations=tuple(book.items), coverage=cov)

    def _read_as(self, q: Query) -> str:
        out = f"_Read as: {q.read_as}_\n\n" if q.read_as else ""
        if q.spelling:
            out += "_Spelling: " + ", ".join(f"{a} → {b}" for a, b in q.spelling) + "_\n\n"
        return out

    def _clarify(self, q: Query, why: str) -> Answer:
        cov = Coverage(in_scope=0, checked=0)
        return Answer(**self._base(q), text=why, abstained=True, findings=(), citations=(), coverage=cov)

    def _abstain(self, base: dict[str, Any], cov: Coverage, why: str) -> Answer:
        text = why if why == REPHRASE else f"{CANNOT_ANSWER} {why}"
        if base.get("read_as"):  # a follow-up says how it was read, answered or not
            text = f"_Read as: {base['read_as']}_\n\n{text}"
        return Answer(**base, text=text, abstained=True, findings=(), citations=(), coverage=cov)

    def _scope_label(self, q: Query) -> str:
        bits = []
        if q.areas:
            bits.append(", ".join(q.areas))
        if q.regions:
            bits.append(", ".join(q.regions))
        if q.exclude_areas or q.exclude_regions:
            bits.append("not " + ", ".join(q.exclude_areas + q.exclude_regions))
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
        if q.repeated:
            bits.append("areas with more than one letter")
        if q.latest:
            bits.append("latest per area")
        return "; ".join(bits) or "all letters"


_SHORT_FRAME_WORDS = [w for w in FRAME_WORDS if len(w) <= 5]
_PREFIX_RE = re.compile(r"^(?:re|pre|post|non|co|sub|un|over|under|multi|inter|self|de|mis)-?(?=[a-z]{4})")
# "werent", "didnt": a negated auxiliary typed without its apostrophe, not a misspelling
_CONTRACTION_RE = re.compile(r"^(?:are|were|was|is|did|do|does|has|have|had|could|should|would|must|need)nt$")


@lru_cache(maxsize=1)
def _swapped(a: str, b: str) -> bool:
    """Is ``b`` ``a`` with two neighbouring letters swapped?"""
    if len(a) != len(b) or a == b:
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


def english_words() -> frozenset[str]:
    """Whole words of the bundled model's WordPiece vocabulary (about 20,000 English
    words): a question word it knows is not a misspelling, even if no letter uses it."""
    from index.embed import model_path

    try:
        lines = (Path(model_path()) / "vocab.txt").read_text(encoding="utf-8").splitlines()
    except OSError:
        return frozenset()
    return frozenset(w for w in lines if w.isalpha() and w.islower() and len(w) > 2)


def _embed_sentences(embedder: Any, passages: list[Passage]) -> tuple[list, list]:
    """For an index written without sentence vectors: split and embed now (slow)."""
    from rag.sentences import sentence_spans

    spans = [sentence_spans(p.text, p.start) for p in passages]
    texts = [p.text[a - p.start: b - p.start] for p, sp in zip(passages, spans, strict=True) for a, b in sp]
    vecs = embedder.embed(texts) if texts else np.zeros((0, 384), np.float32)
    out, k = [], 0
    for sp in spans:
        out.append(vecs[k: k + len(sp)])
        k += len(sp)
    return spans, out
