"""Hand-made letters and answers, and a tiny in-memory stand-in for ``rag.Library``.

Used by the fast UI tests; the slow ones use the real library over a built store.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

from rag.errors import InputRejected
from rag.types import Answer, Citation, Coverage, Finding, Letter, Passage

EVIL = "<script>alert(1)</script> and <img src=x onerror=alert(2)>"

WORCS_TEXT = (
    "Joint local area SEND inspection in Worcestershire\n\n"
    "Main findings\n\n"
    "- There is currently no designated clinical officer or designated medical officer in post. "
    "Leaders know this is a gap.\n"
    f"- Parents said {EVIL} in the survey.\n\n"
    "Areas for development\n\n"
    "- 200 children were waiting for a special school place.\n"
)


def _span(text: str, needle: str) -> tuple[int, int]:
    i = text.index(needle)
    return i, i + len(needle)


def _passage(pid: str, letter_id: str, area: str, text: str, body: str, section: str) -> Passage:
    s, e = _span(text, body)
    return Passage(id=pid, letter_id=letter_id, area=area, date=dt.date(2018, 3, 5),
                   section=section, stance="weakness", text=body, start=s, end=e,
                   framework="joint_2016")


WORCS_LETTER = Letter(
    id="worcs-2018", area="Worcestershire", framework="joint_2016", kind="inspection",
    outcome="wsoa_required", inspection_start=dt.date(2018, 3, 5),
    inspection_end=dt.date(2018, 3, 9), letter_date=dt.date(2018, 5, 2),
    source="data/corpus/letters/worcs.txt", content_hash="abc", passages=3,
)
_B1 = WORCS_TEXT[WORCS_TEXT.index("- There"):WORCS_TEXT.index("gap.") + 4]
_B2 = WORCS_TEXT[WORCS_TEXT.index("- Parents"):WORCS_TEXT.index("survey.") + 7]
_B3 = WORCS_TEXT[WORCS_TEXT.index("- 200"):WORCS_TEXT.index("place.") + 6]
WORCS_PASSAGES = [
    _passage("w1", "worcs-2018", "Worcestershire", WORCS_TEXT, _B1, "Main findings"),
    _passage("w2", "worcs-2018", "Worcestershire", WORCS_TEXT, _B2, "Main findings"),
    _passage("w3", "worcs-2018", "Worcestershire", WORCS_TEXT, _B3, "Areas for development"),
]


def citation(n: int, passage: Passage, quote: str) -> Citation:
    s = WORCS_TEXT.index(quote)
    return Citation(n=n, letter_id=passage.letter_id, area=passage.area,
                    inspection_start=dt.date(2018, 3, 5), inspection_end=dt.date(2018, 3, 9),
                    framework="joint_2016", section=passage.section, quote=quote,
                    start=s, end=s + len(quote), passage_id=passage.id)


DMO_QUOTE = "There is currently no designated clinical officer or designated medical officer in post."


def dmo_answer(filters: dict | None = None) -> Answer:
    """A set answer: Worcestershire says yes (with a quote), Dorset no."""
    return Answer(
        question="Which areas lacked a DMO?",
        text="1 letter in scope says so: Worcestershire [1].",
        intent="set", abstained=False,
        findings=(
            Finding("Worcestershire", "worcs-2018", 2018, "yes", (1,), "no DMO in post"),
            Finding("Dorset", "dorset-2017", 2017, "no", (), "a DMO is in post"),
        ),
        citations=(citation(1, WORCS_PASSAGES[0], DMO_QUOTE),),
        coverage=Coverage(in_scope=2, checked=2), filters=filters or {},
    )


def evil_answer() -> Answer:
    """A lookup answer quoting the bullet that contains HTML."""
    quote = f"Parents said {EVIL} in the survey."
    return Answer(
        question="What did parents say? <b>bold</b>",
        text=f"Parents said {EVIL} [1].", intent="lookup", abstained=False, findings=(),
        citations=(citation(1, WORCS_PASSAGES[1], quote),),
        coverage=Coverage(in_scope=1, checked=1),
    )


class FakeLibrary:
    """Answers every question with ``dmo_answer`` (or ``evil_answer`` when asked about parents)."""

    def __init__(self) -> None:
        self.calls: list[dict] = []
        self._lock = threading.Lock()

    def ask(self, question, *, history=None, areas=None, since=None, until=None,
            framework=None) -> Answer:
        if not question.strip() or len(question) > 2000:
            raise InputRejected("question must be 1 to 2,000 characters")
        if "explode" in question:
            raise RuntimeError("secret internal detail")
        filters = {k: v for k, v in dict(history=history, areas=areas, since=since, until=until,
                                         framework=framework).items() if v}
        with self._lock:
            self.calls.append({"question": question, **filters})
        return evil_answer() if "parents" in question.lower() else dmo_answer(filters)

    def letters(self) -> list[Letter]:
        return [WORCS_LETTER]

    def areas(self) -> list[str]:
        return ["Worcestershire", "Dorset"]

    def letter_text(self, letter_id: str) -> str:
        if letter_id != WORCS_LETTER.id:
            raise InputRejected(f"no letter {letter_id}")
        return WORCS_TEXT

    def passages(self, letter_id: str) -> list[Passage]:
        return list(WORCS_PASSAGES) if letter_id == WORCS_LETTER.id else []


# A real-looking joint inspection letter with HTML in one bullet, for index-building tests.
EVIL_LETTER = """Ofsted
Agora
6 Cumberland Place
Nottingham
NG1 6HJ

