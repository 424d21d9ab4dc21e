"""Each answering rule pinned on small hand-made letters (tests/handmade.py), with the real
bundled model: scope, regions, exclusions, latest per area, outcome + topic, negation,
and/or, stance from section headings, count units, abstention, follow-ups, short lookups.

None of these letters or questions is in a gold suite.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from handmade import LETTERS, camden, kent, report, tiny_library  # noqa: E402

from rag.compose import CLARIFY, REPHRASE  # noqa: E402
from rag.question import parse_question  # noqa: E402

AREAS = ["Camden", "Kent", "Salford"]


@pytest.fixture(scope="module")
def lib():
    return tiny_library()


def yes(lib, q, **kw):
    return lib.ask(q, **kw).yes_areas


# ---- question grammar (no model) --------------------------------------------------------
def test_region_scope_and_exclusion_are_read_from_the_frame() -> None:
    q = parse_question("which areas in the north west were praised for short breaks?", AREAS)
    assert q.regions == ["North West"] and q.clauses[0].topic == "short breaks"
    assert q.clauses[0].polarity == 1
    q = parse_question("apart from Camden, where were short breaks criticised?", AREAS)
    assert q.exclude_areas == ["Camden"] and q.intent == "set"


def test_ordinary_words_are_not_areas_unless_capitalised() -> None:
    q = parse_question("which areas had concerns about reading?", AREAS, common_words=frozenset({"reading"}))
    assert not q.areas and not q.unknown_areas and "reading" in q.clauses[0].topic
    q = parse_question("What did the Reading inspection find?", AREAS, common_words=frozenset({"reading"}))
    assert q.unknown_areas == ["Reading"]


def test_years_adjective_ranges_and_latest() -> None:
    q = parse_question("which of the 2024 reports mention short breaks", AREAS)
    assert (q.since, q.until) == (2024, 2024) and q.intent == "set"
    q = parse_question("ot waits - which areas? 2023 onwards only", AREAS)
    assert (q.since, q.until) == (2023, None)
    q = parse_question("pre-2020 letters that mention short breaks, which areas", AREAS)
    assert q.until == 2019
    assert parse_question("in each area's latest report, which areas mention short breaks", AREAS).latest


def test_negation_outcome_and_connectives() -> None:
    q = parse_question("which areas did not have long waits for therapy?", AREAS)
    assert q.clauses[0].negated and "waits" in q.clauses[0].topic
    q = parse_question("which areas with systemic failings had long waits for therapy?", AREAS)
    assert q.outcome == "systemic" and "waits" in q.clauses[0].topic
    q = parse_question("which areas were praised for short breaks and were criticised for therapy waits?", AREAS)
    assert [c.polarity for c in q.clauses] == [1, -1] and q.combine == "and"
    q = parse_question("which areas had no short breaks or lacked a youth offending team?", AREAS)
    assert q.combine == "or" and all(c.polarity == -1 for c in q.clauses)


def test_count_unit_and_wordless() -> None:
    assert parse_question("how many areas mention short breaks", AREAS).count_unit == "areas"
    assert parse_question("how many reports mention short breaks", AREAS).count_unit == "documents"
    q = parse_question("How many weeks do children in Kent wait?", AREAS)
    assert q.intent == "lookup"
    assert parse_question("?!?! (((( 🙂", AREAS).wordless


# ---- sweep ----------------------------------------------------------------------------------
def test_stance_from_section_headings(lib) -> None:
    assert yes(lib, "which areas were praised for their short breaks") == ["Salford"]
    assert yes(lib, "which areas were criticised over short breaks") == ["Camden", "Salford"]
    ans = lib.ask("which areas were praised for their short breaks")
    no = {f.area for f in ans.findings if f.verdict == "no"}
    assert "Camden" in no and "Kent" not in no  # Kent says nothing about short breaks


def test_scope_region_exclusion_latest(lib) -> None:
    assert yes(lib, "which areas in london were criticised over short breaks") == ["Camden"]
    assert yes(lib, "apart from camden, where were short breaks criticised?") == ["Salford"]
    assert yes(lib, "looking only at each area's latest report, which areas were criticised over short breaks?") \
        == ["Camden"]


def test_outcome_combines_with_topic(lib) -> None:
    assert yes(lib, "which areas with systemic failings were criticised over short breaks") == ["Camden"]
    assert yes(lib, "which positive areas were criticised over short breaks") == ["Salford"]
    assert yes(lib, "which areas had systemic failings") == ["Camden"]


def test_or_takes_either_and_takes_both(lib) -> None:
    assert yes(lib, "which areas were praised for the youth offending service or for their short breaks") \
        == ["Kent", "Salford"]
    ans = lib.ask("which areas were praised for their youth offending team and criticised over short breaks")
    assert ans.yes_areas == ["Salford"]


def test_negation_is_the_opposite_lean_among_letters_that_speak_to_it(lib) -> None:
    assert yes(lib, "which areas were criticised over speech and language therapy?") == ["Salford"]
    got = yes(lib, "which areas were not criticised over speech and language therapy?")
    assert got == ["Camden"]  # Kent and Salford 2024 say nothing on it: not "did not"
    got = yes(lib, "which areas did not have short breaks?")  # no polarity of its own: absence
    assert got == ["Camden", "Salford"]


def test_counts_say_their_unit(lib) -> None:
    ans = lib.ask("how many reports mention short breaks")
    assert ans.intent == "count" and "3 of the 4 documents" in ans.text
    ans = lib.ask("how many areas mention short breaks")
    assert "**2 areas**" in ans.text


def test_every_yes_has_a_verbatim_quote_and_coverage(lib) -> None:
    ans = lib.ask("which areas were criticised over short breaks")
    assert ans.coverage.checked == ans.coverage.in_scope == 4
    for f in ans.findings:
        if f.verdict == "yes":
            assert f.citations
    for c in ans.citations:
        assert lib.letter_text(c.letter_id)[c.start:c.end] == c.quote


# ---- abstention -------------------------------------------------------------------------------
def test_abstains_on_wordless_missing_year_missing_area_and_unknown_names(lib) -> None:
    a = lib.ask("?!?!")
    assert a.abstained and a.text == REPHRASE and not a.citations
    a = lib.ask("what did the 2021 inspection of Salford find?")
    assert a.abstained and "2023" in a.text and "2024" in a.text
    a = lib.ask("What did the inspection of Birmingham find?")
    assert a.abstained and not a.citations
    a = lib.ask("What Ofsted grade did Oak Tree Academy in Kent get?")
    assert a.abstained and "Oak Tree Academy" in a.text


# ---- lookups -------------------------------------------------------------------------------
def test_lookup_leads_with_the_sentence_that_answers(lib) -> None:
    a = lib.ask("how long do children in Kent wait for wheelchair assessments?")
    assert not a.abstained and "40 weeks" in a.citations[0].quote
    assert len(a.text.split()) <= 80


def test_general_lookup_gives_the_outcome_not_arbitrary_passages(lib) -> None:
    a = lib.ask("What did the Camden inspection find?")
    assert "systemic" in a.text and not a.abstained


# ---- follow-ups -------------------------------------------------------------------------------
HISTORY = ["which areas were criticised over short breaks?"]


def test_follow_up_new_area_keeps_the_question(lib) -> None:
    a = lib.ask("and what about Kent?", history=HISTORY)
    assert a.read_as and "Kent" in a.read_as and a.intent == "set"
    assert [f.verdict for f in a.findings] == ["not_mentioned"]


def test_follow_up_narrows_counts_and_rescopes_years(lib) -> None:
    a = lib.ask("which of those were inspected in 2024?", history=HISTORY)
    assert a.yes_areas == ["Camden"] and "of those" in a.read_as
    a = lib.ask("how many is that?", history=HISTORY)
    assert a.intent == "count" and "**2 areas**" in a.text
    a = lib.ask("which of those are in london?", history=HISTORY)
    assert a.yes_areas == ["Camden"]


def test_follow_up_turns_the_question_round_lists_it_and_sets_a_region_apart(lib) -> None:
    a = lib.ask("and which weren't?", history=HISTORY)  # Salford's 2024 letter praises them
    assert a.intent == "set" and a.yes_areas == ["Salford"] and "did not" in a.read_as
    assert [f.verdict for f in a.findings if f.area == "Camden"] == ["no"]
    a = lib.ask("and which did?", history=["which areas were not criticised over short breaks?"])
    assert a.yes_areas == ["Camden", "Salford"]
    assert lib.ask("which did?", history=HISTORY).text == CLARIFY  # nothing to turn back
    count = ["how many areas were criticised over short breaks?"]
    for text in ("name them", "which ones?", "can you list them please"):
        a = lib.ask(text, history=count)
        assert a.intent == "set" and a.yes_areas == ["Camden", "Salford"], text
    a = lib.ask("excluding the london ones", history=HISTORY)
    assert a.yes_areas == ["Salford"] and "Camden" not in {f.area for f in a.findings} and "not London" in a.read_as


def test_unresolvable_follow_up_asks_back(lib) -> None:
    a = lib.ask("did they say the same?")
    assert a.abstained and a.text == CLARIFY and not a.citations


def test_follow_up_pronoun_takes_the_last_area(lib) -> None:
    a = lib.ask("what about their wheelchair assessments?", history=["what did inspectors say about reading in Kent?"])
    assert not a.abstained and "Kent" in {c.area for c in a.citations}


def test_a_letter_of_one_section_is_still_read() -> None:
    one = tiny_library({"x": report("Kent", "2 to 6 October 2023", "positive",
                                    ["Portage visits start within two weeks of referral."], ["None."])})
    assert one.ask("which areas were praised for portage?").yes_areas == ["Kent"]


def test_handmade_letters_are_not_in_any_gold_suite() -> None:
    gold = "".join(p.read_text() for p in (Path(__file__).parent.parent / "evals" / "gold").glob("*.jsonl"))
    for text in LETTERS.values():
        for line in text.splitlines()[6:]:
            assert line.lstrip("◼ ") not in gold


def test_misspelt_words_are_corrected_against_the_letters_vocabulary(lib) -> None:
    a = lib.ask("which areas were criticised over short breks")
    assert a.yes_areas == ["Camden", "Salford"] and ("breks", "breaks") in [tuple(x) for x in a.filters["spelling"]]
    fixed, fixes = lib.spell("which areas were praised for their youth offending servise")
    assert fixes == [("servise", "service")] and fixed.endswith("service")
    assert lib.spell("what did the latest report say")[1] == []  # English words are left alone
    # two neighbouring letters swapped wins over a closer-looking word ("thier" -> "their", not "tier")
    from rag.library import _swapped
    assert _swapped("thier", "their") and not _swapped("thier", "tier") and not _swapped("abc", "abc")
    assert lib.spell("which areas had too few shrot breaks")[1] == [("shrot", "short")]


def test_a_collection_without_headings_to_learn_from_uses_the_sample_stance_model() -> None:
    from rag.stance import StanceModel

    bare = StanceModel.from_sections(np.zeros((2, 384), np.float32), ["neutral", "neutral"])
    assert bare.trained_on == 0 and bare.or_default().trained_on >= 300
    one = tiny_library({"x": report("Kent", "2 to 6 October 2023", "positive", ["Portage works well."],
                                    ["Children wait far too long for wheelchairs."])}, learnt_stance=True)
    assert one.sentence_index.stance_model.trained_on >= 300
    assert one.stance_of("waiting far too long, poor and unsafe") > 0 > one.stance_of("excellent, timely and valued")


def test_a_follow_up_that_judges_the_last_topic_asks_for_that_lean(lib) -> None:
    history = ["what did the letters say about short breaks?"]
    a = lib.ask("and was that a problem in Camden?", history=history)
    assert a.yes_areas == ["Camden"] and "criticised" in a.read_as
    a = lib.ask("was it a strength in Camden?", history=history)
    assert a.yes_areas == [] and "praised" in a.read_as
    assert [f.verdict for f in a.findings] == ["no"]


# ---- topic variants and focus --------------------------------------------------------------
def test_listed_parts_are_variants_but_a_negation_scopes_over_the_or_after_it() -> None:
    from rag.sweep import topic_variants
    assert topic_variants("hydrotherapy or portage waits") == [
        "hydrotherapy or portage waits", "hydrotherapy", "portage waits"]
    assert topic_variants("short breaks, such as holiday clubs, overnight stays") == [
        "short breaks, such as holiday clubs, overnight stays", "short breaks", "holiday clubs", "overnight stays"]
    # one proposition: "did not record the parent or carer's wishes" is not split at "or"
    assert topic_variants("plans did not record the parent or carer's wishes") == [
        "plans did not record the parent or carer's wishes"]
    # ... but a list before the negation still is
    assert topic_variants("portage, respite not offered or too late")[1:] == ["portage", "respite not offered or too late"]


def test_focus_drops_near_universal_words_without_leaving_empty_brackets() -> None:
    from rag.relevance import SentenceIndex
    from rag.text import stem
    si = SentenceIndex.__new__(SentenceIndex)  # only the letters' word shares matter here
    si.by_letter = {str(i): None for i in range(6)}
    everywhere = {stem(w) for w in ("children", "young", "people", "send", "education", "health", "care")}
    si.letter_share = lambda s: 1.0 if s in everywhere else 0.1
    assert si.focus("children and young people with SEND and portage") == "with and portage"
    everywhere.add(stem("ehc"))
    focus = si.focus("education, health and care ( EHC ) plans and portage")
    assert focus == "plans and portage"


def test_focus_keeps_the_topic_when_only_words_no_letter_uses_would_be_left() -> None:
    from rag.relevance import SentenceIndex
    from rag.text import stem
    si = SentenceIndex.__new__(SentenceIndex)
    si.by_letter = {str(i): None for i in range(6)}
    shares = {stem("holiday"): 1.0, stem("clubs"): 1.0, stem("portage"): 0.2}
    si.letter_share = lambda s: shares.get(s, 0.0)
    # a casual verb no letter uses is all the focus would keep: matching it alone finds nothing
    assert si.focus("whinge about holiday clubs") == "whinge about holiday clubs"
    # ... while a word the letters do use is still a focus
    assert si.focus("whinge about holiday clubs and portage") == "whinge about and portage"


def test_a_focused_answer_quotes_what_a_letter_says_without_a_clear_lean() -> None:
    letters = dict(LETTERS)
    letters["kent"] = kent(["The youth offending team supports young people with SEND well."],
        ["Pupils' reading ages are low in too many schools."],
        middle="The hydrotherapy pool at the special school is used by children from across the county.")
    lib = tiny_library(letters)
    ans = lib.ask("which of kent and camden were praised for the hydrotherapy pool?")
    assert ans.intent == "set" and ans.yes_areas == []
    # the one letter in scope speaks to it in a section that takes no side: quoted, cited
    assert "without a clear lean" in ans.text and "hydrotherapy pool at the special school" in ans.text
    # across the whole collection the aside is not listed
    assert "without a clear lean" not in lib.ask("which areas were praised for the hydrotherapy pool?").text


def test_a_letter_that_says_otherwise_is_quoted_by_its_most_on_topic_sentence(lib) -> None:
    ans = lib.ask("which areas in london were criticised over speech and language therapy?")
    assert ans.yes_areas == [] and "says the opposite" in ans.text
    assert "Speech and language therapy is timely" in ans.text


def test_a_quote_takes_the_sentence_that_goes_on_from_it() -> None:
    from rag.sentences import continues
    assert continues("This reduces the choice for parents.") and continues("As a result, plans are late.")
    assert not continues("Thistle House is a special school.") and not continues("Parents value it.")
    letters = dict(LETTERS)
    letters["kent"] = kent(["The youth offending team supports young people with SEND well."],
        ["Leaders do not promote the portage service well enough. This reduces the choice for parents of "
         "very young children."])
    lib = tiny_library(letters)
    ans = lib.ask("which areas were criticised over portage?")
    assert ans.yes_areas == ["Kent"]
    quotes = [c.quote for c in ans.citations]
    assert any(q.startswith("Leaders do not promote") and q.endswith("very young children.") for q in quotes)


def test_a_negation_inside_the_clause_asks_for_what_it_does_to_the_stance() -> None:
    # "where are X not Y" has no frame word; the lean asked for is what "not" does to the
    # clause (the learnt stance of the clause against the clause without it).
    from rag.sweep import check_clause
    letters = {
        "kent": kent(["The youth offending team supports young people with SEND well."],
                       ["Families are not offered places at the holiday hydrotherapy sessions."]),
        "camden": report("Camden", "8 to 12 July 2024", "positive",
                         ["Families are offered places at the holiday hydrotherapy sessions quickly."],
                         ["Pupils' reading ages are low in too many schools."]),
    }
    lib = tiny_library(letters, learnt_stance=True)
    for question in ("where are families not offered places at the holiday hydrotherapy sessions?",
                     "which areas' families don't get offered places at the holiday hydrotherapy sessions"):
        q = lib.parse(question)
        assert check_clause(lib, q.clauses[0]).polarity == -1, question
        assert lib.ask(question).yes_areas == ["Kent"], question
    # The rule itself, with a stance reader that mostly reads the topic (favourable, -1.0)
    # and adds +1.2 for the negation: the whole clause reads -1.0 + 1.2 = +0.2, under the
    # margin, so without the contrast it would ask for any mention.
    q = lib.parse("where are families not offered places at the holiday hydrotherapy sessions?")
    lib.stance_of = lambda text: -1.0 + (1.2 if re.search(r"\bnot\b|n't", text) else 0.0)
    chk = check_clause(lib, q.clauses[0])
    assert (chk.polarity, chk.weak) == (-1, True)


def test_a_faint_lean_in_the_question_takes_letters_that_speak_to_it_bar_the_opposite() -> None:
    from dataclasses import replace

    from rag.question import Clause
    from rag.sweep import check_clause, judge
    letters = {
        "kent": kent(["Short breaks are well regarded."],
                       ["Waiting times for wheelchair assessments are far too long."]),
        "camden": report("Camden", "8 to 12 July 2024", "positive", ["Wheelchair assessments are timely."],
                         ["Pupils' reading ages are low in too many schools."]),
        "salford": report("Salford", "1 to 5 May 2023", "positive", ["Short breaks are well regarded."],
                          ["Pupils' reading ages are low in too many schools."],
                          middle="Wheelchair assessments are carried out by the community equipment team."),
    }
    lib = tiny_library(letters)  # sections' stance only: weakness +1.5, strength -1.5, neutral 0
    chk = check_clause(lib, Clause(text="waits for wheelchair assessments", topic="wheelchair assessments",
                                   polarity=-1, explicit=True))
    ids = {lt.area: lt.id for lt in lib.letters()}
    clear = {a: judge(lib, chk, i).verdict for a, i in ids.items()}
    faint = {a: judge(lib, replace(chk, weak=True), i).verdict for a, i in ids.items()}
    assert clear == {"Kent": "yes", "Camden": "no", "Salford": "not_mentioned"}
    assert faint == {"Kent": "yes", "Camden": "no", "Salford": "yes"}


def test_a_follow_up_pronoun_for_the_last_topic_is_replaced_by_it(lib) -> None:
    history = ["which areas mention wheelchair assessments?"]
    a = lib.ask("how long are the waits for it in kent?", history=history)
    assert a.read_as == "how long are the waits for wheelchair assessments? (Kent)"
    assert "40 weeks" in a.text
    # without the conversation the pronoun has nothing to stand for: the question is as typed
    assert lib.ask("how long are the waits for it in kent?").read_as == ""


def test_a_spelt_out_topic_finds_sentences_that_use_only_its_abbreviation() -> None:
    lib = tiny_library({**LETTERS, "kent": kent(["The hydrotherapy pool register (HPR) is well kept.",
                                                 "The HPR now covers young adults up to 25."],
                                                ["Pupils' reading ages are low in too many schools."])})
    si = lib.sentence_index
    lex = si.lexical("hydrotherapy pool register", lib.abbreviations())
    kent_id = next(lt.id for lt in lib.letters() if lt.area == "Kent")
    by_text = {si.text(int(k)): float(lex[k]) for k in si.by_letter[kent_id]}
    assert by_text["The HPR now covers young adults up to 25."] == pytest.approx(1.0)
    assert by_text["Pupils' reading ages are low in too many schools."] == 0.0


def test_a_topic_most_letters_speak_to_is_still_a_question() -> None:
    # Every letter mentions waiting times; "which areas were criticised over them" is a
    # whole question (not a follow-up missing its topic), answered letter by letter.
    areas = ["Kent", "Camden", "Salford", "Medway", "Rutland"]
    letters = {
        a.lower(): report(a, f"{i + 1} to {i + 5} May 2023", "inconsistent",
                          ["The youth offending team supports young people with SEND well."]
                          + ([] if i % 2 else ["Waiting times for therapy are short."]),
                          ["Pupils' reading ages are low in too many schools."]
                          + (["Waiting times for therapy are far too long."] if i % 2 else []))
        for i, a in enumerate(areas)
    }
    lib = tiny_library(letters)
    assert not lib.sentence_index.distinctive(lib.expand("waiting times for therapy"))
    for history in (None, ["which areas were praised for their youth offending team?"]):
        ans = lib.ask("which areas were criticised over waiting times for therapy?", history=history)
        assert ans.intent == "set" and ans.yes_areas == ["Camden", "Medway"], history
    # beside an outcome, words every letter uses are frame, not a topic
    q = lib.parse("which areas with inconsistent outcomes had waiting times for therapy?")
    from rag.sweep import is_topic
    assert q.outcome == "inconsistent" and not is_topic(lib, q, q.clauses[0])


def test_a_question_about_the_whole_collection_lists_it(lib) -> None:
    ans = lib.ask("how many reports are there?")
    assert ans.intent == "count" and ans.text.startswith("**4 documents** in scope")
    assert lib.ask("list all the areas").yes_areas == ["Camden", "Kent", "Salford"]
    assert "not sure what that refers to" in lib.ask("which of those?").text  # still needs a conversation


def test_follow_ups_that_change_the_topic_or_the_lean(lib) -> None:
    history = ["which areas were criticised over short breaks?"]
    # "what about X": the last question, on X instead
    a = lib.ask("what about speech and language therapy?", history=history)
    assert "about speech and language therapy instead" in a.read_as and a.yes_areas == ["Salford"]
    # "praised for them": the pronoun is the topic (not "which of them"), asked for that lean
    a = lib.ask("and which were praised for them?", history=history)
    assert "asking whether it was praised" in a.read_as and a.yes_areas == ["Salford"]
    # "which of them": still narrowing the last answer
    a = lib.ask("which of them were inspected in 2024?", history=history)
    assert "of those" in a.read_as and a.yes_areas == ["Camden"]  # Salford 2024 praises them
    # "its X" after a question about one area: that area's letters, on X
    a = lib.ask("what about its youth offending team?", history=["what did the Kent inspection find?"])
    assert "(Kent)" in a.read_as and "youth offending team supports" in a.text


def test_a_lookup_asking_for_a_lean_quotes_the_sections_filed_under_it(lib) -> None:
    worse = lib.ask("what does Kent need to improve?")
    assert "Waiting times for wheelchair assessments" in worse.text
    assert "youth offending team" not in worse.text
    better = lib.ask("what were Kent's strengths?")
    assert "youth offending team supports" in better.text and "wheelchair" not in better.text


def test_did_one_letter_say_the_same_compares_that_areas_letters(lib) -> None:
    # "did Salford's 2023 letter say the same?" after a set question: every Salford letter,
    # in date order, on the last topic, so the one named stands beside the other.
    ans = lib.ask("did salford's 2023 letter say the same?",
                  history=["which areas had too few short breaks?"])
    assert ans.intent == "compare" and "Salford" in ans.read_as and "side by side" in ans.read_as
    assert ans.text.index("2023") < ans.text.index("2024")
    assert "too few short breaks" in ans.text and "Short breaks are now plentiful" in ans.text
    # without a year it stays the set question for that area
    plain = lib.ask("and salford?", history=["which areas had too few short breaks?"])
    assert plain.intent == "set"


def test_what_did_one_letter_say_about_that_quotes_it_on_the_last_topic(lib) -> None:
    # "what did X's letter say about that?" after a set question asks what that letter says
    # on the topic (a quote), not the set question's yes/no for it.
    history = ["which areas had too few short breaks?"]
    for follow_up in ("what did salford's 2024 letter say about that?", "and what did camden say about it?"):
        ans = lib.ask(follow_up, history=history)
        assert ans.intent == "lookup", follow_up
        assert "what the letter says" in ans.read_as and ans.citations, follow_up
    ans = lib.ask("what did salford's 2024 letter say about that?", history=history)
    assert "Short breaks are now plentiful" in ans.text  # the letter's own words, though it praises them
    # the same follow-up with nothing in that letter on the topic says how it was read
    none = lib.ask("what did salford's 2023 letter say about that?",
                   history=["which areas were praised for their wheelchair assessments?"])
    assert none.abstained and "Read as:" in none.text


def test_a_focused_answer_shows_a_second_sentence_that_clearly_agrees(monkeypatch) -> None:
    letters = dict(LETTERS)
    letters["kent"] = kent(["Health visitors spot emerging needs early through timely reviews.",
         "Health visitors identify emerging needs early through timely reviews."],
        ["Health visitors do not spot emerging needs early through timely reviews in the north."])
    lib = tiny_library(letters)
    # a floor that only the best sentence clears: the next one is just under it
    monkeypatch.setattr("rag.relevance.FLOOR", 0.91)
    ans = lib.ask("which of kent and camden were praised for health visitors spotting children's needs early?")
    assert ans.yes_areas == ["Kent"]
    quotes = [c.quote for c in ans.citations if c.area == "Kent"]
    assert any("spot emerging" in q for q in quotes) and any("identify emerging" in q for q in quotes)
    assert not any("in the north" in q for q in quotes)
    # a criticism near enough to the topic is not a second quote for praise
    letters["kent"] = kent(["Health visitors spot emerging needs early through timely reviews."],
                             ["Health visitors do not spot emerging needs early through timely reviews in the north."])
    monkeypatch.setattr("rag.sweep.SUPPORT_GAP", 0.3)
    ans = tiny_library(letters).ask(
        "which of kent and camden were praised for health visitors spotting children's needs early?")
    assert ans.yes_areas == ["Kent"] and not any("in the north" in c.quote for c in ans.citations)


def test_a_name_the_question_defines_must_be_named_by_the_sentence() -> None:
    letters = dict(LETTERS)
    letters["kent"] = kent(["The designated medical officer (DMO) checks the health and care advice in every plan."],
        ["Pupils' reading ages are low in too many schools."])
    letters["camden"] = camden(["The sensory support officer (SSO) checks the sensory advice in every plan."],
        ["There are not enough short breaks for families of disabled children."])
    lib = tiny_library(letters)
    # a neighbouring role is close in meaning, but it is not the role the question names
    ans = lib.ask("which areas mention a sensory support officer (SSO)?")
    assert ans.yes_areas == ["Camden"]
    assert lib.ask("which areas mention a designated medical officer (DMO)?").yes_areas == ["Kent"]


def test_a_lean_word_at_the_edge_of_a_typed_topic_is_the_lean_not_the_topic() -> None:
    def read(text):
        q = parse_question(text, AREAS)
        return q.intent, [(c.topic, c.polarity, c.explicit) for c in q.clauses]
    assert read("good short breaks - where") == ("set", [("short breaks", 1, True)])
    assert read("portage problems which areas") == ("set", [("portage", -1, True)])
    assert read("where is the local offer good") == ("set", [("local offer", 1, True)])
    assert read("which areas had poor attendance") == ("set", [("attendance", -1, True)])
    assert read("which areas good at preparing young people for adulthood") == (
        "set", [("preparing young people for adulthood", 1, True)])
    # a trailing "where" is the frame: a set question, not a lookup of "... where"
    assert read("hydrotherapy waits too long where") == ("set", [("hydrotherapy waits too long", 0, False)])
    # a lean word alone is not stripped to nothing, and frames already read keep their lean
    assert read("which areas had problems")[1] == [("problems", 0, False)]
    assert read("which areas were praised for poor relief work")[1] == [("poor relief work", 1, True)]


def test_a_word_typed_without_the_letters_hyphen_takes_their_spelling() -> None:
    letters = dict(LETTERS)
    letters["kent"] = kent(["Co-production with families is strong.", "Leaders plan services through co-production."],
        ["Pupils' reading ages are low in too many schools."])
    # one letter writes it without the hyphen: the word is theirs too, but not their usual form
    letters["camden"] = camden(["Speech and language therapy is timely and well regarded by families."],
        ["There is little coproduction of the local offer."])
    lib = tiny_library(letters)
    q = lib.parse("where is coproduction with families good?")
    assert ("coproduction", "co-production") in q.spelling
    assert lib.ask("where is coproduction with families good?").yes_areas == ["Kent"]


def test_counts_sets_and_comparisons_typed_in_shorthand() -> None:
    def read(text):
        q = parse_question(text, AREAS)
        return q.intent, q.count_unit
    assert read("how many had portage praised") == ("count", "areas")
    assert read("no. of areas praising portage") == ("count", "areas")
    assert read("no of reports mentioning portage") == ("count", "documents")
    assert read("number of reports mentioning portage") == ("count", "documents")
    assert read("how many children wait for portage in Kent") [0] != "count"
    assert read("portage good 2024 which")[0] == "set"
    q = parse_question("kent 2019 vs 2023", AREAS)
    assert q.intent == "compare" and (q.since, q.until) == (2019, 2023)
    assert parse_question("kent 2019", AREAS).intent == "lookup"


def test_follow_ups_typed_in_chat_shorthand(lib) -> None:
    a = lib.ask("what abt 2024", history=HISTORY)
    assert "2024" in a.read_as and a.yes_areas == ["Camden"]
    a = lib.ask("ok what about camden", history=HISTORY)
    assert "Camden" in a.read_as and a.yes_areas == ["Camden"]
    a = lib.ask("how many?", history=HISTORY)
    assert a.intent == "count" and "**2 areas**" in a.text
    assert parse_question("gd short breaks - where", AREAS).clauses[0].polarity == 1


def test_outside_a_named_place_excludes_it_but_outside_the_area_is_a_topic() -> None:
    q = parse_question("which boroughs outside camden and kent were praised for portage?", AREAS)
    assert q.intent == "set" and q.exclude_areas == ["Camden", "Kent"] and not q.areas
    assert q.clauses[0].topic == "portage"
    q = parse_question("which areas place children outside the area?", AREAS)
    assert not q.exclude_areas and "outside the area" in q.clauses[0].topic
    q = parse_question("how far do nurses travel to see pupils schooled outside Kent and Camden?", AREAS)
    assert q.areas == ["Kent", "Camden"] and not q.exclude_areas
    assert parse_question("outside Kent, where was portage praised?", AREAS).exclude_areas == ["Kent"]


def test_comparison_frames_typed_casually_leave_only_the_topic() -> None:
    def read(text):
        q = parse_question(text, AREAS)
        return q.intent, [c.topic for c in q.clauses if c.topic]
    assert read("kent vs camden on portage") == ("compare", ["portage"])
    assert read("is kent better than camden at portage") == ("compare", ["portage"])
    assert read("difference between kent and camden on portage") == ("compare", ["portage"])
    assert read("salford then and now") == ("compare", [])
    assert read("has salford got better since 2023") == ("compare", [])
    assert read("did salford improve between 2023 and 2024") == ("compare", [])
    q = parse_question("which was worse on portage, kent or camden?", AREAS)
    assert q.clauses[0].topic == "portage" and q.clauses[0].polarity == -1


def test_what_is_x_like_and_how_is_x_leave_the_noun_phrase() -> None:
    def topics(text):
        return [c.topic for c in parse_question(text, AREAS).clauses if c.topic]
    assert topics("what are portage waits like in Kent") == ["portage waits"]
    assert topics("how is the local offer in kent") == ["local offer"]
    assert topics("how is kent doing") == []
    assert parse_question("how long are portage waits in kent", AREAS).asks_number


def test_set_questions_typed_telegraphically() -> None:
    def read(text):
        q = parse_question(text, AREAS)
        return (q.intent, q.regions, q.exclude_areas, q.outcome,
                [(c.topic, c.polarity, c.negated) for c in q.clauses if c.topic])
    assert read("nw areas bad portage") == ("set", ["North West"], [], None, [("portage", -1, False)])
    assert read("portage praised where (not kent)") == ("set", [], ["Kent"], None, [("portage", 1, False)])
    assert read("wsoa areas w/ bad portage") == ("set", [], [], "wsoa_required", [("portage", -1, False)])
    assert read("where were portage waits not a problem")[-1] == [("portage waits", -1, True)]
    assert read("latest reports only - portage waits bad where")[-1] == [("portage waits", -1, False)]
    # "areas for improvement" is still the lean it names, not the unit "areas"
    c = parse_question("areas for improvement in Kent", AREAS).clauses[0]
    assert (c.topic, c.polarity) == ("", -1)


def test_negation_slashes_and_no_concerns_typed_casually() -> None:
    def read(text):
        q = parse_question(text, AREAS)
        return q.intent, q.combine, q.exclude_areas, [(c.topic, c.polarity, c.negated) for c in q.clauses if c.topic]
    assert read("where werent portage visits delayed")[-1] == [("portage visits delayed", 0, True)]
    assert read("portage/respite problems - which areas") == ("set", "and", [], [("portage or respite", -1, False)])
    # "both" coordinates two topics under the one lean; a plain "and" may be one name
    assert read("portage + respite both praised where")[-1] == [("portage", 1, False), ("respite", 1, False)]
    assert read("which areas were praised for either portage or respite")[-1][0][0] == "portage or respite"
    assert read("where were there no concerns about portage")[-1] == [("portage", -1, True)]
    assert read("which areas had no portage service")[-1] == [("portage service", -1, False)]
    assert read("portage waits too long, excl kent")[:3] == ("set", "and", ["Kent"])
    assert read("2024 portage praised?")[0] == "set"
    assert read("portage praised in kent?")[0] == "lookup"


def test_apostrophe_less_negation_is_not_spelt_away(lib) -> None:
    q = lib.parse("where werent short breaks criticised")
    assert ("werent", "were") not in q.spelling and q.clauses[0].negated


def test_dates_outcome_scale_and_revisits_typed_casually() -> None:
    import datetime

    def read(text, **kw):
        q = parse_question(text, AREAS, **kw)
        return (q.since, q.until, q.outcome, q.kind, q.framework, q.latest,
                [(c.topic, c.polarity) for c in q.clauses if c.topic])
    assert read("which areas were inspected in summer 2023")[:2] == (2023, 2023)
    assert read("which areas were inspected in may 2023")[-1] == []
    today = datetime.date(2026, 11, 24)
    assert read("inspections in the last 2 years", today=today)[:2] == (2024, None)
    assert read("portage praised in the past three years", today=today)[0] == 2023
    assert read("portage praised in the past year", today=today)[:2] == (2025, None)  # no number: one
    assert read("which areas got the worst outcome")[2] == "systemic"
    assert read("how many areas got the top rating")[2] == "positive"
    assert read("which councils got the middle judgement")[2] == "inconsistent"
    assert read("which had to produce a written statement")[2] == "wsoa_required"
    assert read("which areas made sufficient progress at revisit")[2:4] == ("sufficient_progress", "revisit")
    assert read("which areas made sufficient progress at revisit")[-1] == []
    assert read("which areas were reinspected")[3] == "revisit"
    assert read("reports under the new framework which praised portage")[-1] == [("portage", 1)]
    assert read("old framework letters that criticised portage")[-1] == [("portage", -1)]
    assert read("most recent inspection for each council - which were criticised on portage")[-2:] == (
        True, [("portage", -1)])


def test_a_prefixed_word_is_not_spelt_away(lib) -> None:
    assert lib.parse("which areas were reinspected").spelling == []


def test_yes_no_questions_about_one_area_read_as_typed() -> None:
    def read(text):
        q = parse_question(text, AREAS)
        return q.intent, q.asks_outcome, [(c.topic, c.polarity) for c in q.clauses if c.topic or c.polarity]
    assert read("did kent have systemic failings?") == ("lookup", True, [])
    assert read("did kent get a wsoa?")[:2] == ("lookup", True)
    assert read("did kent have systemic failings in portage?")[1] is False  # a topic of its own
    assert read("what are the biggest problems in kent") == ("lookup", False, [("", -1)])
    assert read("what's good about kent") == ("lookup", False, [("", 1)])
    assert read("wot did inspectors like in kent") == ("lookup", False, [("", 1)])
    assert read("what did inspectors dislike about portage in kent") == ("lookup", False, [("portage", -1)])
    assert read("were families in kent happy with portage")[2] == [("families happy with portage", 0)]


def test_an_outcome_question_about_one_area_leads_with_its_outcome(lib) -> None:
    ans = lib.ask("did camden have systemic failings?")
    assert ans.text.lstrip("- *").startswith("Camden") and "systemic failings" in ans.text.split("\n")[0]


def test_count_frames_typed_in_other_words() -> None:
    def read(text):
        q = parse_question(text, AREAS)
        return q.intent, q.count_unit, q.outcome, [(c.topic, c.polarity) for c in q.clauses if c.topic]
    assert read("count the areas praised for portage") == ("count", "areas", None, [("portage", 1)])
    assert read("in how many letters is portage mentioned") == ("count", "documents", None, [("portage", 0)])
    assert read("what proportion of areas had systemic failings") == ("count", "areas", "systemic", [])
    assert read("what share of reports mention portage") == ("count", "documents", None, [("portage", 0)])
    assert read("no of reports mentioning portage") == ("count", "documents", None, [("portage", 0)])
    assert read("how many send inspections praised portage")[:2] == ("count", "documents")
    assert read("letters referring to portage")[:1] == ("set",)
    assert read("reports praising portage") == ("set", "areas", None, [("portage", 1)])


def test_follow_ups_that_turn_the_lean_round_or_chain(lib) -> None:
    a = lib.ask("and the opposite?", history=HISTORY)
    assert "the opposite: praised" in a.read_as and a.yes_areas == ["Salford"]
    a = lib.ask("which ones were praised instead", history=HISTORY)
    assert "praised" in a.read_as and a.yes_areas == ["Salford"]
    # a lookup has no lean to turn round: ask back
    assert lib.ask("and the opposite?", history=["what did the kent report say about reading?"]).abstained
    # a follow-up of a follow-up is read as the whole first question, not the one before
    a = lib.ask("and camden?", history=["which areas were criticised over short breaks?", "and kent?"])
    assert a.read_as.startswith("which areas were criticised over short breaks?") and "Camden" in a.read_as
    a = lib.ask("was that a problem there too?", history=["what did the kent report say about reading?"])
    assert "criticised" in a.read_as and a.yes_areas == ["Kent"]


def test_an_evaluation_frame_does_not_eat_the_start_of_the_next_word() -> None:
    assert parse_question("which ones were criticised instead", AREAS).clauses[0].topic == ""
    assert parse_question("which areas were criticised inclusion work", AREAS).clauses[0].topic == "inclusion work"


def test_slips_in_frame_words_become_the_frame_word(lib) -> None:
    q = lib.parse("wich areas were critcised over short breaks?")
    assert ("wich", "which") in q.spelling and ("critcised", "criticised") in q.spelling
    assert q.intent == "set" and q.clauses[0].polarity == -1
    assert lib.parse("wher were short breaks praised").intent == "set"
    # real words and the letters' own words are left alone
    assert lib.parse("were short breaks praised in kent").spelling == []


def test_outcome_comparisons_typed_as_questions_of_better_or_same() -> None:
    def read(text):
        q = parse_question(text, AREAS)
        return q.intent, q.asks_outcome, [c.topic for c in q.clauses if c.topic]
    assert read("which did better, kent or camden?") == ("compare", True, [])
    assert read("which was rated higher, kent or camden") == ("compare", True, [])
    assert read("was kent's outcome better than camden's?") == ("compare", True, [])
    assert read("did kent and camden get the same judgement?") == ("compare", True, [])
    # a topic of its own stays: "who waits longer for portage" compares on portage
    assert read("which was worse on portage, kent or camden?")[1:] == (False, ["portage"])


def test_same_judgement_of_two_named_areas_is_not_a_follow_up(lib) -> None:
    a = lib.ask("did kent and camden get the same judgement?")
    assert not a.abstained and "Kent" in a.text and "Camden" in a.text


def test_conversation_around_a_question_is_not_its_topic() -> None:
    def read(text):
        q = parse_question(text, AREAS)
        return q.intent, q.areas, [(c.topic, c.polarity) for c in q.clauses if c.topic or c.polarity]
    assert read("hi, which areas are good at portage?") == ("set", [], [("portage", 1)])
    assert read("please list the areas praised for portage, thanks") == ("set", [], [("portage", 1)])
    assert read("can you tell me about portage in kent") == ("lookup", ["Kent"], [("portage", 0)])
    assert read("I'm a parent in Kent, what did they say about portage?") == ("lookup", ["Kent"], [("portage", 0)])
    assert read("as a journalist I want to know which areas were criticised over portage")[0] == "set"
    assert read("i need to know if kent had problems with portage") == ("lookup", ["Kent"], [("portage", -1)])
    # what the asker says of their child stays part of the question
    intent, areas, clauses = read("my son is deaf and we live in kent, how long is the wait for portage?")
    assert areas == ["Kent"] and "deaf" in clauses[0][0] and "portage" in clauses[0][0] and "live" not in clauses[0][0]
    assert read("tell me about kent") == ("lookup", ["Kent"], [])
    assert read("give me a summary of the kent report") == ("lookup", ["Kent"], [])


def test_two_leans_in_one_question_typed_casually() -> None:
    def clauses(text):
        return [(c.topic, c.polarity) for c in parse_question(text, AREAS).clauses if c.topic]
    assert clauses("areas good at portage but bad at respite") == [("portage", 1), ("respite", -1)]
    assert clauses("which areas were criticised for portage and also for respite") == [("portage", -1), ("respite", -1)]
    assert clauses("which areas were praised for portage but criticised for respite") == [("portage", 1), ("respite", -1)]


def test_regions_as_adjectives_and_a_bare_unit() -> None:
    q = parse_question("which southern areas were praised for portage", AREAS)
    assert q.regions == ["South"] and q.clauses[0].topic == "portage"
    q = parse_question("northern councils criticised for portage", AREAS)
    assert q.regions == ["North"] and q.clauses[0].topic == "portage"
    q = parse_question("north east areas", AREAS)
    assert q.intent == "set" and q.regions == ["North East"] and not any(c.topic for c in q.clauses)


def test_personal_advice_and_off_topic_when_questions_abstain(lib) -> None:
    for text in ("how do I apply for portage?", "can I appeal a short breaks decision?", "what is an ehcp",
                 "what does SEND stand for?"):
        a = lib.ask(text)
        assert a.abstained and "personal advice" in a.text and not a.citations, text
    a = lib.ask("when is the next general election")
    assert a.abstained and not a.citations
    # a when-question about the inspections is still answered from the letters table
    assert not lib.ask("when was kent inspected?").abstained
    # advice about a named area's findings is a lookup as usual
    assert not lib.ask("can I see what the kent letter said about reading?").abstained


def test_a_label_left_in_the_text_does_not_lead_a_lookup() -> None:
    letters = dict(LETTERS)
    letters["kent"] = kent(["The portage service lead visits every family within two weeks of referral."],
        ["Pupils' reading ages are low in too many schools."], middle="Portage Service Lead")
    ans = tiny_library(letters).ask("what does the portage service lead do in kent?")
    assert ans.citations and ans.citations[0].quote.startswith("The portage service lead visits")


def test_the_letters_usual_hyphenated_spelling_is_read_from_their_counts() -> None:
    from rag.glossary import hyphenated
    texts = ["Co-production is strong. Co-production with families.", "There is little coproduction.",
             "Well-being matters. Wellbeing matters. Wellbeing again."]
    assert hyphenated(texts) == {"coproduction": "co-production"}  # wellbeing is the usual form


def test_a_question_that_asks_for_a_figure_needs_a_sentence_that_gives_one(lib) -> None:
    # Kent's letter gives a figure for wheelchair waits; nobody gives a cost or a head count.
    a = lib.ask("how many weeks do children in kent wait for wheelchair assessments?")
    assert not a.abstained and "40 weeks" in a.citations[0].quote
    for text in ("how much does a wheelchair assessment cost in kent?",
                 "what percentage of kent pupils have low reading ages?"):
        a = lib.ask(text)
        assert a.abstained and "figure" in a.text and not a.citations, text
    # a question that can be answered in words is still answered
    assert not lib.ask("how long do children in kent wait for wheelchair assessments?").abstained
    # a year or a key stage in a sentence is a label, not the figure asked for
    letters = dict(LETTERS)
    letters["kent"] = kent([],
                             ["Pupils at key stage 2 in 2022 do not read well enough."])
    assert tiny_library(letters).ask("how many pupils in kent read well enough?").abstained
    # ... and so is an age band ("the 0-25 service") or "one" as a determiner; a range with a
    # unit after it is a quantity
    letters["kent"] = kent([],
                           ["The 0-25 disability team works from one office in the town centre.",
                            "Young people in the 19–25 age group get help from the disability team."])
    assert tiny_library(letters).ask("how many staff are in the kent disability team?").abstained
    letters["kent"] = kent([], ["The disability team has 14 to 20 staff in the town centre."])
    assert not tiny_library(letters).ask("how many staff are in the kent disability team?").abstained


def test_figure_questions_read_from_their_frame() -> None:
    def fig(text):
        return parse_question(text, AREAS).asks_figure
    assert fig("how many children in kent wait for therapy?") == "count"
    assert fig("what % of plans are on time in kent") == "count"
    assert fig("how much does an ehcp cost?") == "money"
    assert fig("how much did camden spend on short breaks") == "money"
    assert fig("how much progress has kent made?") == ""
    assert fig("how long do children wait in kent?") == ""
    assert fig("what time does the kent forum meet?") == "clock"
    assert fig("when does the kent forum meet?") == ""
    assert fig("who is the director of children's services in kent?") == "person"
    assert fig("whos the chair of the kent forum") == "person"
    assert fig("what is the name of kent's send lead?") == "name"  # a person's, or a team's
    assert fig("who is the hearing support service in kent?") == "name"
    assert fig("who are the care coordinators in kent?") == ""  # what kind of people they are
    assert fig("who is responsible for ehc plans in kent?") == ""  # an organisation answers that
    assert fig("who had long waits?") == ""
    assert fig("what is the phone number for the kent send team?") == "phone"
    assert fig("what's the website of the kent local offer?") == "web"
    assert fig("is the kent local offer website easy to use?") == ""
    assert fig("what is the address of kent council?") == "address"
    assert fig("how did kent address the concerns about therapy?") == ""


def test_a_question_asking_for_a_person_needs_a_sentence_that_names_one() -> None:
    letters = dict(LETTERS)
    letters["kent"] = kent(["The chair of the parent carer forum works closely with leaders on the local offer."], [])
    ask = tiny_library(letters).ask
    a = ask("who is the chair of the kent parent carer forum?")
    assert a.abstained and "names the person" in a.text and not a.citations
    assert not ask("what does the kent parent carer forum do?").abstained  # asked in words: answered
    letters["kent"] = kent(["The parent carer forum, chaired by Ms Asha Patel, works closely with leaders on the local offer."], [])
    a = tiny_library(letters).ask("who is the chair of the kent parent carer forum?")
    assert not a.abstained and "Asha Patel" in a.citations[0].quote


def test_a_name_is_capitalised_words_the_collection_never_writes_in_lower_case() -> None:
    from rag.lookup import names_person
    lower = frozenset("local authority care board integrated the director of services".split())
    areas = frozenset({"kent"})
    assert names_person("Ms Brown leads the service.", lower, areas)
    assert names_person("Local Authority Kent Council Jo Okafor, Director of Services", lower, areas)
    assert not names_person("Local Authority Integrated Care Board", lower, areas)
    assert not names_person("Leaders in Kent Council work well.", lower | {"council"}, areas)


def test_a_question_asking_for_a_time_of_day_needs_a_sentence_that_gives_one() -> None:
    letters = dict(LETTERS)
    letters["kent"] = kent(["The parent carer forum meets leaders regularly and shapes the local offer."], [])
    ask = tiny_library(letters).ask
    a = ask("what time does the kent parent carer forum meet?")
    assert a.abstained and not a.citations
    assert not ask("what does the kent parent carer forum do?").abstained  # asked in words: answered
    letters["kent"] = kent(["The parent carer forum meets leaders at 7pm on the first Tuesday of each month."], [])
    a = tiny_library(letters).ask("what time does the kent parent carer forum meet?")
    assert not a.abstained and "7pm" in a.citations[0].quote


def test_count_frames_with_a_word_before_the_unit_and_who_inspected() -> None:
    def read(text):
        q = parse_question(text, AREAS)
        return q.intent, q.count_unit, [(c.topic, c.polarity) for c in q.clauses if c.topic]
    assert read("how many inspected areas had good portage") == ("count", "areas", [("portage", 1)])
    assert read("how many send inspections found weak portage") == ("count", "documents", [("portage", -1)])
    assert read("how many different councils mention portage") == ("count", "areas", [("portage", 0)])
    assert read("how many times is portage mentioned")[:1] == ("count",)
    # a count of people is not a count of areas
    assert read("how many young people in kent use portage")[:1] != ("count",)
    assert parse_question("who inspected kent in 2023?", AREAS).asks_lead


def test_typed_shorthand_who_had_and_swapped_three_letter_words(lib) -> None:
    q = lib.parse("hwo many areas had poor short breaks")
    assert ("hwo", "how") in q.spelling and q.intent == "count"
    q = lib.parse("teh areas with poor short breaks")
    assert q.intent == "set" and [(c.topic, c.polarity) for c in q.clauses] == [("short breaks", -1)]
    # a real three-letter word is left alone
    assert lib.parse("are short breaks poor in kent").spelling == []

    def read(text):
        q = parse_question(text, AREAS)
        return q.intent, [(c.topic, c.polarity) for c in q.clauses if c.topic]
    assert read("who had poor short breaks") == ("set", [("short breaks", -1)])
    assert read("so who got praised for portage") == ("set", [("portage", 1)])
    assert read("portage crit'd where") == ("set", [("portage", -1)])
    assert parse_question("who led the kent inspection", AREAS).asks_lead


def test_county_short_forms_name_the_county() -> None:
    from rag.areas import canonical_area, known_area_names
    assert canonical_area("Herts") == "Hertfordshire" and known_area_names()["wilts"] == "Wiltshire"
    q = parse_question("good portage apart from wilts", ["Wiltshire", "Kent"])
    assert q.exclude_areas == ["Wiltshire"] and q.intent == "set"


def test_both_and_but_coordination_two_digit_years_and_bare_how_many() -> None:
    def read(text):
        q = parse_question(text, AREAS)
        return q.intent, q.combine, [(c.topic, c.polarity) for c in q.clauses if c.topic]
    # "both X and Y": two clauses that share the one lean given
    assert read("which areas were praised for both portage and short breaks?") == \
        ("set", "and", [("portage", 1), ("short breaks", 1)])
    assert read("portage and short breaks both good - where") == \
        ("set", "and", [("portage", 1), ("short breaks", 1)])
    assert read("areas good at both portage and short breaks")[2] == [("portage", 1), ("short breaks", 1)]
    # "good X but bad Y": a lean word after "but" opens a new clause
    assert read("good portage but bad short breaks?")[2] == [("portage", 1), ("short breaks", -1)]
    # a name made of two nouns joined by "and" is still one topic
    assert read("which areas were praised for speech and language therapy?")[2] == \
        [("speech and language therapy", 1)]
    assert read("no probs w/ portage - which areas")[2] == [("portage", -1)]

    def years(text):
        q = parse_question(text, AREAS)
        return q.since, q.until
    assert years("portage praised since 23") == (2023, None)
    assert years("portage praised pre-'19") == (None, 2018)
    assert years("portage for post-16 students") == years("portage after 18") == (None, None)
    assert years("portage waits of over 18 weeks") == (None, None)
    assert years("portage before 20 weeks") == (None, None)
    assert read("how many praised for portage since 23")[0] == "count"
    assert read("how many mentioned portage")[0] == "count"


def test_areas_with_more_than_one_letter(lib) -> None:
    # Salford has two letters in the hand-made collection, Camden and Kent one each.
    for text in ("how many areas have more than one report?", "which areas were inspected twice",
                 "areas with two or more inspections - which?", "which councils were inspected more than once"):
        q = lib.parse(text)
        assert q.repeated and not q.topic, text
        assert {lt.area for lt in lib.scope_letters(q)} == {"Salford"}, text
    a = lib.ask("how many areas had two inspections?")
    assert a.text.startswith("**1 area**") and a.yes_areas == ["Salford"]
    # a topic still applies within them
    a = lib.ask("which areas with multiple reports were criticised over short breaks?")
    assert a.yes_areas == ["Salford"]
    # "two" naming something else is not this scope
    assert not lib.parse("which areas had two designated officers").repeated


def test_the_frame_alone_after_a_dash_and_a_pronoun_for_the_preamble() -> None:
    def read(text):
        q = parse_question(text, AREAS)
        return q.intent, [(c.topic, c.polarity) for c in q.clauses if c.topic]
    assert read("portage praised - which?") == ("set", [("portage", 1)])
    assert read("areas with portage problems - where") == ("set", [("portage", -1)])
    assert read("portage - which areas praised it?") == ("set", [("portage", 1)])


def test_one_alternative_of_a_topic_named_in_full_counts_as_on_topic() -> None:
    lib = tiny_library({**LETTERS, "kent": kent(["The hydrotherapy pool is used well by disabled children.",
                                                 "Young people and their parents and carers feel listened to."],
                                                ["Pupils' reading ages are low in too many schools."])})
    si = lib.sentence_index
    pool = next(k for k in range(len(si)) if "hydrotherapy" in si.text(k))
    scattered = next(k for k in range(len(si)) if si.text(k).startswith("Young people and their parents"))
    def scores(topic, alternatives):
        qv = lib.embed_many([topic])
        return si.score(qv, topic), si.score(qv, topic, alternatives=alternatives)
    # naming "hydrotherapy pool" in full earns the alternative's share of the lexical credit
    plain, alts = scores("hydrotherapy pool or sensory garden", ["hydrotherapy pool", "sensory garden"])
    assert alts[pool] > plain[pool]
    # "young ... carers" apart is not the phrase "young carers"
    plain, alts = scores("young carers or sensory garden", ["young carers", "sensory garden"])
    assert alts[scattered] == plain[scattered]
    assert list(si.phrase("young carers", np.array([scattered, pool]))) == []


def test_frame_verbs_a_council_as_object_and_a_contrast_are_read_apart_from_the_topic() -> None:
    def topics(text):
        return [c.topic for c in parse_question(text, AREAS).clauses if c.topic]
    assert topics("which areas had reports saying portage staff were helpful") == ["portage staff were helpful"]
    assert topics("which reports found that portage waits were long") == ["portage waits were long"]
    # a council the topic is about stays; a council that only frames the question goes
    assert topics("where did complaints to the council go unanswered") == ["complaints to the council go unanswered"]
    assert topics("where was the council's portage service praised") == ["portage service"]
    # what the topic is contrasted with is not the topic
    assert topics("where is portage run by a charity rather than by the council") == ["portage run by a charity"]


def test_comparisons_typed_with_v_or_better_and_two_years_with_than() -> None:
    def read(text):
        q = parse_question(text, AREAS)
        return q.intent, q.areas, [c.topic for c in q.clauses if c.topic]
    formal = read("How did Kent and Camden compare on portage?")
    assert formal == ("compare", ["Kent", "Camden"], ["portage"])
    for typed in ("kent v camden portage", "portage: kent or camden better?", "kent vs. camden - portage",
                  "which is better at portage, kent or camden?", "how does kent compare with camden on portage"):
        assert sorted(read(typed)[1]) == ["Camden", "Kent"] and read(typed)[0] == "compare", typed
        assert read(typed)[2] == ["portage"], typed
    for text in ("was salford better in 2024 than 2023", "salford 2023 v 2024", "was salford worse in 2023 than in 2024?"):
        q = parse_question(text, AREAS)
        assert (q.since, q.until) == (2023, 2024), text


def test_a_unit_at_the_end_asks_where_and_yrs_is_years() -> None:
    q = parse_question("2024 positive outcome areas", AREAS)
    assert q.intent == "set" and q.outcome == "positive" and (q.since, q.until) == (2024, 2024)
    q = parse_question("portage probs in the last 2 yrs", AREAS, today=__import__("datetime").date(2026, 1, 1))
    assert q.since == 2024 and [c.topic for c in q.clauses] == ["portage"]


def test_a_strong_bm25_passage_lifts_its_sentences_that_share_the_topics_words() -> None:
    from rag.relevance import BM25_BONUS
    letters = dict(LETTERS)
    letters["camden"] = camden(["Wheelchair assessments are timely and well regarded."],
                               ["There are not enough short breaks for families of disabled children."])
    lib = tiny_library(letters)
    si = lib.sentence_index
    waits = next(k for k in range(len(si)) if "wheelchair assessments are too long" in si.text(k).lower())
    other = next(k for k in range(len(si)) if si.text(k).startswith("Wheelchair assessments are timely"))
    topic = "wheelchair assessments"
    qv = lib.embed_many([topic])
    plain = si.score(qv, topic)
    bm = np.zeros(len(si.passages), np.float32)
    bm[si.pidx[waits]] = 2.0  # the best passage for the topic
    bm[si.pidx[other]] = 0.9  # under BM25_SHARE of the best: not a strong match
    lifted = si.score(qv, topic, passage_bm25=bm)
    assert lifted[waits] > plain[waits] and lifted[waits] == pytest.approx(plain[waits] + BM25_BONUS)
    assert lifted[other] == plain[other]
    # a sentence in the strong passage that shares none of the topic's words is not lifted
    same = [k for k in range(len(si)) if si.pidx[k] == si.pidx[waits] and k != waits
            and not any(w in si.text(k).lower() for w in ("wheelchair", "assessment"))]
    for k in same:
        assert lifted[k] == plain[k]


def test_more_ways_to_leave_an_area_out_and_chat_shorthand_for_about_and_people() -> None:
    for text in ("portage problems, not counting kent", "portage problems - ignore kent",
                 "which areas beside kent had portage problems?", "portage problems, discounting kent",
                 "portage problems save for kent"):
        q = parse_question(text, AREAS)
        assert q.exclude_areas == ["Kent"] and not q.areas and q.intent == "set", text
        assert q.clauses[0].topic == "portage", text
    # "re" between words is "about"; after a preposition or article it is a typo of "re-"
    q = parse_question("concerns re school transport", AREAS)
    assert q.intent == "set" and [(c.topic, c.polarity) for c in q.clauses] == [("school transport", -1)]
    assert parse_question("which areas were criticised for re assessments?", AREAS).clauses[0].topic == "re assessments"
    assert parse_question("re-assessment delays - which areas", AREAS).clauses[0].topic.startswith("re-assessment")
    assert "young people" in parse_question("young ppl not heard - which areas", AREAS).clauses[0].topic


def test_a_sentence_going_the_other_way_of_a_comparison_says_the_opposite() -> None:
    from rag.direction import direction, directions
    assert direction("exclusions above the national average") == 1
    assert direction("attainment lower than nationally") == -1
    assert direction("higher in some schools and lower in others") == 0 == direction("exclusions")
    assert direction("young people going on to higher education") == 0
    assert direction("Rates are high.") == 0  # a topic compares only with a comparative
    # a sentence may state the level instead, unless it also compares
    assert list(directions(["Rates are below average.", "Rates are high.", "Higher than some, below others.",
                            "Rates exceed the average.", "Progress is below average and absence is high."])) \
        == [-1, 1, 0, 1, -1]
    letters = {**LETTERS,
               "kent": kent(["Pupils with SEND are rarely excluded."],
                            ["The rate of permanent exclusion of pupils with SEND is below the national average."]),
               "camden": camden(["Leaders track exclusions closely."],
                                ["The rate of permanent exclusion of pupils with SEND is above the national average."])}
    lib = tiny_library(letters)
    assert lib.ask("which areas had permanent exclusion rates above the national average?").yes_areas == ["Camden"]
    assert lib.ask("which areas had permanent exclusion rates below the national average?").yes_areas == ["Kent"]
    # asked the negation, the other way is the answer
    assert lib.ask("which areas did not have permanent exclusion rates above the national average?").yes_areas == ["Kent"]
    # no direction asked: both speak to it
    assert set(lib.ask("which areas mention the rate of permanent exclusion?").yes_areas) >= {"Camden", "Kent"}


def test_a_comparison_asked_is_answered_only_by_a_letter_stating_that_direction() -> None:
    # "suspensions above the England rate": a letter on suspensions that states no
    # direction at all does not say it is above; one saying the rate is high does.
    letters = {**LETTERS,
               "kent": kent(["Leaders track the suspensions of pupils with SEND closely."],
                            ["Pupils with SEND are suspended more often than their classmates."]),
               "camden": camden(["The suspension rate for pupils with SEND is high for a county of its size."],
                                ["Leaders do not check the quality of alternative provision."])}
    lib = tiny_library(letters)
    assert lib.ask("in how many areas were suspensions of pupils with send above the england rate?").yes_areas \
        == ["Camden"]
    # asked without a comparison, both speak to it
    assert set(lib.ask("which areas mention the suspensions of pupils with SEND?").yes_areas) >= {"Camden", "Kent"}


def test_a_thing_not_yet_established_is_the_opposite_of_an_established_one() -> None:
    from rag.direction import completion, completions
    assert completion("a well established sensory support service") == 1
    assert completion("the service is in development") == -1 == completion("the service is not yet fully established")
    assert completion("leaders have yet to establish the service") == -1
    assert completion("the sensory support service") == 0
    assert list(completions(["It is embedded.", "It is at an early stage.", "It is valued."])) == [1, -1, 0]
    # Kent's note sits under the "effective" heading, so its stance reads as praise; what it
    # says is that the service is not there yet
    letters = {**LETTERS,
               "kent": kent(["The sensory support service is in development."], ["Waits are long."]),
               "camden": camden(["The sensory support service is well established and valued by families."],
                                ["Waits are long."])}
    lib = tiny_library(letters)
    assert lib.ask("which areas have a well established sensory support service?").yes_areas == ["Camden"]
    assert lib.ask("which areas did not have a fully established sensory support service?").yes_areas == ["Kent"]
    assert lib.ask("which areas lacked an established sensory support service?").yes_areas == ["Kent"]
    # no completion asked: both speak to it
    assert set(lib.ask("which areas mention the sensory support service?").yes_areas) >= {"Camden", "Kent"}


def test_any_verb_governing_an_outcome_is_frame_not_topic() -> None:
    def read(text):
        q = parse_question(text, AREAS)
        return q.outcome, [c.topic for c in q.clauses if c.topic]
    for text in ("how many letters asked for a written statement of action?", "which inspections called for a WSOA?",
                 "which areas were ordered to write a written statement of action?", "which areas triggered a wsoa"):
        assert read(text) == ("wsoa_required", []), text
    # a verb of the topic stays with it
    assert read("which areas whose plans were delayed had systemic failings") == ("systemic", ["plans were delayed"])
    assert read("which areas with poor portage were asked for a WSOA")[1] == ["portage"]


def test_a_topic_before_the_outcome_loses_its_relative_frame() -> None:
    def read(text):
        q = parse_question(text, AREAS)
        return q.outcome, [(c.topic, c.polarity) for c in q.clauses if c.topic]
    assert read("which areas with poor portage had systemic failings") == ("systemic", [("portage", -1)])
    assert read("which areas whose portage was poor had inconsistent outcomes") == ("inconsistent", [("portage", -1)])
    assert read("which areas that had poor portage got a wsoa") == ("wsoa_required", [("portage", -1)])
    # "with" inside a topic stays
    assert read("which areas were praised for work with health visitors")[1] == [("work with health visitors", 1)]


def test_a_set_question_no_letter_speaks_to_abstains_and_one_they_answer_no_to_does_not(lib) -> None:
    a = lib.ask("which areas have the cheapest school dinners?")
    assert a.abstained and "cheapest school dinners" in a.text and "searched 4 letters" in a.text
    assert lib.ask("how many areas had bus strikes?").abstained
    # spoken to, but only the other way: "none", not "cannot answer"
    b = lib.ask("which areas were praised for short wheelchair waiting times?")
    assert not b.abstained and b.yes_areas == []
    assert not lib.ask("which areas had too few short breaks?").abstained


def test_when_said_in_passing_is_frame_not_topic() -> None:
    def read(text):
        q = parse_question(text, AREAS)
        return q.outcome, [c.topic for c in q.clauses if c.topic]
    assert read("how many wsoa areas ended up making enough progress") == ("sufficient_progress", [])
    assert read("which revisited areas eventually made sufficient progress?") == ("sufficient_progress", [])
    assert read("which areas made sufficient progress by the end of the revisit?") == ("sufficient_progress", [])
    assert read("in the end, which areas had long waits for portage?")[1] == ["long waits for portage"]
    # the end of a school stage is topic
    assert read("which areas had poor transition planning at the end of year 11?")[1] == [
        "transition planning at the end of year 11"]


def test_a_word_form_the_letters_never_use_is_found_by_its_family() -> None:
    letters = {**LETTERS,
               "kent": kent(["Leaders know their community well."],
                            ["Autistic children wait too long for an assessment."]),
               "camden": camden(["Communication with families is clear."],
                                ["Some reviews are late."])}
    lib = tiny_library(letters)
    si = lib.sentence_index
    hits = [si.text(int(k)) for k in np.nonzero(si.lexical("autism") > 0)[0]]
    assert hits == ["Autistic children wait too long for an assessment."]
    # a word the letters use is matched as itself only; a prefix alone makes no family
    assert si.family("communities") == () or "communic" not in si.family("communities")
    assert not any("Communication" in si.text(int(k)) for k in np.nonzero(si.lexical("communities") > 0)[0])


def test_a_clause_lean_is_read_as_typed_or_in_the_letters_register_whichever_is_clearer() -> None:
    from rag.sweep import clause_stance

    class Reads:  # the stance model's reading of each text, for the logic alone
        def __init__(self, table):
            self.table = table

        def stance_of(self, text):
            return self.table[text]
    typed, framed = "long waits for X?", "Inspectors found long waits for X."
    assert clause_stance(Reads({typed: -0.1, framed: 0.7}), typed) == 0.7
    assert clause_stance(Reads({typed: 1.2, framed: 0.3}), typed) == 1.2
    assert clause_stance(Reads({typed: 0.2, framed: -0.3}), typed) == -0.3
    # the real model: a fragment that reads as its topic's usual lean as typed asks for
    # criticism once read as a finding, so a letter praising the service is not listed
    lib = tiny_library(learnt_stance=True)
    got = yes(lib, "which areas had long waits for speech and language therapy?")
    assert "Camden" not in got and "Salford" in got


def test_a_multiple_is_a_number_for_a_how_long_question() -> None:
    from rag.lookup import _NUMBER_RE
    assert _NUMBER_RE.search("The average wait is twice the statutory deadline.")
    assert not _NUMBER_RE.search("Plans are often late.")


def test_a_finding_leads_before_the_recommendation_that_restates_it() -> None:
    from rag.lookup import ADVICE_SECTIONS
    text = kent(["The youth offending team supports young people with SEND well."],
                ["Few families of young children are offered portage."])
    text += ("Areas for improvement\n◼ Leaders should improve how well they offer portage home visits to "
             "families of pre-school children.\n")
    lib = tiny_library({"kent": text, "camden": LETTERS["camden"]})
    advice = [c for c in lib.sentence_index.passages if c.section in ADVICE_SECTIONS]
    assert advice, "the letter's recommendation section is read as one"
    a = lib.ask("how well does kent offer portage home visits to families of pre-school children?")
    assert a.citations[0].quote.startswith("Few families")
    # asked what should be done, the recommendation answers too
    a = lib.ask("what should kent do to improve portage home visits?")
    assert any("should improve how well" in c.quote for c in a.citations)


@pytest.mark.parametrize(("sentence", "leans"), [
    ("In such cases, families wait longer.", True),
    ("For those children, the wait is longer.", True),
    ("Despite this, leaders have acted.", True),
    ("In this case the plan was late.", True),
    ("In this area, children achieve well.", False),
    ("For this local area the plan is new.", False),
    ("For example, the service is new.", False),
])
def test_a_phrase_pointing_back_with_a_demonstrative_leans_on_the_sentence_before(sentence: str, leans: bool) -> None:
    from rag.sentences import continues
    assert continues(sentence) == leans


def test_a_quoted_sentence_brings_the_next_one_that_goes_on_from_it() -> None:
    text = kent(["The youth offending team supports young people with SEND well."],
                ["Children wait too long for hearing and sight tests.",
                 "Sight tests for children with hearing loss are slow to start.",
                 "Some children are found to need a sight test during their hearing test. "
                 "In such cases, the delay stretches to 9 weeks or more."])
    lib = tiny_library({"kent": text, "camden": LETTERS["camden"]})
    a = lib.ask("in kent if my son needs a sight test during his hearing one how much longer is the wait?")
    assert any("9 weeks" in c.quote for c in a.citations)
    assert len(a.text.split()) <= 100


def test_who_is_an_organisation_is_answered_by_the_name_only_that_areas_letters_use() -> None:
    letters = dict(LETTERS)
    letters["kent"] = kent(["The hearing support service (HearKent) visits schools across the county.",
                            "Leaders listen to the hearing support service and act on what it says."], [])
    ask = tiny_library(letters).ask
    a = ask("who is the hearing support service in kent?")
    assert not a.abstained and "HearKent" in a.citations[0].quote
    # a role asks for a person, and a service's name is not one
    a = ask("who is the manager of the hearing support service in kent?")
    assert a.abstained and "names the person" in a.text
    # a name every area's letters use (SEND) is no area's own
    letters["kent"] = kent(["The hearing support service works with the SEND team in schools."], [])
    a = tiny_library(letters).ask("who is the hearing support service in kent?")
    assert a.abstained


def test_a_sentence_leaning_on_the_one_before_takes_its_stance_from_both() -> None:
    # "This includes X" says of X what the sentence before says: weak, not praise.
    letters = dict(LETTERS)
    letters["kent"] = kent(["The youth offending team supports young people with SEND well."],
                           ["Pupils' reading ages are low in too many schools."],
                           middle="Leisure options are weak and poorly planned, and families are frustrated. "
                                  "This includes holiday clubs and weekend activities.")
    lib = tiny_library(letters, learnt_stance=True)
    a = lib.ask("where were holiday clubs praised?")
    assert "Kent" not in {f.area for f in a.findings if f.verdict == "yes"}


def test_a_list_of_names_and_job_titles_finds_nothing_for_a_set_question() -> None:
    from rag.relevance import _mostly_capitalised
    assert _mostly_capitalised("Jo Bloggs, Portage Lead, Anytown Council Sam Smith, Chief Executive")
    assert not _mostly_capitalised("The Portage Service in Anytown visits families within two weeks.")
    assert not _mostly_capitalised("Portage Works Well")  # too short to tell from a finding
    letters = dict(LETTERS)
    letters["kent"] = kent(["Jo Bloggs, Portage Lead, Anytown Council Sam Smith, Chief Executive"],
                           ["Children wait too long for wheelchairs."])
    letters["camden"] = camden(["Portage visits start within two weeks of referral."],
                               ["Children wait too long for wheelchairs."])
    lib = tiny_library(letters)
    # the name line sits in a praising section and names portage, yet says nothing of it
    assert lib.ask("which areas were praised for portage?").yes_areas == ["Camden"]
    # a lookup still reads it: who holds a role is what such lines are for
    assert "Jo Bloggs" in lib.ask("who is the portage lead in kent?").text
