"""The doors Gradio leaves open, closed (ui/guard.py), against a real launched server.

Each test serves the real app (over the in-memory FakeLibrary) on a free loopback port and
talks HTTP to it: uploads, Host headers, login attempts, download files per session, and
the files left after `sendqa serve` is stopped with SIGTERM.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from ui_fakes import FakeLibrary, free_port

from ui.app import build_app, launch
from ui.guard import LoginLimiter, allowed_hosts, host_allowed

ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def served(auth: tuple[str, str] | None = None) -> Iterator[tuple[str, object]]:
    demo = build_app(FakeLibrary())
    try:
        _, url, _ = launch(demo, host="127.0.0.1", port=free_port(), block=False, quiet=True,
                           auth=auth)
        yield url.rstrip("/"), demo
    finally:
        demo.close(verbose=False)


def wait_for(condition, timeout: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


# ---- pure parts --------------------------------------------------------------------------

def test_host_names_allowed_and_refused():
    allowed = allowed_hosts("127.0.0.1")
    for ok in ("localhost", "LOCALHOST:7860", "127.0.0.1:7860", "[::1]:7860", "10.1.2.3",
               "app.localhost:80"):
        assert host_allowed(ok, allowed), ok
    for bad in ("evil.example", "evil.example:7860", "localhost.evil.example", "", None):
        assert not host_allowed(bad, allowed), bad
    assert host_allowed("box.lan:7860", allowed_hosts("box.lan"))


def test_login_limiter_window():
    lim = LoginLimiter(max_fails=3, window=60)
    for _ in range(3):
        assert lim.retry_after("a") == 0
        lim.failed("a")
    assert lim.retry_after("a") > 50
    assert lim.retry_after("b") == 0  # another address is not locked out by a's guesses
    lim.succeeded("b")


# ---- against a served app -----------------------------------------------------------------

def test_no_upload_route_without_an_upload_widget():
    with served() as (url, _):
        r = httpx.post(f"{url}/gradio_api/upload", files={"files": ("x.txt", b"A" * 100_000)})
        assert r.status_code == 404, r.text
        r = httpx.post(f"{url}/gradio_api/upload?upload_id=abc",
                       files={"files": ("y.bin", b"\0" * 1000)})
        assert r.status_code == 404
        assert httpx.get(f"{url}/gradio_api/upload_progress?upload_id=abc").status_code == 404
        assert httpx.get(f"{url}/").status_code == 200  # the app itself still serves


def test_foreign_host_header_is_refused():
    with served() as (url, _):
        port = url.rsplit(":", 1)[1]
        # A DNS-rebinding page: its own name in Host and Origin, credentials wanted.
        evil = {"Host": f"rebind.evil.example:{port}", "Origin": f"http://rebind.evil.example:{port}"}
        for method, path in (("GET", "/"), ("GET", "/config"), ("GET", "/gradio_api/info"),
                             ("POST", "/gradio_api/call/ask")):
            r = httpx.request(method, url + path, headers=evil, json={"data": ["Which areas?"]})
            assert r.status_code == 400, (path, r.status_code)
            assert "Worcestershire" not in r.text and "ask" not in r.text.lower().split("host")[0]
        pre = httpx.options(f"{url}/gradio_api/call/ask", headers={
            **evil, "Access-Control-Request-Method": "POST"})
        assert pre.status_code == 400
        for host in (f"localhost:{port}", f"127.0.0.1:{port}"):
            assert httpx.get(f"{url}/config", headers={"Host": host}).status_code == 200


def test_login_attempts_are_limited():
    with served(auth=("ann", "s3cret")) as (url, _):
        codes = [httpx.post(f"{url}/login", data={"username": "ann", "password": f"guess{i}"}
                            ).status_code for i in range(8)]
        assert codes[:5] == [400] * 5, codes
        assert codes[5:] == [429] * 3, codes
        locked = httpx.post(f"{url}/login", data={"username": "ann", "password": "s3cret"})
        assert locked.status_code == 429  # even the right password waits out the window
        assert int(locked.headers["retry-after"]) > 0
        assert "try again" in locked.json()["detail"]
        # and the data routes stay closed without a login
        assert httpx.post(f"{url}/gradio_api/call/ask", json={"data": ["x"]}).status_code in (401, 403)


def test_download_files_go_when_the_session_ends():
    from gradio_client import Client

    with served() as (url, demo):
        files_dir = demo.sendqa_service.files_dir
        client = Client(url + "/", verbose=False)
        client.predict("Which areas lacked a DMO?", [], [], 0, 0, "", api_name="/chat")
        session = files_dir / client.session_hash
        made = sorted(p.name for p in session.rglob("*") if p.is_file())
        assert made and all(n.startswith("sendqa-") for n in made), made
        other = Client(url + "/", verbose=False)
        other.predict("Which areas lacked a DMO?", [], [], 0, 0, "", api_name="/chat")
        client.close()  # the heartbeat stops: Gradio runs the app's unload event
        wait_for(lambda: not session.exists(), what="the closed session's files to go")
        assert (files_dir / other.session_hash).exists()  # another session's files stay
        other.close()


SERVE_SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
import ui.cli
from ui_fakes import FakeLibrary
ui.cli.open_library = lambda *a, **k: FakeLibrary()
parser = __import__("argparse").ArgumentParser()
ui.cli.register(parser.add_subparsers(dest="command"))
args = parser.parse_args(["serve", "--port", sys.argv[1], "--store", sys.argv[2]])
sys.exit(ui.cli.run(args))
"""


def test_sigterm_removes_download_files(tmp_path: Path):
    from gradio_client import Client

    cache = tmp_path / "gradio-cache"
    port = free_port()
    env = {**os.environ, "GRADIO_TEMP_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    env.pop("SENDQA_AUTH", None)
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVE_SCRIPT.format(tests=str(ROOT / "tests")), str(port),
         str(tmp_path / "store")], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        def up() -> bool:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                return httpx.get(f"http://127.0.0.1:{port}/config").status_code == 200
            except httpx.HTTPError:
                return False

        wait_for(up, 120, "the server to start")
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        client.predict("Which areas lacked a DMO?", [], [], 0, 0, "", api_name="/chat")
        client.predict("What did parents say?", [], [], 0, 0, "", api_name="/chat")
        written = [p for p in cache.rglob("sendqa-*") if p.is_file()]
        assert len(written) >= 4, written
        # The session is still open (no unload): only shutdown can remove them.
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
        client.close()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()
    left = [p for p in cache.rglob("*") if p.is_file()]
    assert left == [], left
