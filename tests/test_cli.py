"""The `sendqa` command in a subprocess against a small real store: exit codes and JSON shapes."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from sendqa_cli import sendqa

from index.parse import parse_file

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
RUTLAND = ROOT / "data/corpus/reports/rutland_03-august-2023.pdf"
WARRINGTON = ROOT / "data/corpus/reports/warrington_05-may-2023.pdf"
LETTER_KEYS = {"id", "area", "framework", "kind", "outcome", "inspection_start", "inspection_end",
               "letter_date", "source", "passages"}


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess, Path, Path]:
    """`sendqa index DIR --store S` over two reports and one junk file."""
    base = tmp_path_factory.mktemp("cli")
    docs = base / "docs"
    docs.mkdir()
    shutil.copyfile(RUTLAND, docs / "a.pdf")
    shutil.copyfile(WARRINGTON, docs / "b.pdf")
    (docs / "junk.pdf").write_bytes(b"this is not a pdf at all")
    store = base / "store"
    return sendqa("index", docs, "--store", store, "--quiet"), docs, store


def test_index_exit_code_and_summary(indexed):
    result, docs, store = indexed
    assert result.returncode == 0, result.stderr
    assert "indexed 2 letters" in result.stdout
    assert str(store) in result.stdout
    skipped = [ln for ln in result.stderr.splitlines() if ln.startswith("skipped ")]
    assert skipped == [f"skipped {docs / 'junk.pdf'}: not a PDF (no %PDF header); "
                       "the file is damaged or mis-named"]


def test_index_again_is_up_to_date(indexed):
    _, docs, store = indexed
    again = sendqa("index", docs, "--store", store, "--quiet")
    assert again.returncode == 0, again.stderr
    assert "is up to date: 2 letters" in again.stdout


def test_letters_json(indexed):
    _, docs, store = indexed
    result = sendqa("letters", "--json", "--store", store)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [set(r) for r in rows] == [LETTER_KEYS, LETTER_KEYS]
    by_area = {r["area"]: r for r in rows}
    assert set(by_area) == {"Rutland", "Warrington"}
    rutland = by_area["Rutland"]
    assert rutland["framework"] == "area_2023" and rutland["kind"] == "inspection"
    assert rutland["outcome"] == "positive"
    assert (rutland["inspection_start"], rutland["inspection_end"]) == ("2023-05-15", "2023-05-19")
    assert rutland["letter_date"] is None
    assert rutland["source"] == str(docs / "a.pdf")
    assert rutland["passages"] == parse_file(docs / "a.pdf").letter.passages
    assert rutland["id"] == parse_file(docs / "a.pdf").letter.id
    assert by_area["Warrington"]["outcome"] == "inconsistent"


def test_ask_json(indexed):
    _, docs, store = indexed
    result = sendqa("ask", "Which areas had inconsistent experiences and outcomes?", "--json",
                    "--store", store)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert {"answer", "abstained", "coverage", "findings", "citations", "timings_ms"} <= set(answer)
    assert answer["coverage"] == {"in_scope": 2, "checked": 2}
    assert answer["abstained"] is False
    assert isinstance(answer["answer"], str) and answer["answer"]
    assert isinstance(answer["timings_ms"], dict) and "total_ms" in answer["timings_ms"]
    yes = {f["area"] for f in answer["findings"] if f["verdict"] == "yes"}
    assert yes == {"Warrington"}
    assert answer["citations"]
    texts = {pl.letter.id: pl.text for pl in (parse_file(docs / "a.pdf"), parse_file(docs / "b.pdf"))}
    for c in answer["citations"]:
        assert texts[c["letter_id"]][c["start"]: c["end"]] == c["quote"]


def test_missing_store_exits_2_and_names_sendqa_index(tmp_path: Path):
    missing = tmp_path / "no-store"
    result = sendqa("ask", "Which areas lacked a DMO?", "--json", "--store", missing, cwd=tmp_path)
    assert result.returncode == 2
    assert "sendqa index" in result.stderr
    assert result.stderr.startswith("sendqa: ")
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert not missing.exists()
