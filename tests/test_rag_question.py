"""Question understanding (rag/question.py) and the sentence splitter (rag/sentences.py):
pure logic, no index and no model.

The wordings here are written for these tests (themes: portage, school transport,
respite, hydrotherapy, sensory support); none is a gold question. tests/test_rag_rules.py
pins more of the grammar against its hand-made letters; this file does not repeat it.
"""

from __future__ import annotations

import pytest

from rag.question import Clause, Query, excluded_by_region, parse_question, region_scope
from rag.sentences import sentence_spans
from rag.text import stem

AREAS = ["Bolton", "Cornwall", "Medway", "Rutland", "Suffolk", "Wiltshire"]


def parse(text: str) -> Query:
    return parse_question(text, AREAS)


# ---- scope: years ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "since", "until"),
    [
        ("Which partnerships were criticised over school transport between 2018 and 2021?", 2018, 2021),
        ("Which areas mention hydrotherapy from 2017 to 2020?", 2017, 2020),
        ("Which areas mention hydrotherapy, 2018-2020?", 2018, 2020),
        ("Which councils were praised for their sensory support service before 2020?", None, 2019),
        ("Which areas mention hydrotherapy up to 2020?", None, 2020),
        ("Which areas mention hydrotherapy after 2022?", 2023, None),
        ("Which areas mention hydrotherapy 2022 and later?", 2022, None),
        ("Since 2021, where has respite care been criticised?", 2021, None),
        ("Which areas, in 2019, praised portage?", 2019, 2019),
        ("Which 2021 letters mention hydrotherapy?", 2021, 2021),
        ("Which areas were praised for their portage service?", None, None),
    ],
)
def test_year_phrases_set_since_and_until(text: str, since: int | None, until: int | None) -> None:
    q = parse(text)
    assert (q.since, q.until) == (since, until)
    assert q.has_scope == (since is not None or until is not None)
    assert not any(ch.isdigit() for c in q.clauses for ch in c.topic)  # the year is scope, not topic


# ---- intent -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Which areas were praised for their portage service?", "set"),
        ("Where were families unhappy with school transport?", "set"),
        ("List the areas where school transport was criticised", "set"),
        ("Name the partnerships with weak transition planning", "set"),
        ("Tell me which areas praised portage", "set"),
        ("Any areas with poor school transport?", "set"),
        ("Are there any reports that mention hydrotherapy?", "set"),
        ("Which of the reports mention hydrotherapy?", "set"),
        ("How many letters mention hydrotherapy?", "count"),
        ("How many areas were criticised over respite care?", "count"),
        ("How many pupils in Rutland attend special schools?", "lookup"),
        ("When was Wiltshire inspected?", "lookup"),
        ("Who led the Cornwall inspection?", "lookup"),
        ("What did the Medway inspection find?", "lookup"),
        ("Which Bolton reports praised portage?", "lookup"),  # one named area: a lookup
        ("How do Medway and Suffolk compare on short breaks?", "compare"),
        ("What did the MEDWAY and wiltshire reports say about respite?", "compare"),
        ("How has Bolton's approach to transition changed?", "compare"),
    ],
)
def test_intent_from_the_frame(text: str, intent: str) -> None:
    assert parse(text).intent == intent


# ---- scope: areas, regions, framework, kind, latest ----------------------------------------
def test_areas_any_case_with_possessives_and_unknown_areas_apart() -> None:
    q = parse("What did the MEDWAY and wiltshire reports say about respite?")
    assert sorted(q.areas) == ["Medway", "Wiltshire"] and not q.unknown_areas
    assert "medway" not in q.topic.lower() and "wiltshire" not in q.topic.lower()
    q = parse("How has Bolton's approach to transition changed?")
    assert q.areas == ["Bolton"]
    q = parse("What did the Norfolk report say about respite?")  # an English area, not indexed
    assert q.areas == [] and q.unknown_areas == ["Norfolk"]
    q = parse("What did the Suffolk and Norfolk reports say about respite?")
    assert q.areas == ["Suffolk"] and q.unknown_areas == ["Norfolk"]


