"""The real app over a real index, driven through gradio_client on a free loopback port."""

from __future__ import annotations

import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError
from ui_fakes import serving, write_evil_letter

from ui.app import respond
from ui.letters_tab import open_letter
from ui.service import AskService

pytestmark = pytest.mark.slow

DMO_QUOTE = "There is currently no designated clinical officer or designated medical officer in post."


@pytest.fixture(scope="module")
def lib(built_store):
    from rag import Library

    return Library.open(built_store)


@pytest.fixture(scope="module")
def client(lib):
    with serving(lib) as url:
        assert url.startswith("http://127.0.0.1:")
        yield Client(url, verbose=False)


def _check_citations_verbatim(lib, answer: dict) -> None:
    for c in answer["citations"]:
        assert lib.letter_text(c["letter_id"])[c["start"]:c["end"]] == c["quote"]


def test_set_answer_with_citations(client, lib):
    out = client.predict("Which areas lacked a DMO?", api_name="/ask")
    assert out["citations"], out["answer"]
    _check_citations_verbatim(lib, out)
    yes = {f["area"] for f in out["findings"] if f["verdict"] == "yes"}
    assert "Worcestershire" in yes
    assert any(DMO_QUOTE in c["quote"] for c in out["citations"])
    assert all(f"[{c['n']}]" in out["answer"] for c in out["citations"][:1])


def test_lookup_answer_with_citations(client, lib):
    out = client.predict(
        "How many children in Worcestershire were waiting for a special school place?",
        api_name="/ask")
    assert not out["abstained"] and out["citations"]
    assert {c["area"] for c in out["citations"]} == {"Worcestershire"}
    _check_citations_verbatim(lib, out)


def test_area_filter_respected(client):
    out = client.predict("Which areas lacked a DMO?", ["Dudley"], api_name="/ask")
    assert out["citations"]
    assert {c["area"] for c in out["citations"]} == {"Dudley"}
    assert {f["area"] for f in out["findings"]} <= {"Dudley"}


def test_year_and_framework_filters_respected(client):
    out = client.predict("Which areas had widespread or systemic failings?", None, 2023, 2023,
                         "area_2023", api_name="/ask")
    assert out["citations"]
    for c in out["citations"]:
        assert c["framework"] == "area_2023"
        assert c["inspection_start"].startswith("2023")
    assert {f["year"] for f in out["findings"]} <= {2023}


def test_overlong_question_refused(client):
    with pytest.raises(AppError, match="2,000 characters"):
        client.predict("Which areas lacked a DMO? " * 100, api_name="/ask")


def test_chat_endpoint_gives_answer_and_evidence(client):
    chat, _box, evidence, *_ = client.predict(
        "Which areas lacked a DMO?", [], [], 0, 0, "", api_name="/chat")
    assert "Worcestershire" in chat[-1]["content"][0]["text"]
    assert "Worcestershire" in evidence and DMO_QUOTE in evidence


def test_chat_follow_up_is_read_with_the_earlier_question(client):
    chat_client = Client(client.src, verbose=False)  # its own session, so its own conversation
    chat_client.predict("Which areas lacked a DMO?", [], [], 0, 0, "", api_name="/chat")
    chat, _box, evidence, *_ = chat_client.predict(
        "and what about Dorset?", [], [], 0, 0, "", api_name="/chat")
    text = chat[-1]["content"][0]["text"]
    assert "Read as" in text and "Dorset" in text
    assert "Dorset" in evidence and "Worcestershire" not in evidence
    # The /ask endpoint takes the earlier questions as an argument.
    out = client.predict("and what about Dorset?", None, None, None, None,
                         ["Which areas lacked a DMO?"], api_name="/ask")
    assert "Read as" in out["answer"] and out["read_as"]
    assert {c["area"] for c in out["citations"]} == {"Dorset"}


def test_letter_with_html_is_shown_as_text(tmp_path):
    from index.build import build_index
    from rag import Library

    store = tmp_path / "store"
    build_index([write_evil_letter(tmp_path)], store=store)
    svc = AskService(Library.open(store))
    steps = list(respond(svc, "What did parents say about the local offer website?", [],
                         ["Herefordshire"], 0, 0, ""))
    chat, _, evidence, *_rest, spans, asked = steps[-1]
    assert asked == ["What did parents say about the local offer website?"]
    for html in (chat[-1]["content"], evidence):
        assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in evidence
    assert "&lt;img src=x onerror=alert(2)&gt;" in evidence
    letter_id, start, end = next(iter(spans.values()))
    reader = open_letter(svc, letter_id, (start, end))
    assert "<script" not in reader and "<img" not in reader
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in reader and 'id="sq-hl"' in reader
