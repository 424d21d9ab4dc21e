"""Per-sentence relevance and stance over every sentence of the collection.

Each sentence carries the vector the index stored for it (the bundled MiniLM), the span
it covers, the stance of the section it sits in and a stance learnt from the documents
(rag/stance.py). A topic is scored against every sentence with

    relevance = cosine(topic, sentence) + LEXICAL_WEIGHT * lexical coverage

where lexical coverage is the IDF-weighted share of the topic's content stems
(Snowball) found in the sentence, IDF taken over all sentences: a rare word the topic
names ("psychologist") weighs far more than a common one ("support"). Which sentences
count as on topic is calibrated per query against the whole collection: a sentence is
relevant when it scores within ``SPREAD`` of the best sentence anywhere and above an
absolute ``FLOOR`` (so a topic nothing speaks to has no relevant sentence at all).
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from rag.sentences import continues
from rag.stance import StanceModel, section_sign
from rag.text import STOPWORDS, stem, tokens
from rag.types import Passage

LEXICAL_WEIGHT = 0.25
FLOOR = 0.55
SPREAD = 0.45
DENSE_ALONE = 0.6  # cosine a sentence needs to count without the topic's words
MIN_LEXICAL = 0.3  # ... "the topic's words": this share of their IDF weight
EXACT_DENSE = 0.2  # cosine a sentence holding every topic word needs to count as on topic
IDF_POWER = 1.0  # 2.0 (rarest word dominates) scored 0.83 vs 0.856 set F1 on the dev suites
BM25_SHARE = 0.6  # a passage scoring this share of the best passage's BM25 for the topic is a strong match
BM25_BONUS = 0.04  # ... and lifts its sentences that share the topic's words (0.03-0.05, share 0.5-0.7 tried)
FAMILY_PREFIX = 5  # stems sharing this many first letters may be one word family ("absenc", "absent")
FAMILY_COSINE = 0.6  # ... and are when the model puts their words this close (absence/absent 0.84,
# autism/autistic 0.82, exclusion/excluded 0.62; community/communication 0.38, provide/provision 0.40)
NAME_LINE_SHARE = 0.75  # "Jo Bloggs, Chief Nursing Officer, Anytown CCG": every finding has lower-case words
ALTERNATIVE_SHARE = 0.6  # lexical coverage for naming one alternative of "A or B" in full (0.5-0.8 tried)
SECTION_WEIGHT = 1.5  # a section's own stance, in logit units, added to the learnt stance


@dataclass(frozen=True)
class Calibrated:
    scores: np.ndarray  # relevance of every sentence
    threshold: float
    best: float

    def relevant(self, idx: np.ndarray) -> np.ndarray:
        return idx[self.scores[idx] >= self.threshold]


def _mostly_capitalised(text: str) -> bool:
    """At least NAME_LINE_SHARE of four or more words start with a capital letter."""
    words = re.findall(r"[^\W\d_][\w'-]*", text)
    return len(words) >= 4 and sum(w[0].isupper() for w in words) >= NAME_LINE_SHARE * len(words)


class SentenceIndex:
    """Every sentence of the loaded collection, as flat arrays."""

    def __init__(self, passages: list[Passage], spans: list[list[tuple[int, int]]],
                 vectors: list[np.ndarray], stance: StanceModel | None) -> None:
        pidx, starts, ends, vecs = [], [], [], []
        for i, (sp, sv) in enumerate(zip(spans, vectors, strict=True)):
            for (a, b), v in zip(sp, sv, strict=True):
                pidx.append(i)
                starts.append(a)
                ends.append(b)
                vecs.append(v)
        self.passages = passages
        self.pidx = np.asarray(pidx, dtype=np.int64)
        self.start = np.asarray(starts, dtype=np.int64)
        self.end = np.asarray(ends, dtype=np.int64)
        dim = vectors[0].shape[1] if vectors and vectors[0].ndim == 2 and vectors[0].size else 384
        self.vecs = (np.vstack(vecs).astype(np.float32) if vecs else np.zeros((0, dim), np.float32))
        texts = [passages[i].text[a - passages[i].start: b - passages[i].start]
                 for i, a, b in zip(pidx, starts, ends, strict=True)]
        self.section = np.asarray([section_sign(passages[i].stance, t) for i, t in zip(pidx, texts, strict=True)],
                                  np.float32)
        if stance is None:
            stance = StanceModel.from_sections(self.vecs, [passages[i].stance for i in pidx], texts)
        stance = stance.or_default()  # too few headings to learn from: the sample's model
        self.stance_model = stance
        self.learnt = stance.logit(self.vecs) if len(self.vecs) else np.zeros(0, np.float32)
        # A sentence that leans on the one before it ("This includes holiday clubs", after
        # "Leisure options are weak and poorly planned") says what it says of that one: its
        # stance is read from the two together (the model is linear: their mean).
        for k in range(1, len(texts)):
            if pidx[k] == pidx[k - 1] and continues(texts[k]):
                self.learnt[k] = 0.5 * (self.learnt[k] + self.learnt[k - 1])
        self.lean = self.learnt + SECTION_WEIGHT * self.section
        self.by_letter: dict[str, np.ndarray] = {}
        order: dict[str, list[int]] = {}
        for k, i in enumerate(pidx):
            order.setdefault(passages[i].letter_id, []).append(k)
        self.by_letter = {lid: np.asarray(v, dtype=np.int64) for lid, v in order.items()}
        self._postings: dict[str, np.ndarray] | None = None
        self._lower: frozenset[str] | None = None
        self._name_lines: np.ndarray | None = None
        self._surface: dict[str, str] = {}  # stem -> its most used word
        self._families: dict[str, tuple[str, ...]] = {}
        self.word_vectors: Callable[[list[str]], np.ndarray] | None = None
        """Unit vectors of single words (the Library sets it): word families need the model."""
        self._lock = threading.Lock()
        self.texts: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self.pidx)

    def letter_of(self, k: int) -> str:
        return self.passages[int(self.pidx[k])].letter_id

    def text(self, k: int) -> str:
        return self.texts[self.letter_of(k)][int(self.start[k]): int(self.end[k])]

    def quote_span(self, k: int) -> tuple[int, int]:
        """Sentence ``k`` as a quote that stands on its own: with the sentence before it when
        it opens with "This ..."/"As a result ...", and with the one after when that one does
        (both in the same passage)."""
        a, b = int(self.start[k]), int(self.end[k])
        if k > 0 and self.pidx[k - 1] == self.pidx[k] and continues(self.text(k)):
            a = int(self.start[k - 1])
        if k + 1 < len(self.pidx) and self.pidx[k + 1] == self.pidx[k] and continues(self.text(k + 1)):
            b = int(self.end[k + 1])
        return a, b

    def name_lines(self) -> np.ndarray:
        """Sentences whose words are nearly all capitalised (built on first use): an address
        block, a heading, a list of names and job titles. They say who, never what was found."""
        with self._lock:
            if self._name_lines is None:
                self._name_lines = np.array([_mostly_capitalised(self.text(k)) for k in range(len(self.pidx))], bool)
            return self._name_lines

    def lower_words(self) -> frozenset[str]:
        """Every word the collection writes in lower case somewhere (built on first use): a
        capitalised word not among them is a name ("Brown", not "Authority")."""
        with self._lock:
            if self._lower is None:
                self._lower = frozenset(w for t in self.texts.values()
                                        for w in re.findall(r"\b[a-z][a-z'-]*\b", t))
            return self._lower

    # ---- lexical evidence ------------------------------------------------------------------
    def postings(self) -> dict[str, np.ndarray]:
        """Stem -> the sentences holding it (built on first use; ``warm`` builds it early)."""
        with self._lock:
            if self._postings is None:
                acc: dict[str, list[int]] = {}
                for k in range(len(self.pidx)):
                    for s in {stem(t) for t in tokens(self.text(k))}:
                        acc.setdefault(s, []).append(k)
                self._postings = {s: np.asarray(v, dtype=np.int64) for s, v in acc.items()}
            return self._postings

    def spelt_out(self, full: str) -> np.ndarray:
        """Sentences holding every content word of ``full`` (what an abbreviation stands for)."""
        post, empty = self.postings(), np.zeros(0, np.int64)
        parts = [post.get(stem(w), empty) for w in tokens(full) if w not in STOPWORDS]
        if not parts:
            return empty
        both = parts[0]
        for p in parts[1:]:
            both = np.intersect1d(both, p, assume_unique=True)
        return both

    def naming(self, names: dict[str, str]) -> np.ndarray:
        """Sentences that name one of ``names`` (abbreviation -> what it stands for): by the
        abbreviation, or with every content word of the full name."""
        post = self.postings()
        hit = np.zeros(len(self.pidx), dtype=bool)
        for abbr, full in names.items():
            hit[post.get(stem(abbr), np.zeros(0, np.int64))] = True
            hit[self.spelt_out(full)] = True
        return hit

    def family(self, word: str) -> tuple[str, ...]:
        """Stems of the collection's words of one family with ``word`` ("absence": "absent";
        "autism": "autistic"), which the stemmer keeps apart: they share their first
        FAMILY_PREFIX letters and the model puts the words close. Empty without a model."""
        s = stem(word)
        if self.word_vectors is None or len(s) < FAMILY_PREFIX:
            return ()
        post = self.postings()
        with self._lock:
            if s in self._families:
                return self._families[s]
        cands = [v for v in post if v != s and v[:FAMILY_PREFIX] == s[:FAMILY_PREFIX] and v not in STOPWORDS]
        out: tuple[str, ...] = ()
        if cands:
            vecs = self.word_vectors([word.lower(), *(self.surface(v) for v in cands)])
            sims = vecs[1:] @ vecs[0]
            out = tuple(v for v, c in zip(cands, sims, strict=True) if c >= FAMILY_COSINE)
        with self._lock:
            self._families[s] = out
        return out

    def surface(self, s: str) -> str:
        """The word the letters use most for stem ``s`` (the stem itself if none)."""
        with self._lock:
            if s in self._surface:
                return self._surface[s]
        used = Counter(t for k in self.postings().get(s, ()) for t in tokens(self.text(int(k))) if stem(t) == s)
        word = used.most_common(1)[0][0] if used else s
        with self._lock:
            self._surface[s] = word
        return word

    def idf(self, s: str) -> float:
        n = len(self.pidx)
        df = len(self.postings().get(s, ()))
        return math.log((n + 1) / (df + 0.5))

    def lexical(self, topic: str, expansions: dict[str, str] | None = None) -> np.ndarray:
        """IDF-weighted share of the topic's content stems present in each sentence.

        An abbreviation in ``expansions`` ("dmo" -> "designated medical officer") is found
        either as itself or as every content word of what it stands for."""
        out = np.zeros(len(self.pidx), dtype=np.float32)
        expansions = expansions or {}
        words = list(dict.fromkeys(t for t in tokens(topic) if t not in STOPWORDS and len(t) > 1))
        if not words:
            return out
        post = self.postings()
        empty = np.zeros(0, np.int64)
        hits_of: dict[str, np.ndarray] = {}
        weights: dict[str, float] = {}
        n = len(self.pidx)
        for t in words:
            s = stem(t)
            hits = post.get(s, empty)
            idf = self.idf(s)
            kin = self.family(t) if not len(hits) else ()
            if kin:  # a form the letters never use ("paediatrician") is found as its family ("paediatric")
                hits = np.unique(np.concatenate([hits, *(post[v] for v in kin)]))
                idf = math.log((n + 1) / (len(hits) + 0.5))
            full = expansions.get(t)
            if full and any(w not in STOPWORDS for w in tokens(full)):
                hits = np.union1d(hits, self.spelt_out(full))
                idf = max(idf, math.log((len(self.pidx) + 1) / (len(hits) + 0.5)))
            hits_of[t], weights[t] = hits, max(idf, 0.0) ** IDF_POWER
        # The other way round: a topic that spells out what an abbreviation stands for
        # ("hearing impairment team") is found in sentences that only use the
        # abbreviation ("the HIT visits"), as letters do after defining it.
        have = {stem(t) for t in words}
        for acro, full in expansions.items():
            parts = [stem(w) for w in tokens(full) if w not in STOPWORDS]
            if len(parts) < 2 or acro in words or not all(p in have for p in parts):
                continue
            acro_hits = post.get(stem(acro), empty)
            if len(acro_hits):
                for t in words:
                    if stem(t) in parts:
                        hits_of[t] = np.union1d(hits_of[t], acro_hits)
        total = sum(weights.values())
        if total <= 0:
            return out
        for t, wt in weights.items():
            if len(hits_of[t]):
                out[hits_of[t]] += wt / total
        return out

    def distinctive(self, topic: str, share: float = 0.85) -> bool:
        """Does the topic name something that most letters do not say? It does unless one
        sentence holding all its content words is found in most letters ("SEND
        arrangements", "required" are in nearly every letter; "transition to adult
        health services" is not)."""
        words = list(dict.fromkeys(stem(t) for t in tokens(topic) if t not in STOPWORDS and len(t) > 1))
        if not words:
            return False
        n_letters = max(1, len(self.by_letter))
        if n_letters < 5:  # too few letters for "most letters" to mean anything
            return True
        post = self.postings()
        hits = None
        for w in words:
            got = post.get(w)
            if got is None:
                return True  # a word no letter uses
            hits = got if hits is None else np.intersect1d(hits, got, assume_unique=True)
            if not len(hits):
                return True
        return len({self.letter_of(int(k)) for k in hits}) < share * n_letters

    def letter_share(self, s: str) -> float:
        """Share of the letters whose sentences hold the stem ``s``."""
        with self._lock:
            cache = self.__dict__.setdefault("_share", {})
            if s in cache:
                return cache[s]
        hits = self.postings().get(s)
        share = (len({self.letter_of(int(k)) for k in hits}) / max(1, len(self.by_letter))
                 if hits is not None else 0.0)
        with self._lock:
            cache[s] = share
        return share

    def focus(self, topic: str, share: float = 0.95) -> str:
        """The topic without the words nearly every letter uses ("support", "young people",
        "SEND"), which would otherwise pull every sentence towards it; unchanged when
        nothing would be left or the collection is too small to tell."""
        if len(self.by_letter) < 5:
            return topic
        kept = [w for w in re.findall(r"[\w'-]+|[(),]", topic)
                if not re.match(r"\w", w) or w.lower() in STOPWORDS or self.letter_share(stem(w)) < share]
        content = [w for w in kept if re.match(r"\w", w) and w.lower() not in STOPWORDS]
        before = [w for w in tokens(topic) if w not in STOPWORDS]
        if not any(self.letter_share(stem(w)) > 0 for w in content):
            return topic  # left only with words no letter uses ("grumble about the local offer")
        if len(content) < 2 <= len(before) and self.letter_share(stem(content[0])) >= 0.5:
            return topic  # focusing would leave one common word ("poor attendance" -> "poor")
        out = " ".join(kept)
        out = re.sub(r"\(\s*\)", " ", out)  # an acronym's brackets with nothing left inside
        out = re.sub(r"^[\s,;]*(?:(?:and|or)\b[\s,;]*)*|[\s,;]*(?:\b(?:and|or)[\s,;]*)*$", "", out)
        return re.sub(r"\s+", " ", out).strip() or topic

    # ---- relevance -------------------------------------------------------------------------
    def score(self, qvecs: list[np.ndarray], topic: str,
              focus: list[np.ndarray] | None = None, expansions: dict[str, str] | None = None,
              alternatives: list[str] | None = None, passage_bm25: np.ndarray | None = None) -> np.ndarray:
        """Dense similarity (best variant of the topic; averaged with the best variant of
        its ``focus``, the topic without near-universal words) plus lexical coverage (of the
        whole topic, or in part of one of its ``alternatives``)."""
        if not len(self.pidx):
            return np.zeros(0, np.float32)
        dense = np.max(np.vstack([self.vecs @ q for q in qvecs]), axis=0)
        if focus:
            dense = 0.5 * dense + 0.5 * np.max(np.vstack([self.vecs @ q for q in focus]), axis=0)
        lex = self.lexical(topic, expansions)
        # "portage or hydrotherapy pools": a sentence that names one alternative in
        # full speaks to the topic, though it shares only half the topic's words. It earns
        # ALTERNATIVE_SHARE of full coverage; an alternative most letters name ("high",
        # "support") earns nothing.
        for alt in alternatives or ():
            if self.distinctive(alt):
                named = self.phrase(alt, np.nonzero(self.lexical(alt, expansions) >= 0.999)[0])
                lex[named] = np.maximum(lex[named], ALTERNATIVE_SHARE)
        score = dense + LEXICAL_WEIGHT * lex
        if passage_bm25 is not None and len(passage_bm25) and passage_bm25.max() > 0:
            # A second opinion: the passage is among the topic's strongest BM25 matches in the
            # whole collection (relative to the best one), and the sentence shares the topic's
            # words. Two models agreeing lifts a sentence that either alone leaves under the floor.
            strong = passage_bm25 >= BM25_SHARE * passage_bm25.max()
            score = score + BM25_BONUS * (strong[self.pidx] & (lex >= MIN_LEXICAL))
        # A sentence that shares no word with the topic must be close in meaning on its own
        # (cosine alone puts a bare "Department of Health" near any health role).
        score = np.where((lex >= MIN_LEXICAL) | (dense >= DENSE_ALONE), score, np.minimum(score, FLOOR - 0.01))
        # A sentence that holds every word of the topic mentions it ("the Durham Portage
        # Service" mentions portage), however little else it shares with the question.
        return np.where((lex >= 0.999) & (dense >= EXACT_DENSE), np.maximum(score, FLOOR), score)

    def phrase(self, words: str, idx: np.ndarray) -> np.ndarray:
        """Those of sentences ``idx`` holding the content words of ``words`` side by side, in
        order (stopwords between them allowed): "sensory garden", not "sensory needs ... garden"."""
        want = [stem(t) for t in tokens(words) if t not in STOPWORDS]
        if len(want) < 2:
            return idx
        n = len(want)
        keep = []
        for k in idx:
            have = [stem(t) for t in tokens(self.text(int(k))) if t not in STOPWORDS]
            if any(have[i:i + n] == want for i in range(len(have) - n + 1)):
                keep.append(int(k))
        return np.asarray(keep, dtype=np.int64)

    def calibrate(self, scores: np.ndarray, *, floor: float | None = None,
                  spread: float | None = None) -> Calibrated:
        floor = FLOOR if floor is None else floor
        spread = SPREAD if spread is None else spread
        best = float(scores.max()) if len(scores) else 0.0
        return Calibrated(scores, max(floor, best - spread), best)
