"""A read snapshot of a local store's published generation, so asking needs no chromadb.

Opening an index through chromadb costs more than everything else a cold `sendqa ask`
does: importing chromadb alone takes ~0.6 s of CPU (2-3 s of wall time on the 2-core
machine while other jobs run), then the client and reading every passage record. A
published generation never changes (a build writes generation N+1 beside N), so its
records can be kept in one file beside the database: ``.sendqa-snapshot-g{N}.npz``, the
raw Chroma records (ids, documents, metadata, embeddings) of the manifest and of the
generation's letters and passages collections, exactly as ``Collection.get`` returns them.

Chroma stays the source of truth: a snapshot is used only when the manifest it was taken
with, and the ids of the three collections, equal those in ``chroma.sqlite3`` now, read
with the standard library's sqlite3 (read-only; any doubt, e.g. a write not yet applied or
an unknown schema, means "no snapshot" and the reader goes through chromadb). ``SnapshotClient`` answers the few client
calls ``index.store.Store`` makes to read an index; anything else (a top-k ``query``, a
filtered ``get``) opens the real Chroma client then and hands the call over.

The first reader of a new generation takes the snapshot (``reading_client``); a build may
take it right after publishing (``take_snapshot``). Server mode (``--chroma-url``) has no
folder and always reads through chromadb.

Values a reader derives from a generation alone (the acronyms its letters define, ...) can
be kept beside the snapshot with ``cached``: ``.sendqa-snapshot-g{N}.{name}.json``, keyed
by the same published state and by a hash of the code that computes them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

FORMAT = 1
META = "sendqa_meta"
DB_NAME = "chroma.sqlite3"
PREFIX = ".sendqa-snapshot-g"
_PAGE = 2000


def snapshot_path(folder: Path, generation: int) -> Path:
    return folder / f"{PREFIX}{generation}.npz"


# ---- what is published, read without chromadb -----------------------------------------
def published_state(folder: Path) -> dict[str, Any] | None:
    """The published manifest and the ids of the collections it names, read from
    ``folder``'s chroma.sqlite3; None if that cannot be done with certainty (no database,
    no manifest, a write still in Chroma's log, a schema this code does not know, the
    database locked for more than a few seconds). Collection ids are fresh UUIDs whenever a
    collection is created, so a store deleted and built again never matches an old snapshot."""
    db = folder / DB_NAME
    if not db.is_file():
        return None
    try:
        con = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return None
    try:
        row = con.execute(
            "SELECT c.id, s.id FROM collections c JOIN segments s ON s.collection = c.id "
            "WHERE c.name = ? AND s.scope = 'METADATA'", (META,)).fetchall()
        if len(row) != 1:
            return None
        coll_id, seg_id = row[0]
        applied = con.execute("SELECT seq_id FROM max_seq_id WHERE segment_id = ?",
                              (seg_id,)).fetchone()
        logged = con.execute("SELECT max(seq_id) FROM embeddings_queue WHERE topic LIKE ?",
                             (f"%/{coll_id}",)).fetchone()
        if logged and logged[0] is not None and (applied is None or
                                                 _seq(applied[0]) < _seq(logged[0])):
            return None  # the manifest's latest write is not in the metadata tables yet
        rows = con.execute(
            "SELECT m.key, m.string_value, m.int_value, m.float_value, m.bool_value "
            "FROM embeddings e JOIN embedding_metadata m ON m.id = e.id "
            "WHERE e.segment_id = ? AND e.embedding_id = 'manifest'", (seg_id,)).fetchall()
        man: dict[str, Any] = {}
        for key, s, i, f, b in rows:
            if not key.startswith("chroma:"):
                man[key] = s if s is not None else i if i is not None else f if f is not None \
                    else None if b is None else bool(b)
        if not isinstance(man.get("generation"), int):
            return None
        names = _names(man["generation"])
        ids = dict(con.execute(f"SELECT name, id FROM collections WHERE name IN "
                               f"({', '.join('?' * len(names))})", names).fetchall())
    except sqlite3.Error:
        return None
    finally:
        con.close()
    if set(ids) != set(names):
        return None
    return {"manifest": man, "collections": {n: str(ids[n]) for n in names}}


def _names(gen: int) -> list[str]:
    return [META, f"sendqa_letters_g{gen}", f"sendqa_passages_g{gen}"]


def _seq(v: Any) -> int:
    return int.from_bytes(v, "big") if isinstance(v, bytes | bytearray) else int(v)


# ---- taking and loading snapshots -----------------------------------------------------
def _dump(col) -> dict[str, Any]:
    """Every record of a Chroma collection, as ``get`` returns them, in pages."""
    ids: list[str] = []
    docs: list[Any] = []
    metas: list[Any] = []
    embs: list[np.ndarray] = []
    offset = 0
    while True:
        got = col.get(include=["documents", "metadatas", "embeddings"], limit=_PAGE,
                      offset=offset)
        if not got["ids"]:
            break
        ids += got["ids"]
        docs += got["documents"]
        metas += got["metadatas"]
        embs.append(np.asarray(got["embeddings"], dtype=np.float32))
        offset += len(got["ids"])
        if len(got["ids"]) < _PAGE:
            break
    matrix = np.vstack(embs) if embs else np.zeros((0, 0), np.float32)
    return {"name": col.name, "id": str(col.id), "metadata": col.metadata, "ids": ids,
            "documents": docs, "metadatas": metas, "embeddings": matrix}


def take_snapshot(client: Any, folder: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]] | None:
    """Read the published generation through ``client`` (a Chroma client on ``folder``)
    and write its snapshot; returns the published state and the collections read, or None
    if the store has no complete published generation. Writing is best effort (a read-only
    folder is fine)."""
    try:
        meta = client.get_collection(META, embedding_function=None)
        man = meta.get(ids=["manifest"], include=["metadatas"])
        if not man["ids"]:
            return None
        gen = int(man["metadatas"][0]["generation"])
        cols = {}
        for name in _names(gen):
            col = client.get_collection(name, embedding_function=None)
            cols[name] = _dump(col)
            if len(cols[name]["ids"]) != col.count():
                return None
        again = meta.get(ids=["manifest"], include=["metadatas"])
    except Exception as exc:  # noqa: BLE001 - no snapshot; the caller reads through Chroma
        log.debug("no snapshot of %s: %s", folder, exc)
        return None
    if again["metadatas"] != man["metadatas"]:
        return None  # a build published while we read
    state = {"manifest": man["metadatas"][0], "collections": {n: c["id"] for n, c in cols.items()}}
    _write(folder, gen, state, cols)
    return state, cols


def _write(folder: Path, gen: int, state: dict[str, Any], cols: dict[str, dict[str, Any]]) -> None:
    header = {"format": FORMAT, "state": state, "collections": [
        {k: c[k] for k in ("name", "id", "metadata", "ids", "documents", "metadatas")}
        for c in cols.values()]}
    arrays = {f"emb{i}": c["embeddings"] for i, c in enumerate(cols.values())}
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    tmp = folder / f"{PREFIX}{gen}-{os.getpid()}-{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)  # umask applies
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez(f, **arrays)
            os.replace(tmp, snapshot_path(folder, gen))
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        for old in folder.glob(f"{PREFIX}*"):  # earlier generations' files
            if not old.name.startswith(f"{PREFIX}{gen}.") and not old.name.endswith(".tmp"):
                old.unlink(missing_ok=True)
    except OSError as exc:
        log.debug("could not write a snapshot into %s: %s", folder, exc)


def load_snapshot(folder: Path, state: dict[str, Any]) -> dict[str, dict[str, Any]] | None:
    """The collections of the snapshot taken in published ``state``, or None."""
    path = snapshot_path(folder, int(state["manifest"]["generation"]))
    try:
        with np.load(path, allow_pickle=False) as z:
            header = json.loads(z["header"].tobytes())
            if header.get("format") != FORMAT or header.get("state") != state:
                return None
            return {c["name"]: {**c, "embeddings": z[f"emb{i}"]}
                    for i, c in enumerate(header["collections"])}
    except FileNotFoundError:
        return None
    except Exception as exc:  # noqa: BLE001 - a damaged or foreign file: read through Chroma
        log.debug("ignoring the snapshot %s: %s", path, exc)
        return None


def reading_client(folder: Path | str, connect) -> Any:  # noqa: ANN001 - index.store.connect
    """A client for reading the index in ``folder``: the snapshot of its published
    generation when one matches, else ``connect(folder)`` (Chroma), taking a snapshot for
    the next reader on the way."""
    folder = Path(folder)
    state = published_state(folder)
    if state is not None:
        cols = load_snapshot(folder, state)
        if cols is not None:
            return SnapshotClient(cols, lambda: connect(folder), folder, state)
    client = connect(folder)
    taken = take_snapshot(client, folder)
    return SnapshotClient(taken[1], lambda: client, folder, taken[0]) if taken else client


# ---- values derived from a generation ---------------------------------------------------
def code_version(*modules: Any) -> str:
    """A short hash of the source files of ``modules``: a derived value computed by this
    code is recomputed when the code changes, with no version number to remember."""
    h = hashlib.sha1()
    for m in modules:
        h.update(Path(m.__file__).read_bytes())
    return h.hexdigest()[:16]


def cached(client: Any, name: str, version: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, a JSON value derived from the published generation only (e.g. the
    acronyms its letters define), kept beside the snapshot the ``client`` reads so that
    the next process reads it instead of computing it again. ``version`` identifies the
    code that computes it (``code_version(module)``). Any other client: just computed."""
    return _cached(client, name, version, compute, arrays=False)