def test_excluded_areas_are_scope_not_areas() -> None:
    for text in ("Apart from Medway, which areas were criticised over school transport?",
                 "Except Medway, where was school transport criticised?",
                 "Which areas were criticised over school transport, apart from Medway?"):
        q = parse(text)
        assert q.exclude_areas == ["Medway"] and q.areas == [], text
        assert q.intent == "set" and q.has_scope
        assert [(c.topic, c.polarity) for c in q.clauses] == [("school transport", -1)], text


def test_region_is_scope_and_region_scope_lists_its_areas() -> None:
    q = parse("Which areas in the south west were praised for portage?")
    assert q.regions == ["South West"] and q.areas == [] and q.has_scope
    assert q.clauses[0].topic == "portage"
    scope = region_scope(q)
    assert {"Cornwall", "Wiltshire"} <= scope and not scope & {"Bolton", "Medway", "Suffolk"}
    assert region_scope(parse("Which areas were praised for portage?")) == set()


def test_a_region_set_apart_is_excluded_not_scoped() -> None:
    for text in ("Which areas were praised for portage excluding the south west?",
                 "which areas outside the south west were praised for portage",
                 "apart from the south west, where was portage praised?"):
        q = parse(text)
        assert q.regions == [] and q.exclude_regions == ["South West"] and q.has_scope, text
        assert q.clauses[0].topic == "portage", text
    assert {"Cornwall", "Wiltshire"} <= excluded_by_region(parse("outside the south west, which areas praised portage?"))
    q = parse("which areas in the south west, apart from Cornwall, praised portage?")
    assert q.regions == ["South West"] and q.exclude_areas == ["Cornwall"]


def test_framework_kind_and_latest() -> None:
    q = parse("Which joint inspection letters praised portage?")
    assert q.framework == "joint_2016" and q.intent == "set" and q.clauses[0].topic == "portage"
    assert parse("Which reports under the new framework praised the parent carer forum?").framework == "area_2023"
    assert parse("Which inspections under the old framework praised portage?").framework == "joint_2016"
    q = parse("Which revisits found insufficient progress?")
    assert q.kind == "revisit" and q.has_scope
    q = parse("Looking at the most recent report only, which areas criticised respite care?")
    assert q.latest and q.has_scope and q.intent == "set"
    q = parse("Which areas were praised for their portage service?")
    assert q.framework is None and q.kind is None and not q.latest and not q.has_scope


def test_framework_in_words_people_type() -> None:
    q = parse("how many of the older letters mention portage")
    assert q.framework == "joint_2016" and q.intent == "count" and q.clauses[0].topic == "portage"
    q = parse("in the newer reports which areas had long portage waits")
    assert q.framework == "area_2023" and q.intent == "set" and q.clauses[0].topic == "long portage waits"
    # "2023 framework" names the framework, not the year 2023
    q = parse("in the 2023 framework reports which areas had long portage waits")
    assert q.framework == "area_2023" and q.since is None and q.clauses[0].topic == "long portage waits"
    q = parse("what did the joint inspections say about portage")
    assert q.framework == "joint_2016" and q.topic == "portage"
    # an area's own earlier letter is not the framework
    assert parse("did kent improve since its older letter?").framework is None
    assert parse("which areas had children older than 11 waiting for therapy").framework is None


def test_casual_frames_but_long_got_told_list_every_and_a_trailing_copula() -> None:
    q = parse("areas w/ good portage but long therapy waits")
    assert [c.topic for c in q.clauses] == ["portage", "long therapy waits"] and q.clauses[0].polarity == 1
    assert parse("which areas got told their send strategy wasnt embedded").clauses[0].topic == \
        "send strategy wasnt embedded"
    assert [(c.topic, c.polarity) for c in parse("how many councils got told off about their portage").clauses] == \
        [("portage", -1)]
    for text in ("list every area where portage was a concern", "which areas had portage as a concern"):
        q = parse(text)
        assert q.intent == "set" and [(c.topic, c.polarity) for c in q.clauses] == [("portage", -1)], text
    q = parse("which areas, other than those in the south west, had good portage")
    assert q.exclude_regions == ["South West"] and [(c.topic, c.polarity) for c in q.clauses] == [("portage", 1)]