12 June 2018

Mr John Smith
Director for Children's Services, Herefordshire Council
Plough Lane
Hereford
HR4 0LE

Dear Mr Smith

Joint local area SEND inspection in Herefordshire

Between 23 April 2018 and 27 April 2018, Ofsted and the Care Quality Commission (CQC) conducted a joint inspection of the local area of Herefordshire to judge the effectiveness of the area in implementing the disability and special educational needs reforms as set out in the Children and Families Act 2014.

The inspection was led by one of Her Majesty's Inspectors (HMI) from Ofsted, with a team of inspectors including an Ofsted Inspector and a children's services inspector from the CQC.

Inspectors spoke with children and young people with special educational needs and/or disabilities (SEND), parents and carers, and local authority and National Health Service (NHS) officers. They visited a range of providers and spoke to leaders, staff and governors about how they were implementing the special educational needs reforms.

This letter outlines our findings from the inspection, including some areas of strengths and areas for further improvement.

Main findings

- Leaders have an accurate understanding of the strengths and weaknesses of the local area. They have worked with parents to set clear priorities for improvement, and the parent carer forum is an active partner in planning.
- Parents told inspectors that the local offer website showed <script>alert(1)</script> and <img src=x onerror=alert(2)> instead of the contact details they needed, so they could not find the help that was available to their families.
- The designated clinical officer works closely with schools and health providers. Health visitors identify the needs of young children quickly and refer them to the right services without delay.

The effectiveness of the local area in identifying children and young people's special educational needs and/or disabilities

Strengths

- Early years settings identify children's needs well. Staff are trained to notice speech and language difficulties and to refer children to therapists, who see them within a few weeks of referral.
- Schools have access to advice from specialist teachers. Special educational needs coordinators value this support and say it helps them to identify needs accurately.

Areas for improvement

- Too many education, health and care plans are not completed within the statutory 20 weeks. Families wait too long for their child's needs to be assessed, and some children miss out on support as a result.
- Autism assessments take too long. Some families have waited more than a year for their child to be assessed, and they told inspectors that they felt left to cope alone.

Yours sincerely

Jane Doe
Her Majesty's Inspector
"""


def write_evil_letter(folder: Path) -> Path:
    """Write EVIL_LETTER into ``folder`` and return the file's path."""
    path = folder / "herefordshire_2018.txt"
    path.write_text(EVIL_LETTER, encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(lib) -> Iterator[str]:
    """Serve ``build_app(lib)`` on a free loopback port; yields its URL."""
    from ui import build_app, launch

    demo = build_app(lib)
    try:
        _, url, _ = launch(demo, host="127.0.0.1", port=free_port(), block=False, quiet=True)
        yield url
    finally:
        demo.close()
