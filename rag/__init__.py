"""sendqa's public library API: open an index, ask questions, get cited answers.

    from rag import Library
    lib = Library.open(".sendqa/store")
    answer = lib.ask("Which areas lacked a DMO?")
    print(answer.text, answer.yes_areas)

Names are imported lazily (PEP 562), so ``import rag.types`` or ``import index.clean``
does not pull numpy, Chroma or the search code in.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rag.errors import InputRejected, LLMUnavailable, SendQAError, StoreMismatch, StoreNotFound
    from rag.library import Library
    from rag.settings import Settings
    from rag.types import Answer, Citation, Coverage, Finding, Letter, Passage

_HOMES = {
    "Answer": "rag.types", "Citation": "rag.types", "Coverage": "rag.types",
    "Finding": "rag.types", "Letter": "rag.types", "Passage": "rag.types",
    "InputRejected": "rag.errors", "LLMUnavailable": "rag.errors", "SendQAError": "rag.errors",
    "StoreMismatch": "rag.errors", "StoreNotFound": "rag.errors",
    "StoreDamaged": "rag.errors", "StoreBusy": "rag.errors", "NothingToIndex": "rag.errors",
    "Library": "rag.library", "Settings": "rag.settings",
}

__all__ = [
    "Answer", "Citation", "Coverage", "Finding", "InputRejected", "LLMUnavailable", "Letter",
    "Library", "Passage", "SendQAError", "Settings", "StoreMismatch", "StoreNotFound",
]


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'rag' has no attribute {name!r}")