def test_a_preamble_without_a_comma_before_which_areas() -> None:
    q = parse("in the joint inspections which areas had long portage waits")
    assert q.intent == "set" and q.clauses[0].topic == "long portage waits"
    q = parse("for children in care which areas were praised for stability")
    assert q.clauses[0].polarity == 1 and q.clauses[0].topic == "stability for children in care"
    q = parse("the local offer which areas praised it")
    assert q.clauses[0].polarity == 1 and q.clauses[0].topic == "local offer"


# ---- outcomes (answered from the letters table) --------------------------------------------
@pytest.mark.parametrize(
    ("text", "outcome", "negated"),
    [
        ("How many councils were judged to have positive experiences and outcomes?", "positive", False),
        ("Which reports found inconsistent outcomes for children?", "inconsistent", False),
        ("Which partnerships had failings that were widespread or systemic?", "systemic", False),
        ("Which revisits said the area had not made enough progress?", "insufficient_progress", False),
        ("Which revisits found sufficient progress on the weaknesses?", "sufficient_progress", False),
        ("Which areas had to produce a WSOA?", "wsoa_required", False),
        ("Which councils did not need a written statement of action?", "wsoa_required", True),
        ("Which letters ended without a WSOA?", "wsoa_required", True),
        ("How many areas had no WSOA?", "wsoa_required", True),
        ("Which areas were not rated positively?", "positive", True),
        ("Which places were rated positive and criticised over respite care?", "positive", False),
        ("Which areas had worries about school transport?", None, False),
    ],
)
def test_outcomes_and_their_negation(text: str, outcome: str | None, negated: bool) -> None:
    q = parse(text)
    assert (q.outcome, q.outcome_negated) == (outcome, negated)
    if outcome:  # the outcome words are not left in a topic
        assert not any(w in q.topic.lower() for w in ("wsoa", "written statement", "positive", "inconsistent"))


def test_outcome_words_in_a_lookup_are_its_topic() -> None:
    q = parse("What did Medway's written statement of action cover?")
    assert q.intent == "lookup" and q.outcome is None
    assert "written statement of action" in q.topic


def test_outcome_and_topic_together() -> None:
    q = parse("Which places were rated positive and criticised over respite care?")
    assert q.outcome == "positive"
    assert [(c.topic, c.polarity, c.explicit) for c in q.clauses] == [("respite care", -1, True)]


@pytest.mark.parametrize(
    ("text", "outcome", "topic"),
    [
        # an outcome statement's words qualified by a topic describe the topic
        ("which areas had positive experiences of respite care", None, "positive experiences of respite care"),
        ("positive outcomes for care leavers - which areas", None, "positive outcomes for care leavers"),
        ("where were there inconsistent experiences with the local offer", None,
         "inconsistent experiences with the local offer"),
        # ... the outcome itself: alone, about children, or dated
        ("which areas with positive outcomes had long waits for respite care", "positive", "long waits for respite care"),
        ("which areas got a positive outcome in 2024", "positive", ""),
        ("which areas had inconsistent experiences and outcomes for children and young people", "inconsistent", ""),
    ],
)
def test_outcome_words_about_a_topic_are_not_the_outcome(text: str, outcome: str | None, topic: str) -> None:
    q = parse(text)
    assert q.outcome == outcome
    assert " ".join(c.topic for c in q.clauses) == topic


# ---- clauses: topic, polarity, negation, combination -----------------------------------------
@pytest.mark.parametrize(
    ("text", "topic", "polarity", "explicit"),
    [
        ("Which areas were praised for their portage service?", "portage service", 1, True),
        ("Which areas were commended for their portage service?", "portage service", 1, True),
        ("Which partnerships were criticised over school transport?", "school transport", -1, True),
        ("Which areas had worries about school transport?", "school transport", -1, True),
        ("where were inspectors worried about school transport", "school transport", -1, True),
        ("which areas were parents unhappy with school transport", "parents school transport", -1, True),
        ("Which areas had problems with school transport?", "school transport", -1, True),
        ("Which councils struggled with recruitment of therapists?", "recruitment of therapists", -1, True),
        ("Which areas lacked a sensory service?", "sensory service", -1, True),
        ("Which areas had no local autism strategy?", "local autism strategy", -1, True),
        ("Which reports refer to the pandemic?", "pandemic", 0, True),
        ("Which reports talk about the pandemic?", "pandemic", 0, True),
        ("How many letters mention hydrotherapy?", "hydrotherapy", 0, True),
        # no evaluation word: the lean is left to the learnt stance model (explicit False)
        ("Which areas had long waits for therapy?", "long waits for therapy", 0, False),
    ],
)
def test_clause_topic_and_polarity(text: str, topic: str, polarity: int, explicit: bool) -> None:
    q = parse(text)
    assert len(q.clauses) == 1
    c = q.clauses[0]
    assert (c.topic, c.polarity, c.explicit, c.negated) == (topic, polarity, explicit, False)
    assert q.topic == topic and q.combine == "and"


