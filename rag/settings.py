"""One nested, typed Settings object. Functions take ``settings=None`` for the defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PARSER_VERSION = "4"  # 3: sentence spans and vectors stored with each passage; 4: revisit blocks take their verdict's stance


def default_store() -> Path:
    """$SENDQA_STORE, else .sendqa/store under the current directory."""
    return Path(os.environ.get("SENDQA_STORE", ".sendqa/store"))


@dataclass(frozen=True)
class EmbedSettings:
    model_id: str = "sentence-transformers/all-MiniLM-L6-v2"
    """Embedder identity recorded in the index; a store built with another is refused."""
    batch_size: int = 32
    """Passages embedded per forward pass."""
    device: str = "cpu"
    """Torch device; this project targets CPU-only machines."""


@dataclass(frozen=True)
class ChunkSettings:
    min_words: int = 40
    """Passages shorter than this are merged with the next bullet of the same section."""
    max_words: int = 250
    """Passages longer than this are split at sentence ends."""
    max_file_mb: float = 50.0
    """Files larger than this are skipped with a reason."""


@dataclass(frozen=True)
class RetrieveSettings:
    k: int = 10
    """Passages returned by ``Library.retrieve`` by default."""
    rrf_k: int = 60
    """Reciprocal-rank-fusion constant."""
    candidates: int = 50
    """Candidates taken from each of dense and BM25 before fusion."""


@dataclass(frozen=True)
class AnswerSettings:
    max_question_chars: int = 2000
    """Longer questions are refused."""
    lookup_passages: int = 3
    """Passages quoted in a lookup answer."""
    quotes_per_letter: int = 3
    """Quotes cited for each letter that says yes to a set question."""
    match_threshold: float = 0.6
    """Share of the question's topic weight a sentence must cover to count as on topic."""
    lookup_threshold: float = 0.45
    """Below this topic coverage in the best passage, a lookup abstains."""


@dataclass(frozen=True)
class LLMSettings:
    url: str | None = None
    """OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1 (llama.cpp, Ollama, vLLM)."""
    model_path: str | None = None
    """A local GGUF file served in-process by llama-cpp-python (extra `llm-local`)."""
    model_name: str = "local"
    """Model name sent to the server."""
    max_tokens: int = 400
    temperature: float = 0.0
    timeout_s: float = 120.0


@dataclass(frozen=True)
class Settings:
    embed: EmbedSettings = field(default_factory=EmbedSettings)
    chunk: ChunkSettings = field(default_factory=ChunkSettings)
    retrieve: RetrieveSettings = field(default_factory=RetrieveSettings)
    answer: AnswerSettings = field(default_factory=AnswerSettings)
    llm: LLMSettings = field(default_factory=LLMSettings)
