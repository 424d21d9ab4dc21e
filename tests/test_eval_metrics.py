"""Every eval metric on small hand-made cases, edge cases included."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evals import metrics as m
from evals.gold import Evidence, GoldCase
from evals.scoring import aggregate, errored, score_answer, summarise
from rag.types import Answer, Citation, Coverage, Finding

LETTER = (
    "Main findings\n"
    "There is currently no designated clinical officer or designated medical officer in post.\n"
    "Leaders \u201cknow their area\u201d well.   Waiting times are too long."
)
TEXTS = {"w18": LETTER, "w24": LETTER, "d19": "The DMO has insufficient capacity."}
DMO = "There is currently no designated clinical officer or designated medical officer in post."


def span_of(quote: str, letter_id: str = "w18") -> tuple[int, int]:
    start = TEXTS[letter_id].index(quote)
    return start, start + len(quote)


def cite(letter_id: str, area: str, year: int, start: int, end: int) -> m.Cited:
    return m.Cited(letter_id, area, year, start, end, TEXTS[letter_id][start:end])


# --- normalisation -------------------------------------------------------------------


def test_normalise_whitespace_quotes_and_dashes():
    assert m.normalise("  a \n\t b \u201cc\u201d \u2018d\u2019 e\u2013f ") == "a b \"c\" 'd' e-f"


def test_locate_maps_back_to_original_offsets():
    spans = m.locate('Leaders "know their area" well. Waiting', LETTER)
    assert len(spans) == 1
    s, e = spans[0]
    assert LETTER[s:e] == "Leaders \u201cknow their area\u201d well.   Waiting"


def test_locate_finds_every_occurrence_and_nothing_for_empty():
    assert m.locate("ab", "ab ab") == [(0, 2), (3, 5)]
    assert m.locate("   ", "ab") == []
    assert m.locate("zz", "ab") == []


@given(st.text(alphabet="ab \n\u201c\u201d", max_size=30), st.data())
def test_locate_spans_normalise_to_the_quote(text, data):
    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(a, len(text)))
    quote = text[a:b]
    for s, e in m.locate(quote, text):
        assert m.normalise(text[s:e]) == m.normalise(quote)


def test_area_key_ignores_case_spacing_and_prefixes():
    assert m.area_key(" City of  Wolverhampton ") == m.area_key("wolverhampton")
    assert m.area_key("Dudley local area") == "dudley"
    assert m.area_key("Dudley") != m.area_key("Durham")


# --- key facts -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "item", "found"),
    [
        ("FOUR letters", "4|four", True),
        ("4 letters", "4|four", True),
        ("in 2024", "4|four", False),
        ("40% of young people", "40%", True),
        ("insufficient progress", "sufficient progress", False),
        ("made Sufficient  progress", "sufficient progress", True),
        ("two planning officers", "planning officer", True),
        ("111 children", "11", False),
        ("anything", "", False),
    ],
)
def test_mentions(text, item, found):
    assert m.mentions(text, item) is found


def test_must_mention_share_and_reason():
    s = m.must_mention("Dudley was inspected from 20 May to 24 May 2019.", ["20 May", "Pollitt"])
    assert s.value == 0.5
    assert "Pollitt" in s.reason


def test_must_mention_empty_list_does_not_apply():
    assert not m.must_mention("text", []).applies
    assert m.must_mention("text", []).value is None


# --- sets ----------------------------------------------------------------------------


def test_set_scores_perfect():
    s = m.set_scores(["Dudley", "worcestershire"], ["Worcestershire", "Dudley"])
    assert (s.precision.value, s.recall.value, s.f1.value) == (1.0, 1.0, 1.0)
    assert s.violations == s.missed == s.extra == ()


def test_set_scores_partial():
    s = m.set_scores(["Dudley", "Bury"], ["Dudley", "Dorset", "Derbyshire", "Durham"])
    assert s.precision.value == 0.5
    assert s.recall.value == 0.25
    assert s.f1.value == pytest.approx(2 * 0.5 * 0.25 / 0.75)
    assert s.missed == ("Derbyshire", "Dorset", "Durham")
    assert s.extra == ("Bury",)


def test_allowed_areas_count_neither_way():
    with_allowed = m.set_scores(["Dudley", "Sandwell"], ["Dudley"], allowed=["Sandwell"])
    without = m.set_scores(["Dudley"], ["Dudley"], allowed=["Sandwell"])
    assert with_allowed.f1.value == without.f1.value == 1.0
    assert m.set_scores([], ["Dudley"], allowed=["Dudley"]).recall.value == 0.0


def test_forbidden_area_asserted_is_a_violation_and_a_false_positive():
    s = m.set_scores(["Dudley", "Dorset"], ["Dudley"], forbidden=["Dorset", "Durham"])
    assert s.violations == ("Dorset",)
    assert s.precision.value == 0.5
    assert s.recall.value == 1.0
    assert "FORBIDDEN Dorset" in s.f1.reason
    assert m.forbidden_hits(["dorset", "Bury"], ["Dorset"]) == ("Dorset",)


def test_empty_expected_set():
    none_said = m.set_scores([], [], forbidden=["Dorset"])
    assert (none_said.precision.value, none_said.recall.value, none_said.f1.value) == (1, 1, 1)
    wrong = m.set_scores(["Dorset"], [], forbidden=["Dorset"])
    assert wrong.f1.value == 0.0
    assert wrong.precision.value == 0.0
    assert wrong.violations == ("Dorset",)
    only_allowed = m.set_scores(["Sandwell"], [], allowed=["Sandwell"])
    assert only_allowed.f1.value == 1.0


def test_empty_answer_to_non_empty_expected_set_scores_zero():
    s = m.set_scores([], ["Dudley"])
    assert (s.precision.value, s.recall.value, s.f1.value) == (0.0, 0.0, 0.0)


def test_duplicate_yes_areas_count_once():
    s = m.set_scores(["Dudley", "dudley", "Dudley"], ["Dudley", "Dorset"])
    assert s.precision.value == 1.0
    assert s.recall.value == 0.5


# --- evidence ------------------------------------------------------------------------

EV = Evidence("Worcestershire", 2018, DMO)


def test_evidence_covered_by_one_exact_citation():
    s, e = span_of(DMO)
    score = m.evidence_recall([EV], [cite("w18", "Worcestershire", 2018, s, e)], TEXTS)
    assert score.value == 1.0


def test_evidence_needs_half_the_quote():
    s, e = span_of(DMO)
    half = s + (e - s) // 2
    just_under = [cite("w18", "Worcestershire", 2018, s, half - 1)]
    at_half = [cite("w18", "Worcestershire", 2018, s, s + (e - s + 1) // 2)]
    assert m.evidence_recall([EV], just_under, TEXTS).value == 0.0
    assert m.evidence_recall([EV], at_half, TEXTS).value == 1.0


def test_quote_split_across_two_citations_is_covered():
    s, e = span_of(DMO)
    third = (e - s) // 3
    first = cite("w18", "Worcestershire", 2018, s, s + third)  # a third of the quote
    last = cite("w18", "Worcestershire", 2018, e - third, e)  # another third
    assert m.quote_coverage(EV, [first], TEXTS) < 0.5
    assert m.quote_coverage(EV, [first, last], TEXTS) == pytest.approx(2 * third / (e - s))
    assert m.evidence_recall([EV], [first, last], TEXTS).value == 1.0


def test_duplicate_citations_do_not_add_coverage():
    s, e = span_of(DMO)
    third = (e - s) // 3
    first = cite("w18", "Worcestershire", 2018, s, s + third)
    assert m.quote_coverage(EV, [first, first, first], TEXTS) == m.quote_coverage(
        EV, [first], TEXTS
    )
    assert m.evidence_recall([EV], [first, first], TEXTS).value == 0.0


def test_evidence_from_wrong_year_or_area_is_not_covered():
    s, e = span_of(DMO)
    other_year = [cite("w24", "Worcestershire", 2024, s, e)]
    other_area = [m.Cited("w18", "Dudley", 2018, s, e, DMO)]
    assert m.evidence_recall([EV], other_year, TEXTS).value == 0.0
    assert m.evidence_recall([EV], other_area, TEXTS).value == 0.0
    assert "Worcestershire 2018" in m.evidence_recall([EV], other_year, TEXTS).reason


def test_evidence_with_curly_quotes_in_letter_is_found():
    ev = Evidence("Worcestershire", 2018, 'Leaders "know their area" well.')
    s, e = m.locate(ev.quote, LETTER)[0]
    assert m.evidence_recall([ev], [cite("w18", "Worcestershire", 2018, s, e)], TEXTS).value == 1


def test_evidence_recall_is_share_of_quotes_and_na_without_quotes():
    s, e = span_of(DMO)
    evs = [EV, Evidence("Dudley", 2019, "The DMO has insufficient capacity.")]
    score = m.evidence_recall(evs, [cite("w18", "Worcestershire", 2018, s, e)], TEXTS)
    assert (score.num, score.den) == (1, 2)
    assert not m.evidence_recall([], [], TEXTS).applies


def test_covered_chars_unions_overlaps():
    assert m.covered_chars((0, 10), [(2, 5), (4, 8), (9, 20), (30, 40)]) == 7
    assert m.covered_chars((0, 10), []) == 0


@given(
    st.tuples(st.integers(0, 50), st.integers(0, 50)),
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=6),
)
def test_covered_chars_matches_a_set_count(span, spans):
    lo, hi = min(span), max(span)
    spans = [(min(a, b), max(a, b)) for a, b in spans]
    inside = {i for s, e in spans for i in range(s, e)} & set(range(lo, hi))
    assert m.covered_chars((lo, hi), spans) == len(inside)


# --- citations -----------------------------------------------------------------------


def test_citation_precision_counts_allowed_and_dedupes():
    s, e = span_of(DMO)
    w = cite("w18", "Worcestershire", 2018, s, e)
    d = cite("d19", "Dudley", 2019, 0, 7)
    sandwell = m.Cited("x", "Sandwell", 2019, 0, 3, "abc")
    score = m.citation_precision([w, w, d, sandwell], ["Worcestershire"], allowed=["Sandwell"])
    assert (score.num, score.den) == (2, 3)
    assert "Dudley" in score.reason
    assert not m.citation_precision([], ["Dudley"]).applies


def test_verbatim_rate():
    s, e = span_of(DMO)
    good = cite("w18", "Worcestershire", 2018, s, e)
    paraphrase = m.Cited("w18", "Worcestershire", 2018, s, e, "No DMO in post.")
    assert m.verbatim_rate([good, good], TEXTS).value == 1.0
    score = m.verbatim_rate([good, paraphrase], TEXTS)
    assert score.value == 0.5
    assert "No DMO in post." in score.reason
    assert not m.verbatim_rate([], TEXTS).applies


def test_verbatim_quote_at_wrong_offsets_still_verbatim_but_noted():
    moved = m.Cited("w18", "Worcestershire", 2018, 0, 5, DMO)
    score = m.verbatim_rate([moved], TEXTS)
    assert score.value == 1.0
    assert "other offsets" in score.reason


def test_verbatim_curly_quote_mismatch_is_not_verbatim():
    straight = m.Cited("w18", "Worcestershire", 2018, 0, 1, 'Leaders "know their area"')
    assert m.verbatim_rate([straight], TEXTS).value == 0.0


def test_area_recall():
    w = m.Cited("w18", "Worcestershire", 2018, 0, 1, "M")
    score = m.area_recall([w, w], ["Worcestershire", "Dudley"])
    assert (score.num, score.den) == (1, 2)
    assert not m.area_recall([w], []).applies


# --- answer length -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", 0),
        ("Dudley.", 1),
        ("Dudley has a DMO [1].", 4),
        ("Yes [1][2], and no [3, 4] [5-6] [7\u20138].", 3),
        ("- **Dudley** (2019-2025): *improved* [2]\n- Bury", 4),
        ("Checked 25 of 25 letters in scope.", 7),
        ("The [DMO] post.", 3),  # only numbered markers are citation markers
        ("a \u2014 b | c", 3),
    ],
)
def test_answer_words(text, words):
    assert m.answer_words(text) == words


def test_answer_words_ignores_only_the_markers():
    plain = "Worcestershire has no designated medical officer in post."
    cited = "Worcestershire has no designated [1] medical officer in post [2][3]."
    assert m.answer_words(cited) == m.answer_words(plain) == 8


# --- abstention, latency, aggregation -------------------------------------------------


@pytest.mark.parametrize(
    ("answerable", "abstained", "value"),
    [(True, False, 1), (True, True, 0), (False, True, 1), (False, False, 0)],
)
def test_abstention(answerable, abstained, value):
    assert m.abstention(answerable, abstained).value == value


def test_percentile():
    assert m.percentile([], 50) is None
    assert m.percentile([5.0], 95) == 5.0
    assert m.percentile([1, 2, 3, 4], 50) == 2.5
    assert m.percentile(list(range(1, 101)), 95) == pytest.approx(95.05)


def test_total_is_micro_average_and_none_when_nothing_applies():
    assert m.total([m.Score(1, 2), m.Score(3, 4), m.NA]) == pytest.approx(4 / 6)
    assert m.total([m.NA]) is None


# --- one answer scored end to end ----------------------------------------------------


def case(kind="aggregation", **kw) -> GoldCase:
    base = dict(
        id="q",
        question="Which areas lacked a DMO?",
        kind=kind,
        answer="",
        expected_areas=("Worcestershire",),
        allowed_areas=("Sandwell",),
        forbidden_areas=("Dorset",),
        must_mention=(),
        evidence=(EV,),
        line=3,
    )
    return GoldCase(**(base | kw))


def answer(yes=("Worcestershire",), abstained=False, quote=DMO, text="Worcestershire.") -> Answer:
    s, e = span_of(quote) if quote in LETTER else (0, len(quote))
    cit = Citation(
        1, "w18", "Worcestershire", dt.date(2018, 3, 5), None, "joint_2016", "", quote, s, e
    )
    findings = tuple(Finding(a, "w18", 2018, "yes", (1,)) for a in yes)
    return Answer("q", text, "set", abstained, findings, (cit, cit), Coverage(5, 5))


def cited_of(ans: Answer) -> list[m.Cited]:
    from evals.scoring import citations_to_cited

    return citations_to_cited(ans.citations, {})


def test_score_answer_passes_a_perfect_answer():
    ans = answer()
    r = score_answer(case(), ans, cited_of(ans), TEXTS)
    assert r.passed, r.reasons
    assert r.citations == 1  # the duplicate citation counted once
    assert r.scores["set_f1"].value == 1.0
    assert r.scores["retrieval_evidence_recall"].value == 1.0


def test_citation_year_falls_back_to_inspection_start():
    assert cited_of(answer())[0].year == 2018


def test_score_answer_fails_with_reasons():
    ans = answer(yes=("Worcestershire", "Dorset"), quote="No DMO.")
    r = score_answer(case(), ans, cited_of(ans), TEXTS)
    assert not r.passed
    text = " ".join(r.reasons)
    assert "forbidden area answered yes: Dorset" in text
    assert "verbatim_rate" in text and "evidence_recall" in text
    assert r.violations == ("Dorset",)


def test_unanswerable_that_abstains_passes():
    ans = Answer("q", "I cannot answer.", "lookup", True, (), (), Coverage(0, 0))
    c = case("unanswerable", expected_areas=(), evidence=(), allowed_areas=())
    r = score_answer(c, ans, [], TEXTS)
    assert r.passed, r.reasons
    assert "set_f1" not in r.scores


def test_summary_aggregates_by_kind_and_counts_violations():
    good = score_answer(case(), answer(), cited_of(answer()), TEXTS)
    bad_ans = answer(yes=("Dorset",))
    bad = score_answer(case(id="b"), bad_ans, cited_of(bad_ans), TEXTS)
    refused = errored(case("lookup", id="c", must_mention=("x",)), "InputRejected: too long")
    good.latency_ms, bad.latency_ms = 10.0, 30.0
    s = summarise([good, bad, refused])
    assert s["set_f1"] == pytest.approx((1.0 + 0.0) / 2)
    assert s["forbidden_violations"] == 1
    assert s["latency_p50_ms"] == 20.0  # the refused question has no latency
    assert s["must_mention"] == 0.0
    assert s["by_kind"]["lookup"]["questions"] == 1
    assert s["by_kind"]["aggregation"]["passed"] == 1
    assert good.words == 1 and refused.words is None
    assert s["words_p50"] == 1.0 and s["by_kind"]["lookup"]["words_p50"] is None
    assert s["lookup_words_p50"] is None  # the one lookup was refused: nothing measured
    assert list(aggregate([good]))[:11] == [
        "set_f1",
        "set_precision",
        "set_recall",
        "forbidden_violations",
        "evidence_recall",
        "citation_precision",
        "verbatim_rate",
        "must_mention",
        "abstention_accuracy",
        "latency_p50_ms",
        "latency_p95_ms",
    ]


def test_lookup_answer_length_median_and_p90():
    results = []
    for i, n in enumerate([10, 20, 30, 40, 200]):
        ans = answer(text=" ".join(["word"] * n) + " [1]")
        c = case("lookup", id=f"l{i}", expected_areas=("Worcestershire",), must_mention=())
        results.append(score_answer(c, ans, cited_of(ans), TEXTS))
    long_set = answer(text=" ".join(["w"] * 500))
    results.append(score_answer(case(id="s"), long_set, cited_of(long_set), TEXTS))
    s = summarise(results)
    assert [r.words for r in results] == [10, 20, 30, 40, 200, 500]
    assert s["lookup_words_p50"] == 30.0
    assert s["lookup_words_p90"] == pytest.approx(136.0)  # 40 + 0.6 * (200 - 40)
    assert s["by_kind"]["lookup"]["words_p50"] == 30.0
    assert s["by_kind"]["aggregation"]["words_p50"] == 500.0
    assert s["words_p50"] == 35.0  # all kinds
    assert results[0].to_dict()["words"] == 10
