"""The index on disk (or on a Chroma server): passages with embeddings, and a letters table.

Layout, all in Chroma so the local and server modes behave the same:
- ``sendqa_meta``: the manifest (generation, embedder id and dimension, parser version,
  build time) and, per generation N, its stance model (``stance_g{N}``) and the record of
  the files its letters came from (``files_g{N}``, index/unchanged.py).
- ``sendqa_passages_g{N}``: passage text, embedding and metadata of generation N.
- ``sendqa_letters_g{N}``: each letter's canonical text and metadata.

A build writes generation N+1 beside N and switches the manifest to it only when it
is complete, so an interrupted build leaves the previous index whole and queryable.
Stale generations are removed by the next build.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from rag.errors import StoreDamaged, StoreMismatch, StoreNotFound
from rag.types import Letter, Passage, Span, date_from_int, date_int

META = "sendqa_meta"
SENTENCE_DTYPE = np.float16  # sentence vectors: half precision is ample for cosine ranking
_GEN_RE = re.compile(r"^sendqa_(passages|letters)_g(\d+)$")
_PAGE = 2000


def connect(store: Path | str | None = None, chroma_url: str | None = None, *, create: bool = False):
    """A Chroma client: HttpClient for a URL, else PersistentClient on the store folder."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if chroma_url:
        u = urlparse(chroma_url)
        if not u.hostname or u.scheme not in ("http", "https"):
            raise StoreNotFound(f"bad --chroma-url {chroma_url!r}; use http://HOST:PORT")
        try:
            client = chromadb.HttpClient(host=u.hostname, port=u.port or 8000, ssl=u.scheme == "https",
                                         settings=chroma_settings)
            client.heartbeat()
        except Exception as exc:  # noqa: BLE001 - any connection failure reads the same to a user
            raise StoreNotFound(
                f"cannot reach the Chroma server at {chroma_url} ({exc.__class__.__name__}); "
                "start it with `chroma run --path DIR --host HOST --port PORT`"
            ) from exc
        return client
    if store is None:
        raise StoreNotFound("no store given")
    path = Path(store)
    check_store_folder(path, create=create)
    try:
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:  # noqa: BLE001 - whatever Chroma raises, the folder is unusable
        raise StoreDamaged(_damaged(path, exc)) from exc


DB_NAME = "chroma.sqlite3"
_OURS = (".sendqa-",)  # lock files index/lock.py keeps beside the database


def check_store_folder(path: Path, *, create: bool = False) -> None:
    """Refuse, with a one-line reason, a store path that is not a usable index folder.

    Read-only callers (``create=False``) never create anything; a build (``create=True``)
    creates a missing folder but never writes into a folder that holds other files."""
    if path.exists() and not path.is_dir():
        raise StoreDamaged(f"{path} is a file, not an index folder; give --store a folder "
                           "(`sendqa index --store DIR` creates it)")
    if not path.exists():
        if not create:
            raise StoreNotFound(f"no index at {path}; build one with `sendqa index --store {path}`")
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreDamaged(f"cannot create the index folder {path} ({_why(exc)}); "
                               "choose another --store") from exc
    db = path / DB_NAME
    try:
        has_db = db.exists()
        others = [] if has_db else [e for e in path.iterdir() if not e.name.startswith(_OURS)]
    except OSError as exc:
        raise StoreDamaged(f"cannot read the index folder {path} ({_why(exc)}); "
                           "check its permissions") from exc
    if not has_db:
        if others:
            raise StoreDamaged(f"{path} holds other files and no sendqa index; give --store an "
                               "empty or new folder")
        if not create:
            raise StoreNotFound(f"no index at {path} (the folder is empty); build one with "
                                f"`sendqa index --store {path}`")
        return
    problem = database_problem(db)
    if problem:
        raise StoreDamaged(_damaged(path, problem))


def database_problem(db: Path) -> str | None:
    """Why ``db`` is not a whole SQLite database, or None. Cheap (reads 100 bytes): the
    header must be SQLite's and the file as long as the header says; damage deeper inside
    shows when Chroma reads it (``Store.manifest`` turns that into StoreDamaged too)."""
    try:
        with db.open("rb") as f:
            head = f.read(100)
        size = db.stat().st_size
    except OSError as exc:
        return f"cannot read {db.name}: {_why(exc)}"
    if len(head) < 100 or not head.startswith(b"SQLite format 3\x00"):
        return f"{db.name} is not a database"
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    counter_valid = head[24:28] == head[92:96]  # the page count is trustworthy
    if counter_valid and pages and size < pages * page_size:
        return f"{db.name} is truncated ({size:,} of {pages * page_size:,} bytes)"
    return None