def test_negation_keeps_the_asked_lean_and_marks_the_clause() -> None:
    c = parse("Which areas were not praised for school transport?").clauses[0]
    assert (c.topic, c.polarity, c.negated) == ("school transport", 1, True)
    c = parse("Which councils weren't criticised over respite care?").clauses[0]
    assert (c.topic, c.polarity, c.negated) == ("respite care", -1, True)
    # absence is a lean of its own, not negation
    c = parse("Which areas had not enough respite care?").clauses[0]
    assert c.polarity == -1 and not c.negated and "respite" in c.topic


def test_clauses_join_with_and_or_or() -> None:
    q = parse("Which areas were praised for respite care but criticised over school transport?")
    assert [(c.topic, c.polarity) for c in q.clauses] == [("respite care", 1), ("school transport", -1)]
    assert q.combine == "and" and q.topic == "respite care ; school transport"
    q = parse("Which areas were praised for school transport and had long waits for therapy?")
    assert [(c.topic, c.polarity, c.explicit) for c in q.clauses] == [
        ("school transport", 1, True), ("long waits for therapy", 0, False)]
    q = parse("Which areas were praised for portage or were criticised over respite care?")
    assert q.combine == "or" and [c.polarity for c in q.clauses] == [1, -1]


def test_a_pronoun_clause_takes_the_topic_before_it() -> None:
    q = parse("Which areas were praised for portage and not criticised over delays in it?")
    first, second = q.clauses
    assert (first.topic, first.polarity, first.negated) == ("portage", 1, False)
    assert second.negated and second.polarity == -1
    assert "portage" in second.topic and "delays" in second.topic


def test_bare_frames_have_no_topic() -> None:
    q = parse("What did the Medway inspection find?")
    assert q.areas == ["Medway"] and q.topic == "" and q.asks_outcome
    q = parse("Which revisits found insufficient progress?")
    assert q.clauses == [] and q.outcome == "insufficient_progress"


def test_metadata_asks() -> None:
    q = parse("When was Wiltshire inspected?")
    assert q.asks_when and not q.asks_lead and q.areas == ["Wiltshire"]
    q = parse("Who led the Cornwall inspection?")
    assert q.asks_lead and not q.asks_when
    q = parse("When is Bolton's next inspection?")
    assert q.asks_next and not q.asks_when  # the next one, not the dates of this one
    assert parse("How many pupils in Rutland attend special schools?").asks_number
    assert not parse("Which areas were praised for their portage service?").asks_number


# ---- count units, wordless, anaphora --------------------------------------------------------
def test_count_unit_follows_the_counted_noun() -> None:
    assert parse("How many letters mention hydrotherapy?").count_unit == "documents"
    assert parse("How many inspections praised portage?").count_unit == "documents"
    assert parse("How many councils were criticised over respite care?").count_unit == "areas"
    assert parse("How many areas had no WSOA?").count_unit == "areas"


@pytest.mark.parametrize("text", ["?? ... !!", "¿¡", "  --- ", "🙂🙂"])
def test_a_question_without_letters_or_digits_is_wordless(text: str) -> None:
    q = parse(text)
    assert q.wordless and q.intent == "lookup" and q.clauses == [] and not q.has_scope


def test_anaphora_marks_short_questions_that_need_the_conversation() -> None:
    q = parse("which of them are west midlands councils?")
    assert q.anaphora and q.regions == ["West Midlands"] and q.intent == "set"
    assert parse("how many were there?").anaphora
    q = parse("which of these were judged positive?")
    assert q.anaphora and q.outcome == "positive" and q.intent == "set"
    assert not parse("Which areas had long waits for therapy?").anaphora
    long = ("In the most recent inspection of each area, which were praised for portage, and which "
            "were criticised over it, and how has that changed since then?")
    assert not parse(long).anaphora  # a long question stands alone


