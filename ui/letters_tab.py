"""The Letters tab: a sortable table of the indexed letters and a whole-letter reader."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import gradio as gr

from ui.reader import LETTER_COLUMNS, letter_choices, letters_rows, reader_html
from ui.render import esc
from ui.service import AskService, friendly_error
from ui.style import PANEL_CSS, SCROLL_TO_MARK_JS

log = logging.getLogger(__name__)

READER_EMPTY = '<div class="sq-reader"><p class="sq-empty">Pick a letter to read it.</p></div>'


@dataclass
class LettersTab:
    picker: gr.Dropdown
    reader: gr.HTML


def open_letter(service: AskService, letter_id: str | None,
                span: tuple[int, int] | None = None) -> str:
    """Reader HTML for one letter, optionally highlighting a cited span; never raises."""
    if not letter_id:
        return READER_EMPTY
    try:
        return reader_html(service.letter(letter_id), service.letter_text(letter_id),
                           service.passages(letter_id), span)
    except Exception as exc:  # shown as a friendly line; details go to the log
        log.exception("could not open letter %s", letter_id)
        return f'<div class="sq-reader"><p class="sq-error">{esc(friendly_error(exc))}</p></div>'


def build_letters_tab(service: AskService) -> LettersTab:
    """Lay out the tab inside the current Blocks context and wire its events."""
    gr.Markdown(f"{len(service.letters)} letters and reports are indexed. "
                "Click a column header to sort, or a row to read that letter.")
    table = gr.Dataframe(
        value=letters_rows(service.letters), headers=LETTER_COLUMNS, type="array",
        interactive=False, wrap=True, max_height=360, show_search="search",
        elem_id="letters-table", label="Indexed letters",
    )
    picker = gr.Dropdown(choices=letter_choices(service.letters), value=None,
                         label="Read a letter", elem_id="letter-pick")
    reader = gr.HTML(READER_EMPTY, elem_id="reader", css_template=PANEL_CSS,
                     js_on_load=SCROLL_TO_MARK_JS, max_height=720, padding=True)

    def from_row(evt: gr.SelectData):
        row = evt.row_value or []
        letter_id = str(row[-1]) if row else None
        return gr.Dropdown(value=letter_id), open_letter(service, letter_id)

    table.select(from_row, None, [picker, reader], api_visibility="private")
    picker.input(lambda letter_id: open_letter(service, letter_id), picker, reader,
                 api_visibility="private")
    return LettersTab(picker, reader)