def _damaged(path: Path, why: object) -> str:
    return (f"the index at {path} is damaged ({why}); move the folder aside and rebuild it "
            f"with `sendqa index --store {path}`")


def _why(exc: OSError) -> str:
    return (exc.strerror or exc.__class__.__name__).lower()


@dataclass(frozen=True)
class Manifest:
    generation: int
    embedder: str
    dim: int
    parser_version: str
    built_at: str

    def check(self, embedder: str, dim: int, parser_version: str) -> None:
        if self.embedder != embedder or self.dim != dim:
            raise StoreMismatch(
                f"this index was built with embedder {self.embedder} ({self.dim}-d), not {embedder} "
                f"({dim}-d); rebuild it with `sendqa index --rebuild`"
            )
        if self.parser_version != parser_version:
            raise StoreMismatch(
                f"this index was built by parser version {self.parser_version}, this sendqa has "
                f"{parser_version}; rebuild it with `sendqa index --rebuild`"
            )


class Store:
    """Read and write one sendqa index through a Chroma client."""

    def __init__(self, client: Any) -> None:
        self.client = client

    # ---- manifest and generations -------------------------------------------------
    def _meta(self):
        return self.client.get_or_create_collection(META, embedding_function=None)

    def manifest(self) -> Manifest | None:
        """The published manifest, or None; reading it creates nothing."""
        try:
            meta = self.client.get_collection(META, embedding_function=None)
            got = meta.get(ids=["manifest"], include=["metadatas"])
        except Exception as exc:  # noqa: BLE001 - the database itself failed
            # chromadb.errors is imported only here: a snapshot reader never loads chromadb.
            from chromadb.errors import NotFoundError

            if isinstance(exc, NotFoundError):
                return None
            raise StoreDamaged(f"the index database is damaged ({' '.join(str(exc).split())[:200]}); "
                               "move the store folder aside and rebuild it with `sendqa index`") from exc
        if not got["ids"]:
            return None
        m = got["metadatas"][0]
        return Manifest(int(m["generation"]), str(m["embedder"]), int(m["dim"]),
                        str(m["parser_version"]), str(m.get("built_at", "")))

    def require_manifest(self) -> Manifest:
        man = self.manifest()
        if man is None:
            raise StoreNotFound("the store holds no sendqa index yet; build one with `sendqa index`")
        return man

    def commit(self, manifest: Manifest) -> None:
        """Switch readers to ``manifest.generation``: the one step that publishes a build."""
        self._meta().upsert(
            ids=["manifest"], embeddings=[[0.0]], documents=["sendqa index manifest"],
            metadatas=[{
                "generation": manifest.generation, "embedder": manifest.embedder,
                "dim": manifest.dim, "parser_version": manifest.parser_version,
                "built_at": manifest.built_at,
            }],
        )

    def put_stance(self, gen: int, model_json: str) -> None:
        """Keep generation ``gen``'s stance model (rag/stance.py) beside the manifest."""
        self._meta().upsert(ids=[f"stance_g{gen}"], embeddings=[[0.0]], documents=[model_json],
                            metadatas=[{"generation": gen}])

    def get_stance(self, gen: int) -> str | None:
        got = self._meta().get(ids=[f"stance_g{gen}"], include=["documents"])
        return got["documents"][0] if got["ids"] else None

    def put_files(self, gen: int, record: str) -> None:
        """Keep generation ``gen``'s record of its files (index/unchanged.py)."""
        self._meta().upsert(ids=[f"files_g{gen}"], embeddings=[[0.0]], documents=[record],
                            metadatas=[{"generation": gen}])

    def get_files(self, gen: int) -> str | None:
        """Generation ``gen``'s record of its files, or None; reading it creates nothing."""
        try:
            meta = self.client.get_collection(META, embedding_function=None)
        except Exception:  # noqa: BLE001 - no meta collection: no record
            return None
        got = meta.get(ids=[f"files_g{gen}"], include=["documents"])
        return got["documents"][0] if got["ids"] else None

    def generations(self) -> set[int]:
        gens = set()
        for c in self.client.list_collections():
            name = c if isinstance(c, str) else c.name
            m = _GEN_RE.match(name)
            if m:
                gens.add(int(m.group(2)))
        return gens

    def drop_generations(self, keep: set[int]) -> None:
        for g in self.generations():
            if g not in keep:
                for kind in ("passages", "letters"):
                    try:
                        self.client.delete_collection(f"sendqa_{kind}_g{g}")
                    except Exception:  # noqa: BLE001 - already gone
                        pass
                self._meta().delete(ids=[f"stance_g{g}", f"files_g{g}"])

    def passages_collection(self, gen: int, *, create: bool = False):
        name = f"sendqa_passages_g{gen}"
        if create:
            return self.client.create_collection(name, embedding_function=None,
                                                 metadata={"hnsw:space": "cosine"})
        return self.client.get_collection(name, embedding_function=None)

    def letters_collection(self, gen: int, *, create: bool = False):
        name = f"sendqa_letters_g{gen}"
        if create:
            return self.client.create_collection(name, embedding_function=None)
        return self.client.get_collection(name, embedding_function=None)

    # ---- reading ------------------------------------------------------------------
    def read_table(self, gen: int, *, letter_ids: Iterable[str] | None = None) -> PassageTable:
        """Passages with their embeddings and their sentences (spans and vectors)."""
        col = self.passages_collection(gen)
        where = {"letter_id": {"$in": sorted(letter_ids)}} if letter_ids is not None else None
        if letter_ids is not None and not where["letter_id"]["$in"]:
            return PassageTable([], np.zeros((0, 0), np.float32), [], [])
        rows = []
        for ids, docs, metas, embs in _pages(col, ["documents", "metadatas", "embeddings"], where=where):
            for i, (pid, doc, meta) in enumerate(zip(ids, docs, metas, strict=True)):
                rows.append((passage_from_meta(pid, doc, meta), embs[i], meta))
        rows.sort(key=lambda r: r[0].id)
        matrix = (np.vstack([np.asarray(r[1], dtype=np.float32) for r in rows]) if rows
                  else np.zeros((0, 0), np.float32))
        decoded = [sentences_from_meta(r[2]) for r in rows]  # once a passage: base64 is slow
        spans = [d[0] for d in decoded]
        vecs = [d[1] for d in decoded]
        return PassageTable([r[0] for r in rows], matrix, spans, vecs)

    def read_letters(self, gen: int) -> list[tuple[Letter, str]]:
        col = self.letters_collection(gen)
        out = []
        for ids, docs, metas, _ in _pages(col, ["documents", "metadatas"]):
            for _id, doc, meta in zip(ids, docs, metas, strict=True):
                out.append((letter_from_meta(meta), doc))
        return out

    def read_passages(self, gen: int, *, letter_ids: Iterable[str] | None = None,
                      embeddings: bool = True) -> tuple[list[Passage], np.ndarray]:
        """Passages and their embedding matrix (no sentences; see ``read_table``)."""
        col = self.passages_collection(gen)
        where = {"letter_id": {"$in": sorted(letter_ids)}} if letter_ids is not None else None
        if letter_ids is not None and not where["letter_id"]["$in"]:
            return [], np.zeros((0, 0), dtype=np.float32)
        include = ["documents", "metadatas"] + (["embeddings"] if embeddings else [])
        passages: list[Passage] = []
        vecs = []
        for ids, docs, metas, embs in _pages(col, include, where=where):
            for i, (pid, doc, meta) in enumerate(zip(ids, docs, metas, strict=True)):
                passages.append(passage_from_meta(pid, doc, meta))
                if embeddings:
                    vecs.append(np.asarray(embs[i], dtype=np.float32))
        order = sorted(range(len(passages)), key=lambda i: passages[i].id)
        passages = [passages[i] for i in order]
        matrix = np.vstack([vecs[i] for i in order]) if vecs else np.zeros((0, 0), np.float32)
        return passages, matrix

    # ---- writing ------------------------------------------------------------------
    def add_passages(self, col, passages: list[Passage], vectors: np.ndarray, extra: dict[str, dict],
                     sentences: dict[str, tuple[list[tuple[int, int]], np.ndarray]] | None = None) -> None:
        """Write passages; ``sentences`` maps a passage id to its sentence spans and vectors."""
        batch = min(1000, self.client.get_max_batch_size())
        sentences = sentences or {}
        for i in range(0, len(passages), batch):
            part = passages[i: i + batch]
            col.add(
                ids=[p.id for p in part],
                documents=[p.text for p in part],
                embeddings=vectors[i: i + batch].tolist(),
                metadatas=[{**passage_meta(p, extra.get(p.letter_id, {})),
                            **sentences_meta(*sentences.get(p.id, ([], None)))} for p in part],
            )

    def add_letters(self, col, letters: list[tuple[Letter, str]]) -> None:
        for i in range(0, len(letters), 200):
            part = letters[i: i + 200]
            col.add(
                ids=[lt.id for lt, _ in part],
                documents=[text for _, text in part],
                embeddings=[[0.0]] * len(part),
                metadatas=[letter_meta(lt) for lt, _ in part],
            )