def test_query_and_clause_defaults() -> None:
    q = Query(text="x")
    assert (q.intent, q.combine, q.count_unit, q.topic, q.has_scope, q.read_as) == (
        "lookup", "and", "areas", "", False, "")
    c = Clause(text="t", topic="t")
    assert (c.polarity, c.explicit, c.negated) == (0, False, False)


# ---- defects found while writing these tests, now fixed -------------------------------------
def test_which_joint_inspections_is_a_set_question() -> None:
    q = parse("Which joint inspections criticised the local offer?")
    assert q.framework == "joint_2016" and q.intent == "set" and q.topic == "local offer"


def test_two_excluded_areas_leave_a_clean_topic() -> None:
    q = parse("Apart from Medway and Bolton, which areas were criticised over school transport?")
    assert q.exclude_areas == ["Medway", "Bolton"] and q.topic == "school transport"


def test_a_preamble_before_the_wh_frame_is_not_topic() -> None:
    q = parse("Using just the newest report for each area, which partnerships mention housing?")
    assert q.latest and q.intent == "set"
    assert [(c.topic, c.polarity, c.explicit) for c in q.clauses] == [("housing", 0, True)]
    q = parse("in their latest inspection which areas praised portage")
    assert q.latest and q.intent == "set" and q.topic == "portage"


def test_a_count_of_the_latest_reports_counts_reports() -> None:
    # "latest" scopes the letters; the noun after it is still the count's unit
    for text in ("how many of the latest reports mention waiting lists for autism assessment",
                 "how many of the newest inspections mention portage",
                 "how many of the most recent letters praise portage"):
        q = parse(text)
        assert q.latest and q.intent == "count" and q.count_unit == "documents", text
        assert "report" not in q.topic and "inspection" not in q.topic and "letter" not in q.topic, text


# ---- sentences and stems -------------------------------------------------------------------
def _sentences(text: str, offset: int = 0) -> list[str]:
    return [text[a - offset: b - offset] for a, b in sentence_spans(text, offset)]


def test_sentence_spans_split_at_ends_and_line_breaks_without_bullets() -> None:
    text = ('• Portage visits start early. Leaders, e.g. Mr. Jones, agreed! "Families value it."\n'
            "- Waits are long: 20 weeks?  Next line\n\nAnother paragraph.")
    assert _sentences(text) == [
        "Portage visits start early.", "Leaders, e.g. Mr. Jones, agreed!", '"Families value it."',
        "Waits are long: 20 weeks?", "Next line", "Another paragraph."]


def test_sentence_spans_keep_decimals_and_lower_case_continuations_whole() -> None:
    assert _sentences("It rose to 3.5 per cent. Then it fell.") == ["It rose to 3.5 per cent.", "Then it fell."]
    assert _sentences("Use of the hub, i.e. the centre. is rising.") == ["Use of the hub, i.e. the centre. is rising."]
    assert _sentences("St. Anne's school is small. No. 4 is not.") == ["St. Anne's school is small.", "No. 4 is not."]


def test_sentence_spans_offset_and_short_fragments() -> None:
    text = "Respite is scarce. Ok\n"
    spans = sentence_spans(text, offset=100)
    assert spans == [(100, 118)]  # "Ok" (2 characters) is dropped
    assert sentence_spans("") == [] and sentence_spans("  \n\n  ") == []


def test_sentence_spans_are_ordered_disjoint_and_trimmed() -> None:
    text = ("◼ Leaders know the area well. They act on what families say.\n"
            "■ Too few respite places exist (see below). Waiting lists are long!\n"
            "  * Transport works well.   \n\"Quoted.\" (Bracketed.)")
    spans = sentence_spans(text)
    assert len(spans) == 7
    for (a, b), (c, _) in zip(spans, spans[1:], strict=False):
        assert a < b <= c
    for a, b in spans:
        s = text[a:b]
        assert s == s.strip() and s[0] not in "◼■*-•" and "\n" not in s


def test_stems_are_snowball() -> None:
    assert stem("delays") == stem("delayed") == stem("delaying") == "delay"
    assert stem("assessments") == stem("assessment")
    assert stem("Therapies") == stem("therapy")


