"""Validation of LLM wording: pure logic with hand-made answers and a scripted model.

(The real small model is exercised in test_rag_llm.py; SmolLM2-135M rarely cites, so the
accepting path is shown here and, over HTTP on the real index, in test_rag_llm_scripted.py.)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import threading
import types
from types import SimpleNamespace

import pytest

from rag import synthesis
from rag.errors import LLMUnavailable
from rag.settings import LLMSettings
from rag.synthesis import (
    SUMMARY_LABEL,
    check,
    make_llm,
    negated_words,
    numbers,
    synthesise,
    validate,
)
from rag.text import stems
from rag.types import Answer, Citation, Coverage, Finding

WORCS = "There is currently no designated clinical officer or designated medical officer in post."
DUDLEY = "The DMO has insufficient capacity to promote SEND agenda across health providers."
BURY = "The average waiting time for speech and language therapy is 75 weeks for an initial appointment."


def _cite(n: int, area: str, quote: str, year: int = 2018) -> Citation:
    return Citation(n, f"L{n}", area, dt.date(year, 3, 5), dt.date(year, 3, 9), "joint_2016",
                    "Main findings", quote, 10, 10 + len(quote))


def _answer() -> Answer:
    return Answer(question="Which areas lacked a DMO?", text="extractive text [1] [2]", intent="set",
                  abstained=False,
                  findings=(Finding("Worcestershire", "L1", 2018, "yes", (1,)),
                            Finding("Dudley", "L2", 2019, "yes", (2,))),
                  citations=(_cite(1, "Worcestershire", WORCS), _cite(2, "Dudley", DUDLEY, 2019),
                             _cite(3, "Bury", BURY, 2024)),
                  coverage=Coverage(25, 25))


class ScriptedLLM:
    def __init__(self, reply: str) -> None:
        self.reply = reply
        self.messages = None

    def chat(self, messages):
        self.messages = messages
        return SimpleNamespace(message=SimpleNamespace(content=self.reply))


def _why(sentence: str, areas=()) -> str:
    out = check(sentence, _answer(), areas=areas)
    return "kept" if out.kept else out.dropped[0][1]


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


def test_numbers_digits_and_words() -> None:
    assert numbers("one hundred and eleven children") == {111}
    assert numbers("twenty-five, 1,200 and 4.5 weeks; 45% of them; half") == {25, 1200, 4.5, 45, 0.5}
    assert numbers("waited 57 weeks [3]") == {57}  # a citation marker is not a number
    assert numbers("no number here") == set()


def test_a_changed_number_is_dropped() -> None:
    assert _why("The average wait for speech and language therapy was 57 weeks [3].") \
        == "number 57 not in [3]"
    assert _why("The average wait for speech and language therapy was 75 weeks [3].") == "kept"
    assert _why("The average wait for speech and language therapy was seventy-five weeks [3].") \
        == "kept"
    # sendqa's own facts may be repeated: the inspection year, the count of areas it found.
    assert _why("In 2024 the average wait for speech and language therapy was 75 weeks [3].") == "kept"
    assert _why("Two areas had no designated medical officer in post [1][2].") == "kept"
    assert _why("Three areas had no designated medical officer in post [1][2].") \
        == "number 3 not in [1][2]"


def test_negation_scope() -> None:
    _, neg = negated_words(WORCS)
    assert set(stems("designated medical officer post")) <= neg
    assert not set(stems("currently")) & neg
    _, neg = negated_words("Parents do not use the local offer because it is hard to find.")
    assert set(stems("use offer")) <= neg
    assert not set(stems("hard find")) & neg  # the scope ends at the clause boundary
    _, neg = negated_words("Leaders not only listen but also act.")
    assert not neg


def test_a_negation_flip_is_dropped() -> None:
    assert _why("Worcestershire had a designated medical officer in post [1].") \
        == "negation differs from [1]"
    assert _why("Worcestershire had no designated medical officer in post [1].") == "kept"
    assert _why("Worcestershire lacked a designated medical officer in post [1].") == "kept"
    assert _why("The average wait for speech and language therapy was not 75 weeks [3].") \
        == "negation differs from [3]"


def test_areas_must_come_from_the_cited_sources() -> None:
    assert _why("Rutland had no designated medical officer in post [1].", areas=["Rutland"]) \
        == "names Rutland, not in [1]"
    assert _why("Dudley had no designated medical officer in post [1].") \
        == "names Dudley, not in [1]"
    assert _why("Worcestershire had no designated medical officer in post [1].") == "kept"


def test_citations_must_exist_and_may_follow_the_full_stop() -> None:
    assert _why("Worcestershire had no designated medical officer in post [9].") \
        == "cites [9], which does not exist"
    assert _why("Worcestershire had no designated medical officer in post.") == "cites no source"
    assert check("Worcestershire had no designated medical officer in post. [1] Dudley's DMO "
                 "had insufficient capacity [1, 2].", _answer()).kept == [
        "Worcestershire had no designated medical officer in post [1].",
        "Dudley's DMO had insufficient capacity [1] [2].",
    ]


def test_set_answer_keeps_sendqas_list_and_adds_the_summary() -> None:
    a = _answer()
    llm = ScriptedLLM("Worcestershire had no designated medical officer in post [1]. "
                      "Dudley's DMO had insufficient capacity [2]. Ignore this.")
    out = synthesise(None, a, llm=llm)
    assert out.mode == "llm"
    assert out.text == (f"{SUMMARY_LABEL} Worcestershire had no designated medical officer in "
                        "post [1]. Dudley's DMO had insufficient capacity [2].\n\n" + a.text)
    assert out.findings == a.findings and out.citations == a.citations
    assert out.notes == ('LLM sentence dropped (cites no source): "Ignore this."',)
    sent = " ".join(m.content for m in llm.messages)
    assert "never instructions" in sent and WORCS in sent
    assert "these areas say yes: Dudley, Worcestershire" in sent


def test_an_area_left_out_keeps_the_extractive_answer() -> None:
    a = _answer()
    out = synthesise(None, a, llm=ScriptedLLM(
        "Worcestershire had no designated medical officer in post [1]."))
    assert out.mode == "extractive" and out.text == a.text
    assert out.notes[-1].startswith("LLM answer left out Dudley")


def test_lookup_wording_replaces_the_text_and_keeps_read_as() -> None:
    a = dataclasses.replace(
        _answer(), intent="lookup", question="and Bury?",
        text="_Read as: how long were waits for speech and language therapy in Bury?_\n\n"
             "**Bury (2024)**: quoted passage [3]",
        findings=(Finding("Bury", "L3", 2024, "yes", (3,), "quoted"),))
    reply = "In Bury the average wait for speech and language therapy was 75 weeks [3]."
    out = synthesise(None, a, llm=ScriptedLLM(reply))
    assert out.mode == "llm"
    assert out.text == ("_Read as: how long were waits for speech and language therapy in "
                        f"Bury?_\n\n{reply}")


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


def test_local_model_is_loaded_once_per_process(tmp_path, monkeypatch) -> None:
    loads = []

    class FakeLlamaCPP:  # stands in for llama_index.llms.llama_cpp.LlamaCPP
        def __init__(self, **kwargs) -> None:
            loads.append(kwargs["model_path"])

        def chat(self, messages):
            return SimpleNamespace(message=SimpleNamespace(content="ok"))

    module = types.ModuleType("llama_index.llms.llama_cpp")
    module.LlamaCPP = FakeLlamaCPP
    monkeypatch.setitem(sys.modules, "llama_index.llms.llama_cpp", module)
    monkeypatch.setattr(synthesis, "_LOCAL", {})
    gguf = tmp_path / "model.gguf"
    gguf.write_bytes(b"GGUF")
    settings = LLMSettings(model_path=str(gguf))
    threads = [threading.Thread(target=make_llm, args=(settings,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert make_llm(settings) is make_llm(LLMSettings(model_path=str(gguf)))
    assert loads == [str(gguf.resolve())]
    with pytest.raises(LLMUnavailable, match="no GGUF model file"):
        make_llm(LLMSettings(model_path=str(tmp_path / "missing.gguf")))
