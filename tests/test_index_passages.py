"""Passages of every bundled document, and property tests of the section chunker."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.parse import ParsedLetter, parse_file
from index.passages import Chunk, chunk_section, split_long
from index.sections import Para, Section, paragraphs, split_sections
from rag.settings import ChunkSettings

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "corpus"
DOCS = sorted(str(p.relative_to(DATA)) for p in DATA.rglob("*") if p.suffix in (".txt", ".pdf"))
CHUNK = ChunkSettings()
_SENTENCE_END = re.compile(r"[.!?;]\s+(?=[A-Z\"'(\d])")


@cache
def parsed(name: str) -> ParsedLetter:
    return parse_file(DATA / name)


def test_there_are_25_documents():
    assert len(DOCS) == 25


def _section_of(sections: list[Section], start: int, end: int) -> int | None:
    for i, s in enumerate(sections):
        if s.paras[0].start <= start and end <= s.paras[-1].end:
            return i
    return None


@pytest.mark.parametrize("name", DOCS)
def test_passage_text_is_its_span_of_the_canonical_text(name: str):
    pl = parsed(name)
    assert pl.passages
    for p in pl.passages:
        assert p.text == pl.text[p.start: p.end]
        assert p.letter_id == pl.letter.id
        assert p.area == pl.letter.area
    ids = [p.id for p in pl.passages]
    assert len(set(ids)) == len(ids)
    assert len(pl.passages) == pl.letter.passages
    # in order, never overlapping
    for a, b in zip(pl.passages, pl.passages[1:], strict=False):
        assert a.end <= b.start


@pytest.mark.parametrize("name", DOCS)
def test_no_passage_crosses_a_section(name: str):
    pl = parsed(name)
    sections = split_sections(pl.text, kind=pl.letter.kind)
    for p in pl.passages:
        i = _section_of(sections, p.start, p.end)
        assert i is not None, f"{p.id} ({p.section}) spans two sections: {p.text[:80]!r}"
        assert sections[i].path == p.section
        assert sections[i].stance == p.stance


@pytest.mark.parametrize("name", DOCS)
def test_passage_lengths(name: str):
    """1..max_words words, with real words in it; over max_words only as one long sentence."""
    pl = parsed(name)
    for p in pl.passages:
        n = len(p.text.split())
        assert re.search(r"[A-Za-z0-9]{2,}", p.text), f"{p.id} has no words: {p.text!r}"
        assert 1 <= n <= 300
        if n > CHUNK.max_words:
            assert not _SENTENCE_END.search(p.text), f"{p.id}: {n} words over several sentences"


@pytest.mark.parametrize("name", DOCS)
def test_short_passages_are_merged_when_they_fit(name: str):
    """A passage under min_words is followed in its section only by what would not fit."""
    pl = parsed(name)
    sections = split_sections(pl.text, kind=pl.letter.kind)
    ps = pl.passages
    for a, b in zip(ps, ps[1:], strict=False):
        if _section_of(sections, a.start, a.end) != _section_of(sections, b.start, b.end):
            continue
        if len(a.text.split()) < CHUNK.min_words:
            together = len(pl.text[a.start: b.end].split())
            assert together > CHUNK.max_words, f"{a.id} ({len(a.text.split())} words) not merged"


_REPORT_SECTIONS = [
    "Inspection outcome", "Information about the local area partnership",
    "What is it like to be a child or young person with SEND",
    "What is the area partnership doing that is effective",
    "What does the area partnership need to do better", "Areas for improvement",
    "Local area partnership details", "Inspection team",
]
_JOINT_SECTIONS = [
    "Main findings", "Identifying needs > Strengths", "Assessing and meeting needs > Strengths",
    "Improving outcomes > Strengths", "Significant weaknesses", "Sign-off",
]


@pytest.mark.parametrize("name", DOCS)
def test_documents_split_into_their_own_sections(name: str):
    """The templated headings are all found, in the documents' order."""
    pl = parsed(name)
    order = list(dict.fromkeys(p.section for p in pl.passages))
    if pl.letter.framework == "area_2023":
        expected = list(_REPORT_SECTIONS)
        if pl.letter.outcome == "systemic":
            expected.insert(5, "Areas for priority action")
        assert [s for s in order if s != "Introduction"] == expected
        stances = {p.section: p.stance for p in pl.passages}
        assert stances["What is the area partnership doing that is effective"] == "strength"
        assert stances["What does the area partnership need to do better"] == "weakness"
    elif pl.letter.kind == "revisit":
        blocks = [s for s in order if s.startswith("Main findings > Weakness: ")]
        assert len(blocks) == 5  # the five weaknesses of Sandwell's written statement of action
    else:
        assert [s for s in order if s in _JOINT_SECTIONS] == _JOINT_SECTIONS
        for area in ("Identifying needs", "Assessing and meeting needs", "Improving outcomes"):
            weak = [s for s in order if s.startswith(area + " > Areas for")]
            assert len(weak) == 1, (area, order)


