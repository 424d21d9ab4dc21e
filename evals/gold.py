"""Gold cases as data: one JSON object a line, checked on load with line numbers."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from evals.metrics import area_key, locate

KINDS = ("lookup", "aggregation", "temporal", "count", "comparison", "unanswerable")
SET_KINDS = frozenset({"aggregation", "temporal", "count"})
REQUIRED = (
    "id",
    "question",
    "kind",
    "answer",
    "expected_areas",
    "allowed_areas",
    "forbidden_areas",
    "must_mention",
    "evidence",
)
OPTIONAL = ("history",)
"""``history``: the earlier user questions of the same chat, oldest first (a follow-up)."""
_AREA_LISTS = ("expected_areas", "allowed_areas", "forbidden_areas")


def gold_dir() -> Path:
    """Where the suites shipped with the package live (seed, dev, heldout)."""
    return Path(__file__).resolve().parent / "gold"


def default_gold() -> Path:
    """The seed suite shipped with the package."""
    return gold_dir() / "seed.jsonl"


def bundled_suites() -> list[str]:
    """Names of the suites shipped with the package, e.g. ``['dev', 'heldout', 'seed']``."""
    return sorted(p.stem for p in gold_dir().glob("*.jsonl"))


def resolve_gold(arg: str | Path | None) -> Path:
    """A gold file from ``--gold``: an existing path, else a bundled suite's name
    (``dev`` or ``dev.jsonl``: evals/gold/dev.jsonl), else the path as given (so that
    loading it reports it missing). None: the seed suite."""
    if arg is None:
        return default_gold()
    path = Path(arg)
    if path.exists() or len(path.parts) != 1:
        return path
    bundled = gold_dir() / (path.name if path.suffix == ".jsonl" else f"{path.name}.jsonl")
    return bundled if bundled.is_file() else path


def suite_name(path: str | Path | None) -> str:
    """A suite's name: its gold file's name without ``.jsonl`` (``seed`` by default).
    It picks the suite's section of the thresholds file and its report folder."""
    return Path(path).stem if path is not None else default_gold().stem


class GoldError(ValueError):
    """A gold file that cannot be used; ``problems`` holds one message per fault."""

    def __init__(self, path: str | Path, problems: list[str]):
        self.path = str(path)
        self.problems = list(problems)
        listed = "\n  ".join(self.problems)
        super().__init__(
            f"{self.path}: {len(self.problems)} problem(s); fix these lines:\n  {listed}"
        )


@dataclass(frozen=True)
class Evidence:
    area: str
    year: int
    quote: str


@dataclass(frozen=True)
class GoldCase:
    id: str
    question: str
    kind: str
    answer: str
    expected_areas: tuple[str, ...]
    allowed_areas: tuple[str, ...]
    forbidden_areas: tuple[str, ...]
    must_mention: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    line: int = 0
    history: tuple[str, ...] = ()
    """Earlier user questions of the same chat, oldest first; empty: a fresh chat."""

    @property
    def is_set(self) -> bool:
        return self.kind in SET_KINDS

    @property
    def answerable(self) -> bool:
        return self.kind != "unanswerable"


def _str_list(obj: dict[str, Any], key: str, errs: list[str]) -> tuple[str, ...]:
    value = obj.get(key)
    if not isinstance(value, list) or not all(isinstance(x, str) and x.strip() for x in value):
        errs.append(f"'{key}' must be a list of non-empty strings")
        return ()
    return tuple(x.strip() for x in value)


def _evidence(value: Any, errs: list[str]) -> tuple[Evidence, ...]:
    if not isinstance(value, list):
        errs.append("'evidence' must be a list of {area, year, quote} objects")
        return ()
    out = []
    for i, ev in enumerate(value):
        ok = (
            isinstance(ev, dict)
            and isinstance(ev.get("area"), str)
            and ev["area"].strip()
            and isinstance(ev.get("year"), int)
            and not isinstance(ev.get("year"), bool)
            and isinstance(ev.get("quote"), str)
            and ev["quote"].strip()
        )
        if not ok:
            errs.append(f"evidence[{i}] needs a non-empty 'area', an integer 'year' and a 'quote'")
            continue
        out.append(Evidence(ev["area"].strip(), ev["year"], ev["quote"]))
    return tuple(out)


def _history(value: Any, errs: list[str]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(x, str) and x.strip() for x in value):
        errs.append(
            "'history' must be a list of non-empty strings "
            "(the earlier questions of the chat, oldest first)"
        )
        return ()
    return tuple(x.strip() for x in value)


