"""Locks on a store: one `sendqa index` writes at a time; readers pin their generation.

Both are ``flock`` locks on small files, so the kernel releases them when the holder
dies, however it dies (kill -9 included); a lock file never needs cleaning by hand.

- ``StoreLock``: ``.sendqa-index.lock`` in the store folder, held exclusively by a build
  from before it reads the manifest until after it has published and tidied up. It holds
  the holder's pid, for the message the next build shows.
- ``pin_generation``: a long-lived reader (the chat server) holds a shared lock on a file
  named after the generation it opened, in ``.sendqa-readers/``; a build never drops a
  generation that a live reader pins.

For a Chroma server (``--chroma-url``) the files live in a folder named after the URL
under the system temp folder, so builds and readers on this machine coordinate.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from rag.errors import StoreBusy

LOCK_NAME = ".sendqa-index.lock"
READERS = ".sendqa-readers"
_POLL_S = 0.2


def lock_folder(store: Path | str | None, chroma_url: str | None) -> Path:
    """Where a store's lock files live (the store folder itself for a local store)."""
    if chroma_url:
        digest = hashlib.sha1(chroma_url.rstrip("/").encode()).hexdigest()[:16]
        folder = Path(tempfile.gettempdir()) / "sendqa-locks" / digest
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return Path(store)


def _holder(fd: int) -> str:
    try:
        data = os.pread(fd, 64, 0).decode(errors="replace").strip()
    except OSError:
        data = ""
    return f"pid {data}" if data.isdigit() else "another process"


@contextlib.contextmanager
def store_lock(folder: Path, *, where: str, wait: float = 0.0,
               on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the store's write lock for the ``with`` block.

    Waits up to ``wait`` seconds for another build to finish (telling ``on_wait`` once),
    then raises StoreBusy with a one-line message."""
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(fd, where=where, wait=wait, on_wait=on_wait)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, *, where: str, wait: float, on_wait: Callable[[str], None] | None) -> None:
    deadline = time.monotonic() + max(0.0, wait)
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        holder = _holder(fd)
        if time.monotonic() >= deadline:
            hint = "try again when it has finished" if wait <= 0 else f"waited {wait:.0f} s"
            raise StoreBusy(f"another `sendqa index` ({holder}) is writing to {where}; {hint} "
                            "(or pass --wait SECONDS to wait for it)")
        if not told and on_wait is not None:
            on_wait(f"another `sendqa index` ({holder}) is writing to {where}; waiting up to "
                    f"{wait:.0f} s for it to finish")
            told = True
        time.sleep(_POLL_S)


class GenerationPin:
    """A shared lock saying "a live reader uses generation N"; released by ``close``."""

    def __init__(self, path: Path) -> None:
        # Locked under a temporary name first: a build that saw the file unlocked would
        # take it for a dead reader's and remove it.
        tmp = path.with_name("tmp-" + path.name)
        self._fd: int | None = os.open(tmp, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self._fd, fcntl.LOCK_SH)
        os.replace(tmp, path)
        self.path = path

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
            with contextlib.suppress(OSError):
                self.path.unlink()


def pin_generation(folder: Path, generation: int) -> GenerationPin:
    """Pin ``generation`` for as long as this process lives (or until ``close``)."""
    readers = folder / READERS
    readers.mkdir(exist_ok=True)
    return GenerationPin(readers / f"g{generation}-{os.getpid()}-{os.urandom(4).hex()}")


def pinned_generations(folder: Path) -> set[int]:
    """Generations some live process pins; pins left by dead processes are removed."""
    readers = folder / READERS
    if not readers.is_dir():
        return set()
    pinned: set[int] = set()
    for f in readers.iterdir():
        gen = f.name.split("-", 1)[0][1:]
        if not gen.isdigit():
            continue
        try:
            fd = os.open(f, os.O_RDWR)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pinned.add(int(gen))
        else:  # nobody holds it: its reader is gone
            with contextlib.suppress(OSError):
                f.unlink()
        finally:
            os.close(fd)
    return pinned
