"""The Gradio app: a chat (follow-ups read with the earlier questions), evidence beside it,
filters, a Letters tab.

``build_app(lib)`` lays it out over one shared Library; ``launch`` serves it safely
(loopback by default, no share link, optional login).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import gradio as gr

from rag.errors import SendQAError
from ui.api import make_ask_endpoint
from ui.guard import guard_kwargs
from ui.guard import installed as guard_installed
from ui.letters_tab import build_letters_tab, open_letter
from ui.render import chat_markdown, evidence_html, md_text
from ui.service import AskService, friendly_error, parse_filters
from ui.style import PANEL_CSS

log = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = 4
# (kind, question): one of each kind of question, none of them a gold eval question.
# The follow-up pair is meant to be asked in this order.
EXAMPLES: list[tuple[str, str]] = [
    ("Set", "Which areas were praised for their parent carer forum?"),
    ("Lookup", "How long did children in Bury wait for speech and language therapy?"),
    ("Comparison", "Compare Bury and Bolton on waiting times for autism assessments"),
    ("Follow-up, 1 of 2", "Where did families wait too long for an autism assessment?"),
    ("Follow-up, 2 of 2", "And in the 2023 inspections?"),
]
FRAMEWORK_CHOICES = [("Any", ""), ("2016-2022 joint inspections", "joint_2016"),
                     ("2023+ area SEND inspections", "area_2023")]
INTRO = (
    "# sendqa\nAsk about the Ofsted/CQC local area SEND inspection letters. Every answer "
    "cites the letters it comes from; the evidence appears beside the chat."
)
_SEARCHING = "*Searching the letters\u2026*"
_WORDING = "*Asking the LLM to word this answer; it is checked against the quotes\u2026*"


def _user_line(question: str) -> str:
    shown = question if len(question) <= 300 else question[:300] + "\u2026"
    return md_text(shown)


def respond(service: AskService, question: str, history: list | None, areas: Any,
            since: Any, until: Any, framework: Any, asked: list | None = None) -> Iterator[tuple]:
    """Chat handler: yields (chat, box, evidence, csv, md, cite choices, cite spans, asked).

    ``asked`` holds the earlier questions of this chat (raw, oldest first): they go to the
    library as history, so "and Dorset?" is read with them. Nothing is made to look
    streamed: a placeholder while the letters are searched, then the answer at once (with
    an LLM, the extractive answer first and the checked wording when it has arrived)."""
    history = list(history or [])
    asked = list(asked or [])
    question = question or ""
    history.append({"role": "user", "content": _user_line(question) or "\u2026"})
    skip = gr.skip()
    yield (history + [{"role": "assistant", "content": _SEARCHING}], "",
           skip, skip, skip, skip, skip, skip)
    try:
        filters = parse_filters(areas, since, until, framework)
        answer = service.answer(question, filters, asked)
        shown = answer.filters or filters.as_dict()
        evidence = evidence_html(answer, service.passages_for(answer), shown)
        if service.llm_enabled:
            draft = chat_markdown(answer, shown) + "\n\n" + _WORDING
            yield (history + [{"role": "assistant", "content": draft}], skip, evidence,
                   skip, skip, skip, skip, skip)
            answer = service.reword(answer)
        message = chat_markdown(answer, shown)
        csv_path, md_path = service.write_downloads(answer, shown)
    except Exception as exc:  # every failure becomes one friendly line
        if isinstance(exc, SendQAError):
            log.info("question refused: %s", exc)
        else:
            log.exception("question failed")
        history.append({"role": "assistant", "content": md_text(friendly_error(exc))})
        yield history, "", skip, skip, skip, skip, skip, skip
        return
    history.append({"role": "assistant", "content": message})
    asked.append(question.strip())
    spans = {str(c.n): [c.letter_id, c.start, c.end] for c in answer.citations}
    choices = [(f"[{c.n}] {c.area} \u2014 {c.section}", str(c.n)) for c in answer.citations]
    yield (history, skip, evidence,
           gr.DownloadButton(value=str(csv_path), interactive=True),
           gr.DownloadButton(value=str(md_path), interactive=True),
           gr.Dropdown(choices=choices, value=None, interactive=bool(choices)), spans, asked)


def new_conversation() -> tuple:
    """Clear the chat and the questions a follow-up is read with."""
    return [], [], evidence_html(None)


def _year_choices(years: list[int]) -> list[tuple[str, int]]:
    return [("Any", 0)] + [(str(y), y) for y in years]


def build_app(lib: Any, *, concurrency: int = DEFAULT_CONCURRENCY,
              examples: list[tuple[str, str]] | None = None) -> gr.Blocks:
    """The whole UI over one shared, already-open Library (queue concurrency >= 4).

    ``examples``: (kind, question) pairs shown under the chat (default ``EXAMPLES``)."""
    service = AskService(lib)
    examples = examples or EXAMPLES
    with gr.Blocks(title="sendqa", analytics_enabled=False, delete_cache=(3600, 3600)) as demo:
        gr.Markdown(INTRO)
        with gr.Tabs() as tabs:
            with gr.Tab("Ask", id="ask"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        chat = gr.Chatbot(label="Answers", height=520, elem_id="chat",
                                          sanitize_html=True, allow_tags=False,
                                          feedback_options=None, buttons=["copy"])
                        with gr.Row():
                            box = gr.Textbox(show_label=False, lines=1, scale=5,
                                             placeholder="Ask about the inspection letters",
                                             elem_id="question")
                            send = gr.Button("Ask", variant="primary", scale=1,
                                             elem_id="ask-button")
                            new = gr.Button("New conversation", scale=1, size="sm",
                                            elem_id="new-chat")
                        ex = gr.Examples([[q] for _, q in examples], inputs=[box],
                                         label="Example questions",
                                         example_labels=[f"{k}: {q}" for k, q in examples])
                        with gr.Accordion("Filters (apply to the next question)", open=False):
                            areas = gr.Dropdown(choices=service.areas, multiselect=True,
                                                label="Areas", elem_id="filter-areas")
                            with gr.Row():
                                since = gr.Dropdown(_year_choices(service.years), value=0,
                                                    label="From year", elem_id="filter-since")
                                until = gr.Dropdown(_year_choices(service.years), value=0,
                                                    label="To year", elem_id="filter-until")
                            framework = gr.Radio(FRAMEWORK_CHOICES, value="", label="Framework",
                                                 elem_id="filter-framework")
                    with gr.Column(scale=2):
                        evidence = gr.HTML(evidence_html(None), label="Evidence",
                                           elem_id="evidence", css_template=PANEL_CSS,
                                           js_on_load=None, max_height=640, padding=True)
                        with gr.Row():
                            csv_btn = gr.DownloadButton("Download CSV", interactive=False,
                                                        elem_id="download-csv", size="sm")
                            md_btn = gr.DownloadButton("Download Markdown", interactive=False,
                                                       elem_id="download-md", size="sm")
                        cite_pick = gr.Dropdown([], label="Open a cited passage in its letter",
                                                interactive=False, elem_id="cite-pick")
            with gr.Tab("Letters", id="letters"):
                letters = build_letters_tab(service)
        spans = gr.State({})
        asked = gr.State([])  # this chat's earlier questions: the history of a follow-up

        def _respond(question, history, a, s, u, f, earlier):
            yield from respond(service, question, history, a, s, u, f, earlier)

        def _open_cited(n, cites):
            letter_id, start, end = (cites or {}).get(str(n), [None, 0, 0])
            return (gr.Tabs(selected="letters"), gr.Dropdown(value=letter_id),
                    open_letter(service, letter_id, (start, end)))

        ask_in = [box, chat, areas, since, until, framework, asked]
        ask_out = [chat, box, evidence, csv_btn, md_btn, cite_pick, spans, asked]
        send.click(_respond, ask_in, ask_out, api_name="chat", api_visibility="undocumented")
        box.submit(_respond, ask_in, ask_out, api_visibility="private")
        ex.load_input_event.then(_respond, ask_in, ask_out, api_visibility="private")
        new.click(new_conversation, None, [chat, asked, evidence], api_visibility="private")
        cite_pick.input(_open_cited, [cite_pick, spans], [tabs, letters.picker, letters.reader],
                        api_visibility="private")
        gr.api(make_ask_endpoint(service), api_name="ask")

        def _end_session(request: gr.Request):
            service.end_session(request.session_hash)

        demo.unload(_end_session)  # the tab closed: its download files go
    demo.sendqa_service = service  # ui/cli.py removes the rest at shutdown
    demo.queue(default_concurrency_limit=max(DEFAULT_CONCURRENCY, concurrency))
    _lighten_queue_analytics(demo)
    return demo


def _lighten_queue_analytics(demo: gr.Blocks) -> None:
    """Gradio's queue rebuilds a pandas summary of up to 10,000 past events after every
    event, for a monitoring page we turn off; do it every 100 events over the last 1,000."""
    queue = getattr(demo, "_queue", None)
    if queue is not None and hasattr(queue, "ANAYLTICS_CACHE_FREQUENCY"):
        queue.ANAYLTICS_CACHE_FREQUENCY = 100
    if queue is not None and hasattr(queue, "ANALYTICS_MAX_EVENTS"):
        queue.ANALYTICS_MAX_EVENTS = 1000


def launch(demo: gr.Blocks, *, host: str = "127.0.0.1", port: int | None = 7860,
           auth: tuple[str, str] | None = None, block: bool = True, quiet: bool = False):
    """Serve ``demo``: never a public share link; login when ``auth`` is given."""
    served = demo.launch(
        server_name=host, server_port=port, share=False, auth=auth,
        auth_message="Log in with the user name and password set in SENDQA_AUTH." if auth else None,
        prevent_thread_lock=not block, show_error=False, quiet=quiet, inbrowser=False,
        enable_monitoring=False, mcp_server=False, ssr_mode=False, run_history=False,
        footer_links=["api"],
        app_kwargs=guard_kwargs(host),  # ui/guard.py: no uploads, allowed hosts, login limit
    )
    if not guard_installed(demo.app):
        demo.close()
        raise RuntimeError("the request guard (ui/guard.py) was not installed; not serving")
    return served
