"""Fast tests of the UI glue (input checks, errors, CLI, app wiring) over a fake library."""

from __future__ import annotations

import argparse
import csv

import pytest
from ui_fakes import DMO_QUOTE, FakeLibrary, free_port

from rag.errors import InputRejected, SendQAError, StoreNotFound
from ui.app import build_app, launch, respond
from ui.cli import register
from ui.service import (
    GENERIC_ERROR,
    AskService,
    Filters,
    check_question,
    friendly_error,
    parse_auth,
    parse_filters,
)


def test_check_question():
    assert check_question("  Which areas? ") == "Which areas?"
    assert check_question("x" * 2000) == "x" * 2000
    with pytest.raises(InputRejected, match="2,001 characters long.*2,000"):
        check_question("x" * 2001)
    with pytest.raises(InputRejected, match="type a question"):
        check_question("   ")
    with pytest.raises(InputRejected):
        check_question(None)


def test_parse_filters():
    assert parse_filters() == Filters()
    assert parse_filters([], 0, 0, "") == Filters()
    f = parse_filters(["Dudley", "Dudley", " "], "2018", 2019, "joint_2016")
    assert f == Filters(("Dudley",), 2018, 2019, "joint_2016")
    assert f.kwargs() == {"areas": ["Dudley"], "since": 2018, "until": 2019,
                          "framework": "joint_2016"}
    assert parse_filters("Dorset").areas == ("Dorset",)
    assert Filters().kwargs()["areas"] is None and Filters().as_dict() == {}
    for bad in [dict(since=2020, until=2019), dict(since="soon"), dict(framework="x"),
                dict(until=1066)]:
        with pytest.raises(InputRejected):
            parse_filters(**bad)


def test_parse_auth():
    assert parse_auth(None) is None and parse_auth("") is None
    assert parse_auth("ann:s3:cret") == ("ann", "s3:cret")
    for bad in ["ann", "ann:", ":pw"]:
        with pytest.raises(InputRejected):
            parse_auth(bad)


def test_friendly_error_never_leaks_internals():
    assert friendly_error(InputRejected("too long")) == "too long"
    assert "store missing" in friendly_error(SendQAError("store missing"))
    assert friendly_error(RuntimeError("secret internal detail")) == GENERIC_ERROR


def test_serve_subcommand_defaults():
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["serve"])
    assert (args.host, args.port, args.store, args.concurrency) == ("127.0.0.1", 7860, None, 4)
    assert args.func.__name__ == "run"
    args = parser.parse_args(["serve", "--host", "0.0.0.0", "--port", "9000", "--store", "s"])
    assert (args.host, args.port, str(args.store)) == ("0.0.0.0", 9000, "s")


def test_serve_refuses_bad_auth(monkeypatch, capsys):
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    monkeypatch.setenv("SENDQA_AUTH", "no-colon")
    assert parser.parse_args(["serve"]).func(parser.parse_args(["serve"])) == 2
    assert "user:password" in capsys.readouterr().err


def test_serve_reports_missing_store_and_corpus(tmp_path, monkeypatch, capsys):
    import ui.cli

    def no_store(*a, **k):
        raise StoreNotFound("no index")

    monkeypatch.delenv("SENDQA_AUTH", raising=False)
    monkeypatch.setattr("rag.Library.open", no_store, raising=False)
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["serve", "--store", str(tmp_path / "s"),
                              "--data", str(tmp_path / "none")])
    assert ui.cli.run(args) == 2
    assert "no corpus at" in capsys.readouterr().err


def test_service_downloads_and_passages(tmp_path):
    svc = AskService(FakeLibrary(), files_dir=tmp_path)
    answer = svc.ask("Which areas lacked a DMO?", Filters())
    assert set(svc.passages_for(answer)) == {"w1", "w2", "w3"}
    csv_path, md_path = svc.write_downloads(answer, {})
    assert csv_path.name == "sendqa-which-areas-lacked-a-dmo.csv" and md_path.suffix == ".md"
    assert list(csv.DictReader(csv_path.open()))[0]["quote"] == DMO_QUOTE
    assert svc.areas == ["Dorset", "Worcestershire"] and svc.years == [2018]
    with pytest.raises(InputRejected):
        svc.letter("nope")