def _pages(col, include: list[str], where: dict | None = None) -> Iterator[tuple]:
    offset = 0
    while True:
        got = col.get(include=include, where=where, limit=_PAGE, offset=offset)
        ids = got["ids"]
        if not ids:
            return
        embs = got.get("embeddings") if "embeddings" in include else None
        yield ids, got.get("documents") or [None] * len(ids), got["metadatas"], embs
        offset += len(ids)
        if len(ids) < _PAGE:
            return


@dataclass
class PassageTable:
    """What a reader loads: passages in id order, their embedding matrix, and per passage
    the absolute spans and float16 vectors of its sentences."""

    passages: list[Passage]
    matrix: np.ndarray
    sentence_spans: list[list[tuple[int, int]]]
    sentence_vectors: list[np.ndarray]


# ---- record <-> type conversion (Chroma metadata holds scalars only) ----------------
def sentences_meta(spans: list[tuple[int, int]], vectors: np.ndarray | None) -> dict[str, Any]:
    if vectors is None or not len(spans):
        return {"sents": "[]", "svecs": ""}
    raw = np.ascontiguousarray(vectors, dtype=SENTENCE_DTYPE).tobytes()
    return {"sents": json.dumps([[a, b] for a, b in spans]),
            "svecs": base64.b64encode(raw).decode("ascii")}


