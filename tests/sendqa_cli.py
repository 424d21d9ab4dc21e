"""Run the real `sendqa` command in a subprocess (helpers for the CLI and server tests)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_SCRIPT = Path(sys.executable).parent / "sendqa"
# The console script when the package is installed, else the same entry point by module.
SENDQA: list[str] = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "rag.cli"]


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SENDQA_STORE"}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false",
               PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""))
    env.update(extra)
    return env


def sendqa(*args: str | Path, cwd: Path = ROOT, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([*SENDQA, *map(str, args)], cwd=cwd, env=cli_env(), capture_output=True,
                          text=True, timeout=timeout)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def http_server(cmd: list[str], ready_urls: list[str], log_path: Path, *,
                timeout: float = 60.0) -> Iterator[subprocess.Popen]:
    """Run a server process (output to ``log_path``: a pipe would fill and block it) until
    one of ``ready_urls`` answers 200; stop it afterwards. Fails the test if it never does."""
    import pytest

    log = log_path.open("wb")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        while not _answers(ready_urls):
            if proc.poll() is not None:
                pytest.fail(f"{cmd[0]} exited with {proc.returncode}: "
                            f"{log_path.read_text(errors='replace')[-2000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"server did not answer within {timeout:.0f} s: {' '.join(cmd)}")
            time.sleep(0.25)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)
        log.close()


def _answers(urls: list[str]) -> bool:
    for url in urls:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return True
        except OSError:
            continue
    return False
