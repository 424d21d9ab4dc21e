"""sendqa's browser UI: a Gradio chat over ``rag``'s public API that shows its evidence.

    from rag import Library
    from ui import build_app, launch
    launch(build_app(Library.open(".sendqa/store")))

Gradio is imported only when ``build_app`` or ``launch`` is first used, so the ``sendqa``
command does not pay for it unless it serves.
"""

from typing import Any

__all__ = ["build_app", "launch"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from ui import app

        return getattr(app, name)
    raise AttributeError(name)
