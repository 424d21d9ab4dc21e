"""What the UI needs around a Library: input checks, filters, caches, downloads, errors."""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
import threading
import uuid
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.errors import InputRejected, SendQAError
from rag.settings import AnswerSettings
from rag.types import Answer, Letter, Passage
from ui.render import answer_csv, answer_markdown

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = AnswerSettings().max_question_chars
MAX_HISTORY = 20
"""Earlier questions of a chat sent with a follow-up (the most recent ones)."""
FRAMEWORKS = ("joint_2016", "area_2023")
GENERIC_ERROR = (
    "Sorry, something went wrong while answering that question. "
    "Please try again, or rephrase it."
)


@dataclass(frozen=True)
class Filters:
    """The filters chosen for one question; empty means all letters."""

    areas: tuple[str, ...] = ()
    since: int | None = None
    until: int | None = None
    framework: str | None = None

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``Library.ask``."""
        return {"areas": list(self.areas) or None, "since": self.since,
                "until": self.until, "framework": self.framework}

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.kwargs().items() if v}


def _year(value: Any, name: str) -> int | None:
    if value in (None, "", 0, "0", "any", "Any"):
        return None
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise InputRejected(f"The {name} year must be a year such as 2019, not {value!r}.") from None
    if not 1900 <= year <= 2100:
        raise InputRejected(f"The {name} year {year} is out of range.")
    return year


def parse_filters(areas: Any = None, since: Any = None, until: Any = None,
                  framework: Any = None) -> Filters:
    """Turn raw UI or API values into Filters; raises InputRejected on nonsense."""
    if isinstance(areas, str):
        areas = [areas]
    picked = tuple(dict.fromkeys(str(a).strip() for a in (areas or []) if str(a).strip()))
    lo, hi = _year(since, "from"), _year(until, "to")
    if lo and hi and lo > hi:
        raise InputRejected(f"The 'from' year ({lo}) is after the 'to' year ({hi}).")
    framework = framework or None
    if framework is not None and framework not in FRAMEWORKS:
        raise InputRejected(f"Unknown framework {framework!r}; use one of {', '.join(FRAMEWORKS)}.")
    return Filters(picked, lo, hi, framework)


def check_question(question: Any, limit: int = MAX_QUESTION_CHARS) -> str:
    """The stripped question, or InputRejected with a message a person can act on."""
    text = str(question or "").strip()
    if not text:
        raise InputRejected("Please type a question.")
    if len(text) > limit:
        raise InputRejected(
            f"Your question is {len(text):,} characters long; questions are limited to "
            f"{limit:,} characters. Please shorten it."
        )
    return text


def check_history(history: Any, limit: int = MAX_QUESTION_CHARS) -> list[str]:
    """Earlier questions as the library takes them: strings, oldest first, the last
    ``MAX_HISTORY`` kept; InputRejected for anything else."""
    if history is None:
        return []
    if isinstance(history, str) or not isinstance(history, list | tuple):
        raise InputRejected("The history must be a list of earlier questions, oldest first.")
    earlier = []
    for item in history[-MAX_HISTORY:]:
        if not isinstance(item, str):
            raise InputRejected("Each earlier question in the history must be text.")
        if item.strip():
            earlier.append(check_question(item, limit))
    return earlier


def friendly_error(exc: BaseException) -> str:
    """One line for the user; tracebacks go to the log only."""
    if isinstance(exc, InputRejected):
        return str(exc) or "That question cannot be answered as asked."
    if isinstance(exc, SendQAError):
        return f"Sorry, I could not answer that: {exc}"
    return GENERIC_ERROR


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """``user:password`` (e.g. from SENDQA_AUTH) -> (user, password); empty -> None."""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise InputRejected("SENDQA_AUTH must look like user:password (both non-empty).")
    return user, password


class AskService:
    """Wraps one shared Library for the UI. Thread-safe; create one per app."""

    def __init__(self, lib: Any, *, files_dir: Path | None = None) -> None:
        self.lib = lib
        settings = getattr(lib, "settings", None)
        self.max_chars = getattr(getattr(settings, "answer", None), "max_question_chars",
                                 MAX_QUESTION_CHARS)
        self.letters: list[Letter] = list(lib.letters())
        self.areas: list[str] = sorted(lib.areas())
        self.years: list[int] = sorted({lt.year for lt in self.letters if lt.year})
        self._by_id = {lt.id: lt for lt in self.letters}
        self._passages: dict[str, list[Passage]] = {}
        self._texts: dict[str, str] = {}
        self._lock = threading.Lock()
        if files_dir is None:
            # Inside Gradio's cache folder, so Gradio serves the files without copying them
            # (a copy would outlive the session), and deletes them at shutdown.
            files_dir = Path(tempfile.mkdtemp(prefix="sendqa-ui-", dir=_cache_folder()))
            weakref.finalize(self, shutil.rmtree, files_dir, ignore_errors=True)
        self.files_dir = files_dir

    def ask(self, question: Any, filters: Filters, history: Any = None) -> Answer:
        """Check the question and ask the library; raises InputRejected / SendQAError.

        ``history``: the earlier questions of the same chat, oldest first. With an LLM
        configured in the library's settings, the answer is reworded by it and validated
        (rag.synthesis); the extractive answer is the fallback."""
        return self.reword(self.answer(question, filters, history))

    def answer(self, question: Any, filters: Filters, history: Any = None) -> Answer:
        """The library's own (extractive) answer, read with ``history``."""
        earlier = check_history(history, self.max_chars)
        context = {"history": earlier} if earlier else {}
        return self.lib.ask(check_question(question, self.max_chars), **context,
                            **filters.kwargs())

    @property
    def llm_enabled(self) -> bool:
        llm = getattr(getattr(self.lib, "settings", None), "llm", None)
        return llm is not None and bool(llm.url or llm.model_path)

    def reword(self, answer: Answer) -> Answer:
        """``answer`` worded by the configured LLM and checked, or as it is without one."""
        if not self.llm_enabled:
            return answer
        from rag.synthesis import synthesise

        return synthesise(self.lib, answer)

    def letter(self, letter_id: str) -> Letter:
        try:
            return self._by_id[letter_id]
        except KeyError:
            raise InputRejected(f"No letter with id {letter_id!r} in this index.") from None

    def letter_text(self, letter_id: str) -> str:
        with self._lock:
            if letter_id not in self._texts:
                self._texts[letter_id] = self.lib.letter_text(letter_id)
            return self._texts[letter_id]

    def passages(self, letter_id: str) -> list[Passage]:
        with self._lock:
            if letter_id not in self._passages:
                self._passages[letter_id] = list(self.lib.passages(letter_id))
            return self._passages[letter_id]

    def passages_for(self, answer: Answer) -> dict[str, Passage]:
        """Passage id -> Passage for every passage of every letter ``answer`` cites."""
        out: dict[str, Passage] = {}
        for letter_id in dict.fromkeys(c.letter_id for c in answer.citations):
            try:
                out.update((p.id, p) for p in self.passages(letter_id))
            except SendQAError:
                log.warning("no passages for letter %s", letter_id)
        return out

    def write_downloads(self, answer: Answer, filters: dict[str, Any],
                        session: str | None = None) -> tuple[Path, Path]:
        """Write the answer as CSV and Markdown files; returns their paths.

        They go in a folder per browser session (``session``, else the session of the Gradio
        request being handled), which ``end_session`` removes."""
        folder = self.files_dir / _safe(session or _current_session()) / uuid.uuid4().hex
        folder.mkdir(parents=True)
        slug = re.sub(r"[^a-z0-9]+", "-", answer.question.lower()).strip("-")[:40] or "answer"
        csv_path = folder / f"sendqa-{slug}.csv"
        md_path = folder / f"sendqa-{slug}.md"
        csv_path.write_text(answer_csv(answer), encoding="utf-8")
        md_path.write_text(answer_markdown(answer, filters), encoding="utf-8")
        return csv_path, md_path

    def end_session(self, session: str | None) -> None:
        """Remove the download files written for ``session`` (its browser tab closed)."""
        if session:
            shutil.rmtree(self.files_dir / _safe(session), ignore_errors=True)

    def close(self) -> None:
        """Remove every download file this service wrote."""
        shutil.rmtree(self.files_dir, ignore_errors=True)


def _cache_folder() -> str | None:
    try:
        from gradio.utils import get_upload_folder
    except ImportError:  # pragma: no cover - gradio is a dependency
        return None
    folder = Path(get_upload_folder())
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder)


def _current_session() -> str:
    try:
        from gradio.context import LocalContext

        request = LocalContext.request.get(None)
    except ImportError:  # pragma: no cover
        request = None
    return getattr(request, "session_hash", None) or "no-session"


def _safe(session: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", session)[:64] or "no-session"
