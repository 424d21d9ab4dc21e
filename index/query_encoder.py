"""all-MiniLM-L6-v2 in plain numpy, for embedding questions without importing torch.

Importing sentence-transformers (and with it torch, transformers, scikit-learn) takes
several seconds on a 2-core machine, far more than embedding one question. This module
runs the same model: the bundled folder's tokenizer.json through the ``tokenizers``
package, its model.safetensors through safetensors' numpy reader (the word-embedding table
stays memory-mapped; a question reads its own tokens' rows), and the BERT forward pass
(embeddings, 6 layers of 12-head self-attention and a GELU feed-forward, post-LayerNorm,
eps 1e-12) followed by what the folder's modules.json lists: mean pooling over the
attention mask and L2 normalisation. Truncation is sentence-transformers' max_seq_length
(sentence_bert_config.json: 256), not the 128 written in tokenizer.json.

The vectors match sentence-transformers' to float32 rounding (tests/test_query_encoder.py:
cosine >= 0.9999 on varied texts). Bulk embedding at index time still uses
sentence-transformers (index/embed.py), which batches faster with torch.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

_LOCK = threading.Lock()
_ENCODERS: dict[str, QueryEncoder] = {}

# numpy has no erf (scipy.special would cost an import): the complementary error function's
# Chebyshev fit from Numerical Recipes (erfcc), fractional error < 1.2e-7 everywhere.
_ERFC = (-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807,
         -1.13520398, 1.48851587, -0.82215223, 0.17087277)


def _erf(x: np.ndarray) -> np.ndarray:
    z = np.abs(x)
    t = 1.0 / (1.0 + 0.5 * z)
    poly = np.zeros_like(z)
    for c in reversed(_ERFC):
        poly = poly * t + c
    erfc = t * np.exp(-z * z + poly)
    return np.where(x >= 0, 1.0 - erfc, erfc - 1.0)


def gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact (erf) GELU, computed in float64 and returned as float32."""
    x64 = x.astype(np.float64)
    return (0.5 * x64 * (1.0 + _erf(x64 / np.sqrt(2.0)))).astype(np.float32)


def layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


