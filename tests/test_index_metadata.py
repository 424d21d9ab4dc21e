"""Metadata of the 25 bundled documents, against values read by hand from each document.

The table below was filled in by reading each document's own text (pypdfium2's text
layer for the PDFs), not by copying program output: title line for area and kind,
"Between ..." / "Inspection dates:" for the dates, the date line above the title for
the letter date (the 2023+ reports carry none in their text), the outcome sentence,
and the lead inspector named in the sign-off or the inspection team (Ofsted's lead for
the reports). If the parser disagrees, the table is right and the test fails.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest

from index.parse import parse_file
from rag.errors import InputRejected

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "corpus"
D = dt.date

# file: (area, framework, kind, outcome, inspection_start, inspection_end, letter_date, lead)
EXPECTED: dict[str, tuple] = {
    # 2016-2022 joint inspection letters (.txt)
    "letters/000_f8b4fa57ad0f3ef7.txt": (
        "Dudley", "joint_2016", "inspection", "wsoa_required",
        D(2019, 5, 20), D(2019, 5, 24), D(2019, 7, 8), "Simon Mosley"),
    "letters/001_4fa8cf1e7f4e62df.txt": (
        "Worcestershire", "joint_2016", "inspection", "wsoa_required",
        D(2018, 3, 5), D(2018, 3, 9), D(2018, 5, 3), "Deb Jenkins"),
    "letters/002_98d65fbe494eecc2.txt": (
        "Sandwell", "joint_2016", "revisit", "sufficient_progress",
        D(2019, 3, 18), D(2019, 3, 21), D(2019, 4, 29), "Simon Mosley"),
    "letters/003_ea5a9c4133cc4d15.txt": (
        "Wolverhampton", "joint_2016", "inspection", "wsoa_required",
        D(2021, 9, 20), D(2021, 9, 24), D(2021, 10, 28), "Chris Pollitt"),
    "letters/004_fd290817a16b6d19.txt": (
        "Dorset", "joint_2016", "inspection", "wsoa_required",
        D(2017, 1, 23), D(2017, 1, 27), D(2017, 3, 16), "Catherine Leahy"),
    # 2023+ area SEND inspection reports (.pdf): no letter date in the text
    "reports/bolton_30-august-2024.pdf": (
        "Bolton", "area_2023", "inspection", "positive",
        D(2024, 6, 17), D(2024, 6, 21), None, "Sue Eastwood"),
    "reports/bury_07-may-2024.pdf": (
        "Bury", "area_2023", "inspection", "systemic",
        D(2024, 2, 12), D(2024, 2, 16), None, "Adam Sproston"),
    "reports/cornwall_05-may-2023.pdf": (
        "Cornwall", "area_2023", "inspection", "inconsistent",
        D(2023, 2, 6), D(2023, 2, 10), None, "Leanne Thirlby"),
    "reports/derbyshire_14-november-2024.pdf": (
        "Derbyshire", "area_2023", "inspection", "systemic",
        D(2024, 9, 23), D(2024, 9, 27), None, "Dave Gilkerson"),
    "reports/dorset_15-may-2024.pdf": (
        "Dorset", "area_2023", "inspection", "positive",
        D(2024, 3, 11), D(2024, 3, 15), None, "Leanne Thirlby"),
    "reports/dudley_11-march-2025.pdf": (
        "Dudley", "area_2023", "inspection", "inconsistent",
        D(2025, 1, 20), D(2025, 1, 24), None, "Gareth Morgan"),
    "reports/durham_03-september-2024.pdf": (
        "Durham", "area_2023", "inspection", "inconsistent",
        D(2024, 6, 24), D(2024, 6, 28), None, "David Mills"),
    "reports/greenwich_11-july-2023.pdf": (
        "Greenwich", "area_2023", "inspection", "positive",
        D(2023, 5, 11), D(2023, 5, 19), None, "Gaynor Roberts"),
    "reports/hertfordshire_10-november-2023.pdf": (
        "Hertfordshire", "area_2023", "inspection", "systemic",
        D(2023, 7, 10), D(2023, 7, 14), None, "Katherine Douglas"),
    "reports/lewisham_20-november-2024.pdf": (
        "Lewisham", "area_2023", "inspection", "inconsistent",
        D(2024, 9, 23), D(2024, 9, 27), None, "Kieran Bird"),
    "reports/medway_02-april-2024.pdf": (
        "Medway", "area_2023", "inspection", "inconsistent",
        D(2024, 2, 5), D(2024, 2, 9), None, "Emma Leavey"),
    "reports/nottinghamshire_16-may-2023.pdf": (
        "Nottinghamshire", "area_2023", "inspection", "systemic",
        D(2023, 1, 30), D(2023, 2, 3), None, "Paul Wilson"),
    "reports/plymouth_22-august-2023.pdf": (
        "Plymouth", "area_2023", "inspection", "systemic",
        D(2023, 6, 26), D(2023, 6, 30), None, "Phil Minns"),
    "reports/rutland_03-august-2023.pdf": (
        "Rutland", "area_2023", "inspection", "positive",
        D(2023, 5, 15), D(2023, 5, 19), None, "Dave Gilkerson"),
    "reports/sandwell_12-september-2023.pdf": (
        "Sandwell", "area_2023", "inspection", "inconsistent",
        D(2023, 7, 3), D(2023, 7, 7), None, "Wayne Simner"),
    "reports/suffolk_30-january-2024.pdf": (
        "Suffolk", "area_2023", "inspection", "systemic",
        D(2023, 11, 13), D(2023, 11, 17), None, "Charlie Fordham"),
    "reports/trafford_22-december-2023.pdf": (
        "Trafford", "area_2023", "inspection", "inconsistent",
        D(2023, 10, 16), D(2023, 10, 20), None, "Sue Eastwood"),
    "reports/warrington_05-may-2023.pdf": (
        "Warrington", "area_2023", "inspection", "inconsistent",
        D(2023, 2, 6), D(2023, 2, 10), None, "Adam Sproston"),
    "reports/wiltshire_06-december-2024.pdf": (
        "Wiltshire", "area_2023", "inspection", "positive",
        D(2024, 10, 14), D(2024, 10, 18), None, "Matthew Barnes"),
    "reports/worcestershire_15-july-2024.pdf": (
        "Worcestershire", "area_2023", "inspection", "systemic",
        D(2024, 4, 22), D(2024, 4, 26), None, "Helen Forrest"),
}
FIELDS = ("area", "framework", "kind", "outcome", "inspection_start", "inspection_end",
          "letter_date", "lead_inspector")


def test_the_table_covers_every_bundled_document():
    on_disk = {str(p.relative_to(DATA)) for p in DATA.rglob("*") if p.suffix in (".txt", ".pdf")}
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_metadata_matches_the_hand_checked_table(name: str):
    letter = parse_file(DATA / name).letter
    got = tuple(getattr(letter, f) for f in FIELDS)
    assert dict(zip(FIELDS, got, strict=True)) == dict(zip(FIELDS, EXPECTED[name], strict=True))
    assert letter.source == str(DATA / name)
    assert letter.passages > 0


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_metadata_evidence_spans_quote_the_document(name: str):
    """Each metadata fact points at text that states it."""
    pl = parse_file(DATA / name)
    ev = pl.letter.evidence
    assert {"dates", "outcome", "lead_inspector"} <= set(ev)
    for key, span in ev.items():
        assert 0 <= span.start < span.end <= len(pl.text), key
    area, _, _, outcome, start, _, _, lead = EXPECTED[name]
    assert lead in pl.text[ev["lead_inspector"].start: ev["lead_inspector"].end]
    assert str(start.year) in pl.text[ev["dates"].start: ev["dates"].end]
    quote = pl.text[ev["outcome"].start: ev["outcome"].end].lower()
    key_phrase = {
        "wsoa_required": "written statement of action", "sufficient_progress": "sufficient progress",
        "positive": "positive experiences", "inconsistent": "inconsistent experiences",
        "systemic": "systemic failings",
    }[outcome]
    assert key_phrase in quote or (outcome == "wsoa_required" and "wsoa" in quote)


def test_file_names_do_not_matter(tmp_path: Path):
    """The same files under meaningless names (and a .txt saved as .md) give the same letters."""
    names = sorted(EXPECTED)
    for i, name in enumerate(names):
        src = DATA / name
        suffix = ".md" if name.startswith("letters/003") else src.suffix
        dst = tmp_path / f"x{i}{suffix}"
        shutil.copyfile(src, dst)
        a, b = parse_file(src), parse_file(dst)
        assert b.letter.source == str(dst)
        assert dataclasses.replace(b.letter, source=a.letter.source) == a.letter, name
        assert b.text == a.text
        assert b.passages == a.passages


def test_agenda_pack_yields_only_the_ofsted_letter():
    path = DATA / "letters/001_4fa8cf1e7f4e62df.txt"
    raw = path.read_text(encoding="utf-8")
    assert "DISCLOSABLE PECUNIARY INTEREST" in raw  # the pack around the letter
    pl = parse_file(path)
    text = pl.text
    assert text.startswith("Ofsted\n")
    assert "disclosable pecuniary interest" not in text.lower()
    assert "Date of Issue" not in text
    assert "Item 6 Appendix" not in text
    assert "Joint local area SEND inspection in Worcestershire" in text
    assert text.rstrip().endswith("NHS England")
    assert not any("isclosable" in p.text for p in pl.passages)


PROSE = (
    "The garden was quiet in the early morning. Dew lay on the grass and the birds had not yet "
    "started their songs.\n\nBy noon the sun was high and the bees worked the lavender along the "
    "wall. Nobody came to visit, and the gate stayed shut all day.\n"
) * 5


@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_a_file_with_no_letter_is_rejected_with_a_reason(tmp_path: Path, suffix: str):
    path = tmp_path / f"notes{suffix}"
    path.write_text(PROSE, encoding="utf-8")
    with pytest.raises(InputRejected) as info:
        parse_file(path)
    reason = str(info.value)
    assert reason and "\n" not in reason
    assert "letter" in reason.lower()


def test_an_unsupported_file_type_is_rejected_with_a_reason(tmp_path: Path):
    path = tmp_path / "letter.docx"
    shutil.copyfile(DATA / "letters/004_fd290817a16b6d19.txt", path)
    with pytest.raises(InputRejected, match=r"\.docx"):
        parse_file(path)
