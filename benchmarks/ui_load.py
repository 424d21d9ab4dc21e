"""Load test of the UI's `ask` endpoint: N concurrent gradio_client users x M questions.

    python benchmarks/ui_load.py --url http://127.0.0.1:7860    # a running `sendqa serve`
    python benchmarks/ui_load.py --serve --store .sendqa/store   # start one, test, stop it

Questions are a mix of lookup and set questions from the gold file. Prints p50/p95
latency, questions per second and the error count. Target in extractive mode: 0 errors
and p95 <= 8 s (``--check`` exits 1 when it is missed).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "evals" / "gold" / "seed.jsonl"
SET_KINDS = ("aggregation", "temporal", "count")
TARGET_P95_S = 8.0


def question_mix(gold: Path) -> list[str]:
    """Lookup and set questions from the gold file, interleaved."""
    rows = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    lookups = [r["question"] for r in rows if r.get("kind") == "lookup"]
    sets = [r["question"] for r in rows if r.get("kind") in SET_KINDS]
    if not lookups or not sets:
        raise SystemExit(f"{gold}: needs both lookup and set questions")
    mixed = [q for pair in itertools.zip_longest(lookups, sets) for q in pair if q]
    return mixed


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    modes: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


class HttpUser:
    """One user over gradio's REST API (/gradio_api/call/ask): the queue path browsers use,
    with one kept-alive connection and far less client CPU than gradio_client."""

    def __init__(self, url: str, auth: tuple[str, str] | None) -> None:
        import httpx

        self.http = httpx.Client(base_url=url, timeout=300)
        if auth:
            r = self.http.post("login", data={"username": auth[0], "password": auth[1]})
            r.raise_for_status()

    def ask(self, question: str) -> dict:
        r = self.http.post("gradio_api/call/ask", json={"data": [question, None, None, None, None]})
        r.raise_for_status()
        event = None
        with self.http.stream("GET", f"gradio_api/call/ask/{r.json()['event_id']}") as s:
            for line in s.iter_lines():
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:") and event in ("complete", "error"):
                    data = json.loads(line[5:])
                    if event == "error":
                        raise RuntimeError(f"server error: {str(data)[:160]}")
                    return data[0]
        raise RuntimeError("the event stream ended without a result")

    def close(self) -> None:
        self.http.close()


class GradioClientUser:
    """One user through gradio_client (heavier on the client side)."""

    def __init__(self, url: str, auth: tuple[str, str] | None) -> None:
        from gradio_client import Client

        self.client = Client(url, verbose=False, auth=auth)

    def ask(self, question: str) -> dict:
        return self.client.predict(question, api_name="/ask")

    def close(self) -> None:
        self.client.close()


def run_client(user, questions: list[str], start: threading.Barrier, out: Result) -> None:
    start.wait()
    for q in questions:
        t0 = time.perf_counter()
        try:
            answer = user.ask(q)
            ok = isinstance(answer, dict) and "answer" in answer
            err = None if ok else f"unexpected reply {str(answer)[:80]!r}"
        except Exception as exc:  # counted, not raised: this is a load test
            answer, err = None, f"{type(exc).__name__}: {str(exc)[:120]}"
        dt = time.perf_counter() - t0
        with out.lock:
            out.latencies.append(dt)
            if err:
                out.errors.append(err)
            elif answer.get("mode"):
                out.modes.add(answer["mode"])


def load_test(url: str, *, clients: int, per_client: int, gold: Path,
              auth: tuple[str, str] | None, kind: str = "http") -> tuple[Result, float]:
    mix = question_mix(gold)
    user_class = HttpUser if kind == "http" else GradioClientUser
    conns = [user_class(url, auth) for _ in range(clients)]
    t0 = time.perf_counter()
    for q in mix[:2]:  # one lookup and one set question warm the server's lazy caches
        conns[0].ask(q)
    print(f"warm-up: 2 questions in {time.perf_counter() - t0:.1f} s (not counted)")
    barrier = threading.Barrier(clients + 1)
    out = Result()
    threads = []
    for i, client in enumerate(conns):
        qs = [mix[(i * per_client + j) % len(mix)] for j in range(per_client)]
        t = threading.Thread(target=run_client, args=(client, qs, barrier, out), daemon=True)
        t.start()
        threads.append(t)
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    for c in conns:
        c.close()
    return out, wall


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(store: str | None, timeout_s: float) -> tuple[subprocess.Popen, str]:
    """Start `python -m ui serve` on a free loopback port; wait until it answers."""
    port = _free_port()
    cmd = [sys.executable, "-m", "ui", "serve", "--host", "127.0.0.1", "--port", str(port)]
    if store:
        cmd += ["--store", store]
    proc = subprocess.Popen(cmd, cwd=ROOT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "config", timeout=2):
                return proc, url
        except OSError:
            time.sleep(1)
    proc.terminate()
    raise SystemExit(f"server did not answer at {url} within {timeout_s:.0f} s")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", default="http://127.0.0.1:7860/", help="a running sendqa server")
    ap.add_argument("--serve", action="store_true", help="start a server for the run, then stop it")
    ap.add_argument("--store", default=None, help="index for --serve (default: sendqa's default)")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--questions", type=int, default=5, help="questions per client")
    ap.add_argument("--gold", type=Path, default=GOLD)
    ap.add_argument("--client", choices=("http", "gradio_client"), default="http",
                    help="REST over httpx (default; light) or gradio_client (heavier per call)")
    ap.add_argument("--json", type=Path, default=None, help="also write the results here")
    ap.add_argument("--check", action="store_true", help="exit 1 if the target is missed")
    ap.add_argument("--startup-timeout", type=float, default=900.0)
    args = ap.parse_args(argv)
    auth_env = os.environ.get("SENDQA_AUTH", "")
    auth = tuple(auth_env.split(":", 1)) if ":" in auth_env else None

    proc = None
    url = args.url if args.url.endswith("/") else args.url + "/"
    if args.serve:
        proc, url = start_server(args.store, args.startup_timeout)
    try:
        out, wall = load_test(url, clients=args.clients, per_client=args.questions,
                              gold=args.gold, auth=auth, kind=args.client)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
    n = len(out.latencies)
    p50, p95 = percentile(out.latencies, 50), percentile(out.latencies, 95)
    qps = n / wall if wall else float("nan")
    mode = ",".join(sorted(out.modes)) or "unknown"
    ok = not out.errors and p95 <= TARGET_P95_S
    print(f"ui_load: {args.clients} {args.client} clients x {args.questions} questions = {n} "
          f"over {url} (mode {mode})")
    print(f"latency  p50 {p50:.2f} s   p95 {p95:.2f} s   max {max(out.latencies, default=0):.2f} s")
    print(f"throughput {qps:.2f} questions/s (wall {wall:.1f} s)")
    print(f"errors {len(out.errors)}")
    for err in sorted(set(out.errors))[:5]:
        print(f"  {err}")
    print(f"target (extractive): 0 errors and p95 <= {TARGET_P95_S:.0f} s: "
          f"{'PASS' if ok else 'MISS'}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "clients": args.clients, "client": args.client, "questions_per_client": args.questions, "n": n,
            "p50_s": p50, "p95_s": p95, "qps": qps, "wall_s": wall, "errors": len(out.errors),
            "error_samples": sorted(set(out.errors))[:5], "mode": mode, "pass": ok,
        }, indent=2) + "\n", encoding="utf-8")
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
