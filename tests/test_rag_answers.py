"""The answerer over the real bundled index: completeness, citations, filters, abstention."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rag import InputRejected, Library

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def lib(built_store: Path) -> Library:
    return Library.open(built_store)


def _verbatim(lib: Library, answer) -> None:
    for c in answer.citations:
        assert lib.letter_text(c.letter_id)[c.start:c.end] == c.quote
        assert c.area == lib.letter(c.letter_id).area
    for n in map(int, re.findall(r"\[(\d+)\]", answer.text)):
        assert 1 <= n <= len(answer.citations)


def test_set_question_checks_every_letter_and_cites_each_yes(lib: Library) -> None:
    a = lib.ask("Which areas lacked a DMO?")
    assert a.intent == "set" and not a.abstained
    assert a.coverage.in_scope == a.coverage.checked == len(lib.letters())
    assert len(a.findings) == len(lib.letters())
    _verbatim(lib, a)
    by = {(f.area, f.year): f for f in a.findings}
    # The issue's own example: Wolverhampton's DMO "provides clear oversight" is a `no`.
    assert by[("Wolverhampton", 2021)].verdict == "no"
    assert by[("Worcestershire", 2018)].verdict == "yes"
    assert by[("Dudley", 2019)].verdict == "yes"
    cited = {c.n: c for c in a.citations}
    for f in a.findings:
        if f.verdict == "yes":
            assert f.citations and all(cited[n].letter_id == f.letter_id for n in f.citations)
            assert re.search(r"dmo|designated medical officer", " ".join(cited[n].quote for n in f.citations), re.I)
    assert "checked 25 of 25 letters in scope" in a.text.lower()


def test_outcome_questions_come_from_the_letters_table(lib: Library) -> None:
    a = lib.ask("Which inspections resulted in a written statement of action being required?")
    yes = {f.letter_id for f in a.findings if f.verdict == "yes"}
    assert yes == {lt.id for lt in lib.letters() if lt.outcome == "wsoa_required"}
    for f in a.findings:
        if f.verdict == "yes":
            quote = " ".join(a.citations[n - 1].quote for n in f.citations)
            assert re.search(r"written statement of action|wsoa", quote, re.I)
    n = len(yes)
    count = lib.ask("How many of the letters required a written statement of action?")
    assert count.intent == "count" and f"**{n}**" in count.text


def test_year_words_and_explicit_filters_limit_the_scope(lib: Library) -> None:
    a = lib.ask("Which areas had widespread or systemic failings in 2023?")
    assert all(f.year == 2023 for f in a.findings)
    assert a.coverage.in_scope == sum(1 for lt in lib.letters() if lt.year == 2023)
    # explicit filters override the wording
    b = lib.ask("Which areas had widespread or systemic failings in 2023?", since=2024, until=2025)
    assert b.findings and all(f.year in (2024, 2025) for f in b.findings)
    c = lib.ask("Which areas lacked a DMO?", areas=["dorset"], framework="joint_2016")
    assert c.coverage.in_scope == 1 and {f.area for f in c.findings} == {"Dorset"}


def test_lookup_cites_only_the_named_area(lib: Library) -> None:
    a = lib.ask("How many children in Worcestershire were waiting for a special school place?")
    assert a.intent == "lookup" and not a.abstained and a.citations
    assert {c.area for c in a.citations} == {"Worcestershire"}
    _verbatim(lib, a)


def test_metadata_lookups_cite_their_sentence(lib: Library) -> None:
    a = lib.ask("Who led the Wolverhampton inspection?")
    lead = next(lt.lead_inspector for lt in lib.letters() if lt.area == "Wolverhampton")
    assert lead and lead in a.text
    assert any(lead in c.quote for c in a.citations)
    d = lib.ask("When did the Dudley inspection take place?")
    for lt in lib.letters():
        if lt.area == "Dudley":
            assert lt.dates_label() in d.text


def test_comparison_over_time_is_in_date_order(lib: Library) -> None:
    a = lib.ask("How did inspectors' view of Dudley change between 2019 and 2025?")
    assert a.intent == "compare"
    years = [int(y) for y in re.findall(r"### Dudley \((\d{4})", a.text)]
    assert years == sorted(years) and len(years) == 2
    _verbatim(lib, a)


def test_abstains_for_an_area_not_in_the_collection(lib: Library) -> None:
    a = lib.ask("What did the inspection of Birmingham find?")
    assert a.abstained and not a.citations and not a.findings
    assert "Birmingham" in a.text and "cannot answer" in a.text


def test_abstains_when_nothing_speaks_to_the_question(lib: Library) -> None:
    a = lib.ask("What are the tuition fees at Weymouth College?")
    assert a.abstained and not a.citations


def test_bad_questions_are_refused(lib: Library) -> None:
    with pytest.raises(InputRejected, match="limit"):
        lib.ask("x" * 2001)
    with pytest.raises(InputRejected, match="empty"):
        lib.ask("   ")


def test_retrieve_honours_filters_and_k(lib: Library) -> None:
    ps = lib.retrieve("waiting times for speech and language therapy", k=7, since=2024)
    assert 0 < len(ps) <= 7
    years = {lt.id: lt.year for lt in lib.letters()}
    assert all(years[p.letter_id] >= 2024 for p in ps)
    ps = lib.retrieve("local offer", k=5, areas=["Dorset"])
    assert ps and {p.area for p in ps} == {"Dorset"}
    for p in ps:
        assert lib.letter_text(p.letter_id)[p.start:p.end] == p.text


def test_as_retriever_is_a_llama_index_retriever(lib: Library) -> None:
    from llama_index.core.base.base_retriever import BaseRetriever

    r = lib.as_retriever(k=3, areas=["Dorset"])
    assert isinstance(r, BaseRetriever)
    nodes = r.retrieve("supported internships")
    assert 0 < len(nodes) <= 3
    assert all(n.node.metadata["area"] == "Dorset" for n in nodes)


def test_answer_json_shape(lib: Library) -> None:
    d = lib.ask("Which areas lacked a DMO?").to_dict()
    assert {"answer", "abstained", "coverage", "findings", "citations", "timings_ms"} <= set(d)
    assert set(d["coverage"]) == {"in_scope", "checked"}
    assert {"area", "letter_id", "year", "verdict", "citations"} <= set(d["findings"][0])
    assert {"n", "letter_id", "area", "inspection_start", "inspection_end", "section", "quote",
            "start", "end"} <= set(d["citations"][0])
