"""One file in, one parsed letter out: text, metadata, passages. No storage here."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from index.clean import clean_text
from index.load import load_text
from index.locate import locate_letter
from index.metadata import parse_metadata
from index.passages import chunk_letter
from index.sections import split_sections
from rag.settings import PARSER_VERSION, ChunkSettings
from rag.types import Letter, Passage


@dataclass(frozen=True)
class ParsedLetter:
    letter: Letter
    text: str
    passages: tuple[Passage, ...]
    warnings: tuple[str, ...] = ()


def letter_id_for(text: str, settings: ChunkSettings | None = None) -> str:
    """Identity of a letter as indexed: its canonical text, the parser version and the
    chunk settings, so changing either re-chunks and re-embeds instead of being ignored."""
    c = settings or ChunkSettings()
    key = f"{PARSER_VERSION}|{c.min_words}|{c.max_words}\n{text}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def parse_text(raw: str, source: str, settings: ChunkSettings | None = None,
               warnings: tuple[str, ...] = ()) -> ParsedLetter:
    settings = settings or ChunkSettings()
    loc = locate_letter(clean_text(raw))
    meta = parse_metadata(loc)
    text = loc.text
    lid = letter_id_for(text, settings)
    sections = split_sections(text, kind=meta.kind)
    chunks = chunk_letter(text, sections, min_words=settings.min_words, max_words=settings.max_words)
    passages = tuple(
        Passage(
            id=f"{lid}-{i:04d}", letter_id=lid, area=meta.area, date=meta.inspection_start or meta.letter_date,
            section=c.section, stance=c.stance, text=text[c.start: c.end], start=c.start, end=c.end,
            framework=meta.framework,
        )
        for i, c in enumerate(chunks)
    )
    letter = Letter(
        id=lid, area=meta.area, framework=meta.framework, kind=meta.kind, outcome=meta.outcome,
        inspection_start=meta.inspection_start, inspection_end=meta.inspection_end,
        letter_date=meta.letter_date, source=source,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        previous_inspection=meta.previous_inspection, next_inspection=meta.next_inspection,
        lead_inspector=meta.lead_inspector, inspectors=meta.inspectors, evidence=meta.evidence,
        passages=len(passages),
    )
    return ParsedLetter(letter, text, passages, warnings)


def parse_file(path: Path, settings: ChunkSettings | None = None) -> ParsedLetter:
    """Raises rag.errors.InputRejected with a one-line reason for a file it cannot use."""
    settings = settings or ChunkSettings()
    raw, warnings = load_text(path, max_mb=settings.max_file_mb)
    return parse_text(raw, str(path), settings, tuple(warnings))
