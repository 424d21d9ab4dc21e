"""`sendqa chat` and `sendqa ask --history` as real subprocesses on the real index.

A follow-up ("and what about Dorset?") is read with the earlier question: the answer is
about Dorset's DMO, says how it was read, and is the same whether it comes from the chat
or from `ask --history`.
"""

from __future__ import annotations

import json
import subprocess

import pytest
from sendqa_cli import ROOT, SENDQA, cli_env, sendqa

pytestmark = pytest.mark.slow

FIRST = "Which areas lacked a DMO?"
FOLLOW_UP = "and what about Dorset?"


def _chat(store, stdin: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*SENDQA, "chat", "--store", str(store), *args], input=stdin,
                          cwd=ROOT, env=cli_env(), capture_output=True, text=True, timeout=600)


def _about_dorsets_dmo(answer: dict) -> None:
    assert not answer["abstained"], answer["answer"]
    assert answer["read_as"] and "Dorset" in answer["read_as"]
    assert "DMO" in answer["read_as"] or "medical officer" in answer["read_as"]
    assert answer["answer"].lstrip("_*> ").lower().startswith("read as")
    assert answer["citations"] and {c["area"] for c in answer["citations"]} == {"Dorset"}
    assert {f["area"] for f in answer["findings"]} <= {"Dorset"}


def test_chat_reads_a_follow_up_with_the_earlier_question(built_store):
    out = _chat(built_store, f"{FIRST}\n\n{FOLLOW_UP}\n", "--json")
    assert out.returncode == 0, out.stderr
    first, second = (json.loads(line) for line in out.stdout.splitlines())
    assert {"Dudley", "Worcestershire"} <= {f["area"] for f in first["findings"]
                                           if f["verdict"] == "yes"}
    assert not first.get("read_as")
    _about_dorsets_dmo(second)
    # `ask --history` is the same conversation in one command.
    ask = sendqa("ask", FOLLOW_UP, "--history", FIRST, "--store", built_store, "--json")
    assert ask.returncode == 0, ask.stderr
    assert json.loads(ask.stdout)["answer"] == second["answer"]


def test_chat_text_mode_stops_at_exit_and_survives_a_bad_question(built_store):
    stdin = f"{FIRST}\n{'x' * 2500}\n{FOLLOW_UP}\nexit\nWho led the Dudley inspection?\n"
    out = _chat(built_store, stdin)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("\nSources:\n") == 2  # the question after "exit" is never read
    assert "Worcestershire" in out.stdout and "Dorset" in out.stdout
    assert "2500" in out.stderr or "2,500" in out.stderr  # the bad question's reason
    assert "Traceback" not in out.stderr


def test_chat_new_starts_over(built_store):
    out = _chat(built_store, f"{FIRST}\nnew\n{FOLLOW_UP}\n", "--json")
    assert out.returncode == 0, out.stderr
    _, second = (json.loads(line) for line in out.stdout.splitlines())
    # Without the earlier question there is nothing to read "what about Dorset?" with.
    assert not second.get("read_as")
