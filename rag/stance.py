"""Stance of a sentence (criticism vs praise), learnt from the documents' own structure.

Both inspection frameworks file praise and criticism under headings: "Strengths" vs
"Areas for development" / "significant weaknesses" in the 2016-2022 letters, "What is
the area partnership doing that is effective?" vs "What does the area partnership need
to do better?" / "Areas for priority action" in the 2023+ reports. Those headings are
weak labels for every sentence under them. A logistic regression over the bundled
model's sentence vectors, trained on them when the index is built (no hand labels,
nothing from any gold file), then gives every sentence a stance, including sentences
in mixed sections ("Main findings") and the contrasting sentence inside a section.

``logit > 0`` leans critical, ``< 0`` favourable.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

STANCE_SIGN = {"weakness": 1.0, "strength": -1.0, "neutral": 0.0}
MIN_LABELLED = 300  # fewer labelled sentences than this: use the bundled sample's model

# Discourse markers (a closed class of English function words): a sentence that opens with
# one turns against the sentence before it, so it turns against its section's heading too
# ("However, waiting times remain too long" under "doing that is effective"); a concessive
# opening ("Although ..., ...") leaves its lean to its main clause.
_CONTRAST_RE = re.compile(r"^\W*(?:however|but|nevertheless|nonetheless|yet|conversely|in\s+contrast|"
                          r"despite\s+this|even\s+so|that\s+said)\b", re.I)
_CONCESSIVE_RE = re.compile(r"^\W*(?:although|though|while|whilst|despite|notwithstanding|even\s+though)\b", re.I)


def section_sign(stance: str, sentence: str) -> float:
    """The lean a sentence takes from its section's heading: +1 weakness, -1 strength,
    flipped by an opening contrast marker, 0 after a concessive opening or in a neutral
    section."""
    sign = STANCE_SIGN.get(stance, 0.0)
    if not sign:
        return 0.0
    if _CONTRAST_RE.match(sentence):
        return -sign
    if _CONCESSIVE_RE.match(sentence):
        return 0.0
    return sign


@dataclass(frozen=True)
class StanceModel:
    weights: np.ndarray  # (dim,)
    bias: float
    trained_on: int = 0

    @classmethod
    def train(cls, vectors: np.ndarray, critical: np.ndarray, *, l2: float = 1.0,
              iters: int = 25) -> StanceModel:
        """L2-regularised logistic regression by Newton's method, classes balanced.

        ``vectors``: (n, dim) sentence vectors; ``critical``: (n,) 1 for a sentence under a
        weakness heading, 0 under a strength heading.
        """
        x = np.asarray(vectors, dtype=np.float64)
        y = np.asarray(critical, dtype=np.float64)
        n, dim = x.shape
        if n == 0 or y.min() == y.max():
            return cls(np.zeros(dim, np.float32), 0.0, 0)
        pos = y.sum()
        sw = np.where(y > 0, n / (2 * pos), n / (2 * (n - pos)))  # balanced class weights
        xb = np.hstack([x, np.ones((n, 1))])
        w = np.zeros(dim + 1)
        reg = np.full(dim + 1, l2)
        reg[-1] = 0.0
        for _ in range(iters):
            z = np.clip(xb @ w, -30, 30)
            p = 1 / (1 + np.exp(-z))
            grad = xb.T @ (sw * (p - y)) + reg * w
            h = (xb * (sw * p * (1 - p))[:, None]).T @ xb + np.diag(reg + 1e-9)
            step = np.linalg.solve(h, grad)
            w -= step
            if np.abs(step).max() < 1e-6:
                break
        return cls(w[:-1].astype(np.float32), float(w[-1]), n)

    @classmethod
    def from_sections(cls, vectors: np.ndarray, stances: list[str],
                      sentences: list[str] | None = None) -> StanceModel:
        """Train on the sentences under a strength or weakness heading (their lean as
        ``section_sign`` reads it); neutral ones are not labels."""
        signs = [section_sign(st, sentences[i] if sentences else "") for i, st in enumerate(stances)]
        keep = np.array([g != 0.0 for g in signs], dtype=bool)
        y = np.array([1.0 if g > 0 else 0.0 for g in signs])
        if not keep.any():
            return cls(np.zeros(vectors.shape[1] if vectors.ndim == 2 else 384, np.float32), 0.0, 0)
        return cls.train(vectors[keep], y[keep])

    @classmethod
    def default(cls) -> StanceModel:
        """The model learnt from the bundled sample letters (rag/stance_default.json, written
        by `python -m rag.stance STORE` from an index of data/corpus): the fallback for a
        collection with too few sentences under strength/weakness headings to learn from."""
        return cls.from_json((Path(__file__).parent / "stance_default.json").read_text())

    def or_default(self, least: int = MIN_LABELLED) -> StanceModel:
        return self if self.trained_on >= least else StanceModel.default()

    def logit(self, vectors: np.ndarray) -> np.ndarray:
        """> 0 critical, < 0 favourable; one value per row."""
        return np.asarray(vectors, dtype=np.float32) @ self.weights + self.bias

    def to_json(self) -> str:
        return json.dumps({"weights": [round(float(v), 6) for v in self.weights],
                           "bias": self.bias, "trained_on": self.trained_on})

    @classmethod
    def from_json(cls, raw: str) -> StanceModel:
        d = json.loads(raw)
        return cls(np.asarray(d["weights"], dtype=np.float32), float(d["bias"]),
                   int(d.get("trained_on", 0)))


def main(argv: list[str] | None = None) -> int:
    """Write rag/stance_default.json from the stance model stored with an index."""
    from index.store import Store, connect

    args = argv if argv is not None else sys.argv[1:]
    st = Store(connect(args[0]))
    raw = st.get_stance(st.require_manifest().generation)
    if not raw:
        raise SystemExit("that index holds no stance model; rebuild it with `sendqa index --rebuild`")
    (Path(__file__).parent / "stance_default.json").write_text(raw)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