def _run(svc, question, **filters):
    return list(respond(svc, question, [], filters.get("areas"), filters.get("since"),
                        filters.get("until"), filters.get("framework")))


def _last_text(chat) -> str:
    return chat[-1]["content"]


def test_respond_streams_then_shows_evidence():
    svc = AskService(FakeLibrary())
    steps = _run(svc, "Which areas lacked a DMO?", areas=["Worcestershire"])
    assert "Searching" in _last_text(steps[0][0])
    final = steps[-1]
    assert "Worcestershire [1]" in _last_text(final[0])
    assert "areas: Worcestershire" in _last_text(final[0])
    assert "Worcestershire" in final[2] and DMO_QUOTE in final[2]
    assert final[6] == {"1": ["worcs-2018", 69, 157]}
    assert svc.lib.calls[-1]["areas"] == ["Worcestershire"]


def test_respond_refuses_long_question_with_a_message():
    svc = AskService(FakeLibrary())
    chat = _run(svc, "x" * 2500)[-1][0]
    assert "2,500 characters long" in _last_text(chat) and "2,000" in _last_text(chat)
    assert svc.lib.calls == []


def test_respond_turns_crashes_into_a_friendly_line():
    chat = _run(AskService(FakeLibrary()), "please explode")[-1][0]
    assert _last_text(chat) == GENERIC_ERROR
    chat = _run(AskService(FakeLibrary()), "ok?", since=2020, until=2019)[-1][0]
    assert "after the 'to' year" in _last_text(chat)


def test_app_has_ask_endpoint_and_queue_concurrency():
    demo = build_app(FakeLibrary(), concurrency=2)
    names = {fn.api_name for fn in demo.fns.values()}
    assert {"ask", "chat"} <= names
    assert demo._queue.default_concurrency_limit >= 4


def test_fake_app_over_gradio_client():
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    lib = FakeLibrary()
    demo = build_app(lib)
    try:
        _, url, share = launch(demo, host="127.0.0.1", port=free_port(), block=False, quiet=True)
        assert share is None and url.startswith("http://127.0.0.1:")
        client = Client(url, verbose=False)
        out = client.predict("Which areas lacked a DMO?", ["Worcestershire"], 2017, 2019,
                             "joint_2016", api_name="/ask")
        assert out["citations"][0]["quote"] == DMO_QUOTE
        assert lib.calls[-1] == {"question": "Which areas lacked a DMO?",
                                 "areas": ["Worcestershire"], "since": 2017, "until": 2019,
                                 "framework": "joint_2016"}
        with pytest.raises(AppError, match="2,000 characters"):
            client.predict("x" * 2001, api_name="/ask")
        with pytest.raises(AppError) as err:
            client.predict("please explode", api_name="/ask")
        assert "secret" not in str(err.value) and "Traceback" not in str(err.value)
    finally:
        demo.close()


def test_login_required_when_auth_is_set():
    import httpx
    from gradio_client import Client

    demo = build_app(FakeLibrary())
    try:
        _, url, _ = launch(demo, host="127.0.0.1", port=free_port(), block=False, quiet=True,
                           auth=("ann", "s3cret"))
        r = httpx.post(url + "gradio_api/call/ask", json={"data": ["Which areas?"]})
        assert r.status_code in (401, 403)
        with pytest.raises(Exception):  # noqa: B017 - gradio_client's error type varies
            Client(url, verbose=False, auth=("ann", "wrong"))
        out = Client(url, verbose=False, auth=("ann", "s3cret")).predict(
            "Which areas lacked a DMO?", api_name="/ask")
        assert out["citations"]
    finally:
        demo.close()


def test_warm_up_never_raises():
    from ui.cli import warm_up

    class Broken(FakeLibrary):
        def ask(self, question, **kw):
            raise RuntimeError("cold")

    warm_up(Broken())
    lib = FakeLibrary()
    warm_up(lib)
    assert len(lib.calls) == 2
