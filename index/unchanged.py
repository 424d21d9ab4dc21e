"""Which files are unchanged since they were indexed, so a re-index need not parse them.

Each published generation keeps, beside its manifest (``files_g{N}`` in index/store.py's
``sendqa_meta``), a record of the files its letters came from: resolved path -> size,
mtime_ns, the letter id the file parsed to and the warnings reading it gave. The record is
valid for one parser version and one set of chunk settings (they decide the letter id);
under any other it is ignored and every file is parsed. A file whose resolved path, size
and mtime_ns equal its entry is not read again: its letter is the one already indexed.
Anything else (a new, edited, touched, moved or broken file) is parsed as before.

A file's stat can hide a change made within the same timestamp tick as the stat was taken
(coarse clocks, FAT's 2 s). So an entry whose mtime is within ``RACY_NS`` of the moment it
was recorded also keeps the content's sha256 and counts as unchanged only while the
content still hashes the same (git's "racily clean" rule); once it has been checked well
after the file last changed, it is recorded again as an ordinary entry. Hashing only
these few entries keeps a no-op re-index to a stat of each file.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from rag.settings import PARSER_VERSION, ChunkSettings

RACY_NS = 3_000_000_000  # more than any filesystem's timestamp granularity (FAT: 2 s)


def record_key(chunk: ChunkSettings) -> str:
    """What a record is valid for: everything that decides a file's letter id or whether
    the file is used at all."""
    return f"{PARSER_VERSION}|{chunk.min_words}|{chunk.max_words}|{chunk.max_file_mb}"


def _digest(path: Path) -> str | None:
    try:
        with path.open("rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return None


@dataclass(frozen=True)
class Entry:
    size: int
    mtime_ns: int
    seen_ns: int  # when the stat was taken
    letter: str  # the letter id the file parsed to
    warnings: tuple[str, ...] = ()
    sha256: str = ""  # racy entries only

    @property
    def racy(self) -> bool:
        return self.mtime_ns >= self.seen_ns - RACY_NS

    def to_json(self) -> dict[str, Any]:
        out = {"size": self.size, "mtime_ns": self.mtime_ns, "seen_ns": self.seen_ns,
               "letter": self.letter}
        if self.warnings:
            out["warnings"] = list(self.warnings)
        if self.sha256:
            out["sha256"] = self.sha256
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Entry:
        return cls(int(d["size"]), int(d["mtime_ns"]), int(d["seen_ns"]), str(d["letter"]),
                   tuple(str(w) for w in d.get("warnings", ())), str(d.get("sha256", "")))


@dataclass
class Observed:
    """One file as found now: its resolved path and stat, taken before it is read."""

    file: Path
    path: str
    size: int
    mtime_ns: int
    seen_ns: int

    @property
    def racy(self) -> bool:
        return self.mtime_ns >= self.seen_ns - RACY_NS

    @cached_property
    def sha256(self) -> str | None:
        return _digest(self.file)

    def entry(self, letter: str, warnings: tuple[str, ...]) -> Entry | None:
        """The entry for this file having parsed to ``letter`` (None: cannot vouch for it)."""
        sha = ""
        if self.racy:
            sha = self.sha256 or ""
            if not sha:
                return None
        return Entry(self.size, self.mtime_ns, self.seen_ns, letter, tuple(warnings), sha)


def observe(file: Path) -> Observed | None:
    """Stat ``file`` (following links); None if that fails (the parser then says why)."""
    seen = time.time_ns()
    try:
        st = file.stat()
        path = str(file.resolve())
    except (OSError, RuntimeError):
        return None
    return Observed(file, path, st.st_size, st.st_mtime_ns, seen)


@dataclass
class Known:
    """A generation's record of its files, as read before a build."""

    key: str = ""
    entries: dict[str, Entry] = field(default_factory=dict)

    @classmethod
    def parse(cls, raw: str | None, key: str) -> Known:
        """The record stored as ``raw``; empty when there is none or it is for another key."""
        if not raw:
            return cls(key)
        try:
            data = json.loads(raw)
            if data.get("key") != key:
                return cls(key)
            return cls(key, {p: Entry.from_json(e) for p, e in data["files"].items()})
        except (ValueError, KeyError, TypeError, AttributeError):
            return cls(key)

    def lookup(self, obs: Observed | None) -> Entry | None:
        """The entry of an unchanged file (refreshed when a racy one checks out), or None."""
        if obs is None:
            return None
        e = self.entries.get(obs.path)
        if e is None or e.size != obs.size or e.mtime_ns != obs.mtime_ns:
            return None
        if not e.racy:
            return e
        if not e.sha256 or obs.sha256 != e.sha256:
            return None
        return replace(e, seen_ns=obs.seen_ns, sha256=e.sha256 if obs.racy else "")


def dump(key: str, entries: dict[str, Entry]) -> str:
    return json.dumps({"key": key, "files": {p: entries[p].to_json() for p in sorted(entries)}},
                      separators=(",", ":"))
