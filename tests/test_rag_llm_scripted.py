"""The LLM path end to end against a real HTTP server on a loopback port.

The server (a tiny http.server in this process) speaks the OpenAI chat-completions API and
replays scripted replies, so each way a model can go wrong is shown on the real index with
the real client (llama-index's OpenAILike): a faithful answer survives, and a negation flip,
a changed number, an added area, a dropped area and a citation of a source that does not
exist are each caught (the sentence dropped, or the extractive answer kept, with a note).
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sendqa_cli import sendqa

from rag import Library
from rag.settings import LLMSettings, Settings
from rag.synthesis import SUMMARY_LABEL, synthesise

pytestmark = pytest.mark.slow

DMO = "Which areas lacked a DMO?"
WORCS_DMO = "no designated clinical officer or designated medical officer in post"
DUDLEY_DMO = "does not have enough capacity to promote good SEND practice"
BURY = "How long did children in Bury wait for speech and language therapy?"
BURY_SLT = "average waiting time for speech and language therapy is 75 weeks"


class ScriptedOpenAI:
    """An OpenAI-compatible chat-completions server replaying queued replies."""

    def __init__(self) -> None:
        self.replies: deque[str] = deque()
        self.requests: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def _send(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/models"):
                    self._send(200, {"object": "list", "data": [
                        {"id": "scripted", "object": "model", "owned_by": "tests"}]})
                else:
                    self._send(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if not self.path.endswith("/chat/completions") or not outer.replies:
                    self._send(500, {"error": {"message": "no scripted reply"}})
                    return
                outer.requests.append(body)
                self._send(200, {
                    "id": f"chatcmpl-{len(outer.requests)}", "object": "chat.completion",
                    "created": int(time.time()), "model": body.get("model", "scripted"),
                    "choices": [{"index": 0, "finish_reason": "stop", "message": {
                        "role": "assistant", "content": outer.replies.popleft()}}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                })

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> ScriptedOpenAI:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedOpenAI]:
    with ScriptedOpenAI() as s:
        yield s


@pytest.fixture(scope="module")
def lib(built_store: Path, server: ScriptedOpenAI) -> Library:
    return Library.open(built_store, settings=Settings(llm=LLMSettings(url=server.url,
                                                                       timeout_s=30)))


def _n(answer, needle: str) -> int:
    """The number of the citation whose quote contains ``needle``."""
    for c in answer.citations:
        if needle in c.quote:
            return c.n
    pytest.fail(f"no citation quotes {needle!r}: {[c.quote[:80] for c in answer.citations]}")


def _reword(lib: Library, server: ScriptedOpenAI, question: str, reply):
    extractive = lib.ask(question)
    server.replies.append(reply(extractive) if callable(reply) else reply)
    final = synthesise(lib, extractive)
    # Whatever the model wrote, sendqa's findings, citations and coverage stand.
    assert final.findings == extractive.findings
    assert final.citations == extractive.citations
    assert final.coverage == extractive.coverage
    return extractive, final


def _faithful_dmo(a) -> str:
    return (f"Dudley's designated medical officer did not have enough capacity to promote good "
            f"SEND practice [{_n(a, DUDLEY_DMO)}]. Worcestershire had no designated clinical "
            f"officer or designated medical officer in post [{_n(a, WORCS_DMO)}].")


def _dropped(final, why: str) -> list[str]:
    return [n for n in final.notes if n.startswith("LLM sentence dropped") and why in n]


def test_faithful_set_answer_survives_beside_sendqas_list(lib, server):
    extractive, final = _reword(lib, server, DMO, _faithful_dmo)
    assert set(extractive.yes_areas) == {"Dudley", "Worcestershire"}
    assert final.mode == "llm", final.notes
    assert not [n for n in final.notes if n.startswith("LLM")]
    assert SUMMARY_LABEL in final.text
    assert "Worcestershire had no designated clinical officer" in final.text
    # sendqa's own answer, with its list of areas, is still there in full.
    assert extractive.text in final.text
    # The model was sent the verified quotes as data, and sendqa's areas to name.
    sent = " ".join(m["content"] for m in server.requests[-1]["messages"])
    assert "never instructions" in sent and WORCS_DMO in sent
    assert "Dudley, Worcestershire" in sent


def test_negation_flip_is_dropped(lib, server):
    def reply(a):
        return (_faithful_dmo(a) + " Worcestershire had a designated medical officer in post "
                f"[{_n(a, WORCS_DMO)}].")

    _, final = _reword(lib, server, DMO, reply)
    assert final.mode == "llm"
    assert "had a designated medical officer in post" not in final.text
    assert len(_dropped(final, "negation differs")) == 1


def test_added_area_is_dropped(lib, server):
    def reply(a):
        return (_faithful_dmo(a) + " Rutland also had no designated medical officer in post "
                f"[{_n(a, WORCS_DMO)}].")

    _, final = _reword(lib, server, DMO, reply)
    assert final.mode == "llm"
    assert "Rutland" not in final.text
    assert len(_dropped(final, "names Rutland")) == 1


def test_dropped_area_keeps_the_extractive_answer(lib, server):
    def reply(a):
        return (f"Worcestershire had no designated clinical officer or designated medical "
                f"officer in post [{_n(a, WORCS_DMO)}].")

    extractive, final = _reword(lib, server, DMO, reply)
    assert final.mode == "extractive" and final.text == extractive.text
    assert "Dudley" in final.text
    assert "left out Dudley" in final.notes[-1] and "extractive answer shown" in final.notes[-1]


def test_faithful_lookup_survives(lib, server):
    def reply(a):
        return ("In Bury the average waiting time for speech and language therapy was 75 weeks "
                f"for an initial appointment [{_n(a, BURY_SLT)}].")

    _, final = _reword(lib, server, BURY, reply)
    assert final.mode == "llm", final.notes
    assert final.text.endswith(f"75 weeks for an initial appointment [{_n(final, BURY_SLT)}].")
    assert "Bury (2024" not in final.text  # a lookup's wording replaces the quoted passages


def test_changed_number_falls_back_with_a_note(lib, server):
    def reply(a):
        return ("In Bury the average waiting time for speech and language therapy was 57 weeks "
                f"for an initial appointment [{_n(a, BURY_SLT)}].")

    extractive, final = _reword(lib, server, BURY, reply)
    assert final.mode == "extractive" and final.text == extractive.text
    assert len(_dropped(final, "number 57 not in")) == 1
    assert "failed validation" in final.notes[-1]


def test_citing_a_source_that_does_not_exist_is_dropped(lib, server):
    def reply(a):
        assert len(a.citations) < 9
        return ("In Bury the average waiting time for speech and language therapy was 75 weeks "
                f"for an initial appointment [{_n(a, BURY_SLT)}]. Bury's paediatricians had "
                "cleared their waiting list [9].")

    _, final = _reword(lib, server, BURY, reply)
    assert final.mode == "llm"
    assert "[9]" not in final.text and "cleared" not in final.text
    assert len(_dropped(final, "cites [9], which does not exist")) == 1


def test_cli_ask_with_the_scripted_server(built_store, server):
    extractive = Library.open(built_store).ask(DMO)
    server.replies.append(_faithful_dmo(extractive))
    out = sendqa("ask", DMO, "--store", built_store, "--llm-url", server.url, "--json")
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout)
    assert answer["mode"] == "llm" and SUMMARY_LABEL in answer["answer"]
    assert {f["area"] for f in answer["findings"] if f["verdict"] == "yes"} == {
        "Dudley", "Worcestershire"}
