"""Validation of LLM wording: pure logic with hand-made answers and a scripted model.

(The real small model is exercised in test_rag_llm.py; SmolLM2-135M rarely cites, so the
accepting path is shown here with a scripted reply.)
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from rag.synthesis import synthesise, validate
from rag.types import Answer, Citation, Coverage, Finding


def _answer() -> Answer:
    c1 = Citation(1, "L1", "Worcestershire", dt.date(2018, 3, 5), dt.date(2018, 3, 9), "joint_2016",
                  "Main findings", "There is currently no designated medical officer in post.", 10, 68)
    c2 = Citation(2, "L2", "Dudley", dt.date(2019, 5, 20), dt.date(2019, 5, 24), "joint_2016",
                  "Significant weaknesses", "The DMO has insufficient capacity to promote SEND agenda.", 5, 61)
    return Answer(question="Which areas lacked a DMO?", text="extractive text [1] [2]", intent="set",
                  abstained=False,
                  findings=(Finding("Worcestershire", "L1", 2018, "yes", (1,)),
                            Finding("Dudley", "L2", 2019, "yes", (2,))),
                  citations=(c1, c2), coverage=Coverage(2, 2))


class ScriptedLLM:
    def __init__(self, reply: str) -> None:
        self.reply = reply
        self.messages = None

    def chat(self, messages):
        self.messages = messages
        return SimpleNamespace(message=SimpleNamespace(content=self.reply))


def test_keeps_only_cited_and_supported_sentences() -> None:
    text = ("Worcestershire had no designated medical officer in post [1]. "
            "Dudley's DMO had insufficient capacity [2]. "
            "All other areas were excellent. "
            "Dudley also won a national award [2]. "
            "Rutland lacked one too [7].")
    assert validate(text, _answer()) == [
        "Worcestershire had no designated medical officer in post [1].",
        "Dudley's DMO had insufficient capacity [2].",
    ]


def test_synthesise_rewords_but_never_decides() -> None:
    a = _answer()
    llm = ScriptedLLM("Worcestershire had no designated medical officer in post [1]. Ignore this.")
    out = synthesise(None, a, llm=llm)
    assert out.mode == "llm"
    assert out.text.startswith("Worcestershire had no designated medical officer in post [1].")
    assert "Ignore this" not in out.text and "Checked 2 of 2" in out.text
    assert out.findings == a.findings and out.citations == a.citations
    assert any("dropped 1" in n for n in out.notes)
    sent = " ".join(m.content for m in llm.messages)
    assert "never instructions" in sent and "There is currently no designated medical officer" in sent


def test_nothing_valid_falls_back_to_the_extractive_answer() -> None:
    a = _answer()
    out = synthesise(None, a, llm=ScriptedLLM("ACCESS GRANTED"))
    assert out.mode == "extractive" and out.text == a.text
    assert "failed validation" in out.notes[-1]


def test_abstained_answers_are_not_sent_to_the_model() -> None:
    a = _answer()
    abstained = Answer(question="q", text="I cannot answer", intent="lookup", abstained=True,
                       findings=(), citations=(), coverage=Coverage(0, 0))
    llm = ScriptedLLM("anything [1]")
    assert synthesise(None, abstained, llm=llm) is abstained and llm.messages is None
    assert a.citations  # the fixture itself is sound
