"""Server mode: a real `chroma run` server, indexed and queried through --chroma-url."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sendqa_cli import free_port, http_server, sendqa

from index.build import build_index
from index.parse import parse_file
from rag.errors import StoreNotFound

ROOT = Path(__file__).resolve().parent.parent
RUTLAND = ROOT / "data/corpus/reports/rutland_03-august-2023.pdf"
WARRINGTON = ROOT / "data/corpus/reports/warrington_05-may-2023.pdf"
CHROMA = Path(sys.executable).parent / "chroma"


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not CHROMA.exists():
        pytest.skip(f"no chroma CLI at {CHROMA}")
    base = tmp_path_factory.mktemp("chroma")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [str(CHROMA), "run", "--path", str(base / "db"), "--host", "127.0.0.1", "--port", str(port)]
    beats = [url + "/api/v2/heartbeat", url + "/api/v1/heartbeat"]
    with http_server(cmd, beats, base / "server.log", timeout=60):
        yield url


def _docs(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(RUTLAND, dest / "rutland.pdf")
    shutil.copyfile(WARRINGTON, dest / "warrington.pdf")
    return dest


@pytest.mark.server
@pytest.mark.slow
def test_build_and_query_through_the_server(chroma_url: str, tmp_path: Path, monkeypatch):
    from rag.library import Library

    monkeypatch.chdir(tmp_path)  # a stray local store would land here
    docs = _docs(tmp_path / "docs")
    report = build_index([docs], chroma_url=chroma_url)
    assert report.letters == 2 and report.skipped == []
    assert report.passages > 0

    lib = Library.open(chroma_url=chroma_url)
    letters = lib.letters()
    assert [lt.area for lt in letters] == ["Rutland", "Warrington"]
    expected = {pl.letter.id: pl for pl in (parse_file(docs / "rutland.pdf"),
                                            parse_file(docs / "warrington.pdf"))}
    assert {lt.id for lt in letters} == set(expected)
    assert len(lib.passages()) == report.passages

    hits = lib.retrieve("leisure activities and the youth zone", k=5, areas=["Warrington"])
    assert hits and all(p.area == "Warrington" for p in hits)
    for p in hits:
        assert lib.letter_text(p.letter_id)[p.start: p.end] == p.text

    answer = lib.ask("Which areas had inconsistent experiences and outcomes?")
    assert answer.coverage.in_scope == 2 and not answer.abstained
    assert answer.yes_areas == ["Warrington"]
    for c in answer.citations:
        assert expected[c.letter_id].text[c.start: c.end] == c.quote
    assert not (tmp_path / ".sendqa").exists()


@pytest.mark.server
@pytest.mark.slow
def test_cli_against_the_server(chroma_url: str, tmp_path: Path):
    docs = _docs(tmp_path / "docs")
    result = sendqa("index", docs, "--chroma-url", chroma_url, "--quiet", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert chroma_url in result.stdout
    assert "2 letters" in result.stdout

    listed = sendqa("letters", "--json", "--chroma-url", chroma_url, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    keys = {"id", "area", "framework", "kind", "outcome", "inspection_start", "inspection_end",
            "letter_date", "source", "passages"}
    assert [set(r) for r in rows] == [keys, keys]
    assert sorted(r["area"] for r in rows) == ["Rutland", "Warrington"]
    assert sorted(r["source"] for r in rows) == [str(docs / "rutland.pdf"), str(docs / "warrington.pdf")]
    assert all(r["passages"] > 0 for r in rows)
    assert not (tmp_path / ".sendqa").exists()


def test_unreachable_server_says_how_to_start_one():
    from rag.library import Library

    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    with pytest.raises(StoreNotFound, match=r"chroma run --path"):
        Library.open(chroma_url=url)
    with pytest.raises(StoreNotFound, match=r"cannot reach the Chroma server at " + url):
        build_index([RUTLAND], chroma_url=url)


def test_a_url_without_scheme_is_refused():
    from rag.library import Library

    with pytest.raises(StoreNotFound, match=r"http://HOST:PORT"):
        Library.open(chroma_url="127.0.0.1:8000")
