"""Snapshots of a local store (index/snapshot.py): used only while current, never wrong.

These stores hold made-up letters and random vectors (no model needed)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import numpy as np
import pytest

from index import snapshot
from index.snapshot import open_for_reading, published_state, snapshot_path
from index.store import Manifest, Store, connect, now_iso
from rag.types import Letter, Passage


def _letter(i: int, area: str) -> tuple[Letter, str]:
    text = f"{area} letter {i}. The local area has no designated medical officer. Leaders agree."
    return Letter(id=f"l{i:03d}", area=area, framework="area_2023", kind="inspection",
                  outcome="positive", inspection_start=dt.date(2023, 1, i + 1),
                  inspection_end=dt.date(2023, 1, i + 3), letter_date=None, source=f"{area}.txt",
                  content_hash=f"h{i}", inspectors=("A B",), passages=2), text


def _publish(folder: Path, gen: int, areas: list[str], seed: int = 0) -> None:
    st = Store(connect(folder, create=True))
    rng = np.random.default_rng(seed)
    letters = [_letter(i, a) for i, a in enumerate(areas)]
    passages = []
    for lt, text in letters:
        cut = text.index(" The")
        passages += [
            Passage(id=f"{lt.id}-0000", letter_id=lt.id, area=lt.area, date=lt.date,
                    section="Intro", stance="neutral", text=text[:cut], start=0, end=cut,
                    framework=lt.framework),
            Passage(id=f"{lt.id}-0001", letter_id=lt.id, area=lt.area, date=lt.date,
                    section="Findings", stance="weakness", text=text[cut + 1:], start=cut + 1,
                    end=len(text), framework=lt.framework),
        ]
    vecs = rng.normal(size=(len(passages), 384)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    st.add_passages(st.passages_collection(gen, create=True), passages, vecs, {})
    st.add_letters(st.letters_collection(gen, create=True), letters)
    st.commit(Manifest(gen, "sentence-transformers/all-MiniLM-L6-v2", 384, "test", now_iso()))


def _read(client) -> tuple:
    st = Store(client)
    man = st.require_manifest()
    letters = st.read_letters(man.generation)
    passages, matrix = st.read_passages(man.generation)
    return man, letters, passages, matrix


@pytest.fixture()
def store(tmp_path: Path) -> Path:
    folder = tmp_path / "store"
    _publish(folder, 1, ["Dorset", "Dudley", "Bury"])
    return folder


def test_first_reader_takes_a_snapshot_the_next_reads_it_without_chroma(
        store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert not snapshot_path(store, 1).exists()
    first = open_for_reading(store)
    assert snapshot_path(store, 1).exists()
    via_chroma = _read(connect(store))

    def no_chroma(*a, **k):
        raise AssertionError("the snapshot should have answered")

    monkeypatch.setattr("index.store.connect", no_chroma)
    again = open_for_reading(store)
    assert isinstance(again, snapshot.SnapshotClient)
    for client in (first, again):
        man, letters, passages, matrix = _read(client)
        assert man == via_chroma[0]
        assert letters == via_chroma[1]
        assert passages == via_chroma[2]
        np.testing.assert_array_equal(matrix, via_chroma[3])


def test_a_new_generation_retires_the_old_snapshot(store: Path) -> None:
    open_for_reading(store)
    _publish(store, 2, ["Dorset", "Dudley", "Bury", "Rutland"], seed=1)
    assert published_state(store)["manifest"]["generation"] == 2
    man, letters, _, _ = _read(open_for_reading(store))
    assert man.generation == 2 and len(letters) == 4
    assert snapshot_path(store, 2).exists() and not snapshot_path(store, 1).exists()


def test_a_rebuilt_store_with_the_same_generation_is_not_served_the_old_snapshot(
        tmp_path: Path) -> None:
    """`rm -r store/*` keeps dot files: the old snapshot outlives the store it was taken of.
    (The rebuilt store is made in a second folder: chromadb caches one client per path.)"""
    old, new = tmp_path / "old", tmp_path / "new"
    _publish(old, 1, ["Dorset"])
    open_for_reading(old)
    _publish(new, 1, ["Bury", "Medway"])
    snapshot_path(new, 1).write_bytes(snapshot_path(old, 1).read_bytes())
    _, letters, _, _ = _read(open_for_reading(new))
    assert sorted(lt.area for lt, _ in letters) == ["Bury", "Medway"]


@pytest.mark.parametrize("garbage", [b"", b"not a zip file", b"PK\x03\x04broken"])
def test_a_damaged_snapshot_is_ignored_and_replaced(store: Path, garbage: bytes) -> None:
    snapshot_path(store, 1).write_bytes(garbage)
    man, letters, _, _ = _read(open_for_reading(store))
    assert len(letters) == 3
    assert snapshot_path(store, 1).read_bytes() != garbage


def test_a_read_only_folder_still_reads(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*a, **k):
        raise PermissionError("read-only")

    monkeypatch.setattr(snapshot.os, "open", refuse)
    _, letters, _, _ = _read(open_for_reading(store))
    assert len(letters) == 3 and not snapshot_path(store, 1).exists()


def test_queries_and_filtered_reads_go_to_chroma(store: Path) -> None:
    open_for_reading(store)
    client = open_for_reading(store)
    assert isinstance(client, snapshot.SnapshotClient)
    col = client.get_collection("sendqa_passages_g1", embedding_function=None)
    real = connect(store).get_collection("sendqa_passages_g1", embedding_function=None)
    q = real.get(ids=["l001-0001"], include=["embeddings"])["embeddings"][0]
    got = col.query(query_embeddings=[list(q)], n_results=1, include=["distances"])
    assert got["ids"][0] == ["l001-0001"]
    where = {"letter_id": {"$in": ["l002"]}}
    assert sorted(col.get(where=where)["ids"]) == ["l002-0000", "l002-0001"]
    assert col.get(ids=["l000-0000"], include=["documents"])["documents"] == [
        "Dorset letter 0."]


def test_no_snapshot_for_a_folder_without_an_index(tmp_path: Path) -> None:
    assert published_state(tmp_path) is None
    (tmp_path / "chroma.sqlite3").write_bytes(b"not a database")
    assert published_state(tmp_path) is None


def test_a_snapshot_reader_does_not_import_chromadb(store: Path) -> None:
    import subprocess

    open_for_reading(store)
    code = ("import sys; from index.snapshot import open_for_reading; "
            "from index.store import Store; st = Store(open_for_reading(sys.argv[1])); "
            "m = st.require_manifest(); st.read_letters(m.generation); "
            "st.read_passages(m.generation); assert 'chromadb' not in sys.modules")
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-c", code, str(store)], check=True, cwd=root)


def test_cached_values_are_kept_per_generation_and_code_version(store: Path) -> None:
    calls: list[int] = []

    def compute() -> dict:
        calls.append(1)
        return {"dmo": "designated medical officer", "n": len(calls)}

    first = snapshot.cached(open_for_reading(store), "acronyms", "v1", compute)
    again = snapshot.cached(open_for_reading(store), "acronyms", "v1", compute)
    assert first == again == {"dmo": "designated medical officer", "n": 1} and len(calls) == 1
    assert snapshot.cached(open_for_reading(store), "acronyms", "v2", compute)["n"] == 2
    _publish(store, 2, ["Dorset"], seed=3)
    assert snapshot.cached(open_for_reading(store), "acronyms", "v2", compute)["n"] == 3
    assert [p.name for p in sorted(store.glob(".sendqa-snapshot-*"))] == [
        ".sendqa-snapshot-g2.acronyms.json", ".sendqa-snapshot-g2.npz"]
    assert snapshot.cached(connect(store), "acronyms", "v2", compute)["n"] == 4  # Chroma: computed


def test_code_version_follows_the_source() -> None:
    import rag.glossary
    import rag.types

    assert snapshot.code_version(rag.glossary) == snapshot.code_version(rag.glossary)
    assert snapshot.code_version(rag.glossary) != snapshot.code_version(rag.types)


def test_cached_arrays(store: Path) -> None:
    calls: list[int] = []

    def compute() -> dict[str, np.ndarray]:
        calls.append(1)
        return {"stems": np.array(["dmo", "offic"]), "offsets": np.array([0, 2, 3])}

    first = snapshot.cached_arrays(open_for_reading(store), "postings", "v1", compute)
    again = snapshot.cached_arrays(open_for_reading(store), "postings", "v1", compute)
    assert len(calls) == 1 and sorted(again) == ["offsets", "stems"]
    for k in first:
        np.testing.assert_array_equal(first[k], again[k])
    path = store / ".sendqa-snapshot-g1.postings.npz"
    path.write_bytes(b"junk")
    snapshot.cached_arrays(open_for_reading(store), "postings", "v1", compute)
    assert len(calls) == 2
