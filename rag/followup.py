"""Follow-up questions, read against the earlier questions of the same conversation.

No LLM: a follow-up is a question whose own structure (rag/question.py) lacks a part,
and the part comes from the question before it (itself resolved the same way):
- a new scope for the same question: "and Kent?", "what about 2024?", "and in the
  south east", "did Kent's 2021 letter say so too?";
- narrowing the last set answer: "which of them were from 2023?", "which of them had
  systemic failings?" (the scope becomes the areas that answer said yes for);
- counting it: "so how many areas?";
- a pronoun for the last scope: "what did they say about portage?" (their area).
A follow-up that lacks a part no earlier question supplies gets a question back.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from typing import TYPE_CHECKING

from rag.compose import CLARIFY
from rag.question import Query
from rag.sweep import is_topic

if TYPE_CHECKING:
    from rag.library import Library

_NARROW_RE = re.compile(r"\b(?:of\s+(?:those|these|them|the\s+above)|those|these|them|the\s+same\s+ones)\b", re.I)
_TOPIC_OBJECT_RE = re.compile(r"\b(?:for|about|over|with|on|to|by|around|regarding|in)\s+(?:them|those|these|it)\b", re.I)
_WHAT_ABOUT_RE = re.compile(r"^\s*(?:and\s+|so\s+|ok\s+|okay\s+)*(?:what|how)\s+(?:about|abt|bout)\b", re.I)
_SAME_RE = re.compile(r"\b(?:same|that|this|it|there|their|they|those|these|them|also|too|as\s+well|"
                      r"what\s+about|how\s+about|and)\b", re.I)


# A pronoun that stands for the last question's topic ("who runs it", "how long is the wait
# for it"); "they"/"their" stand for the area or its people, not the topic.
_OPPOSITE_RE = re.compile(r"^\W*(?:(?:and|so|ok|what\s+about|how\s+about)\s+)*(?:the\s+)?(?:opposite|reverse|"
                          r"other\s+way(?:\s+round)?|flip\s*side|other\s+side)\W*$", re.I)
# "and which didn't?", "the ones that weren't": the last question, negated (its topic the
# same, the lean asked for turned round, as "which areas did not have X" reads); "which
# did?" after a negated question turns it back.
_COMPLEMENT_RE = re.compile(r"^\W*(?:(?:and|so|ok|but|what\s+about|how\s+about)\s+)*(?:(?:which|what|where)\s+|the\s+)?"
                            r"(?:ones?|areas?|others?|las?|councils?|partnerships?|of\s+(?:them|those))?\s*(?:that\s+|which\s+)?"
                            r"(?:did|were|was|do|does|had|have|are|has|got|is)\s*(?P<neg>n['’]?t|\s+not|\s+never)?\W*$", re.I)
# "name them", "list those please", "which ones?": the last set or count answer's areas, listed.
_LIST_RE = re.compile(r"^\W*(?:(?:and|so|ok|okay|now|can\s+you|could\s+you|please)\s+)*(?:list|name|show|give|tell)\s+(?:me\s+)?"
                      r"(?:them|those|these|the\s+(?:areas|ones|las|councils)|which\s+(?:ones|areas|they\s+are)|what\s+they\s+are)"
                      r"(?:\s+(?:please|pls|all))?\W*$|"
                      r"^\W*(?:(?:and|so|ok|okay)\s+)*(?:which|what|who)\s+(?:(?:ones|areas|las|councils)(?:\s+(?:were|are)\s+they)?|"
                      r"(?:were|are)\s+they)\W*$", re.I)
_TOPIC_PRONOUN_RE = re.compile(r"\b(?:it|its|it's|this|these|those|them)\b", re.I)


def _has_topic(lib: Library, q: Query) -> bool:
    return any(c.topic and lib.sentence_index.distinctive(lib.expand(c.topic)) for c in q.clauses)


def _pronoun_only(topic: str) -> bool:
    return bool(topic) and not re.sub(r"\b(?:it|its|they|them|their|this|these|those|that|there|one|ones|instead|"
                                      r"too|also|then)\b|\W", "",
                                      topic, flags=re.I)


def _common_topic(lib: Library, q: Query) -> bool:
    """A topic of its own that most letters speak to: a whole question, not a follow-up
    missing its topic."""
    return q.intent in ("set", "count") and any(is_topic(lib, q, c) for c in q.clauses)


def _scope_words(q: Query) -> str:
    bits = []
    if q.areas:
        bits.append(", ".join(q.areas))
    if q.regions:
        bits.append(", ".join(q.regions))
    if q.exclude_areas or q.exclude_regions:
        bits.append("not " + ", ".join(q.exclude_areas + q.exclude_regions))
    if q.since is not None or q.until is not None:
        if q.since == q.until:
            bits.append(str(q.since))
        else:
            bits.append(f"{q.since or ''}-{q.until or ''}")
    if q.framework:
        bits.append("joint inspections" if q.framework == "joint_2016" else "2023+ reports")
    if q.latest:
        bits.append("latest report per area")
    if q.outcome:
        bits.append(("not " if q.outcome_negated else "") + q.outcome.replace("_", " "))
    return "; ".join(bits)


def resolve(lib: Library, question: str, history: list[str]) -> tuple[Query, str]:
    """The question as a Query, with ``read_as`` set when history supplied a part; the
    second value is a question back to the user when it cannot be resolved ("")."""
    q = lib.parse(question)
    if q.wordless:
        return q, ""
    if history and _OPPOSITE_RE.match(question):
        # "and the opposite?": the last question with each clause's lean turned round
        prev, _ = resolve(lib, history[-1], history[:-1])
        if not any(c.polarity for c in prev.clauses):
            return q, CLARIFY
        out = copy.deepcopy(prev)
        out.text, out.asked = q.text, _base(prev)
        for c in out.clauses:
            if c.polarity:
                c.polarity, c.explicit, c.negated = -c.polarity, True, False
        lean = "praised" if out.clauses[0].polarity > 0 else "criticised"
        out.read_as = f"{out.asked} ({_scope_words(out) or 'all letters'}) — the opposite: {lean}"
        return out, ""
    if history and _LIST_RE.match(question):
        prev, _ = resolve(lib, history[-1], history[:-1])
        if prev.intent not in ("set", "count"):
            return q, CLARIFY
        out = copy.deepcopy(prev)
        out.text, out.asked, out.intent = q.text, _base(prev), "set"
        out.read_as = f"{out.asked} ({_scope_words(out) or 'all letters'}) — the areas"
        return out, ""
    turn = _COMPLEMENT_RE.match(question) if history else None
    if turn:
        prev, _ = resolve(lib, history[-1], history[:-1])
        if prev.intent not in ("set", "count") or not any(c.topic for c in prev.clauses):
            return q, CLARIFY
        if not turn.group("neg") and not any(c.negated for c in prev.clauses):
            return q, CLARIFY  # "which did?" after a question that was not negated
        out = copy.deepcopy(prev)
        out.text, out.asked = q.text, _base(prev)
        for c in out.clauses:
            c.negated = not c.negated
        if len(out.clauses) > 1:  # not (A and B) = not A or not B
            out.combine = "or" if prev.combine == "and" else "and"
        did = "did not" if turn.group("neg") else "did"
        out.read_as = f"{out.asked} ({_scope_words(out) or 'all letters'}) — the ones that {did}"
        return out, ""
    own_topic = _has_topic(lib, q)
    # "which of them ...", "those in 2022": narrowing; "praised for them": the topic
    narrowing = bool(_NARROW_RE.search(_TOPIC_OBJECT_RE.sub(" ", question))) and q.intent in ("set", "count")
    what_about = bool(history) and bool(_WHAT_ABOUT_RE.match(question)) and not q.has_scope \
        and any(c.topic and not _pronoun_only(c.topic) for c in q.clauses)
    counting = q.intent == "count" and not own_topic and not q.outcome
    pronoun = own_topic and bool(history) and any(_TOPIC_PRONOUN_RE.search(c.topic) for c in q.clauses)
    if own_topic and not narrowing and not (q.anaphora and not q.has_scope) and not pronoun and not what_about:
        return q, ""
    if own_topic and q.anaphora and not q.has_scope and not history:
        return q, ""
    if not history:
        if q.outcome or q.asks_when or q.asks_lead or q.asks_next:
            return q, ""  # "failings that were systemic": an outcome is a whole question
        if (q.anaphora and not own_topic and re.search(r"\b(?:same|that|those|them|these|it)\b", question, re.I)
                and not (q.asks_outcome and len(q.areas) >= 2)):  # "did A and B get the same judgement?"
            return q, CLARIFY
        if own_topic or q.has_scope or (_common_topic(lib, q) and not q.anaphora):
            return q, ""
        if q.intent in ("set", "count") and not q.anaphora and not any(
                c.polarity or c.negated or is_topic(lib, q, c) for c in q.clauses):
            return q, ""  # "how many reports are there?", "list all the areas": the whole collection
        if q.intent in ("set", "count") or q.anaphora:
            return q, CLARIFY
        return q, ""
    prev, _ = resolve(lib, history[-1], history[:-1])
    prev_topic = "; ".join(c.topic for c in prev.clauses if c.topic)
    if what_about:
        return _what_about(q, prev), ""
    if pronoun and prev_topic and not narrowing:
        # "who runs it in Kent?": the pronoun is the last topic.
        out = copy.deepcopy(q)
        for c in out.clauses:
            c.topic = _TOPIC_PRONOUN_RE.sub(prev_topic, c.topic, count=1)
            c.text = _TOPIC_PRONOUN_RE.sub(prev_topic, c.text, count=1)
        if not q.has_scope:
            out.areas, out.regions = list(prev.areas), list(prev.regions)
            out.since, out.until, out.framework, out.latest = prev.since, prev.until, prev.framework, prev.latest
        asked = re.sub(r"\s+([?.,!])", r"\1", " ".join(out.clauses[0].text.split()))
        out.read_as = f"{asked} ({_scope_words(out) or 'all letters'})"
        return out, ""
    if narrowing or (counting and not q.has_scope and _NARROW_RE.search(question) is None
                     and re.search(r"\b(?:that|those|them|these|it)\b", question, re.I)):
        return _narrow(lib, q, prev, count_only=counting and not q.has_scope)
    if own_topic:
        # A new topic with a pronoun for the last scope: "what did they say about X?"
        out = copy.deepcopy(q)
        out.areas, out.regions = list(prev.areas), list(prev.regions)
        out.since, out.until, out.framework, out.latest = prev.since, prev.until, prev.framework, prev.latest
        if out.intent == "lookup" and len(out.areas) != 1 and prev.intent in ("set", "count"):
            out.intent = "set"
        out.read_as = f"{question.strip()} ({_scope_words(out) or 'all letters'})"
        return out, ""
    if q.has_scope or q.unknown_areas or counting:
        return _rescope(q, prev, question), ""
    if _common_topic(lib, q) and not q.anaphora:
        return q, ""  # a new question on a topic most letters speak to ("waiting times")
    if any(c.explicit and c.polarity and (not c.topic or _pronoun_only(c.topic)) for c in q.clauses) and prev_topic:
        # "and which were praised for them?": the last question, asked for that lean
        return _rescope(q, prev, question), ""
    words = [c for c in q.clauses if c.topic and not _pronoun_only(c.topic)]
    if q.anaphora and words and prev.has_scope:
        # "what about its EHC plans?": a topic of its own, for the last question's scope
        out = copy.deepcopy(q)
        out.areas, out.regions = list(prev.areas), list(prev.regions)
        out.since, out.until, out.framework, out.latest = prev.since, prev.until, prev.framework, prev.latest
        for c in out.clauses:
            c.topic = re.sub(r"^\s*(?:its|their|his|her)\s+", "", c.topic, flags=re.I)
        if out.intent == "lookup" and len(out.areas) != 1 and prev.intent in ("set", "count"):
            out.intent = "set"
        out.read_as = f"{', '.join(c.topic for c in out.clauses if c.topic)} ({_scope_words(out) or 'all letters'})"
        return out, ""
    return q, CLARIFY


def _what_about(q: Query, prev: Query) -> Query:
    """"what about EHC plans?": the last question, on this topic instead."""
    words = [c for c in q.clauses if c.topic and not _pronoun_only(c.topic)]
    topic = "; ".join(re.sub(r"^\s*(?:its|their)\s+", "", c.topic, flags=re.I) for c in words)
    out = copy.deepcopy(prev)
    out.text = q.text
    out.asked = _base(prev)
    if prev.clauses:
        out.clauses = [dataclasses.replace(prev.clauses[0], text=topic, topic=topic)]
    else:
        out.clauses = [dataclasses.replace(words[0], text=topic, topic=topic)]
    out.combine = "and"
    out.read_as = f"{out.asked} — about {topic} instead ({_scope_words(out) or 'all letters'})"
    return out


def _base(prev: Query) -> str:
    """The whole question a (possibly resolved) earlier question stands for."""
    return (prev.asked or prev.text).strip()


def _rescope(q: Query, prev: Query, question: str) -> Query:
    """The previous question with this one's scope: areas, region, years, framework."""
    out = copy.deepcopy(prev)
    out.asked = _base(prev)
    out.text = q.text
    if q.areas or q.regions or q.unknown_areas:
        out.areas, out.regions, out.unknown_areas = list(q.areas), list(q.regions), list(q.unknown_areas)
        out.exclude_areas = list(q.exclude_areas)
    if q.exclude_areas:
        out.exclude_areas = list(q.exclude_areas)
    if q.exclude_regions:
        out.exclude_regions = list(q.exclude_regions)
    if q.since is not None or q.until is not None:
        out.since, out.until = q.since, q.until
    if out.areas and re.search(r"\b(?:the\s+same|also|too|as\s+well)\b", question, re.I):
        # "did Kent's 2021 letter say so too?": every letter of that area, in date
        # order, so the one asked about stands beside the others: a comparison of the
        # letters when one was named by its year.
        if q.since is not None and len(out.areas) == 1 and prev.intent in ("set", "count", "lookup"):
            out.intent = "compare"
        out.since, out.until = None, None
    if q.framework:
        out.framework = q.framework
    if q.latest:
        out.latest = True
    if q.intent == "count":
        out.intent, out.count_unit = "count", q.count_unit
    elif (prev.intent == "compare" and len(out.areas) == 1) or out.intent == "compare":
        out.intent = "compare"
    elif prev.intent in ("set", "count"):
        out.intent = "set" if len(out.areas) != 1 else "set"
    judged = [c for c in q.clauses if c.explicit and c.polarity and (not c.topic or _pronoun_only(c.topic))]
    if judged and out.clauses:  # "was that a problem in Kent?": the same topic, that lean
        for c in out.clauses:
            c.polarity, c.explicit, c.negated = judged[0].polarity, True, False
        out.intent = "set"  # a yes/no per letter, with what each letter says
    said = _asks_what_was_said(q) and not judged and len(out.areas) == 1 and out.intent in ("set", "count")
    if said:  # "what did Kent's 2021 letter say about that?": what that letter says on the topic
        out.intent = "lookup"
    out.read_as = f"{out.asked} ({_scope_words(out) or 'all letters'})"
    if said:
        out.read_as += " — what the letter says on it"
    if out.intent == "compare" and prev.intent != "compare":
        out.read_as += " — its letters side by side"
    if judged:
        out.read_as += " — asking whether it was " + ("criticised" if judged[0].polarity < 0 else "praised")
    return out