@pytest.mark.parametrize(
    ("text", "intent", "topic", "polarity"),
    [
        # a lookup's wh-frame goes; the noun it asks for stays and is read for its lean
        ("What problem did the 2019 inspection find with hydrotherapy in Medway?", "lookup", "hydrotherapy", -1),
        ("what concerns did inspectors raise about school transport in Suffolk?", "lookup", "school transport", -1),
        ("what did the report say about short breaks in Rutland", "lookup", "short breaks", 0),
        ("What did the 2023 report find on respite care in Bolton?", "lookup", "respite care", 0),
        # a comparison's frame goes: "how did A and B compare on", "how did X's ... change"
        ("How did Bolton and Medway compare on portage?", "compare", "portage", 0),
        ("compare Suffolk and Wiltshire on respite care", "compare", "respite care", 0),
        ("How did Rutland's sensory service change between the 2019 and 2023 inspections?", "compare",
         "sensory service", 0),
    ],
)
def test_lookup_and_comparison_frames_leave_the_topic(text: str, intent: str, topic: str, polarity: int) -> None:
    q = parse(text)
    assert q.intent == intent
    assert [(c.topic, c.polarity) for c in q.clauses] == [(topic, polarity)]


def test_a_lookup_frame_keeps_questions_that_are_not_frames() -> None:
    # "how long do children wait" and "how well did the area identify" are the topic itself
    assert "wait" in parse("How long do children in Medway wait for therapy?").topic
    assert "identify" in parse("How well did the area identify needs in Rutland?").topic
    assert parse("What did the 2021 inspection of Bolton find?").topic == ""


def test_combined_authorities_are_scope_and_read_before_the_place_inside_them() -> None:
    from rag.regions import region_areas
    q = parse_question("how many areas come under NHS Greater Manchester ICB?", ["Bolton", "Manchester", "Kent"])
    assert q.regions == ["Greater Manchester"] and q.unknown_areas == [] and q.areas == []
    assert "Bolton" in region_areas("Greater Manchester") and "Kent" not in region_areas("Greater Manchester")
    q = parse_question("What did the Manchester inspection find?", ["Bolton", "Manchester"])
    assert q.areas == ["Manchester"] and q.regions == []
    q = parse("any black country areas criticised over respite care?")
    assert q.regions == ["Black Country"] and q.clauses[0].topic == "respite care"


def test_an_aside_that_sets_part_of_the_topic_apart_is_not_topic() -> None:
    q = parse("hydrotherapy that inspectors praised - which areas? (not counting the school pools)")
    assert q.intent == "set" and [(c.topic, c.polarity) for c in q.clauses] == [("hydrotherapy", 1)]
    q = parse("which areas were praised for short breaks (excluding holiday clubs)?")
    assert q.clauses[0].topic == "short breaks"
    q = parse("which areas were praised for short breaks (excluding Medway)?")
    assert q.exclude_areas == ["Medway"] and q.clauses[0].topic == "short breaks"


def test_one_area_between_two_years_is_a_comparison_over_time() -> None:
    q = parse("Did Medway get any better at sharing plans with schools between its 2019 and 2024 inspections?")
    assert q.intent == "compare" and (q.since, q.until) == (2019, 2024)
    assert [c.topic for c in q.clauses] == ["sharing plans with schools"]
    assert parse("What did the 2019 Medway inspection say about portage?").intent == "lookup"


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        # a preamble of scope words only goes; one with content narrows the topic
        ("In the joint inspection letters from before 2020, where were inspectors positive about portage?", "portage"),
        ("For children in care, which areas were praised for dental checks?", "dental checks For children in care"),
        # "which areas say that" after the question is frame
        ("do parents have to wait for respite care? which areas say that", "parents have to wait for respite care"),
        # what someone found is the clause
        ("Where did parents find that complaints to the council went unanswered?", "complaints to the council went unanswered"),
        # a frame noun taken out leaves no "'s" behind
        ("Which of the 2024 inspections praised the council's portage team?", "portage team"),
    ],
)
def test_preambles_tails_and_reported_findings_are_frame(text: str, topic: str) -> None:
    assert [c.topic for c in parse(text).clauses] == [topic]