def _overlaps(case: dict[str, tuple[str, ...]], errs: list[str]) -> None:
    keys = {k: {area_key(a) for a in case[k]} for k in _AREA_LISTS}
    for a, b in (
        ("expected_areas", "forbidden_areas"),
        ("allowed_areas", "forbidden_areas"),
        ("expected_areas", "allowed_areas"),
    ):
        both = keys[a] & keys[b]
        if both:
            errs.append(f"{', '.join(sorted(both))} in both '{a}' and '{b}'")


def parse_case(obj: Any) -> tuple[GoldCase | None, list[str]]:
    """One decoded line to a case, or the reasons it is not one."""
    if not isinstance(obj, dict):
        return None, ["expected a JSON object"]
    errs: list[str] = []
    missing = [k for k in REQUIRED if k not in obj]
    if missing:
        errs.append(f"missing key(s): {', '.join(missing)}")
    unknown = sorted(set(obj) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        errs.append(f"unknown key(s): {', '.join(unknown)} (a typo?)")
    if missing:
        return None, errs
    for key in ("id", "question", "answer"):
        if not isinstance(obj[key], str) or (key != "answer" and not obj[key].strip()):
            errs.append(f"'{key}' must be a non-empty string")
    if obj["kind"] not in KINDS:
        errs.append(f"unknown kind {obj['kind']!r}; use one of {', '.join(KINDS)}")
    lists = {k: _str_list(obj, k, errs) for k in (*_AREA_LISTS, "must_mention")}
    evidence = _evidence(obj["evidence"], errs)
    history = _history(obj.get("history", []), errs)
    _overlaps(lists, errs)
    if obj["kind"] == "unanswerable" and lists["expected_areas"]:
        errs.append("an unanswerable case cannot have expected_areas")
    if errs:
        return None, errs
    case = GoldCase(
        id=obj["id"].strip(),
        question=obj["question"].strip(),
        kind=obj["kind"],
        answer=obj["answer"],
        expected_areas=lists["expected_areas"],
        allowed_areas=lists["allowed_areas"],
        forbidden_areas=lists["forbidden_areas"],
        must_mention=lists["must_mention"],
        evidence=evidence,
        history=history,
    )
    return case, []


def parse_lines(lines: Iterable[str], source: str = "<gold>") -> list[GoldCase]:
    """Cases from JSONL lines; raises GoldError listing every bad line by number."""
    cases: list[GoldCase] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for n, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as e:
            problems.append(f"line {n}: not valid JSON ({e.msg} at column {e.colno})")
            continue
        case, errs = parse_case(obj)
        problems.extend(f"line {n}: {e}" for e in errs)
        if case is None:
            continue
        if case.id in seen:
            problems.append(f"line {n}: duplicate id {case.id!r} (first on line {seen[case.id]})")
            continue
        seen[case.id] = n
        cases.append(replace(case, line=n))
    if problems:
        raise GoldError(source, problems)
    if not cases:
        raise GoldError(source, ["no cases: the file is empty"])
    return cases


def load_gold(path: str | Path | None = None) -> list[GoldCase]:
    """Read and check a gold JSONL file (default: the seed suite)."""
    p = Path(path) if path is not None else default_gold()
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GoldError(p, ["file not found; pass an existing file with --gold"]) from None
    except UnicodeDecodeError as e:
        raise GoldError(p, [f"not UTF-8 text ({e.reason} at byte {e.start})"]) from None
    return parse_lines(text.splitlines(), source=str(p))


class LetterSource(Protocol):
    """What evidence checks need from a Library: its letters and their canonical text."""

    def letters(self) -> list[Any]: ...

    def letter_text(self, letter_id: str) -> str: ...


def validate_evidence(cases: Iterable[GoldCase], lib: LetterSource) -> list[str]:
    """Evidence quotes not found in any indexed letter of their area and year, by line."""
    by_key: dict[tuple[str, int | None], list[str]] = {}
    for letter in lib.letters():
        by_key.setdefault((area_key(letter.area), letter.year), []).append(letter.id)
    texts: dict[str, str] = {}
    problems = []
    for case in cases:
        for ev in case.evidence:
            ids = by_key.get((area_key(ev.area), ev.year), [])
            where = f"line {case.line} ({case.id}): {ev.area} {ev.year}"
            if not ids:
                problems.append(f"{where}: no indexed document of that area and year")
                continue
            for lid in ids:
                if lid not in texts:
                    texts[lid] = lib.letter_text(lid)
            if not any(locate(ev.quote, texts[lid]) for lid in ids):
                short = ev.quote if len(ev.quote) <= 80 else ev.quote[:77] + "..."
                problems.append(f"{where}: evidence quote not found in the document: {short!r}")
    return problems
