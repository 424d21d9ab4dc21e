"""The answerer over the real bundled index: properties that hold for any question.

No expected answer is written down here. Each test states a property (every letter in
scope is checked, every quote is verbatim, filters restrict, abstentions say why, the
stance model generalises to letters it was not trained on) and checks it against what
the letters' own metadata and text say, so the tests keep meaning something when the
corpus, the model or the thresholds change, and still fail when a property breaks.

The questions are written for these tests, on themes read from the bundled letters
(sensory support, school nursing, home-to-school transport, travel training, housing,
apprenticeships, respite, dental checks); none is a gold question.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pytest

from rag import InputRejected, Library
from rag.areas import known_area_names
from rag.compose import REPHRASE
from rag.regions import region_areas
from rag.stance import StanceModel
from rag.types import Answer, Letter

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def lib(built_store: Path) -> Library:
    return Library.open(built_store)


# ---- helpers ----------------------------------------------------------------------------------
_MARKER_RE = re.compile(r"\[(\d+)\]")
_WORDY_RE = re.compile(r"[^\W_]")


def words(text: str) -> int:
    """Words of an answer without its [n] markers (a token counts if it holds a letter or digit)."""
    return sum(1 for tok in _MARKER_RE.sub(" ", text).split() if _WORDY_RE.search(tok))


def check_citations(lib: Library, a: Answer) -> None:
    """Every citation is a verbatim slice of its letter, with that letter's area, numbered in
    order; every [n] in the text and every finding's citation refers to one of them."""
    for i, c in enumerate(a.citations, start=1):
        assert c.n == i
        assert lib.letter_text(c.letter_id)[c.start:c.end] == c.quote
        assert c.quote.strip()
        assert c.area == lib.letter(c.letter_id).area
    for n in map(int, _MARKER_RE.findall(a.text)):
        assert 1 <= n <= len(a.citations), f"[{n}] in the text has no citation"
    for f in a.findings:
        assert all(1 <= n <= len(a.citations) for n in f.citations)


def check_set(lib: Library, a: Answer, admitted: Iterable[Letter]) -> None:
    """A set or count answer checked exactly the letters its scope admits, one finding each,
    and each 'yes' is backed by a quote from its own letter."""
    ids = {lt.id for lt in admitted}
    assert a.intent in ("set", "count") and not a.abstained
    assert a.coverage.in_scope == a.coverage.checked == len(ids)
    assert sorted(f.letter_id for f in a.findings) == sorted(ids)
    for f in a.findings:
        lt = lib.letter(f.letter_id)
        assert (f.area, f.year) == (lt.area, lt.year)
        assert f.verdict in ("yes", "no", "not_mentioned")
        if f.verdict == "yes":
            assert f.citations, f"'yes' for {f.area} {f.year} without a citation"
            assert all(a.citations[n - 1].letter_id == f.letter_id for n in f.citations)
    assert f"checked {len(ids)} of {len(ids)} letters in scope" in a.text.lower()
    check_citations(lib, a)


def admitted(lib: Library, *, areas: Iterable[str] = (), since: int | None = None,
             until: int | None = None, framework: str | None = None, kind: str | None = None,
             region: str | None = None, exclude: Iterable[str] = (), latest: bool = False) -> list[Letter]:
    """The letters a scope admits, worked out from the letters' metadata alone."""
    areas, exclude = set(areas), set(exclude)
    out = [lt for lt in lib.letters()
           if (not areas or lt.area in areas) and lt.area not in exclude
           and (since is None or (lt.year or 0) >= since) and (until is None or (lt.year or 9999) <= until)
           and (framework is None or lt.framework == framework) and (kind is None or lt.kind == kind)
           and (region is None or lt.area in region_areas(region))]
    if latest:
        newest: dict[str, Letter] = {}
        for lt in out:
            if lt.area not in newest or lt.date > newest[lt.area].date:
                newest[lt.area] = lt
        out = list(newest.values())
    return out


def sentences_of(lib: Library, letter_id: str) -> list[str]:
    si = lib.sentence_index
    return [si.text(int(k)) for k in si.by_letter.get(letter_id, [])]