_FOOTER_LINE_RES = (
    re.compile(r"^(?:Area SEND )?(?:inspection|monitoring)[^\n]{0,40}report:", re.I),
    re.compile(r"^\d{1,3}$"),
    re.compile(r"^Page \d+(?: of \d+)?$", re.I),
    re.compile(r"intentionally left blank", re.I),
    # the running footer's second line, "12 to 16 February 2024 3": the dates and a page number
    re.compile(r"^\d{1,2}(?: \w+)?(?: \d{4})? to \d{1,2} \w+ \d{4} \d{1,3}\b"),
)


@pytest.mark.parametrize("name", DOCS)
def test_no_page_footer_survives(name: str):
    pl = parsed(name)
    bad = [line for line in pl.text.split("\n") if any(r.search(line.strip()) for r in _FOOTER_LINE_RES)]
    assert bad == []
    for p in pl.passages:
        assert "inspection report:" not in p.text.lower(), p.id
        assert "intentionally left blank" not in p.text.lower(), p.id


@pytest.mark.parametrize("name", DOCS)
def test_straight_quotes_only(name: str):
    pl = parsed(name)
    for ch in "\u2018\u2019\u201c\u201d":
        assert ch not in pl.text
        assert not any(ch in p.text for p in pl.passages)


def test_footers_exist_in_the_raw_pdfs():
    """Guard for the footer test: the raw text has footers for the cleaner to remove."""
    from index.load import load_text

    raw, _ = load_text(DATA / "reports/bolton_30-august-2024.pdf")
    assert "Area SEND inspection report: Bolton Local Area Partnership" in raw
    assert "\u2019" in raw


# ---- property tests of chunk_section / split_long ----------------------------------------

_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)


@st.composite
def sentence(draw, max_len: int = 40) -> str:
    words = draw(st.lists(_WORD, min_size=1, max_size=max_len))
    first = words[0].capitalize()
    end = draw(st.sampled_from([".", ".", ".", "?", "!"]))
    return " ".join([first, *words[1:]]) + end


@st.composite
def paragraph(draw) -> tuple[str, list[str], bool]:
    """(paragraph text, its sentences, is a bullet)."""
    sents = draw(st.lists(sentence(), min_size=1, max_size=6))
    bullet = draw(st.booleans())
    lead_in = not bullet and draw(st.booleans())
    if lead_in:  # a sentence that introduces a list
        sents[-1] = sents[-1][:-1] + ":"
    body = " ".join(sents)
    return (f"- {body}" if bullet else body), sents, bullet


@st.composite
def section_text(draw) -> tuple[str, list[tuple[str, list[str], bool]]]:
    paras = draw(st.lists(paragraph(), min_size=1, max_size=8))
    pad = draw(st.sampled_from(["", "Heading\n", "Some text before.\nHeading\n"]))
    return pad + "\n".join(p[0] for p in paras) + "\n", paras


def _make_section(text: str, pad_paras: int) -> Section:
    paras = paragraphs(text)[pad_paras:]
    return Section("Test", "neutral", tuple(paras))