class QueryEncoder:
    """The bundled sentence-transformers folder (Transformer -> mean Pooling -> Normalize),
    run in numpy. Thread-safe: ``encode`` keeps no state between calls."""

    def __init__(self, path: str | Path) -> None:
        from safetensors import safe_open
        from tokenizers import Tokenizer

        path = Path(path)
        cfg = json.loads((path / "config.json").read_text())
        st_cfg = path / "sentence_bert_config.json"
        st = json.loads(st_cfg.read_text()) if st_cfg.exists() else {}
        modules = json.loads((path / "modules.json").read_text())
        kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
        if kinds[:2] != ["Transformer", "Pooling"] or any(k != "Normalize" for k in kinds[2:]):
            raise ValueError(f"{path}: unsupported sentence-transformers modules {kinds}")
        pool = json.loads((path / modules[1]["path"] / "config.json").read_text())
        if not pool.get("pooling_mode_mean_tokens") or any(
                v for k, v in pool.items() if k.startswith("pooling_mode_") and k !=
                "pooling_mode_mean_tokens"):
            raise ValueError(f"{path}: only mean pooling is supported ({pool})")
        if cfg.get("model_type") != "bert" or cfg.get("hidden_act") != "gelu" or \
                cfg.get("position_embedding_type", "absolute") != "absolute":
            raise ValueError(f"{path}: not a BERT model with GELU and absolute positions")
        self.normalize = "Normalize" in kinds
        self.heads = int(cfg["num_attention_heads"])
        self.layers = int(cfg["num_hidden_layers"])
        self.hidden = int(cfg["hidden_size"])
        self.eps = float(cfg["layer_norm_eps"])
        self.max_length = min(int(st.get("max_seq_length", cfg["max_position_embeddings"])),
                              int(cfg["max_position_embeddings"]))

        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_length)
        self.tokenizer.no_padding()
        self.pad_id = int(cfg.get("pad_token_id", 0))

        # safetensors' numpy reader, lazily: the 47 MB word-embedding table stays on disk
        # (memory-mapped) and a question reads only its own tokens' rows from it.
        self._file = safe_open(str(path / "model.safetensors"), framework="numpy")
        names = set(self._file.keys())
        pre = "" if "embeddings.word_embeddings.weight" in names else "bert."  # BertForX

        def w(name: str) -> np.ndarray:
            return self._file.get_tensor(pre + name)

        self._word = self._file.get_slice(pre + "embeddings.word_embeddings.weight")
        self._word_lock = threading.Lock()
        self.pos = w("embeddings.position_embeddings.weight")
        self.type0 = w("embeddings.token_type_embeddings.weight")[0]
        self.emb_ln = (w("embeddings.LayerNorm.weight"), w("embeddings.LayerNorm.bias"))
        self.blocks = []
        for i in range(self.layers):
            p = f"encoder.layer.{i}."

            def g(name: str, p: str = p) -> np.ndarray:
                return w(p + name)

            # Weights stay as stored, (out, in): ``x @ w.T`` is a BLAS call on a view, no copy.
            self.blocks.append(tuple(g(n) for n in (
                "attention.self.query.weight", "attention.self.query.bias",
                "attention.self.key.weight", "attention.self.key.bias",
                "attention.self.value.weight", "attention.self.value.bias",
                "attention.output.dense.weight", "attention.output.dense.bias",
                "attention.output.LayerNorm.weight", "attention.output.LayerNorm.bias",
                "intermediate.dense.weight", "intermediate.dense.bias",
                "output.dense.weight", "output.dense.bias",
                "output.LayerNorm.weight", "output.LayerNorm.bias")))

    def word_rows(self, ids: np.ndarray) -> np.ndarray:
        """The word embeddings of token ``ids`` (any shape), read from the file."""
        uniq, inv = np.unique(ids, return_inverse=True)
        with self._word_lock:
            rows = np.vstack([self._word[int(t): int(t) + 1] for t in uniq])
        return rows[inv.reshape(ids.shape)]

    def tokenize(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Token ids and attention mask, right-padded to the longest text (max 256)."""
        encs = [self.tokenizer.encode(t) for t in texts]  # no thread pool for one question
        n = max(len(e.ids) for e in encs)
        ids = np.full((len(encs), n), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(encs), n), dtype=np.float32)
        for i, e in enumerate(encs):
            ids[i, :len(e.ids)] = e.ids
            mask[i, :len(e.ids)] = 1.0
        return ids, mask

    def encode(self, texts: Sequence[str], batch_size: int = 16) -> np.ndarray:
        """(len(texts), 384) float32 sentence embeddings, L2-normalised."""
        if not texts:
            return np.zeros((0, self.hidden), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.hidden), dtype=np.float32)
        with _one_blas_thread():
            for i in range(0, len(order), batch_size):
                idx = order[i: i + batch_size]
                out[idx] = self._forward(*self.tokenize([texts[j] for j in idx]))
        return out

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        b, n = ids.shape
        h, d = self.heads, self.hidden // self.heads
        x = self.word_rows(ids) + self.pos[:n] + self.type0
        x = layer_norm(x, *self.emb_ln, self.eps)
        bias = ((1.0 - mask) * np.finfo(np.float32).min)[:, None, None, :]  # (b, 1, 1, n)
        scale = np.float32(1.0 / np.sqrt(d))

        def heads(t: np.ndarray) -> np.ndarray:  # (b, n, hidden) -> (b, heads, n, d)
            return t.reshape(b, n, h, d).transpose(0, 2, 1, 3)

        for (q_w, q_b, k_w, k_b, v_w, v_b, o_w, o_b, ln1_w, ln1_b, i_w, i_b, f_w, f_b,
             ln2_w, ln2_b) in self.blocks:
            q = heads(x @ q_w.T + q_b)
            k = heads(x @ k_w.T + k_b)
            v = heads(x @ v_w.T + v_b)
            # einsum: numpy's stacked matmul with a transposed operand is many times slower.
            att = np.einsum("bhnd,bhmd->bhnm", q, k) * scale + bias
            att = np.exp(att - att.max(-1, keepdims=True))
            att /= att.sum(-1, keepdims=True)
            ctx = (att @ v).transpose(0, 2, 1, 3).reshape(b, n, self.hidden)
            x = layer_norm(ctx @ o_w.T + o_b + x, ln1_w, ln1_b, self.eps)
            x = layer_norm(gelu(x @ i_w.T + i_b) @ f_w.T + f_b + x, ln2_w, ln2_b, self.eps)
        m = mask[:, :, None]
        pooled = (x * m).sum(1) / np.maximum(m.sum(1), 1e-9)
        if self.normalize:
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return pooled.astype(np.float32)


_CONTROLLER: list = []


def _one_blas_thread():
    """Run the small matrix products of a question on one BLAS thread.

    With OpenBLAS's default of a thread per core, a 15-token question took 0.08-0.3 s on the
    2-core machine while other jobs ran, against 0.025 s on one thread (the threads spin
    waiting for each other). threadpoolctl comes with sentence-transformers (through
    scikit-learn); without it this does nothing. The limit is process-wide while it holds.
    """
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - installed with sentence-transformers
        return contextlib.nullcontext()
    with _LOCK:
        if not _CONTROLLER:
            _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0].limit(limits=1, user_api="blas")


def query_encoder(path: str | Path) -> QueryEncoder:
    """One process-wide encoder per model folder."""
    key = str(path)
    with _LOCK:
        if key not in _ENCODERS:
            _ENCODERS[key] = QueryEncoder(path)
        return _ENCODERS[key]
