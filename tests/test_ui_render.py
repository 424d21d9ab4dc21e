"""Fast tests of the UI's pure render functions, with hand-made answers and letters."""

from __future__ import annotations

import csv
import dataclasses
import io

from ui_fakes import (
    DMO_QUOTE,
    EVIL,
    WORCS_LETTER,
    WORCS_PASSAGES,
    WORCS_TEXT,
    dmo_answer,
    evil_answer,
)

from ui.reader import letter_choices, letters_rows, reader_html
from ui.render import (
    CSV_COLUMNS,
    answer_csv,
    answer_markdown,
    chat_markdown,
    evidence_html,
    filters_label,
    findings_rows,
    highlight,
)

RAW_TAGS = ("<script", "<img", "<b>", "<svg")


def _no_raw_html(s: str) -> None:
    for tag in RAW_TAGS:
        assert tag not in s, f"{tag!r} left unescaped"


def test_evidence_escapes_letter_and_user_text():
    answer = evil_answer()
    html = evidence_html(answer, {p.id: p for p in WORCS_PASSAGES})
    _no_raw_html(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "What did parents say? &lt;b&gt;bold&lt;/b&gt;" in html


def test_evidence_escapes_metadata_fields():
    c = dataclasses.replace(evil_answer().citations[0], area="<i>x</i>", section='"><svg onload=1>')
    answer = dataclasses.replace(evil_answer(), citations=(c,))
    html = evidence_html(answer, {})
    assert "<i>x</i>" not in html and "<svg" not in html
    assert "&lt;i&gt;x&lt;/i&gt;" in html


def test_evidence_highlights_quote_inside_its_passage():
    html = evidence_html(dmo_answer(), {p.id: p for p in WORCS_PASSAGES})
    assert f'<mark class="sq-hl">{DMO_QUOTE}</mark>' in html
    assert "Leaders know this is a gap." in html  # the rest of the passage is shown
    assert "Worcestershire" in html and "5 March 2018 to 9 March 2018" in html
    assert "Main findings" in html and "2016-2022 framework" in html


def test_evidence_without_passage_shows_the_quote_alone():
    html = evidence_html(dmo_answer(), {})
    assert f'<mark class="sq-hl">{DMO_QUOTE}</mark>' in html


def test_evidence_quote_found_by_text_when_offsets_disagree():
    c = dataclasses.replace(dmo_answer().citations[0], start=0, end=5)
    answer = dataclasses.replace(dmo_answer(), citations=(c,))
    html = evidence_html(answer, {p.id: p for p in WORCS_PASSAGES})
    assert f'<mark class="sq-hl">{DMO_QUOTE}</mark>' in html


def test_findings_table_and_coverage_for_set_answers():
    answer = dmo_answer()
    rows = findings_rows(answer)
    assert rows[0][:3] == ["Worcestershire", "2018", "yes"]
    assert DMO_QUOTE in rows[0][3] and rows[0][3].startswith("[1]")
    assert rows[1] == ["Dorset", "2017", "no", "a DMO is in post"]
    html = evidence_html(answer, {})
    assert "checked 2 of 2 letters in scope" in html
    assert '<table class="sq-findings">' in html and "<th>Verdict</th>" in html


def test_lookup_answer_has_no_findings_table():
    html = evidence_html(evil_answer(), {})
    assert "sq-findings" not in html and "letters in scope" not in html


def test_abstained_answer_says_so():
    answer = dataclasses.replace(evil_answer(), abstained=True, citations=(), text="Not found.")
    assert "No passage in the letters in scope answers this." in evidence_html(answer, {})


def test_empty_evidence_panel():
    assert "Ask a question" in evidence_html(None)


def test_filters_label():
    assert filters_label({}) == "none (all letters)"
    label = filters_label({"areas": ["Dudley", "Dorset"], "since": 2018, "until": 2019,
                           "framework": "joint_2016"})
    assert label == ("areas: Dudley, Dorset; years: 2018-2019; framework: joint local area "
                     "SEND inspection (2016-2022 framework)")
    assert filters_label({"since": 2023}) == "years: 2023 onwards"
    assert filters_label({"until": 2019, "since": 2019}) == "year: 2019"
    assert filters_label({"kind": "revisit", "areas": None, "terms": ["dmo"],
                          "polarity": "lack"}) == "kind: revisit"
    assert filters_label({"outcome": "systemic"}) == (
        "outcome: widespread and/or systemic failings")


def test_evidence_shows_filters():
    html = evidence_html(dmo_answer(), {}, {"areas": ["<Dudley>"]})
    assert "areas: &lt;Dudley&gt;" in html


def test_chat_markdown_escapes_html_and_shows_filters_and_coverage():
    md = chat_markdown(evil_answer(), {"since": 2018})
    _no_raw_html(md)
    assert "&lt;script>alert(1)&lt;/script>" in md and "[1]" in md
    assert "**Filters:** years: 2018 onwards" in md
    assert "checked 2 of 2 letters in scope" in chat_markdown(dmo_answer(), {})
    already = dataclasses.replace(dmo_answer(), text="Worcestershire [1].\n\n_Checked 2 of 2 letters in scope._")
    assert chat_markdown(already, {}).lower().count("checked 2 of 2") == 1


def test_csv_rows_parse_back():
    rows = list(csv.DictReader(io.StringIO(answer_csv(dmo_answer()))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[0]["area"] == "Worcestershire" and rows[0]["verdict"] == "yes"
    assert rows[0]["quote"] == DMO_QUOTE and rows[0]["n"] == "1"
    assert rows[0]["inspection_start"] == "2018-03-05" and rows[0]["letter_id"] == "worcs-2018"
    assert WORCS_TEXT[int(rows[0]["start"]):int(rows[0]["end"])] == DMO_QUOTE
    assert rows[1]["area"] == "Dorset" and rows[1]["verdict"] == "no" and rows[1]["n"] == ""


def test_csv_lookup_rows_and_formula_guard():
    answer = evil_answer()
    c = dataclasses.replace(answer.citations[0], quote="=HYPERLINK(\"http://x\")")
    rows = list(csv.DictReader(io.StringIO(answer_csv(dataclasses.replace(answer, citations=(c,))))))
    assert len(rows) == 1 and rows[0]["year"] == "2018" and rows[0]["verdict"] == ""
    assert rows[0]["quote"].startswith("'=")


def test_markdown_download():
    md = answer_markdown(dmo_answer(), {"areas": ["Worcestershire"]})
    assert md.startswith("# Which areas lacked a DMO?\n")
    assert "Filters: areas: Worcestershire" in md and "Coverage: checked 2 of 2" in md
    assert "| Worcestershire | 2018 | yes |" in md
    assert f"> {DMO_QUOTE}" in md and "[1] Worcestershire, 5 March 2018 to 9 March 2018" in md
    _no_raw_html(answer_markdown(evil_answer()))


def test_markdown_table_cells_escape_pipes():
    f = dataclasses.replace(dmo_answer().findings[1], reason="a | b")
    md = answer_markdown(dataclasses.replace(dmo_answer(), findings=(f,)))
    assert "a \\| b" in md


def test_highlight_trims_long_context():
    text = "x" * 2000 + "QUOTE" + "y" * 2000
    out = highlight(text, 2000, 2005, context=10)
    assert out == "\u2026" + "x" * 10 + '<mark class="sq-hl">QUOTE</mark>' + "y" * 10 + "\u2026"


def test_reader_shows_sections_and_escapes():
    html = reader_html(WORCS_LETTER, WORCS_TEXT, WORCS_PASSAGES)
    _no_raw_html(html)
    assert '<h4 class="sq-section">Main findings</h4>' in html
    assert '<h4 class="sq-section">Areas for development</h4>' in html
    assert html.count("sq-section") == 2  # heading lines in the text are not repeated
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Letter heading" in html and "sq-hl" not in html


def test_reader_highlights_cited_span():
    c = evil_answer().citations[0]
    html = reader_html(WORCS_LETTER, WORCS_TEXT, WORCS_PASSAGES, (c.start, c.end))
    assert f'<mark class="sq-hl" id="sq-hl">Parents said {EVIL.replace("<", "&lt;").replace(">", "&gt;")}' in html
    assert html.count('id="sq-hl"') == 1


def test_reader_highlight_in_the_heading_opens_it():
    html = reader_html(WORCS_LETTER, WORCS_TEXT, WORCS_PASSAGES, (0, 10))
    assert '<details class="sq-preamble" open>' in html and 'id="sq-hl"' in html


def test_reader_without_passages_shows_whole_text():
    html = reader_html(WORCS_LETTER, WORCS_TEXT, [])
    assert "200 children were waiting" in html and "&lt;script&gt;" in html


def test_letters_table_and_choices():
    rows = letters_rows([WORCS_LETTER])
    assert rows == [["Worcestershire", "2016-2022 joint", "inspection",
                     "written statement of action required", "2018-03-05", "2018-03-09",
                     "2018-05-02", 3, "worcs-2018"]]
    assert letter_choices([WORCS_LETTER]) == [
        ("Worcestershire \u2014 5 March 2018 to 9 March 2018 (inspection)", "worcs-2018")]


def test_citation_without_passage_id_uses_the_covering_passage():
    c = dataclasses.replace(dmo_answer().citations[0], passage_id="")
    html = evidence_html(dataclasses.replace(dmo_answer(), citations=(c,)),
                         {p.id: p for p in WORCS_PASSAGES})
    assert "Leaders know this is a gap." in html and f"{DMO_QUOTE}</mark>" in html


def test_findings_sorted_yes_first_and_blank_repeated_verdicts():
    from rag.types import Finding

    nm = Finding("Bolton", "b", 2024, "not_mentioned", (), "not mentioned")
    answer = dataclasses.replace(dmo_answer(), findings=(nm,) + dmo_answer().findings)
    assert [r[0] for r in findings_rows(answer)] == ["Worcestershire", "Dorset", "Bolton"]
    assert findings_rows(answer)[2] == ["Bolton", "2024", "not mentioned", ""]


def test_chat_markdown_keeps_block_quotes():
    answer = dataclasses.replace(evil_answer(), text="> a quote & more <b>")
    assert chat_markdown(answer, {}).startswith("> a quote &amp; more &lt;b>")
