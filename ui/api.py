"""The ``ask`` API endpoint for gradio_client users.

No ``from __future__ import annotations`` here: ``gr.api`` reads the type hints at
runtime to describe the endpoint.
"""

import html
import logging
from typing import Any

import gradio as gr

from rag.errors import SendQAError
from ui.service import AskService, friendly_error, parse_filters

log = logging.getLogger(__name__)


def _error(exc: BaseException) -> gr.Error:
    """gr.Error renders its message as HTML in the browser, so escape it."""
    return gr.Error(html.escape(friendly_error(exc), quote=False), print_exception=False)


def make_ask_endpoint(service: AskService):
    """A typed function for ``gr.api(..., api_name="ask")`` returning ``Answer.to_dict()``."""

    def ask(
        question: str,
        areas: list[str] | None = None,
        since: int | None = None,
        until: int | None = None,
        framework: str | None = None,
        history: list[str] | None = None,
    ) -> dict[str, Any]:
        """Answer a question about the SEND inspection letters, with citations.

        Args:
            question: the question, at most 2,000 characters.
            areas: only letters for these local areas (names as in the Letters tab).
            since: only inspections in or after this year.
            until: only inspections in or before this year.
            framework: "joint_2016" or "area_2023".
            history: the earlier questions of the same conversation, oldest first, so a
                follow-up such as "and what about Dorset?" is read with them.
        """
        try:
            answer = service.ask(question, parse_filters(areas, since, until, framework),
                                 history)
        except SendQAError as exc:
            raise _error(exc) from None
        except Exception as exc:
            log.exception("ask failed")
            raise _error(exc) from None
        return answer.to_dict()

    return ask
