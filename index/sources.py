"""What a `sendqa index` run reads: the files under the paths it was given, and which
letters already in the index those paths speak for.

Rules (README "Command line"):
- A file or folder that cannot be used (missing, unreadable, a symbolic link loop, a broken
  link) is a skip with a one-line reason, never an error.
- A named path that yields no usable letter is not a source: in the default add/update
  mode the letters under it stay; ``--mirror`` refuses the run instead of dropping them.
- A run where no named path yields a usable letter publishes nothing (NothingToIndex).
- An indexed letter is dropped only when its file was under a path that yielded letters
  in this run and is gone; with ``--mirror`` every letter not found now is dropped.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from index.load import SUFFIXES
from rag.errors import NothingToIndex
from rag.types import Letter

NAMES = ".txt, .md or .pdf"


@dataclass
class Scan:
    """The files found under the given paths and what could not be read on the way."""

    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    missing: list[Path] = field(default_factory=list)
    roots: dict[Path, list[Path]] = field(default_factory=dict)  # named path -> its files
    failed_dirs: list[Path] = field(default_factory=list)
    unreadable: list[tuple[Path, str]] = field(default_factory=list)  # named paths


def why(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return (exc.strerror or exc.__class__.__name__).lower()


def scan(paths: Iterable[Path | str]) -> Scan:
    out = Scan()
    seen_files: set[tuple[int, int]] = set()
    for p in map(Path, paths):
        try:
            st = p.stat()
        except OSError as exc:
            if isinstance(exc, FileNotFoundError) and not p.is_symlink():
                out.missing.append(p)
                out.skipped.append((str(p), "no such file or folder; check the path"))
            else:
                reason = "broken symbolic link" if isinstance(exc, FileNotFoundError) else why(exc)
                out.skipped.append((str(p), f"cannot read it ({reason})"))
                out.failed_dirs.append(p)
                out.unreadable.append((p, f"cannot read it ({reason})"))
            continue
        found = out.roots.setdefault(p, [])
        if stat.S_ISDIR(st.st_mode):
            _walk(p, st, out, found, seen_files)
        elif stat.S_ISREG(st.st_mode):
            if (st.st_dev, st.st_ino) not in seen_files:
                seen_files.add((st.st_dev, st.st_ino))
                found.append(p)
        else:
            out.skipped.append((str(p), "not a regular file or folder"))
    for found in out.roots.values():
        out.files.extend(found)
    return out


def _walk(root: Path, root_st: os.stat_result, out: Scan, found: list[Path],
          seen_files: set[tuple[int, int]]) -> None:
    seen_dirs = {(root_st.st_dev, root_st.st_ino)}

    def onerror(exc: OSError) -> None:
        name = exc.filename or str(root)
        out.skipped.append((name, f"cannot read this folder ({why(exc)}); its files were not indexed"))
        out.failed_dirs.append(Path(name))

    files: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror, followlinks=True):
        here = Path(dirpath)
        keep = []
        for d in sorted(dirnames):
            sub = here / d
            try:
                st = sub.stat()
            except OSError as exc:
                out.skipped.append((str(sub), f"cannot read this folder ({why(exc)})"))
                out.failed_dirs.append(sub)
                continue
            key = (st.st_dev, st.st_ino)
            if key in seen_dirs:
                loop = here.resolve().is_relative_to(sub.resolve())
                out.skipped.append((str(sub), "symbolic link loop (a folder inside itself)" if loop
                                    else "a link to a folder already read in this run"))
                continue
            seen_dirs.add(key)
            keep.append(d)
        dirnames[:] = keep
        for name in filenames:
            f = here / name
            if f.suffix.lower() not in SUFFIXES:
                continue
            try:
                st = f.stat()
            except OSError as exc:
                reason = "broken symbolic link" if isinstance(exc, FileNotFoundError) else why(exc)
                out.skipped.append((str(f), f"cannot read it ({reason})"))
                continue
            if not stat.S_ISREG(st.st_mode):
                out.skipped.append((str(f), "not a regular file"))
            elif (st.st_dev, st.st_ino) not in seen_files:
                seen_files.add((st.st_dev, st.st_ino))
                files.append(f)
    found.extend(sorted(files))


def _under(path: str | Path, folders: Iterable[Path]) -> bool:
    p = Path(path).resolve()
    return any(p == f or p.is_relative_to(f) for f in folders)


@dataclass
class Plan:
    """Which roots yielded letters, and the rule for letters already in the index."""

    drop_under: list[Path]
    protect_under: list[Path]
    failed_sources: set[str]
    mirror: bool

    def keeps(self, old: Letter) -> bool:
        """Does an indexed letter that was not (re)parsed in this run stay?"""
        if str(Path(old.source).resolve()) in self.failed_sources or _under(old.source, self.protect_under):
            return True  # its file failed now, or could not be reached: keep the old version
        if self.mirror:
            return False
        return not _under(old.source, self.drop_under)


def plan(found: Scan, parsed_sources: Iterable[str], failed_sources: set[str], *,
         mirror: bool, skipped: list[tuple[str, str]]) -> Plan:
    """Check the run can publish; raise NothingToIndex (nothing changed) if not.

    ``skipped`` (the report's list) gets a line for each named folder that gave nothing."""
    parsed = {str(Path(s).resolve()) for s in parsed_sources}
    yields = {root: sum(str(f.resolve()) in parsed for f in files) for root, files in found.roots.items()}
    problems = [f"{p}: no such file or folder" for p in found.missing]
    problems += [f"{p}: {reason}" for p, reason in found.unreadable]
    named = {*found.roots, *found.missing, *(p for p, _ in found.unreadable)}
    for root, n in yields.items():
        if n:
            continue
        files = found.roots[root]
        if not root.is_dir():
            reason = next((why for path, why in skipped if path == str(root)), "not usable")
            problems.append(f"{root}: {reason}")
        else:
            problems.append(f"{root}: no {NAMES} file in it" if not files
                            else f"{root}: none of its {len(files)} files could be used")
            skipped.append((str(root), f"no usable {NAMES} letter in this folder; the letters "
                                       "indexed from it are kept"))
    if not any(yields.values()):
        raise NothingToIndex("nothing to index (" + "; ".join(problems or ["no paths given"])
                             + "); check the paths. The index was not changed.",
                             skipped=[s for s in skipped if Path(s[0]) not in named])
    if mirror and problems:
        raise NothingToIndex("--mirror would drop the letters of " + "; ".join(problems)
                             + "; check the paths or leave them out. The index was not changed.")
    return Plan(
        drop_under=[r.resolve() for r, n in yields.items() if n],
        protect_under=[d.resolve() for d in found.failed_dirs],
        failed_sources={str(Path(s).resolve()) for s in failed_sources},
        mirror=mirror,
    )