# ---- set questions: completeness and citations -------------------------------------------------
SET_QUESTIONS = [
    "Which areas were praised for their sensory support?",
    "Where was home-to-school transport criticised?",
    "Which reports mention apprenticeships?",
    "Which councils had problems with housing for young adults?",
    "Which areas were criticised over travel training or over transport?",
    "Which letters say school nurses work well with other services?",
    "How many letters mention dental checks?",
    "How many areas were praised for their sensory support?",
]


@pytest.mark.parametrize("question", SET_QUESTIONS)
def test_a_set_question_checks_every_letter_and_cites_every_yes(lib: Library, question: str) -> None:
    a = lib.ask(question)
    check_set(lib, a, lib.letters())
    assert a.read_as == ""  # a question on its own is read as typed


@pytest.mark.parametrize(
    ("question", "scope"),
    [
        ("Which areas were praised for their sensory support between 2017 and 2019?",
         {"since": 2017, "until": 2019}),
        ("Which 2024 reports mention school nurses?", {"since": 2024, "until": 2024}),
        ("Which joint inspection letters mention housing?", {"framework": "joint_2016"}),
        ("Which north west councils had problems with transport?", {"region": "North West"}),
        ("Which areas in the West Midlands mention respite?", {"region": "West Midlands"}),
        ("Apart from Worcestershire, which areas mention travel training?", {"exclude": ["Worcestershire"]}),
        ("In the newest report for each area, which partnerships mention housing?", {"latest": True}),
        ("Which revisits mention apprenticeships?", {"kind": "revisit"}),
    ],
)
def test_scope_words_restrict_the_letters_checked(lib: Library, question: str, scope: dict) -> None:
    a = lib.ask(question)
    letters = admitted(lib, **scope)
    assert letters, "the scope should admit some letter of the bundled corpus"
    check_set(lib, a, letters)


def test_explicit_filters_override_the_wording(lib: Library) -> None:
    a = lib.ask("Which areas mention housing in 2023?", since=2024, until=2025)
    check_set(lib, a, admitted(lib, since=2024, until=2025))
    a = lib.ask("Which areas were praised for their sensory support?", framework="joint_2016")
    check_set(lib, a, admitted(lib, framework="joint_2016"))
    a = lib.ask("Which areas mention travel training?", areas=["worcestershire", "NOTTINGHAMSHIRE"])
    check_set(lib, a, admitted(lib, areas=["Worcestershire", "Nottinghamshire"]))
    a = lib.ask("Which areas mention travel training?", areas=["dorset"], since=2020)
    check_set(lib, a, admitted(lib, areas=["Dorset"], since=2020))


@pytest.mark.parametrize("phrase", ["apprenticeship", "travel training", "sensory", "housing", "respite", "dental"])
def test_a_mention_question_finds_every_letter_that_uses_the_words(lib: Library, phrase: str) -> None:
    """Completeness: a letter with a sentence holding the very words asked about is a 'yes'."""
    a = lib.ask(f"Which reports mention {phrase}?")
    check_set(lib, a, lib.letters())
    pattern = re.compile(r"\b" + re.escape(phrase), re.I)
    using = {lt.id for lt in lib.letters() if any(pattern.search(s) for s in sentences_of(lib, lt.id))}
    assert using, "the phrase should occur in the bundled letters"
    yes = {f.letter_id for f in a.findings if f.verdict == "yes"}
    missed = sorted(f"{lib.letter(i).area} {lib.letter(i).year}" for i in using - yes)
    assert not missed, f"letters that use {phrase!r} but were not found: {missed}"


@pytest.mark.parametrize("question", [
    "Which letters mention the Eurovision Song Contest?",
    "Which areas were praised for their ice rink?",
    "Which councils were criticised over their ski slopes?",
])
def test_a_topic_no_letter_speaks_to_abstains_saying_what_was_searched(lib: Library, question: str) -> None:
    a = lib.ask(question)
    assert a.intent in ("set", "count") and a.abstained
    assert a.yes_areas == [] and not a.citations
    assert f"searched {len(lib.letters())} letters" in a.text


