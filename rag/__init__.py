"""sendqa's public library API: open an index, ask questions, get cited answers.

    from rag import Library
    lib = Library.open(".sendqa/store")
    answer = lib.ask("Which areas lacked a DMO?")
    print(answer.text, answer.yes_areas)
"""

from rag.errors import InputRejected, LLMUnavailable, SendQAError, StoreMismatch, StoreNotFound
from rag.library import Library
from rag.settings import Settings
from rag.types import Answer, Citation, Coverage, Finding, Letter, Passage

__all__ = [
    "Answer",
    "Citation",
    "Coverage",
    "Finding",
    "InputRejected",
    "LLMUnavailable",
    "Letter",
    "Library",
    "Passage",
    "SendQAError",
    "Settings",
    "StoreMismatch",
    "StoreNotFound",
]
