"""The numpy query encoder gives sentence-transformers' vectors for the bundled model."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent

TEXTS = [
    # questions users ask
    "Which areas lacked a DMO?",
    "Who led the Wolverhampton inspection?",
    "When did the Dudley inspection take place?",
    "How many of the letters required a written statement of action?",
    "Which areas had concerns about pupils with SEND being put on part-time timetables?",
    "What CAMHS waiting-time figures did the Dorset letter report?",
    "Before 2022, where did inspectors find delays in autism (ASD) assessment or diagnosis?",
    "What share of Dorset's decisions to proceed with an assessment of needs were made "
    "within six weeks?",
    "Which local area partnerships were found to have widespread and/or systemic failings?",
    "How did inspectors' view of Dudley change between 2019 and 2025?",
    "speech and language waiting times",
    "supported internships",
    "EHCP",
    "DMO",
    "SENDIASS",
    "What are the tuition fees at Weymouth College?",
    # letter prose
    "The local area has not made sufficient progress in addressing the significant weaknesses.",
    "There is currently no designated clinical officer or designated medical officer in post.",
    "Leaders across education, health and care share a clear vision for children and young "
    "people with SEND.",
    "Too many children and young people wait too long for an assessment of their needs, and "
    "the quality of education, health and care (EHC) plans is too variable.",
    "Parents and carers told inspectors that they feel listened to by the parent carer forum.",
    "The proportion of EHC plans issued within the statutory 20-week timescale rose from 23% "
    "in 2019 to 61% in 2023.",
    "- waiting times for the neurodevelopmental pathway",
    "Chris Pollitt, HMI, Lead Inspector",
    "Ofsted and the Care Quality Commission (CQC) conducted a joint inspection of the local "
    "area of Dorset from 23 to 27 January 2017.",
    # edge cases: empty, one character, punctuation, numbers, case, whitespace
    "",
    "x",
    "?",
    "...",
    "2017",
    "20-week 45% £1.2m 3,400 pupils",
    "WHICH AREAS LACKED A DMO?",
    "which areas lacked a dmo",
    "   leading and trailing spaces   ",
    "tabs\tand\nnew lines\r\nhere",
    "hyphen-ated words and slash/separated ones",
    "e.g. i.e. etc. vs. Mr. Dr.",
    # unicode: accents, curly quotes, dashes, non-Latin, emoji, control characters
    "Ça va? naïve café résumé — “quoted” ‘text’",
    "Łódź Zürich São Paulo",
    "中文字符 and English",
    "Привет, мир",
    "emoji 😀 in a sentence 👍",
    "zero\u200bwidth and non\u00a0breaking spaces",
    "soft\u00adhyphen and \ufffe marker",
    # unknown words and long inputs (truncated at 256 tokens, as sentence-transformers does)
    "antidisestablishmentarianism floccinaucinihilipilification",
    "qwzx vbnm plkj",
    "The inspection found " + "that leaders work well together and " * 12 + "families agree.",
    "word " * 300,
    "Long passage. " * 120,
    " ".join(f"token{i}" for i in range(400)),
]


@pytest.fixture(scope="module")
def model_dir() -> str:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from index.embed import model_path

    return model_path()


def test_texts_are_varied_enough() -> None:
    assert len(TEXTS) >= 50 and len(set(TEXTS)) == len(TEXTS)


@pytest.mark.slow
def test_matches_sentence_transformers(model_dir: str) -> None:
    from sentence_transformers import SentenceTransformer

    from index.query_encoder import QueryEncoder

    ref = SentenceTransformer(model_dir, device="cpu").encode(
        TEXTS, normalize_embeddings=True, convert_to_numpy=True, batch_size=16)
    enc = QueryEncoder(model_dir)
    got = enc.encode(TEXTS)
    assert got.shape == ref.shape == (len(TEXTS), 384) and got.dtype == np.float32
    cos = (got * ref).sum(1)
    worst = int(np.argmin(cos))
    assert cos.min() >= 0.9999, f"cosine {cos.min():.6f} for {TEXTS[worst]!r}"
    # One at a time (no padding) gives the same vectors as in a padded batch.
    for i in (0, 25, 48):
        one = enc.encode([TEXTS[i]])[0]
        assert float(one @ ref[i]) >= 0.9999
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)


@pytest.mark.slow
def test_embed_query_skips_torch(model_dir: str, tmp_path: Path) -> None:
    """Embedder.embed_query answers without importing sentence-transformers or torch, and
    agrees with Embedder.embed (the index side)."""
    code = (
        "import sys, numpy as np\n"
        "from index.embed import Embedder\n"
        "v = Embedder().embed_query('Which areas lacked a DMO?')\n"
        "assert v.shape == (384,) and v.dtype == np.float32\n"
        "bad = [m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules]\n"
        "assert not bad, bad\n"
        "np.save(sys.argv[1], v)\n"
    )
    out = tmp_path / "q.npy"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", code, str(out)], check=True, cwd=ROOT, env=env)
    from index.embed import Embedder

    ref = Embedder().embed(["Which areas lacked a DMO?"])[0]
    assert float(np.load(out) @ ref) >= 0.9999
