"""Question understanding: pure logic, no index needed."""

from __future__ import annotations

import pytest

from rag.question import parse_question
from rag.text import polarity, sentence_spans, stem

AREAS = ["Dorset", "Dudley", "Sandwell", "Stoke-on-Trent", "Wolverhampton", "Worcestershire"]


@pytest.mark.parametrize(
    ("text", "since", "until"),
    [
        ("Which areas had systemic failings in 2023?", 2023, 2023),
        ("Which areas were criticised before 2018?", None, 2017),
        ("Which areas improved since 2019?", 2019, None),
        ("Which areas lacked a DMO between 2017 and 2019?", 2017, 2019),
        ("Which areas lacked a DMO after 2020?", 2021, None),
        ("Which areas lacked a DMO?", None, None),
    ],
)
def test_years(text: str, since: int | None, until: int | None) -> None:
    q = parse_question(text, AREAS)
    assert (q.since, q.until) == (since, until)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Which areas lacked a DMO?", "set"),
        ("Where did inspectors find long waits for autism assessment?", "set"),
        ("Before 2022, where did inspectors find delays?", "set"),
        ("List the areas with a poor local offer", "set"),
        ("How many of the letters required a written statement of action?", "count"),
        ("How many children in Dorset were waiting for a place?", "lookup"),
        ("When did the Dudley inspection take place?", "lookup"),
        ("How do Dudley and Sandwell compare on the local offer?", "compare"),
        ("How did inspectors' view of Dudley change between 2019 and 2025?", "compare"),
    ],
)
def test_intent(text: str, intent: str) -> None:
    assert parse_question(text, AREAS).intent == intent


def test_areas_are_matched_case_insensitively_and_unknown_areas_are_noticed() -> None:
    q = parse_question("what did the DUDLEY and stoke-on-trent letters say?", AREAS)
    assert q.areas == ["Stoke-on-Trent", "Dudley"] or set(q.areas) == {"Dudley", "Stoke-on-Trent"}
    q = parse_question("What did the inspection of Birmingham find?", AREAS)
    assert q.areas == [] and q.unknown_areas == ["Birmingham"]


def test_acronyms_become_concepts_with_every_surface_form() -> None:
    q = parse_question("Which areas lacked a DMO?", AREAS)
    assert [t.label for t in q.terms] == ["dmo"]
    assert q.terms[0].found_in(" the design medical officer is ".replace("design", "designat"))
    assert q.polarity == -1 and q.absence


def test_polarity_of_questions() -> None:
    assert parse_question("Which areas were praised for their local offer?", AREAS).polarity == 1
    assert parse_question("Which areas were criticised for their local offer?", AREAS).polarity == -1
    assert parse_question("Which letters mention the pandemic?", AREAS).polarity == 0


def test_outcome_questions_are_recognised() -> None:
    assert parse_question("Which inspections required a written statement of action?", AREAS).outcome == "wsoa_required"
    assert parse_question("Which areas had widespread or systemic failings?", AREAS).outcome == "systemic"
    assert parse_question("Which revisits found sufficient progress?", AREAS).outcome == "sufficient_progress"
    assert parse_question("Which areas did not need a written statement of action?", AREAS).outcome == "no_wsoa"
    assert parse_question("Which inspections ended without a WSOA?", AREAS).outcome == "no_wsoa"
    assert parse_question("Which areas lacked a DMO?", AREAS).outcome is None


def test_either_word_joined_by_or_is_one_term() -> None:
    q = parse_question("Where were there delays in autism assessment or diagnosis?", AREAS)
    labels = [t.label for t in q.terms]
    assert "autism" in labels
    merged = [t for t in q.terms if " or " in t.label]
    assert merged and merged[0].found_in(" diagnos ") and merged[0].found_in(" assessment ")


def test_stem_and_sentences() -> None:
    assert stem("delays") == stem("delayed") == "delay"
    assert stem("timetables") == stem("timetable")
    text = "- The DMO is not in post. Parents said \"it is poor.\" Next one\nNew paragraph."
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "The DMO is not in post.", 'Parents said "it is poor."', "Next one", "New paragraph."]


def test_polarity_of_sentences() -> None:
    assert polarity("The DMO does not have enough capacity to promote good practice.") > 0
    assert polarity("Parents speak highly of the effective support they receive.") < 0
    assert polarity("The service is not effective.") > 0