def _check_cover(text: str, section: Section, spans: list[tuple[int, int]]) -> None:
    """The spans cover the section's text exactly once, in order: only whitespace between."""
    lo, hi = section.paras[0].start, section.paras[-1].end
    assert spans, "no chunks"
    assert spans[0][0] == lo and spans[-1][1] == hi
    for s, e in spans:
        assert lo <= s < e <= hi
        assert text[s:e] == text[s:e].strip()
    for (_, e1), (s2, _) in zip(spans, spans[1:], strict=False):
        assert e1 <= s2
        assert text[e1:s2].strip() == ""


@given(data=section_text(), min_words=st.integers(1, 60), max_words=st.integers(3, 80))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_chunk_section_properties(data, min_words: int, max_words: int):
    text, paras = data
    pad_paras = len(paragraphs(text)) - len(paras)
    section = _make_section(text, pad_paras)
    chunks = chunk_section(text, section, min_words=min_words, max_words=max_words)
    assert all(isinstance(c, Chunk) and c.section == "Test" for c in chunks)
    _check_cover(text, section, [(c.start, c.end) for c in chunks])

    sentences = [s for _, sents, _ in paras for s in sents]
    for c in chunks:
        piece = text[c.start: c.end]
        if len(piece.split()) > max_words:
            # only a single sentence longer than max_words may exceed it
            assert any(piece.lstrip("- ") == s for s in sentences), piece
    # bullets (and any paragraph) of at most max_words are never split
    for p, (ptext, _, _) in zip(section.paras, paras, strict=True):
        assert text[p.start: p.end] == ptext
        if len(ptext.split()) <= max_words:
            assert any(c.start <= p.start and p.end <= c.end for c in chunks), ptext


@given(data=section_text(), max_words=st.integers(3, 80))
@settings(max_examples=200, deadline=None)
def test_split_long_properties(data, max_words: int):
    text, paras = data
    pad_paras = len(paragraphs(text)) - len(paras)
    for p, (_, sents, _) in zip(paragraphs(text)[pad_paras:], paras, strict=True):
        pieces = split_long(text, p, max_words)
        _check_cover(text, Section("P", "neutral", (p,)), [(q.start, q.end) for q in pieces])
        for q in pieces:
            piece = text[q.start: q.end]
            if len(piece.split()) > max_words:
                assert any(piece.lstrip("- ") == s for s in sents), piece
        # cut only at sentence ends
        for q in pieces[1:]:
            assert text[q.start - 1] == " " and text[q.start - 2] in ".!?"


def test_split_long_leaves_a_short_paragraph_whole():
    text = "One two three. Four five six."
    assert split_long(text, Para(0, len(text)), 10) == [Para(0, len(text))]


def test_split_long_cuts_at_sentence_ends():
    text = "Aa bb cc dd. Ee ff gg hh. Ii jj kk ll."
    pieces = split_long(text, Para(0, len(text)), 8)
    assert [text[q.start: q.end] for q in pieces] == ["Aa bb cc dd. Ee ff gg hh.", "Ii jj kk ll."]


def test_a_list_stays_with_its_lead_in():
    text = "Leaders should:\n- improve plans\n- share information\nAnother paragraph here that is long enough."
    section = Section("S", "weakness", tuple(paragraphs(text)))
    chunks = chunk_section(text, section, min_words=1, max_words=50)
    assert text[chunks[0].start: chunks[0].end] == "Leaders should:\n- improve plans\n- share information"


def test_a_revisit_block_takes_the_stance_of_its_own_verdict() -> None:
    from index.sections import split_sections
    text = "\n".join([
        "Main findings",
        "◼ Families wait too long for portage visits.",
        "Portage visits now start within four weeks of referral.",
        "The local area has made sufficient progress to improve this previous area of weakness.",
        "◼ Short breaks are too few.",
        "Too few families still receive short breaks.",
        "The local area has not made sufficient progress to improve this previous area of weakness.",
    ]) + "\n"
    secs = split_sections(text, kind="revisit")
    said = [(text[s.paras[0].start: s.paras[0].end][:14], s.stance) for s in secs if s.path != "Introduction"]
    assert said == [("◼ Families wai", "neutral"), ("Portage visits", "strength"),
                    ("◼ Short breaks", "neutral"), ("Too few famili", "weakness")]
    # an inspection letter's sections are left as their headings say
    assert all(s.stance == "neutral" for s in split_sections(text, kind="inspection"))
