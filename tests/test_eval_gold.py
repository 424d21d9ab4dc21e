"""Gold loading: every fault reported with its line number; evidence checked against letters."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from evals.gold import (
    KINDS,
    GoldError,
    bundled_suites,
    gold_dir,
    load_gold,
    parse_lines,
    resolve_gold,
    validate_evidence,
)


def good(**kw) -> dict:
    row = {
        "id": "q1",
        "question": "Which areas lacked a DMO?",
        "kind": "aggregation",
        "answer": "Worcestershire.",
        "expected_areas": ["Worcestershire"],
        "allowed_areas": [],
        "forbidden_areas": ["Dorset"],
        "must_mention": [],
        "evidence": [{"area": "Worcestershire", "year": 2018, "quote": "No DMO in post."}],
    }
    return row | kw


def lines(*rows) -> list[str]:
    return [r if isinstance(r, str) else json.dumps(r) for r in rows]


def problems(*rows) -> list[str]:
    with pytest.raises(GoldError) as info:
        parse_lines(lines(*rows), source="t.jsonl")
    return info.value.problems


def test_seed_suite_loads():
    cases = load_gold()
    assert len(cases) >= 30
    assert {c.kind for c in cases} <= set(KINDS)
    assert cases[0].line == 1 and cases[-1].line == len(cases)
    assert len({c.id for c in cases}) == len(cases)


@pytest.mark.parametrize("suite", ["seed", "dev", "dev2", "dev3", "heldout"])
def test_bundled_suites_load(suite):
    path = gold_dir() / f"{suite}.jsonl"
    if not path.exists():
        pytest.skip(f"{path.name} is not written yet")
    cases = load_gold(path)
    assert {c.kind for c in cases} <= set(KINDS)
    assert len({c.id for c in cases}) == len(cases)


def test_dev_suite_has_follow_ups():
    cases = load_gold(gold_dir() / "dev.jsonl")
    follow_ups = [c for c in cases if c.history]
    assert len(follow_ups) >= 6
    assert all(c.id.startswith("dev-fu-") for c in follow_ups)
    assert {"seed", "dev"} <= set(bundled_suites())


def test_good_line_parses():
    [case] = parse_lines(lines(good()))
    assert case.expected_areas == ("Worcestershire",)
    assert case.evidence[0].year == 2018
    assert case.is_set and case.answerable


def test_history_is_optional_and_kept_in_order():
    [fresh, follow_up] = parse_lines(
        lines(good(), good(id="q2", history=["  Which areas lacked a DMO? ", "And a DCO?"]))
    )
    assert fresh.history == ()
    assert follow_up.history == ("Which areas lacked a DMO?", "And a DCO?")


@pytest.mark.parametrize(
    "history", ["Which areas lacked a DMO?", [1], ["ok", ""], [["nested"]], None, {"q": "x"}]
)
def test_history_must_be_a_list_of_strings(history):
    [msg] = problems(good(), good(id="q2", history=history))
    assert msg == (
        "line 2: 'history' must be a list of non-empty strings "
        "(the earlier questions of the chat, oldest first)"
    )


def test_resolve_gold_takes_paths_and_bundled_names(tmp_path: Path, monkeypatch):
    assert resolve_gold(None) == gold_dir() / "seed.jsonl"
    assert resolve_gold("dev") == gold_dir() / "dev.jsonl"
    assert resolve_gold("dev.jsonl") == gold_dir() / "dev.jsonl"
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dev.jsonl").write_text("")
    assert resolve_gold("dev.jsonl") == Path("dev.jsonl")  # an existing file wins
    assert resolve_gold("nope") == Path("nope")  # left for load_gold to report missing
    assert resolve_gold("sub/dev.jsonl") == Path("sub/dev.jsonl")


def test_malformed_json_reports_its_line():
    found = problems(good(), "{not json", good(id="q3"))
    assert len(found) == 1
    assert found[0].startswith("line 2: not valid JSON")


def test_unknown_kind_reports_its_line():
    [msg] = problems(good(), good(id="q2", kind="opinion"))
    assert msg.startswith("line 2:") and "unknown kind 'opinion'" in msg


def test_blank_lines_keep_numbering():
    [msg] = problems(good(), "", good(id="q3", kind="?"))
    assert msg.startswith("line 3:")


def test_every_bad_line_is_reported_at_once():
    found = problems(good(kind="x"), good(id="q2"), "[]", good(id="q4", question=""))
    assert [p.split(":")[0] for p in found] == ["line 1", "line 3", "line 4"]
    assert "expected a JSON object" in found[1]


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"evidence": [{"area": "X", "year": "2018", "quote": "q"}]}, "integer 'year'"),
        ({"evidence": [{"area": "X", "year": 2018}]}, "evidence[0]"),
        ({"evidence": "none"}, "'evidence' must be a list"),
        ({"expected_areas": "Dudley"}, "'expected_areas' must be a list"),
        ({"must_mention": [""]}, "'must_mention' must be a list of non-empty strings"),
        ({"forbidden_areas": ["worcestershire"]}, "in both 'expected_areas' and 'forbidden_areas'"),
        ({"kind": "unanswerable"}, "cannot have expected_areas"),
        ({"extra": 1}, "unknown key(s): extra"),
    ],
)
def test_malformed_fields(change, needle):
    [msg] = problems(good(**change))
    assert msg.startswith("line 1:")
    assert needle in msg


def test_missing_keys_listed():
    row = good()
    del row["evidence"], row["kind"]
    [msg] = problems(row)
    assert "missing key(s): kind, evidence" in msg


def test_duplicate_id_names_first_line():
    [msg] = problems(good(), good())
    assert msg == "line 2: duplicate id 'q1' (first on line 1)"


def test_empty_and_missing_files(tmp_path: Path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n")
    with pytest.raises(GoldError, match="empty"):
        load_gold(empty)
    with pytest.raises(GoldError, match="not found"):
        load_gold(tmp_path / "nope.jsonl")


def test_error_message_names_file_and_lines(tmp_path: Path):
    path = tmp_path / "g.jsonl"
    path.write_text(json.dumps(good()) + "\n" + json.dumps(good(id="b", kind="??")) + "\n")
    with pytest.raises(GoldError) as info:
        load_gold(path)
    assert str(path) in str(info.value) and "line 2" in str(info.value)


# --- evidence against indexed letters -------------------------------------------------


@dataclass(frozen=True)
class FakeLetter:
    id: str
    area: str
    year: int | None


class FakeLibrary:
    def __init__(self, letters: dict[FakeLetter, str]):
        self._letters = letters

    def letters(self):
        return list(self._letters)

    def letter_text(self, letter_id: str) -> str:
        return next(t for lt, t in self._letters.items() if lt.id == letter_id)


LIB = FakeLibrary(
    {
        FakeLetter("w18", "Worcestershire", 2018): "Findings.\nNo DMO in\n post. Other text.",
        FakeLetter("w24", "Worcestershire", 2024): "Systemic failings.",
        FakeLetter("d19", "Dudley", 2019): "Leaders \u201cknow\u201d the area.",
    }
)


def test_validate_evidence_accepts_quotes_up_to_whitespace_and_quote_marks():
    cases = parse_lines(
        lines(
            good(),
            good(
                id="q2",
                expected_areas=["Dudley"],
                evidence=[{"area": "dudley", "year": 2019, "quote": 'Leaders "know" the area.'}],
            ),
        )
    )
    assert validate_evidence(cases, LIB) == []


def test_validate_evidence_reports_line_of_missing_quote_or_document():
    cases = parse_lines(
        lines(
            good(),
            good(id="q2", evidence=[{"area": "Worcestershire", "year": 2024, "quote": "No DMO"}]),
            good(id="q3", evidence=[{"area": "Birmingham", "year": 2018, "quote": "x"}]),
        )
    )
    found = validate_evidence(cases, LIB)
    assert len(found) == 2
    assert found[0].startswith("line 2 (q2): Worcestershire 2024: evidence quote not found")
    assert found[1].startswith("line 3 (q3): Birmingham 2018: no indexed document")
