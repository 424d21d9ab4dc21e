"""Citations checked verbatim, and the extractive answer's wording."""

from __future__ import annotations

from rag.types import FRAMEWORK_LABELS, Citation, Letter, Passage

CANNOT_ANSWER = "I cannot answer this from the letters in the collection."
REPHRASE = ("Please rephrase: that question has no words I can search for. Ask about the "
            "inspection letters, e.g. which areas praised their portage service.")
CLARIFY = ("I'm not sure what that refers to. Please say which area, year or topic you mean, "
           "or ask the whole question again.")


class CitationBook:
    """Numbers citations in order of first use; every quote is a checked slice of its letter."""

    def __init__(self, texts: dict[str, str], letters: dict[str, Letter],
                 passages_of: dict[str, list[Passage]]) -> None:
        self.texts = texts
        self.letters = letters
        self.passages_of = passages_of
        self.items: list[Citation] = []
        self._seen: dict[tuple[str, int, int], int] = {}

    def section_at(self, letter_id: str, pos: int) -> tuple[str, str]:
        for p in self.passages_of.get(letter_id, []):
            if p.start <= pos < p.end:
                return p.section, p.id
        return "Introduction", ""

    def cite(self, letter_id: str, start: int, end: int) -> int | None:
        """The citation number for text[start:end] of the letter; None if it is not verbatim."""
        key = (letter_id, start, end)
        if key in self._seen:
            return self._seen[key]
        text = self.texts.get(letter_id)
        if text is None or not (0 <= start < end <= len(text)):
            return None
        quote = text[start:end]
        if not quote.strip() or text[start:end] != quote:
            return None
        lt = self.letters[letter_id]
        section, pid = self.section_at(letter_id, start)
        n = len(self.items) + 1
        self.items.append(Citation(
            n=n, letter_id=letter_id, area=lt.area, inspection_start=lt.inspection_start,
            inspection_end=lt.inspection_end, framework=lt.framework, section=section,
            quote=quote, start=start, end=end, passage_id=pid,
        ))
        self._seen[key] = n
        return n

    def quote(self, n: int) -> str:
        return self.items[n - 1].quote


def letter_label(lt: Letter) -> str:
    kind = {"revisit": "revisit", "monitoring": "monitoring inspection"}.get(lt.kind, "")
    fw = "joint inspection" if lt.framework == "joint_2016" else "area SEND inspection"
    return f"{lt.area} ({lt.year or 'undated'}, {kind or fw})"


def framework_label(fw: str) -> str:
    return FRAMEWORK_LABELS.get(fw, fw)


def short(text: str, limit: int = 400) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
