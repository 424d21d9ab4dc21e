"""A re-index does not parse files unchanged since they were indexed (index/unchanged.py).

Real parts: the bundled embedding model, Chroma stores on disk, files on disk, and a fresh
`sendqa`/Python process for the no-op as a user runs it. The one stand-in is a counting
wrapper around ``parse_file`` in index/build.py, to see which files a build parsed. The
letters are the small real-format joint inspection letters of test_index_robust.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sendqa_cli import ROOT, cli_env, sendqa
from ui_fakes import EVIL_LETTER

import index.build
import index.parse
import index.unchanged
from index.build import build_index
from index.embed import Embedder
from index.parse import parse_file
from index.store import Store, connect
from index.unchanged import RACY_NS, Entry, Known, Observed, record_key
from rag.errors import StoreMismatch
from rag.settings import PARSER_VERSION, ChunkSettings

NAMES = ["cumbria.txt", "dorset.txt", "rutland.txt"]
CP1252 = "not UTF-8; read as Windows-1252 (save the file as UTF-8 to silence this)"


def letter(folder: Path, area: str, *, extra: str = "", encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = EVIL_LETTER.replace("Herefordshire", area).replace(
        "<script>alert(1)</script> and <img src=x onerror=alert(2)>", "nothing useful")
    if extra:
        text = text.replace("Yours sincerely", f"- {extra}\n\nYours sincerely")
    path = folder / f"{area.lower()}.txt"
    path.write_bytes(text.encode(encoding))
    return path


def published(store: Path) -> tuple[int, dict[str, str]]:
    """(generation, source -> area) as a reader sees them."""
    st = Store(connect(store))
    man = st.require_manifest()
    return man.generation, {lt.source: lt.area for lt, _ in st.read_letters(man.generation)}


def record(store: Path) -> dict:
    st = Store(connect(store))
    return json.loads(st.get_files(st.require_manifest().generation))


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three letters in one folder, one of them not UTF-8 (it warns), and their store."""
    root = tmp_path_factory.mktemp("base")
    letter(root / "docs", "Dorset")
    letter(root / "docs", "Rutland")
    letter(root / "docs", "Cumbria", extra="The café for young people was praised.",
           encoding="cp1252")
    report = build_index([root / "docs"], store=root / "store")
    assert report.letters == 3 and report.parsed == 3
    return root


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files index/build.py parses, in order."""
    calls: list[str] = []
    real = index.build.parse_file

    def counting(path, *args, **kwargs):
        calls.append(Path(path).name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(index.build, "parse_file", counting)
    return calls


@pytest.fixture
def indexed(base: Path, tmp_path: Path, parsed: list[str]) -> tuple[Path, Path]:
    """(docs, store): a copy of the base letters and their index, the record of files
    pointing at these copies."""
    docs = shutil.copytree(base / "docs", tmp_path / "docs")
    store = shutil.copytree(base / "store", tmp_path / "store")
    # The files are new to the record (another path): parsed, republished, nothing embedded.
    report = build_index([docs], store=store)
    assert not report.noop and report.embedded == 0 and sorted(parsed) == NAMES
    assert sorted(record(store)["files"]) == [str((docs / n).resolve()) for n in NAMES]
    parsed.clear()
    return docs, store


def test_a_noop_reindex_parses_nothing_embeds_nothing_loads_no_model(
        indexed: tuple[Path, Path], parsed: list[str], monkeypatch: pytest.MonkeyPatch):
    docs, store = indexed
    before = published(store)
    monkeypatch.setattr(Embedder, "model", property(lambda self: pytest.fail("model loaded")))
    report = build_index([docs], store=store)
    assert parsed == [] and report.parsed == 0
    assert report.noop and report.embedded == 0
    assert (report.letters, report.generation) == (3, before[0])
    # what parsing the file said is still said
    assert report.warnings == [(str(docs / "cumbria.txt"), CP1252)]
    assert report.skipped == [] and report.duplicates == []
    assert published(store) == before


def test_a_noop_sendqa_index_imports_no_model(indexed: tuple[Path, Path]):
    docs, store = indexed
    result = sendqa("index", docs, "--store", store, "--quiet")
    assert result.returncode == 0, result.stderr
    assert "is up to date: 3 letters" in result.stdout
    assert f"warning {docs / 'cumbria.txt'}: {CP1252}" in result.stderr
    code = ("import sys; from index.build import build_index; "
            "r = build_index([sys.argv[1]], store=sys.argv[2]); "
            "print(r.noop, r.parsed, [m for m in ('torch', 'sentence_transformers') "
            "if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code, str(docs), str(store)], cwd=ROOT,
                         env=cli_env(), capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[0] == "True 0 []"


def test_a_touched_file_is_parsed_again(indexed: tuple[Path, Path], parsed: list[str]):
    docs, store = indexed
    f = docs / "dorset.txt"
    st = f.stat()
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    report = build_index([docs], store=store)
    assert parsed == ["dorset.txt"] and report.noop  # same text: the same letter
    parsed.clear()
    report = build_index([docs], store=store)  # the record now has the new mtime
    assert parsed == [] and report.noop


def test_changed_added_and_removed_files_are_handled_and_only_they_are_parsed(
        indexed: tuple[Path, Path], parsed: list[str], tmp_path: Path):
    docs, store = indexed
    gen0, _ = published(store)

    f = letter(docs, "Dorset", extra="Inspectors noted a sentence added for this test.")
    new = parse_file(f)
    report = build_index([docs], store=store)
    assert parsed == ["dorset.txt"]
    assert not report.noop and report.added == [f"Dorset ({f})"] and report.unchanged == 2
    assert report.embedded == new.letter.passages
    gen1, sources = published(store)
    assert gen1 > gen0 and sorted(sources.values()) == ["Cumbria", "Dorset", "Rutland"]
    st = Store(connect(store))
    assert new.letter.id in {lt.id for lt, _ in st.read_letters(gen1)}

    parsed.clear()
    letter(docs, "Sefton")
    (docs / "rutland.txt").unlink()
    report = build_index([docs], store=store)
    assert parsed == ["sefton.txt"]
    assert report.added == [f"Sefton ({docs / 'sefton.txt'})"]
    assert report.removed == [f"Rutland ({docs / 'rutland.txt'})"]
    assert sorted(published(store)[1].values()) == ["Cumbria", "Dorset", "Sefton"]
    assert sorted(Path(p).name for p in record(store)["files"]) == [
        "cumbria.txt", "dorset.txt", "sefton.txt"]

    # another folder added, then mirrored away: nothing of docs/ is parsed
    parsed.clear()
    more = tmp_path / "more"
    letter(more, "Wigan")
    report = build_index([more], store=store)
    assert parsed == ["wigan.txt"] and report.added == [f"Wigan ({more / 'wigan.txt'})"]
    parsed.clear()
    report = build_index([docs], store=store)
    assert parsed == [] and report.noop  # Wigan stays: its folder was not named
    report = build_index([docs], store=store, mirror=True)
    assert parsed == [] and report.removed == [f"Wigan ({more / 'wigan.txt'})"]
    assert sorted(published(store)[1].values()) == ["Cumbria", "Dorset", "Sefton"]
    assert not any(p.endswith("wigan.txt") for p in record(store)["files"])


def test_same_files_by_another_path_duplicates_and_broken_files(
        indexed: tuple[Path, Path], parsed: list[str], monkeypatch: pytest.MonkeyPatch):
    docs, store = indexed
    # named by a relative path: the letters' sources change, nothing is parsed or embedded
    monkeypatch.chdir(docs.parent)
    report = build_index([Path("docs")], store=store)
    assert parsed == [] and not report.noop and report.embedded == 0 and report.unchanged == 3
    assert sorted(published(store)[1]) == [f"docs/{n}" for n in NAMES]

    # a copy of a letter: parsed once, then known, and reported as a duplicate every time
    shutil.copyfile(docs / "dorset.txt", docs / "zz_dorset.txt")
    (docs / "broken.pdf").write_bytes(b"not a pdf at all")
    for expect in (["broken.pdf", "zz_dorset.txt"], ["broken.pdf"]):
        parsed.clear()
        report = build_index([Path("docs")], store=store)
        assert sorted(parsed) == expect and report.noop
        assert report.duplicates == [("docs/zz_dorset.txt", "docs/dorset.txt")]
        assert report.skipped == [("docs/broken.pdf",
                                   "not a PDF (no %PDF header); the file is damaged or mis-named")]


def test_a_parser_version_change_parses_every_file(
        indexed: tuple[Path, Path], parsed: list[str], monkeypatch: pytest.MonkeyPatch):
    docs, store = indexed
    before, rec = published(store), record(store)
    bumped = PARSER_VERSION + "-next"
    for module in (index.build, index.parse, index.unchanged):
        monkeypatch.setattr(module, "PARSER_VERSION", bumped)
    with pytest.raises(StoreMismatch, match="rebuild"):
        build_index([docs], store=store)
    assert sorted(parsed) == NAMES  # parsed as today, then refused: nothing changed
    assert published(store) == before and record(store) == rec

    parsed.clear()
    report = build_index([docs], store=store, rebuild=True)
    assert sorted(parsed) == NAMES and report.embedded == report.passages > 0
    assert record(store)["key"].startswith(bumped + "|")
    parsed.clear()
    assert build_index([docs], store=store).noop and parsed == []


def test_a_record_for_other_settings_or_none_is_ignored(indexed: tuple[Path, Path],
                                                        parsed: list[str]):
    docs, store = indexed
    st = Store(connect(store))
    gen = st.require_manifest().generation
    rec = record(store)
    st.put_files(gen, json.dumps({**rec, "key": "2|40|250|50.0"}))  # an older parser's
    report = build_index([docs], store=store)
    assert sorted(parsed) == NAMES and report.noop and report.generation == gen
    assert record(store)["key"] == rec["key"]

    st.client.get_collection("sendqa_meta").delete(ids=[f"files_g{gen}"])  # a store from before
    parsed.clear()
    assert build_index([docs], store=store).noop and sorted(parsed) == NAMES
    parsed.clear()
    assert build_index([docs], store=store).noop and parsed == []


def test_a_record_naming_a_letter_the_index_lacks_means_parsing_everything(
        indexed: tuple[Path, Path], parsed: list[str]):
    """What a build sees when another one published between its reading the record and
    taking the lock."""
    docs, store = indexed
    st = Store(connect(store))
    gen = st.require_manifest().generation
    rec = record(store)
    rec["files"][str((docs / "dorset.txt").resolve())]["letter"] = "0" * 16
    st.put_files(gen, json.dumps(rec))
    report = build_index([docs], store=store)
    assert sorted(parsed) == NAMES and report.noop and report.letters == 3


def test_same_size_and_mtime_but_new_content_is_caught_when_racy(tmp_path: Path,
                                                                  parsed: list[str]):
    """A file rewritten within its filesystem's timestamp tick keeps size and mtime: an
    entry recorded that close to the file's mtime is checked by content too."""
    docs = tmp_path / "docs"
    f = letter(docs, "Dorset")
    letter(docs, "Rutland")
    store = tmp_path / "store"
    build_index([docs], store=store)
    entry = record(store)["files"][str(f.resolve())]
    assert entry["sha256"]  # just written: racy
    st = f.stat()
    f.write_text(f.read_text(encoding="utf-8").replace("Dorset", "Sefton"), encoding="utf-8")
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert f.stat().st_size == st.st_size
    parsed.clear()
    report = build_index([docs], store=store)
    assert parsed == ["dorset.txt"] and report.added == [f"Sefton ({f})"]
    assert sorted(published(store)[1].values()) == ["Rutland", "Sefton"]


