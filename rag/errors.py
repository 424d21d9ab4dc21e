"""Errors the library raises. Each message says how to fix the problem."""


class SendQAError(Exception):
    """Base class for every error sendqa raises on purpose."""


class StoreNotFound(SendQAError):
    """No index at the given store; build one with `sendqa index`."""


class StoreMismatch(SendQAError):
    """The index was built with another embedder or parser version; rebuild it."""


class InputRejected(SendQAError):
    """A file or question that sendqa will not take, with the reason."""


class LLMUnavailable(SendQAError):
    """The configured LLM could not be reached or loaded."""


class StoreDamaged(SendQAError):
    """The store path is not a usable index (a file, a damaged database, a foreign folder)."""


class StoreBusy(SendQAError):
    """Another `sendqa index` is writing to the same store."""


class NothingToIndex(InputRejected):
    """The paths given to `sendqa index` hold no usable letter; nothing was changed.

    ``skipped`` lists (file, reason) for the files that were tried."""

    def __init__(self, message: str, skipped: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.skipped = list(skipped or [])