@pytest.mark.parametrize(
    "text",
    ["what is the outcome for Medway's latest inspection?", "what was the overall judgement for Bolton?",
     "how was Rutland rated?", "what grade did Suffolk get?", "what did Suffolk get in its last inspection?"],
)
def test_an_outcome_lookup_has_no_topic(text: str) -> None:
    q = parse(text)
    assert q.intent == "lookup" and q.clauses == [] and q.asks_outcome


def test_what_an_area_needs_to_do_better_or_does_well_is_a_lean() -> None:
    def read(text):
        return [(c.topic, c.polarity, c.explicit) for c in parse(text).clauses]
    assert read("what does Medway need to do better") == [("", -1, True)]
    assert read("what does Medway need to work on") == [("", -1, True)]
    assert read("what does Medway need to do better on ehc plans") == [("ehc plans", -1, True)]
    assert read("what does Medway do well on transitions") == [("transitions", 1, True)]
    assert read("which areas did well on transitions") == [("transitions", 1, True)]
    # an outcome asked with "get" keeps a topic that follows it
    q = parse("what did Medway get for short breaks")
    assert not q.asks_outcome and "short breaks" in q.topic


def test_a_stance_adverb_closing_the_clause_is_its_lean() -> None:
    assert [(c.topic, c.polarity, c.explicit) for c in parse("which areas mention portage positively?").clauses] \
        == [("portage", 1, True)]
    assert [(c.topic, c.polarity) for c in parse("which reports talk about respite care negatively").clauses] \
        == [("respite care", -1)]
    # a lookup frame with no subject left after the area is taken out
    assert parse("what did Medway say about outcomes for care leavers?").clauses[0].topic == \
        "outcomes for care leavers"


def test_a_verdict_after_the_topic_is_its_lean() -> None:
    assert [(c.topic, c.polarity, c.explicit) for c in parse("portage waits - which areas were bad?").clauses] \
        == [("portage waits", -1, True)]
    assert [(c.topic, c.polarity) for c in parse("respite care, which areas did well?").clauses] \
        == [("respite care", 1)]
    assert [(c.topic, c.polarity) for c in parse("respite care: where was it a problem?").clauses] \
        == [("respite care", -1)]


def test_existential_there_is_not_a_pointer_back() -> None:
    q = parse("how many reports are there?")
    assert q.intent == "count" and q.count_unit == "documents" and not q.anaphora
    assert parse("how many were there?").anaphora


@pytest.mark.parametrize(
    ("text", "polarity"),
    [("what were Bolton's strengths?", 1), ("what were the main weaknesses in Medway?", -1),
     ("what areas for improvement did Rutland get?", -1), ("what problems did Suffolk have?", -1)],
)
def test_a_lookup_that_names_only_a_lean_has_no_topic(text: str, polarity: int) -> None:
    q = parse(text)
    assert q.intent == "lookup" and [(c.topic, c.polarity) for c in q.clauses] == [("", polarity)]


def test_what_noun_did_someone_get_keeps_the_noun_phrase() -> None:
    assert parse("what training did SENCOs receive in Medway?").clauses[0].topic == "training for SENCOs"


def test_two_named_years_and_yes_no_judgements_of_a_topic() -> None:
    q = parse("compare Medway 2019 and 2024")
    assert q.intent == "compare" and (q.since, q.until) == (2019, 2024) and q.clauses == []
    q = parse("how did Rutland's 2016 and 2023 inspections differ on portage?")
    assert (q.since, q.until) == (2016, 2023) and [c.topic for c in q.clauses] == ["portage"]
    q = parse("was respite care a problem in Bolton and Medway?")
    assert q.intent == "compare" and [(c.topic, c.polarity) for c in q.clauses] == [("respite care", -1)]
    q = parse("where was hydrotherapy a strength?")
    assert [(c.topic, c.polarity) for c in q.clauses] == [("hydrotherapy", 1)]


def test_any_with_a_region_is_a_set_question_and_an_outcome_leaves_no_unit_behind() -> None:
    q = parse("any north west councils praised for portage?")
    assert q.intent == "set" and q.regions == ["North West"] and [c.topic for c in q.clauses] == ["portage"]
    q = parse("areas with a wsoa and long waits for respite care?")
    assert q.outcome == "wsoa_required" and [c.topic for c in q.clauses] == ["long waits for respite care"]


