"""sendqa's browser UI: a Gradio chat over ``rag``'s public API that shows its evidence.

    from rag import Library
    from ui import build_app, launch
    launch(build_app(Library.open(".sendqa/store")))
"""

from ui.app import build_app, launch

__all__ = ["build_app", "launch"]