# ---- outcomes come from the letters table ----------------------------------------------------
@pytest.mark.parametrize(
    ("question", "outcome", "negated"),
    [
        ("Which partnerships had to produce a WSOA?", "wsoa_required", False),
        ("Which councils did not need a written statement of action?", "wsoa_required", True),
        ("Which reports found inconsistent outcomes for children?", "inconsistent", False),
        ("Which areas were found to have systemic failings?", "systemic", False),
        ("How many councils were judged to have positive experiences and outcomes?", "positive", False),
        ("Which areas were not rated positively?", "positive", True),
        ("Which partnerships had failings that were widespread or systemic?", "systemic", False),
        ("How many letters ended without a WSOA?", "wsoa_required", True),
    ],
)
def test_outcome_questions_match_the_letters_table(lib: Library, question: str, outcome: str,
                                                   negated: bool) -> None:
    a = lib.ask(question)
    check_set(lib, a, lib.letters())
    want = {lt.id for lt in lib.letters() if (lt.outcome == outcome) != negated}
    assert {f.letter_id for f in a.findings if f.verdict == "yes"} == want
    if a.intent == "count" and a.filters["count_unit"] == "documents":
        assert f"**{len(want)} of the {len(lib.letters())} documents**" in a.text
    elif a.intent == "count":
        n = len({lib.letter(i).area for i in want})
        assert f"**{n} area{'s' if n != 1 else ''}**" in a.text


# ---- lookups -------------------------------------------------------------------------------------
LOOKUPS = [
    ("What did inspectors say about school nurses in Greenwich?", "Greenwich"),
    ("What did the Trafford report say about housing?", "Trafford"),
    ("What does the Bury report say about home-to-school transport?", "Bury"),
    ("What did Worcestershire's 2018 letter say about travel training?", "Worcestershire"),
    ("What is Durham doing about sensory spaces?", "Durham"),
    ("What did the 2019 Dudley letter say about hearing impairment?", "Dudley"),
    ("What did the Dorset 2017 letter say about dental care?", "Dorset"),
    ("How are apprenticeships used in Greenwich's therapy teams?", "Greenwich"),
    ("How does Nottinghamshire's travel training help young people?", "Nottinghamshire"),
    ("What did the Medway report say about transitions between schools?", "Medway"),
    ("Who was the lead inspector for Bolton?", "Bolton"),
]


@pytest.mark.parametrize(("question", "area"), LOOKUPS)
def test_a_lookup_is_short_cited_and_about_its_area(lib: Library, question: str, area: str) -> None:
    a = lib.ask(question)
    assert a.intent == "lookup" and not a.abstained and a.citations
    check_citations(lib, a)
    assert {c.area for c in a.citations} == {area}
    assert words(a.text) <= 100, f"{words(a.text)} words"  # rag/lookup.py MAX_WORDS


