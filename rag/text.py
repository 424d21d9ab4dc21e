"""Text helpers shared by retrieval and answering: tokens, stems, sentences, cue words."""

from __future__ import annotations

import re
from functools import lru_cache

_TOKEN_RE = re.compile(r"[a-z0-9]+")
_SENT_RE = re.compile(
    r"(?:(?<=[.!?])|(?<=[.!?][\"')\]]))\s+(?=[A-Z\"'(\d■◼•-])|\n"
)
_BULLET_RE = re.compile(r"^\s*(?:[-•◼■▪●◦▶*]|\uf0b7|\uf0a7)\s+")

STOPWORDS = frozenset("""
a an the and or of in on at to for from by with about as is are was were be been being it its
this that these those there their they them what which who whom whose where when why how do
does did done has have had having will would should could can may might must shall not no
than then so such into onto over under up down out off per via any all each every some most
many much more other our your my his her she he we you i if but also only just very too
between before after since during within while whether ever yet again still
""".split())

# Words that frame a question about letters rather than say what it is about.
FRAME_WORDS = frozenset("""
area areas local partnership partnerships lap send inspection inspections inspected inspector
inspectors letter letters report reports collection document documents which list name names
say says said find found finding findings mention mentioned mentions carried took take
taken give given show shown state stated describe described happen happened identify
pupil pupils child children young people person families family carers staff put get got
change changed changes view views change how figure figures data statistic statistics
share compare compared comparison comparing versus against contrast""".split()) | frozenset("""
identified year years time latest recent earlier joint framework framework's result resulted
whose where say there were was
""".split())

NEG_CUES = frozenset("""
not no lack lacks lacked lacking insufficient insufficiently poor poorly weak weakness weaknesses
delay delays delayed wait waits waiting long lengthy concern concerns concerned limited
inconsistent inconsistently variable variability inadequate unclear difficult difficulty
difficulties fail fails failed failing failings gap gaps absence absent without unable barrier
barriers slow slowly underdeveloped under-developed too few frustrated frustrating frustration
struggle struggles struggling shortage shortages low lower unmet late backlog backlogs decline
declined cannot never none rarely vacant vacancy worse worried worry anxious anxiety issue issues
problem problems hard unsuitable inappropriate disjointed fragmented patchy negative negatively
ineffective poorer reduced reduction lost loss lose excluded exclusion overreliance over-reliance
suspension suspensions suspended exclusions
""".split())

POS_CUES = frozenset("""
effective effectively good well strong strongly strength strengths improved improving
improvement improvements positive positively praise praised praising value valued values
highly outstanding lifeline invaluable appreciated appreciate exceptional regarded trusted clear clearly timely robust successful successfully success benefit benefits
benefiting welcome welcomed appropriate appropriately prompt promptly quick quickly accurate
accurately comprehensive excellent impressive helpful supportive proactive ambitious committed
secure securely embedded established thorough rigorous responsive swift swiftly skilled
knowledgeable confident
""".split())


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light suffix stripper: 'delays', 'delayed' -> 'delay'; 'timetables' -> 'timetabl'."""
    w = word.lower()
    if len(w) <= 3 or w.isdigit():
        return w
    for suf, rep in (("ies", "y"), ("ied", "y"), ("ings", ""), ("ing", ""), ("ed", ""),
                     ("es", ""), ("s", "")):
        if w.endswith(suf) and len(w) - len(suf) >= 3 and not w.endswith("ss"):
            w = w[: len(w) - len(suf)] + rep
            break
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    return w


_POSSESSIVE_RE = re.compile(r"(?<=[a-z])['’]s?\b")


def tokens(text: str) -> list[str]:
    return _TOKEN_RE.findall(_POSSESSIVE_RE.sub("", text.lower()))


def stems(text: str) -> list[str]:
    return [stem(t) for t in tokens(text)]


def stem_string(text: str) -> str:
    """' s1 s2 s3 ' so that a phrase's stems can be found with a substring test."""
    return " " + " ".join(stems(text)) + " "


def sentence_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Sentence spans of ``text`` (absolute, with ``offset``), bullets stripped of their mark."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_RE.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for a, b in spans:
        seg = text[a:b]
        bm = _BULLET_RE.match(seg)
        if bm:
            a += bm.end()
            seg = text[a:b]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg) - len(seg.rstrip())
        a, b = a + lead, b - trail
        if b - a >= 3:
            out.append((a + offset, b + offset))
    return out


_NOT_HAVE_RE = re.compile(r" (?:not|n't) (?:\w+ ){0,2}(?:enough|have|has|had) ")
_ABSENCE_RE = re.compile(
    r"\b(?:no|lack|lacks|lacking|lacked|absent|absence|without|vacant|vacancy|vacancies|"
    r"insufficient|insufficiently|shortage|shortages|gap|gaps|not in post|not in place|"
    r"not (?:\w+ ){0,2}enough|(?:does|do|did) not have|too few|not yet (?:in place|appointed))\b",
    re.I,
)


def absence(text: str) -> bool:
    """Does the sentence say something is missing or falls short ("no DMO in post")?"""
    return bool(_ABSENCE_RE.search(text))


def polarity(text: str) -> int:
    """Negative cue words minus positive ones (>0 critical, <0 favourable)."""
    toks = tokens(text)
    neg = sum(1 for t in toks if t in NEG_CUES)
    pos = sum(1 for t in toks if t in POS_CUES)
    low = " " + " ".join(toks) + " "
    # Phrases that flip or carry polarity on their own.
    neg += sum(low.count(p) for p in (" not yet ", " yet to ", " too long ", " not enough ", " too many "))
    neg += len(_NOT_HAVE_RE.findall(low))
    pos -= sum(low.count(p) for p in (" not effective", " not well", " not good", " not clear",
                                       " not timely", " not improved", " not strong"))
    neg -= sum(low.count(p) for p in (" no longer wait", " no concerns", " without delay"))
    return neg - pos
