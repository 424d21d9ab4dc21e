"""The SEND vocabulary: acronyms and the phrases they stand for, and close synonyms.

Letters write "DMO" in one place and "designated medical officer" in another; a
question may use either. Each concept lists the surface forms that mean the same
thing. Used to match question topics against sentences and to expand BM25 queries.
This is domain knowledge, written once, not tuned to any question.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rag.text import stem_string

CONCEPTS: dict[str, tuple[str, ...]] = {
    "dmo": ("dmo", "designated medical officer", "designated medical officers"),
    "dco": ("dco", "designated clinical officer", "designated clinical officers"),
    "ehcp": ("ehc plan", "ehcp", "education, health and care plan", "ehc plans", "ehcps",
             "education health and care plan"),
    "ehc needs assessment": ("ehc needs assessment", "ehc assessment", "statutory assessment",
                             "assessment of needs", "needs assessment"),
    "iass": ("sendiass", "iass", "sendias", "information, advice and support",
             "information advice and support", "send information, advice and support service",
             "advice and support service", "impartial advice and support"),
    "camhs": ("camhs", "child and adolescent mental health", "cypmhs",
              "children and young people's mental health"),
    "wsoa": ("wsoa", "written statement of action"),
    "senco": ("senco", "sencos", "special educational needs coordinator",
              "special educational needs co-ordinator"),
    "icb": ("icb", "integrated care board"),
    "ccg": ("ccg", "clinical commissioning group"),
    "neet": ("neet", "not in education, employment or training",
             "not in education, employment and training"),
    "alternative provision": ("alternative provision", "ap"),
    "autism": ("autism", "autistic", "asd", "asc", "autism spectrum disorder",
               "autistic spectrum", "neurodevelopmental", "neurodiversity", "neurodivergent"),
    "adhd": ("adhd", "attention deficit hyperactivity disorder"),
    "speech and language": ("speech and language", "salt", "speech, language and communication",
                            "slt"),
    "occupational therapy": ("occupational therapy", "occupational therapist", "ot"),
    "parent carer forum": ("parent carer forum", "pcf", "parent and carer forum",
                           "parent carers forum"),
    "local offer": ("local offer",),
    "part-time timetable": ("part-time timetable", "part-time timetables", "reduced timetable",
                            "reduced timetables", "part-time", "part time", "reduced hours",
                            "part-time education"),
    "covid": ("covid-19", "covid", "pandemic", "coronavirus"),
    "looked-after children": ("looked-after children", "looked after children", "cla",
                              "children looked after", "children in care", "cared for children",
                              "children we care for"),
    "exclusion": ("exclusion", "exclusions", "excluded"),
    "special school": ("special school", "special schools", "specialist school",
                       "specialist schools", "special academy"),
    "good or outstanding": ("good or outstanding", "outstanding or good", "good or better",
                            "judged good", "rated good", "judged to be good", "rated as good"),
    "preparation for adulthood": ("preparation for adulthood", "pfa", "preparing for adulthood",
                                  "transition to adulthood"),
    "co-production": ("co-production", "coproduction", "co-produce", "co-produced",
                      "co-producing"),
    "joint commissioning": ("joint commissioning", "jointly commission", "jointly commissioned"),
    "short breaks": ("short breaks", "short break", "respite"),
    "supported internships": ("supported internship", "supported internships"),
    "key stage 2": ("key stage 2", "ks2"),
    "key stage 4": ("key stage 4", "ks4"),
    "jsna": ("jsna", "joint strategic needs assessment"),
    "health visiting": ("health visitor", "health visitors", "health visiting"),
    "elective home education": ("elective home education", "electively home educated", "ehe"),
    "emotionally based school avoidance": ("emotionally based school avoidance", "ebsa",
                                           "school avoidance"),
    "semh": ("semh", "social, emotional and mental health"),
    "youth justice": ("youth justice", "youth offending", "yos"),
    "tribunal": ("tribunal", "tribunals", "appeal", "appeals"),
}

# Single words that mean the same thing in these letters.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "rated": ("rated", "judged", "graded"),
    "diagnosis": ("diagnosis", "diagnoses", "diagnostic"),
    "assessment": ("assessment", "assessments", "assessed", "assess"),
    "delay": ("delay", "delays", "delayed", "wait", "waiting", "waits"),
    "criticise": ("criticise", "criticised", "criticism"),
    "timetable": ("timetable", "timetables"),
    "travel": ("travel", "travelled", "travels", "miles"),
}


@dataclass(frozen=True)
class Term:
    """One thing a question is about: any of ``forms`` in a sentence counts as a match."""

    label: str
    forms: tuple[str, ...]  # stem strings, ' s1 s2 '

    def found_in(self, sentence_stems: str) -> bool:
        return any(f in sentence_stems for f in self.forms)


@lru_cache(maxsize=1)
def concept_forms() -> list[tuple[str, str, tuple[str, ...]]]:
    """(surface stem string, concept label, all forms) for every surface form, longest first."""
    rows = []
    for label, forms in CONCEPTS.items():
        stemmed = tuple(dict.fromkeys(stem_string(f) for f in forms))
        for f in stemmed:
            rows.append((f, label, stemmed))
    rows.sort(key=lambda r: -len(r[0]))
    return rows


def word_term(word_stem: str) -> Term:
    for key, forms in SYNONYMS.items():
        stemmed = tuple(dict.fromkeys(stem_string(f) for f in forms))
        if f" {word_stem} " in stemmed:
            return Term(key, stemmed)
    return Term(word_stem, (f" {word_stem} ",))


def expand_query(text: str) -> str:
    """The question plus every other surface form of the concepts it names (for BM25)."""
    s = stem_string(text)
    extra = []
    for form, label, _forms in concept_forms():
        if form in s:
            extra.extend(CONCEPTS[label])
    return text + (" " + " ".join(dict.fromkeys(extra)) if extra else "")