def sentences_from_meta(m: dict[str, Any]) -> tuple[list[tuple[int, int]], np.ndarray]:
    spans = [(int(a), int(b)) for a, b in json.loads(m.get("sents") or "[]")]
    raw = m.get("svecs") or ""
    if not spans or not raw:
        return [], np.zeros((0, 0), SENTENCE_DTYPE)
    vecs = np.frombuffer(base64.b64decode(raw), dtype=SENTENCE_DTYPE).reshape(len(spans), -1)
    return spans, vecs

def _opt(v: Any) -> Any:
    return "" if v is None else v


def letter_meta(lt: Letter) -> dict[str, Any]:
    return {
        "id": lt.id, "area": lt.area, "framework": lt.framework, "kind": lt.kind,
        "outcome": _opt(lt.outcome), "inspection_start": date_int(lt.inspection_start),
        "inspection_end": date_int(lt.inspection_end), "letter_date": date_int(lt.letter_date),
        "year": lt.year or 0, "source": lt.source, "content_hash": lt.content_hash,
        "previous_inspection": _opt(lt.previous_inspection),
        "next_inspection": _opt(lt.next_inspection), "lead_inspector": _opt(lt.lead_inspector),
        "inspectors": json.dumps(list(lt.inspectors)),
        "evidence": json.dumps({k: [s.start, s.end] for k, s in lt.evidence.items()}),
        "passages": lt.passages,
    }


def letter_from_meta(m: dict[str, Any]) -> Letter:
    return Letter(
        id=m["id"], area=m["area"], framework=m["framework"], kind=m["kind"],
        outcome=m["outcome"] or None,
        inspection_start=date_from_int(int(m["inspection_start"])),
        inspection_end=date_from_int(int(m["inspection_end"])),
        letter_date=date_from_int(int(m["letter_date"])),
        source=m["source"], content_hash=m["content_hash"],
        previous_inspection=m["previous_inspection"] or None,
        next_inspection=m["next_inspection"] or None,
        lead_inspector=m["lead_inspector"] or None,
        inspectors=tuple(json.loads(m["inspectors"])),
        evidence={k: Span(a, b) for k, (a, b) in json.loads(m["evidence"]).items()},
        passages=int(m["passages"]),
    )


def passage_meta(p: Passage, letter: dict[str, Any]) -> dict[str, Any]:
    return {
        "letter_id": p.letter_id, "area": p.area, "section": p.section, "stance": p.stance,
        "start": p.start, "end": p.end, "date": date_int(p.date),
        "year": p.date.year if p.date else 0, "framework": p.framework, **letter,
    }


def passage_from_meta(pid: str, doc: str, m: dict[str, Any]) -> Passage:
    return Passage(
        id=pid, letter_id=m["letter_id"], area=m["area"], date=date_from_int(int(m["date"])),
        section=m["section"], stance=m["stance"], text=doc, start=int(m["start"]),
        end=int(m["end"]), framework=m.get("framework", ""),
    )


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
