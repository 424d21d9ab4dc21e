"""A bad source never empties an index; per-file failures are skips; one build at a time;
damaged or wrong store paths get one line and exit 2 (issue 10).

Real parts: the bundled embedding model, Chroma stores on disk, the `sendqa` command in a
subprocess, files the process cannot read (capabilities dropped with setpriv: root ignores
chmod 000 otherwise). The letters are small real-format joint inspection letters
(ui_fakes.EVIL_LETTER with the area changed), 8 passages each, so builds stay quick.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from sendqa_cli import SENDQA, cli_env, sendqa
from ui_fakes import EVIL_LETTER

from index.build import build_index
from index.load import load_text
from index.lock import LOCK_NAME, store_lock
from index.parse import parse_file
from index.store import Store, connect
from rag.errors import InputRejected

pytestmark = pytest.mark.slow

SETPRIV = shutil.which("setpriv")
NO_DAC = [SETPRIV or "setpriv", "--bounding-set", "-dac_override,-dac_read_search",
          "--inh-caps=-all"]


def letter(folder: Path, area: str, name: str | None = None, extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = EVIL_LETTER.replace("Herefordshire", area).replace(
        "<script>alert(1)</script> and <img src=x onerror=alert(2)>", "nothing useful")
    if extra:
        text = text.replace("Yours sincerely", f"- {extra}\n\nYours sincerely")
    path = folder / (name or f"{area.lower()}.txt")
    path.write_text(text, encoding="utf-8")
    return path


def state(store: Path) -> tuple[int, list[str]]:
    """(published generation, sorted areas) as a reader sees them."""
    st = Store(connect(store))
    man = st.require_manifest()
    return man.generation, sorted(lt.area for lt, _ in st.read_letters(man.generation))


def one_line_error(result: subprocess.CompletedProcess, *words: str) -> str:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("sendqa: "), result.stderr
    for w in words:
        assert w in last, (w, last)
    return last


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding two letters (Dorset, Rutland) from one folder."""
    root = tmp_path_factory.mktemp("base")
    docs = root / "docs"
    letter(docs, "Dorset")
    letter(docs, "Rutland")
    report = build_index([docs], store=root / "store")
    assert report.letters == 2
    return root / "store"


@pytest.fixture
def store(base: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "store"
    shutil.copytree(base, copy)
    return copy


# ---- 1. a bad source publishes nothing ------------------------------------------------------

def test_missing_path_empty_folder_or_junk_change_nothing(store: Path, tmp_path: Path):
    before = state(store)
    assert before[1] == ["Dorset", "Rutland"]

    r = sendqa("index", tmp_path / "no-such-folder", "--store", store, "--quiet")
    one_line_error(r, "no such file or folder", "not changed")
    assert len(r.stderr.strip().splitlines()) == 1

    empty = tmp_path / "empty"
    empty.mkdir()
    r = sendqa("index", empty, "--store", store, "--quiet")
    one_line_error(r, str(empty), "no .txt, .md or .pdf file", "not changed")

    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "notes.txt").write_text("shopping list: eggs, milk\n" * 20)
    (junk / "scan.pdf").write_bytes(b"not a pdf")
    r = sendqa("index", junk, "--store", store, "--quiet")
    one_line_error(r, "none of its 2 files could be used")
    assert sum(ln.startswith("skipped ") for ln in r.stderr.splitlines()) == 2

    # --mirror with one good and one mistyped path would drop letters: refused too
    good = tmp_path / "good"
    letter(good, "Cumbria")
    r = sendqa("index", good, tmp_path / "typo", "--mirror", "--store", store, "--quiet")
    one_line_error(r, "--mirror", "typo", "not changed")

    assert state(store) == before
    r = sendqa("letters", "--store", store)
    assert r.returncode == 0 and r.stdout.strip().endswith("2 letters"), r.stderr


