"""Small hand-made letters (a few sentences each) and a Library over them, for unit tests of
the question grammar, the sweep and follow-ups. The real bundled model embeds them; the
stance model can be replaced so that a test pins one mechanism at a time."""

from __future__ import annotations

from rag.library import Library
from rag.settings import Settings
from rag.stance import StanceModel

OUTCOMES = {
    "positive": "The local area partnership's special educational needs and/or disabilities (SEND) "
                "arrangements typically lead to positive experiences and outcomes for children and "
                "young people with SEND.",
    "inconsistent": "The local area partnership's special educational needs and/or disabilities (SEND) "
                    "arrangements lead to inconsistent experiences and outcomes for children and young "
                    "people with SEND.",
    "systemic": "There are widespread and/or systemic failings leading to significant concerns about "
                "the experiences and outcomes of children and young people with special educational "
                "needs and/or disabilities (SEND).",
}


def report(area: str, dates: str, outcome: str, effective: list[str], better: list[str],
           middle: str = "") -> str:
    """A 2023-framework report in the shape the indexer reads."""
    lines = [
        f"Area SEND inspection of {area} Local Area Partnership",
        f"Inspection dates: {dates}",
        "Inspection outcome",
        OUTCOMES[outcome],
        "What is it like to be a child or young person with SEND in this area?",
        middle or "Children and young people with SEND are known to local leaders.",
        "What is the area partnership doing that is effective?",
        *[f"◼ {s}" for s in effective],
        "What does the area partnership need to do better?",
        *[f"◼ {s}" for s in better],
    ]
    return "\n".join(lines) + "\n"


def kent(effective: list[str], better: list[str], middle: str = "") -> str:
    """Kent's report of LETTERS (same dates and outcome) with other findings."""
    return report("Kent", "2 to 6 October 2023", "inconsistent", effective, better, middle)


def camden(effective: list[str], better: list[str], middle: str = "") -> str:
    """Camden's report of LETTERS (same dates and outcome) with other findings."""
    return report("Camden", "8 to 12 July 2024", "systemic", effective, better, middle)


LETTERS = {
    "salford23": report(
        "Salford", "1 to 5 May 2023", "positive",
        ["The youth offending service works well for young people with SEND."],
        ["Children wait too long for speech and language therapy.",
         "There are too few short breaks for families of disabled children."]),
    "salford24": report(
        "Salford", "3 to 7 June 2024", "positive",
        ["Short breaks are now plentiful and families value them highly."],
        ["Some annual reviews of education, health and care plans are late."]),
    "camden": report(
        "Camden", "8 to 12 July 2024", "systemic",
        ["Speech and language therapy is timely and well regarded by families."],
        ["There are not enough short breaks for families of disabled children."]),
    "kent": report(
        "Kent", "2 to 6 October 2023", "inconsistent",
        ["The youth offending team supports young people with SEND well."],
        ["Waiting times for wheelchair assessments are too long, at 40 weeks on average.",
         "Pupils' reading ages are low in too many schools."]),
}


class _NoStance(StanceModel):
    pass


def tiny_library(letters: dict[str, str] | None = None, *, learnt_stance: bool = False) -> Library:
    """A Library over hand-made letters, no Chroma: the real embedder, sections' stance only
    (``learnt_stance=False``: the learnt part is zero, so verdicts follow the headings)."""
    import numpy as np

    from index.embed import Embedder
    from index.parse import parse_text

    parsed = [parse_text(text, f"{name}.txt") for name, text in (letters or LETTERS).items()]
    passages = [p for pl in parsed for p in pl.passages]
    embedder = Embedder()
    # trained_on is set high so the zero model is not swapped for the bundled default.
    stance = None if learnt_stance else StanceModel(np.zeros(embedder.dim, np.float32), 0.0, 10**6)
    matrix = embedder.embed([p.text for p in passages])
    return Library(store=None, manifest=None, settings=Settings(), embedder=embedder,
                   letters=[(pl.letter, pl.text) for pl in parsed], passages=passages,
                   matrix=matrix, collection=None, stance=stance)
