"""The web chat's conversation logic over the fake library: earlier questions go to the
library as history, nothing is made to look streamed, and the examples are not gold questions.

(The real index is used in test_ui_app.py::test_chat_follow_up_is_read_with_the_earlier_question.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ui_fakes import FakeLibrary, free_port

from rag.errors import InputRejected
from rag.settings import LLMSettings, Settings
from ui import app as ui_app
from ui.app import EXAMPLES, build_app, launch, new_conversation, respond
from ui.service import MAX_HISTORY, AskService, check_history

ROOT = Path(__file__).resolve().parent.parent


def _ask(svc, question, asked=None):
    return list(respond(svc, question, [], None, 0, 0, "", asked))


def test_earlier_questions_go_to_the_library_as_history(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda s: pytest.fail("the chat must not sleep"))
    lib = FakeLibrary()
    svc = AskService(lib)
    first = _ask(svc, "Which areas lacked a DMO?")
    assert len(first) == 2  # "Searching..." while the work runs, then the whole answer
    asked = first[-1][-1]
    assert asked == ["Which areas lacked a DMO?"] and "history" not in lib.calls[-1]
    second = _ask(svc, "  and what about Dorset?  ", asked)
    assert lib.calls[-1]["history"] == ["Which areas lacked a DMO?"]
    assert second[-1][-1] == ["Which areas lacked a DMO?", "and what about Dorset?"]
    # A refused question does not join the conversation.
    refused = _ask(svc, "x" * 2500, second[-1][-1])
    assert refused[-1][-1] is not None and len(refused[-1]) == 8
    assert "characters long" in refused[-1][0][-1]["content"]
    assert lib.calls[-1]["question"] == "and what about Dorset?"


def test_new_conversation_forgets_the_questions():
    chat, asked, evidence = new_conversation()
    assert chat == [] and asked == [] and "Ask a question" in evidence


def test_history_is_checked():
    assert check_history(None) == [] and check_history([]) == []
    assert check_history([" a? ", "", "b?"]) == ["a?", "b?"]
    assert len(check_history([f"q{i}?" for i in range(50)])) == MAX_HISTORY
    for bad in ["just a string", [1, 2], ["x" * 2001], {"q": 1}]:
        with pytest.raises(InputRejected):
            check_history(bad)


class _Scripted:
    def chat(self, messages):
        from types import SimpleNamespace

        return SimpleNamespace(message=SimpleNamespace(
            content="There is currently no designated clinical officer or designated medical "
                    "officer in post [1]. Worcestershire has no designated medical officer [1]."))


def test_with_an_llm_the_extractive_answer_shows_first(monkeypatch):
    lib = FakeLibrary()
    lib.settings = Settings(llm=LLMSettings(url="http://127.0.0.1:9/v1"))
    monkeypatch.setattr("rag.synthesis.make_llm", lambda settings: _Scripted())
    steps = _ask(AskService(lib), "Which areas lacked a DMO?")
    assert len(steps) == 3
    assert "Searching" in steps[0][0][-1]["content"]
    draft = steps[1][0][-1]["content"]
    assert "Worcestershire [1]" in draft and "Asking the LLM" in draft
    assert "Worcestershire" in steps[1][2]  # the evidence is shown with the draft
    final = steps[-1][0][-1]["content"]
    assert "Summary" in final and "Asking the LLM" not in final


def test_examples_show_the_range_and_are_not_gold_questions():
    kinds = [k for k, _ in EXAMPLES]
    assert {"Set", "Lookup", "Comparison"} <= set(kinds)
    assert sum(k.startswith("Follow-up") for k in kinds) == 2
    gold_files = [ROOT / "evals" / "gold" / "seed.jsonl", ROOT.parent / "shared" / "gold-dev.jsonl",
                  *sorted((ROOT / "evals" / "gold").glob("*.jsonl"))]
    gold = {json.loads(line)["question"].strip().lower()
            for f in gold_files if f.exists()
            for line in f.read_text(encoding="utf-8").splitlines() if line.strip()}
    assert len(gold) > 20
    for _, question in EXAMPLES:
        assert question.strip().lower() not in gold, question


def test_api_and_chat_endpoints_pass_history():
    from gradio_client import Client

    lib = FakeLibrary()
    demo = build_app(lib)
    try:
        _, url, _ = launch(demo, host="127.0.0.1", port=free_port(), block=False, quiet=True)
        client = Client(url, verbose=False)
        client.predict("and Dorset?", None, None, None, None, ["Which areas lacked a DMO?"],
                       api_name="/ask")
        assert lib.calls[-1] == {"question": "and Dorset?", "history": ["Which areas lacked a DMO?"]}
        client.predict("Which areas lacked a DMO?", [], [], 0, 0, "", api_name="/chat")
        assert "history" not in lib.calls[-1]
        client.predict("and what about Dorset?", [], [], 0, 0, "", api_name="/chat")
        assert lib.calls[-1]["history"] == ["Which areas lacked a DMO?"]
        # another browser tab (session) starts its own conversation
        Client(url, verbose=False).predict("Which areas?", [], [], 0, 0, "", api_name="/chat")
        assert "history" not in lib.calls[-1]
    finally:
        demo.close()
    assert not hasattr(ui_app, "_STREAM_PAUSE_S")