def test_index_adds_and_updates_by_default_and_mirror_prunes(store: Path, tmp_path: Path):
    new = tmp_path / "new"
    cumbria = letter(new, "Cumbria")
    r1 = build_index([new], store=store)
    assert state(store)[1] == ["Cumbria", "Dorset", "Rutland"]  # the old folder's letters stay
    assert r1.removed == [] and r1.unchanged == 2

    cumbria.unlink()  # gone from a path named in this run: dropped
    letter(new, "Devon")
    r2 = build_index([new], store=store)
    assert state(store)[1] == ["Devon", "Dorset", "Rutland"]
    assert r2.removed == [f"Cumbria ({cumbria})"]

    r3 = sendqa("index", new, "--mirror", "--store", store, "--quiet")
    assert r3.returncode == 0, r3.stderr
    assert "2 removed" in r3.stdout
    assert state(store)[1] == ["Devon"]


# ---- 2. per-file failures are skips ---------------------------------------------------------

@pytest.mark.skipif(SETPRIV is None, reason="setpriv (util-linux) is not installed")
def test_unreadable_file_folder_and_link_loop_are_skipped(tmp_path: Path):
    docs = tmp_path / "docs"
    letter(docs, "Dorset")
    locked = letter(docs, "Rutland")
    inner = letter(docs / "closed", "Cumbria")
    store = tmp_path / "store"
    assert build_index([docs], store=store).letters == 3

    letter(docs, "Devon")
    (docs / "sub").mkdir()
    (docs / "sub" / "loop").symlink_to("..")
    (docs / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    locked.chmod(0)
    (docs / "closed").chmod(0)
    try:
        r = subprocess.run([*NO_DAC, *SENDQA, "index", str(docs), "--store", str(store), "--quiet"],
                           env=cli_env(), capture_output=True, text=True, timeout=300)
    finally:
        locked.chmod(0o644)
        (docs / "closed").chmod(0o755)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    skipped = {ln.split(": ", 1)[0].removeprefix("skipped "): ln.split(": ", 1)[1]
               for ln in r.stderr.splitlines() if ln.startswith("skipped ")}
    assert "permission denied" in skipped[str(locked)]
    assert "permission denied" in skipped[str(docs / "closed")]
    assert "symbolic link loop" in skipped[str(docs / "sub" / "loop")]
    assert "broken symbolic link" in skipped[str(docs / "dangling.txt")]
    # Devon is added; the letters whose files could not be read keep their indexed versions
    assert state(store)[1] == ["Cumbria", "Devon", "Dorset", "Rutland"]
    assert inner.exists()


def test_nul_after_64k_utf16_and_parse_errors(tmp_path: Path):
    src = letter(tmp_path, "Dorset")
    nul = tmp_path / "nul.txt"
    nul.write_bytes(src.read_bytes() + b"\n" * 70_000 + b"\x00tail\n")
    with pytest.raises(InputRejected, match="binary data"):
        load_text(nul)
    want = parse_file(src).letter.id
    for name, data in (("bom16.txt", src.read_text().encode("utf-16")),
                       ("le16.txt", src.read_text().encode("utf-16-le")),
                       ("be16.txt", b"\xfe\xff" + src.read_text().encode("utf-16-be"))):
        (tmp_path / name).write_bytes(data)
        assert parse_file(tmp_path / name).letter.id == want, name


def test_since_after_until_is_bad_input(base: Path):
    r = sendqa("ask", "Which areas lacked a DMO?", "--since", "2030", "--until", "2010",
               "--store", base)
    one_line_error(r, "--since 2030", "--until 2010")


# ---- 3. one build at a time -----------------------------------------------------------------

def test_a_second_build_refuses_or_waits_while_the_store_is_locked(store: Path, tmp_path: Path):
    before = state(store)
    more = tmp_path / "more"
    letter(more, "Devon")
    with store_lock(store, where=str(store)):  # what a running build holds
        r = sendqa("index", more, "--store", store, "--quiet", "--wait", "0")
        one_line_error(r, "another `sendqa index`", f"pid {os.getpid()}", "--wait")
        waiter = subprocess.Popen([*SENDQA, "index", str(more), "--store", str(store), "--quiet"],
                                  env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
        said = threading.Event()
        err: list[str] = []

        def read() -> None:
            for line in waiter.stderr:
                err.append(line)
                if "waiting" in line:
                    said.set()

        threading.Thread(target=read, daemon=True).start()
        assert said.wait(120), "".join(err)
        assert waiter.poll() is None and state(store) == before  # it waits, writing nothing
    out = waiter.communicate(timeout=300)[0]
    assert waiter.returncode == 0, "".join(err)
    assert "indexed 3 letters" in out
    assert state(store)[1] == ["Devon", "Dorset", "Rutland"]
    assert (store / LOCK_NAME).read_text() == ""  # released


def test_two_concurrent_builds_and_an_open_reader(store: Path, tmp_path: Path):
    from rag import Library
    from ui.cli import _pin

    lib = Library.open(store)
    pin = _pin(lib, store, None)  # what `sendqa serve` holds for the generation it reads
    asked = lib.retrieve("education, health and care plans", k=3)
    assert asked
    one, two = tmp_path / "one", tmp_path / "two"
    for i, area in enumerate(("Devon", "Cumbria", "Lancashire", "Kent")):
        letter(one, area)
        letter(two, area, extra=f"Inspectors noted item {i} in the second batch.", name=f"b{i}.txt")
    procs = [subprocess.Popen([*SENDQA, "index", str(d), "--store", str(store), "--quiet"],
                              env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for d in (one, two)]
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (_out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
        assert "Traceback" not in err
    gen, areas = state(store)
    assert Store(connect(store)).generations() >= {gen}
    st = Store(connect(store))
    letters = st.read_letters(gen)
    assert len(letters) == 2 + 8  # both batches, and the two letters already there
    assert {"Dorset", "Rutland", "Devon", "Kent"} <= set(areas)
    # the reader opened before both builds still answers from its generation
    assert [p.id for p in lib.retrieve("education, health and care plans", k=3)] == [p.id for p in asked]
    assert lib.ask("Which areas had long waits for autism assessments?").citations
    pin.close()


# ---- 4. store paths that are not an index ----------------------------------------------------

def test_a_file_as_store_is_refused(tmp_path: Path):
    docs = tmp_path / "docs"
    letter(docs, "Dorset")
    f = tmp_path / "notes.txt"
    f.write_text("not a store")
    for args in (("letters",), ("ask", "Which areas lacked a DMO?"), ("index", str(docs), "--quiet")):
        one_line_error(sendqa(*args, "--store", f), "is a file")
    assert f.read_text() == "not a store"


def test_damaged_databases_are_refused(base: Path, tmp_path: Path):
    corrupt, truncated = tmp_path / "corrupt", tmp_path / "truncated"
    shutil.copytree(base, corrupt)
    shutil.copytree(base, truncated)
    db = corrupt / "chroma.sqlite3"
    db.write_bytes(os.urandom(db.stat().st_size))
    tdb = truncated / "chroma.sqlite3"
    os.truncate(tdb, tdb.stat().st_size // 3)
    docs = tmp_path / "docs"
    letter(docs, "Devon")
    for s in (corrupt, truncated):
        one_line_error(sendqa("letters", "--store", s), "damaged", "sendqa index --store")
        one_line_error(sendqa("ask", "Which areas lacked a DMO?", "--store", s), "damaged")
        one_line_error(sendqa("index", docs, "--store", s, "--quiet"), "damaged")


def test_empty_or_foreign_folder_as_store(tmp_path: Path):
    empty, foreign = tmp_path / "empty", tmp_path / "foreign"
    empty.mkdir()
    foreign.mkdir()
    (foreign / "thesis.docx").write_bytes(b"PK\x03\x04 my work")
    for args in (("letters",), ("letters", "--json"), ("ask", "Which areas lacked a DMO?")):
        one_line_error(sendqa(*args, "--store", empty), "no index", "sendqa index --store")
        one_line_error(sendqa(*args, "--store", foreign), "holds other files")
    docs = tmp_path / "docs"
    letter(docs, "Dorset")
    one_line_error(sendqa("index", docs, "--store", foreign, "--quiet"), "holds other files")
    assert list(empty.iterdir()) == []  # read-only commands created nothing
    assert [p.name for p in foreign.iterdir()] == ["thesis.docx"]