@pytest.mark.parametrize(("text", "topic", "polarity"), [
    # a directive is a criticism: the area was told to put something right
    ("which areas were told to improve their short breaks offer", "short breaks offer", -1),
    ("which councils were urged to speed up tribunal appeals", "speed up tribunal appeals", -1),
    ("where should leaders improve portage", "portage", -1),
    ("which areas have to improve sendiass", "sendiass", -1),
    # the verb that carries the lean word, and who said it, are frame
    ("where did the parent carer forum get criticised", "parent carer forum", -1),
    ("which areas received criticism for their respite care", "respite care", -1),
    ("where did cqc flag concerns about wheelchair services", "wheelchair services", -1),
    ("where did ofsted say the portage service was good", "portage service", 1),
    ("where were inspectors impressed by the travel training", "travel training", 1),
])
def test_directives_and_the_verbs_around_a_lean_word_are_frame(text: str, topic: str, polarity: int) -> None:
    c = parse(text).clauses[0]
    assert (c.topic, c.polarity) == (topic, polarity)


def test_being_told_something_is_not_a_directive() -> None:
    # "told that" reports a finding; the lean comes from what was found, not from "told"
    c = parse("which areas were told that their portage service was good").clauses[0]
    assert (c.topic, c.polarity) == ("portage service", 1)


@pytest.mark.parametrize("text", [
    "Hi there, could you tell me what the outcome was for Medway please? Thank you",
    "hello - can you tell me the outcome for medway pls",
    "i'd like to know what the outcome was for Medway, thanks in advance",
])
def test_courtesy_around_a_question_is_not_part_of_it(text: str) -> None:
    q = parse(text)
    assert (q.intent, q.areas, q.asks_outcome, [c.topic for c in q.clauses if c.topic]) == \
        ("lookup", ["Medway"], True, [])


def test_courtesy_words_inside_a_question_stay() -> None:
    assert parse("which areas say thank you to parent volunteers").clauses[0].topic == "thank you to parent volunteers"


def test_how_do_two_areas_compare_is_a_comparison_whatever_its_topic_ends_with() -> None:
    q = parse("how do cornwall and medway compare on children placed outside the area")
    assert q.intent == "compare" and q.clauses[0].topic == "children placed outside the area"
    assert parse("2024 positive outcome areas").intent == "set"


@pytest.mark.parametrize(("text", "topic"), [
    ("what was the outcome of medway's latest area send inspection", ""),
    ("when was medway last inspected", "when"),
    ("which areas had good portage in their latest reports", "portage"),
])
def test_latest_with_words_between_it_and_its_noun(text: str, topic: str) -> None:
    q = parse(text)
    assert q.latest and (q.clauses[0].topic if q.clauses else "") == topic


def test_how_late_and_the_maximum_ask_for_a_number() -> None:
    assert parse("medway ehcps how late are they").asks_number
    assert parse("whats the max travel time for send pupils in medway").asks_number
    assert not parse("are medway ehcps late").asks_number


@pytest.mark.parametrize(
    ("text", "since", "until"),
    [
        ("medway portage - 2019 revisit vs the 2023 inspection?", 2019, 2023),
        ("rutland 2018 report compared with its 2024 one on respite", 2018, 2024),
        ("Has Suffolk got any better at portage since the 2018 inspection?", 2018, None),
        ("bolton since the 2019 revisit, better on hydrotherapy?", 2019, None),
    ],
)
def test_a_year_named_with_its_document_is_still_a_year_of_the_comparison(text: str, since, until) -> None:
    q = parse(text)
    assert (q.intent, q.since, q.until) == ("compare", since, until)
    # the revisit named by its year is one end of the comparison, not a filter on every letter
    assert q.kind != "revisit"
    assert not {"revisit", "since", "the", "one"} & {w for c in q.clauses for w in c.topic.split()}


def test_better_since_a_year_compares_but_improve_since_a_year_asks_what_to_do() -> None:
    assert parse("medway since 2019, any better on school transport?").intent == "compare"
    assert parse("what did the 2019 revisit of Medway say about respite?").kind == "revisit"
    assert parse("what should Medway improve on respite since 2019?").intent == "lookup"