def test_the_median_lookup_answer_is_under_80_words(lib: Library) -> None:
    """Issue 9's bar: a person reads a lookup's answer in seconds."""
    lengths = sorted(words(lib.ask(q).text) for q, _ in LOOKUPS)
    assert lengths[len(lengths) // 2] <= 80, lengths


def test_metadata_lookups_state_the_fact_and_cite_where_it_is_said(lib: Library) -> None:
    single = [lt for lt in lib.letters() if [x.area for x in lib.letters()].count(lt.area) == 1]
    assert len(single) >= 5
    for lt in single:
        if lt.lead_inspector:
            a = lib.ask(f"Who was the lead inspector for {lt.area}?")
            check_citations(lib, a)
            assert lt.lead_inspector in a.text
            assert any(lt.lead_inspector in c.quote for c in a.citations)
        if lt.inspection_start:
            a = lib.ask(f"On what dates was {lt.area} inspected?")
            check_citations(lib, a)
            assert lt.dates_label() in a.text
            assert any(c.letter_id == lt.id for c in a.citations)


def test_a_comparison_over_time_lists_the_areas_letters_in_date_order(lib: Library) -> None:
    multi = sorted({lt.area for lt in lib.letters() if [x.area for x in lib.letters()].count(lt.area) >= 2})
    assert multi
    for area in multi:
        a = lib.ask(f"How has {area}'s approach to housing changed?")
        assert a.intent == "compare" and not a.abstained, area
        check_citations(lib, a)
        years = [int(y) for y in re.findall(r"\*\*" + re.escape(area) + r" \((\d{4})", a.text)]
        assert years == sorted(lt.year for lt in lib.letters() if lt.area == area), area
        assert {c.area for c in a.citations} == {area}


# ---- abstention ----------------------------------------------------------------------------------
def test_a_wordless_question_asks_for_a_rephrase(lib: Library) -> None:
    for q in ("?!?!", "...  ???", "-- !! --"):
        a = lib.ask(q)
        assert a.abstained and a.text == REPHRASE, q
        assert not a.citations and not a.findings


def test_an_area_not_in_the_collection_abstains_and_names_it(lib: Library) -> None:
    held = set(lib.areas())
    others = sorted(set(known_area_names().values()) - held)[:6]
    assert others
    for area in others:
        for q in (f"What did the {area} report say about housing?",
                  f"Which areas in {area} were praised for their sensory support?"):
            a = lib.ask(q)
            assert a.abstained and not a.citations and not a.findings, q
            assert area in a.text, q


def test_an_explicit_area_filter_not_in_the_collection_says_so(lib: Library) -> None:
    a = lib.ask("Which areas mention housing?", areas=["Norfolk"])
    assert a.abstained and not a.citations and not a.findings
    assert "Norfolk" in a.text and not re.search(r"letters from\s*[.(]", a.text)


def test_a_year_the_area_has_no_letter_for_abstains_and_names_its_years(lib: Library) -> None:
    for area in lib.areas():
        years = sorted({lt.year for lt in lib.letters() if lt.area == area})
        missing = next(y for y in range(2016, 2027) if y not in years)
        a = lib.ask(f"In {missing}, what did inspectors of {area} write about housing?")
        assert a.abstained and not a.citations and not a.findings, area
        assert area in a.text
        for y in years:
            assert str(y) in a.text, (area, y)


def test_bad_questions_are_refused(lib: Library) -> None:
    with pytest.raises(InputRejected, match="limit"):
        lib.ask("y" * (lib.settings.answer.max_question_chars + 1))
    with pytest.raises(InputRejected, match="empty"):
        lib.ask(" \n\t ")


# ---- follow-ups ------------------------------------------------------------------------------
FIRST = "Which areas were praised for their sensory support?"


def test_a_follow_up_with_a_new_area_is_read_as_the_earlier_question(lib: Library) -> None:
    a = lib.ask("how about Trafford?", history=[FIRST])
    assert a.read_as and "Trafford" in a.read_as and f"Read as: {a.read_as}" in a.text
    check_set(lib, a, admitted(lib, areas=["Trafford"]))


def test_a_follow_up_with_a_region_keeps_the_topic(lib: Library) -> None:
    first = "Where was home-to-school transport criticised?"
    a = lib.ask("and in the north west?", history=[first])
    assert a.read_as and "North West" in a.read_as
    check_set(lib, a, admitted(lib, region="North West"))
    before = {f.letter_id: f.verdict for f in lib.ask(first).findings}
    assert all(before[f.letter_id] == f.verdict for f in a.findings)  # same question, narrower scope


def test_of_those_narrows_to_the_earlier_yes_areas(lib: Library) -> None:
    prev = lib.ask(FIRST)
    assert prev.yes_areas
    a = lib.ask("which of them had their inspection in 2024?", history=[FIRST])
    assert a.read_as and "of those" in a.read_as
    check_set(lib, a, admitted(lib, areas=prev.yes_areas, since=2024, until=2024))
    assert set(a.yes_areas) <= set(prev.yes_areas)


@pytest.mark.parametrize("question", [
    "how many of them are there?",
    "so how many are there?",
    "so how many areas is that?",
])
def test_a_count_follow_up_counts_the_earlier_answer(lib: Library, question: str) -> None:
    prev = lib.ask(FIRST)
    a = lib.ask(question, history=[FIRST])
    assert a.intent == "count" and a.read_as and FIRST in a.read_as
    n = len(prev.yes_areas)
    assert f"**{n} area{'s' if n != 1 else ''}**" in a.text
    assert a.yes_areas == prev.yes_areas
    check_citations(lib, a)


def test_a_pronoun_follow_up_keeps_the_earlier_area(lib: Library) -> None:
    a = lib.ask("what did they say about school nurses?", history=["What did the Trafford report say about housing?"])
    assert not a.abstained and a.read_as
    check_citations(lib, a)
    assert {c.area for c in a.citations} == {"Trafford"}


# ---- retrieval -------------------------------------------------------------------------------
RETRIEVE_FILTERS = [
    {"since": 2024},
    {"until": 2019},
    {"since": 2023, "until": 2023},
    {"framework": "joint_2016"},
    {"framework": "area_2023", "since": 2024},
    {"areas": ["trafford"]},
    {"areas": ["Dudley", "Bury"], "until": 2019},
]


def _admits(lt: Letter, f: dict) -> bool:
    areas = {a.lower() for a in f.get("areas", [])}
    return ((not areas or lt.area.lower() in areas)
            and (f.get("since") is None or lt.year >= f["since"])
            and (f.get("until") is None or lt.year <= f["until"])
            and (f.get("framework") is None or lt.framework == f["framework"]))


@pytest.mark.parametrize("filters", RETRIEVE_FILTERS)
def test_retrieve_returns_verbatim_passages_from_the_scope_only(lib: Library, filters: dict) -> None:
    for k in (1, 6):
        ps = lib.retrieve("help with transport and travel to school", k=k, **filters)
        assert 0 < len(ps) <= k
        for p in ps:
            lt = lib.letter(p.letter_id)
            assert _admits(lt, filters), (filters, lt.area, lt.year)
            assert p.area == lt.area
            assert lib.letter_text(p.letter_id)[p.start:p.end] == p.text


@pytest.mark.parametrize("filters", RETRIEVE_FILTERS)
def test_as_retriever_returns_nodes_from_the_scope_only(lib: Library, filters: dict) -> None:
    from llama_index.core.base.base_retriever import BaseRetriever

    r = lib.as_retriever(k=4, **filters)
    assert isinstance(r, BaseRetriever)
    nodes = r.retrieve("sensory support for young children")
    assert 0 < len(nodes) <= 4
    for n in nodes:
        md = n.node.metadata
        lt = lib.letter(md["letter_id"])
        assert _admits(lt, filters) and md["area"] == lt.area
        assert lib.letter_text(lt.id)[md["start"]:md["end"]] == n.node.get_content()


def test_retrieve_for_an_area_not_in_the_collection_is_empty(lib: Library) -> None:
    assert lib.retrieve("housing", k=5, areas=["Norfolk"]) == []


# ---- the learnt stance model -----------------------------------------------------------------
@pytest.mark.parametrize("fold", range(5))
def test_stance_learnt_on_20_letters_reads_the_other_5(lib: Library, fold: int) -> None:
    """Train on the sentences of 20 letters (headings as weak labels); on the strength and
    weakness sentences of the 5 held-out letters the sign of the logit agrees with the
    heading at least 70% of the time."""
    si = lib.sentence_index
    ids = sorted(si.by_letter)
    assert len(ids) == 25
    held = set(ids[fold::5])
    train = np.concatenate([si.by_letter[i] for i in ids if i not in held])
    test = np.concatenate([si.by_letter[i] for i in ids if i in held])
    stance = [si.passages[int(p)].stance for p in si.pidx]
    model = StanceModel.from_sections(si.vecs[train], [stance[int(k)] for k in train],
                                      [si.text(int(k)) for k in train])
    assert model.trained_on > 500
    labelled = np.array([int(k) for k in test if stance[int(k)] in ("strength", "weakness")])
    assert len(labelled) >= 100
    critical = np.array([stance[k] == "weakness" for k in labelled])
    predicted = model.logit(si.vecs[labelled]) > 0
    accuracy = float((predicted == critical).mean())
    assert accuracy >= 0.7, f"fold {fold}: {accuracy:.3f} on {len(labelled)} sentences"
    majority = max(critical.mean(), 1 - critical.mean())
    assert accuracy > majority + 0.1  # better than always saying the commoner heading


# ---- the JSON shape ------------------------------------------------------------------------------
def test_answer_json_shape(lib: Library) -> None:
    d = lib.ask("Which areas were praised for their sensory support?").to_dict()
    assert {"answer", "abstained", "coverage", "findings", "citations", "timings_ms", "read_as"} <= set(d)
    assert set(d["coverage"]) == {"in_scope", "checked"}
    assert {"area", "letter_id", "year", "verdict", "citations", "reason"} <= set(d["findings"][0])
    assert {"n", "letter_id", "area", "inspection_start", "inspection_end", "section", "quote",
            "start", "end"} <= set(d["citations"][0])
