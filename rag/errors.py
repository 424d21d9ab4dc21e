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