def cached_arrays(client: Any, name: str, version: str,
                  compute: Callable[[], dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """``cached`` for a dict of numpy arrays (numbers or strings; no objects), kept as .npz."""
    return _cached(client, name, version, compute, arrays=True)


def _cached(client: Any, name: str, version: str, compute: Callable[[], Any], *,
            arrays: bool) -> Any:
    if not isinstance(client, SnapshotClient):
        return compute()
    gen = int(client.state["manifest"]["generation"])
    path = client.folder / f"{PREFIX}{gen}.{name}.{'npz' if arrays else 'json'}"
    key = {"format": FORMAT, "state": client.state, "version": version}
    try:
        if arrays:
            with np.load(path, allow_pickle=False) as z:
                if json.loads(z["__key__"].tobytes()) == key:
                    return {k: z[k] for k in z.files if k != "__key__"}
        else:
            with open(path, encoding="utf-8") as f:
                got = json.load(f)
            if got.get("key") == key:
                return got["value"]
    except FileNotFoundError:
        pass
    except Exception as exc:  # noqa: BLE001 - damaged: compute it again
        log.debug("ignoring %s: %s", path, exc)
    value = compute()
    tmp = path.with_name(f"{path.name}-{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            if arrays:
                with os.fdopen(fd, "wb") as f:
                    tag = np.frombuffer(json.dumps(key).encode(), dtype=np.uint8)
                    np.savez(f, __key__=tag, **value)
            else:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    json.dump({"key": key, "value": value}, f)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except (OSError, TypeError, ValueError) as exc:
        log.debug("could not keep %s: %s", path, exc)
    return value


# ---- a client over the snapshot -------------------------------------------------------
class SnapshotClient:
    """The read calls of a Chroma client that ``Store`` uses, answered from a snapshot;
    anything else goes to the real client, opened on first need."""

    def __init__(self, cols: dict[str, dict[str, Any]], open_real, folder: Path,  # noqa: ANN001
                 state: dict[str, Any]) -> None:
        self.folder = folder
        self.state = state
        self._cols = cols
        self._open_real = open_real
        self._real: Any = None
        self._lock = threading.Lock()

    def real(self) -> Any:
        with self._lock:
            if self._real is None:
                self._real = self._open_real()
            return self._real

    def get_collection(self, name: str, **kwargs: Any) -> Any:
        if name in self._cols:
            return SnapshotCollection(self._cols[name], self)
        return self.real().get_collection(name, **kwargs)

    def get_or_create_collection(self, name: str, **kwargs: Any) -> Any:
        if name in self._cols:
            return SnapshotCollection(self._cols[name], self)
        return self.real().get_or_create_collection(name, **kwargs)

    def list_collections(self) -> list[str]:
        return list(self._cols)

    def __getattr__(self, name: str) -> Any:  # writes, heartbeat, get_or_create_collection...
        return getattr(self.real(), name)


class SnapshotCollection:
    def __init__(self, data: dict[str, Any], client: SnapshotClient) -> None:
        self._d = data
        self._client = client
        self.name = data["name"]
        self.metadata = data["metadata"]
        self._pos: dict[str, int] | None = None

    def count(self) -> int:
        return len(self._d["ids"])

    def real(self) -> Any:
        return self._client.real().get_collection(self.name, embedding_function=None)

    def get(self, ids: list[str] | None = None, where: dict | None = None,
            limit: int | None = None, offset: int | None = None,
            include: list[str] | tuple[str, ...] = ("metadatas", "documents"),
            **kwargs: Any) -> dict[str, Any]:
        if where is not None or kwargs:
            return self.real().get(ids=ids, where=where, limit=limit, offset=offset,
                                   include=list(include), **kwargs)
        if ids is not None:
            if self._pos is None:
                self._pos = {x: i for i, x in enumerate(self._d["ids"])}
            rows = [self._pos[x] for x in ids if x in self._pos]
        else:
            start = offset or 0
            stop = len(self._d["ids"]) if limit is None else start + limit
            rows = list(range(start, min(stop, len(self._d["ids"]))))
        out: dict[str, Any] = {"ids": [self._d["ids"][i] for i in rows]}
        for key in ("documents", "metadatas"):
            out[key] = [self._d[key][i] for i in rows] if key in include else None
        out["embeddings"] = self._d["embeddings"][rows] if "embeddings" in include else None
        return out

    def __getattr__(self, name: str) -> Any:  # query, add, ...: the real collection
        return getattr(self.real(), name)


def open_for_reading(store: Path | str | None, chroma_url: str | None = None) -> Any:
    """The client ``Library.open`` reads through: Chroma for a server, else the folder's
    snapshot (taken now if missing or stale), with Chroma behind it for anything else."""
    from index.store import connect

    if chroma_url:
        return connect(store, chroma_url)
    if store is None:
        return connect(store)  # raises StoreNotFound
    return reading_client(Path(store), connect)