# ---- index/unchanged.py on its own ----------------------------------------------------------

def _obs(tmp_path: Path, *, size: int = 10, mtime: int = 0, seen: int = 10 * RACY_NS) -> Observed:
    f = tmp_path / "a.txt"
    f.write_bytes(b"0123456789")
    return Observed(f, str(f), size, mtime, seen)


def test_lookup_rules(tmp_path: Path):
    key = record_key(ChunkSettings())
    old = Entry(10, 0, 10 * RACY_NS, "L1")
    raw = json.dumps({"key": key, "files": {str(tmp_path / "a.txt"): old.to_json()}})
    known = Known.parse(raw, key)
    assert known.lookup(_obs(tmp_path)) == old
    assert known.lookup(_obs(tmp_path, size=11)) is None
    assert known.lookup(_obs(tmp_path, mtime=1)) is None
    assert known.lookup(None) is None
    assert Known.parse(raw, record_key(ChunkSettings(max_words=60))).entries == {}
    assert Known.parse("{not json", key).entries == {}

    # a racy entry counts only with the same content, and is then recorded as settled
    sha = _obs(tmp_path).sha256
    racy = Entry(10, 0, RACY_NS // 2, "L1", sha256=sha)
    assert racy.racy
    known = Known(key, {str(tmp_path / "a.txt"): racy})
    hit = known.lookup(_obs(tmp_path))
    assert hit is not None and not hit.racy and hit.sha256 == ""
    known = Known(key, {str(tmp_path / "a.txt"): Entry(10, 0, RACY_NS // 2, "L1", sha256="0" * 64)})
    assert known.lookup(_obs(tmp_path)) is None
    # a file seen right after it changed gets its content hash recorded
    assert _obs(tmp_path, seen=RACY_NS // 2).entry("L1", ()).sha256 == sha
    assert _obs(tmp_path).entry("L1", ("w",)) == Entry(10, 0, 10 * RACY_NS, "L1", ("w",))