def _asks_what_was_said(q: Query) -> bool:
    """A question of its own whose only topic is a pronoun for the last one ("what did the
    2019 letter say about that?", "and what did Kent say about it?"): it asks what a letter
    says on that topic, not the last question's yes/no. A bare new scope ("and Kent?") has
    no pronoun; "was that a problem in Kent?" asks for a lean (handled by the caller)."""
    if q.intent != "lookup":
        return False
    topics = [c.topic for c in q.clauses if c.topic.strip()]
    return (bool(topics) and all(_pronoun_only(t) for t in topics)) or (not topics and q.anaphora)


def _narrow(lib: Library, q: Query, prev: Query, *, count_only: bool) -> tuple[Query, str]:
    """Of the areas the previous set answer said yes for, those this question admits."""
    if prev.intent not in ("set", "count"):
        return q, CLARIFY
    prev_answer = lib._answer(copy.deepcopy(prev))
    yes = prev_answer.yes_areas
    out = copy.deepcopy(prev)
    out.text = q.text
    out.asked = _base(prev)
    out.intent = "count" if q.intent == "count" else "set"
    out.count_unit = q.count_unit if q.intent == "count" else prev.count_unit
    out.areas = list(yes) if yes else ["(none)"]
    if q.regions:
        out.regions = list(q.regions)
    if q.exclude_areas:
        out.exclude_areas = list(q.exclude_areas)
    if q.exclude_regions:
        out.exclude_regions = list(q.exclude_regions)
    if q.since is not None or q.until is not None:
        out.since, out.until = q.since, q.until
    if q.framework:
        out.framework = q.framework
    if q.latest:
        out.latest = True
    if q.outcome:
        out.outcome, out.outcome_negated = q.outcome, q.outcome_negated
    extra = [c for c in q.clauses if c.topic and lib.sentence_index.distinctive(lib.expand(c.topic))]
    if extra:
        out.clauses = list(prev.clauses) + extra
        out.combine = "and"
    what = "how many" if count_only else (_scope_words(q) or ", ".join(c.topic for c in extra) or "of those")
    out.read_as = f"{out.asked} — of those ({', '.join(yes) or 'none'}): {what}"
    return out, ""
