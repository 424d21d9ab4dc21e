"""The doors Gradio leaves open that this app does not need, closed in one ASGI middleware.

- No upload route: the app has no upload widget, so ``/gradio_api/upload`` (which takes
  anonymous files of any size when no login is set) answers 404.
- Allowed hosts: a request whose Host header is neither an IP address nor one of this
  machine's names (localhost, its host name, ``--host``) is refused, so a DNS-rebinding page
  cannot talk to the server under its own name.
- A login attempt limit: after ``max_fails`` wrong passwords from one address within
  ``window`` seconds (or ten times that from all addresses together), ``/login`` answers
  429 until the window has passed.

``guard_kwargs(host)`` is what ``launch`` passes to Gradio as ``app_kwargs``.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import socket
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Iterable
from typing import Any

UPLOAD_PREFIXES = ("/gradio_api/upload", "/upload")
LOGIN_PATHS = ("/login", "/login/")
LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


def allowed_hosts(host: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """Host names (lower case, no port) the server answers to; IP addresses always pass."""
    names = {*LOCAL_NAMES, host, *extra}
    if host in ("0.0.0.0", "::", ""):
        names.update({socket.gethostname(), socket.getfqdn()})
    return frozenset(n.strip().lower().rstrip(".") for n in names if n and n.strip())


def _hostname(header: str) -> str:
    header = header.strip().lower()
    if header.startswith("["):  # [::1]:7860
        return header[1:header.find("]")] if "]" in header else header
    if header.count(":") == 1:
        header = header.split(":", 1)[0]
    return header.rstrip(".")


def host_allowed(header: str | None, allowed: frozenset[str]) -> bool:
    if not header:
        return False
    name = _hostname(header)
    try:
        ipaddress.ip_address(name)
        return True  # an address, not a name: nothing to rebind
    except ValueError:
        pass
    return name in allowed or name.endswith(".localhost")


class LoginLimiter:
    """Counts failed logins per client address in a sliding window."""

    def __init__(self, max_fails: int = 5, window: float = 300.0) -> None:
        self.max_fails, self.window = max_fails, window
        self._fails: dict[str, deque[float]] = {}
        self._all: deque[float] = deque()
        self._lock = threading.Lock()

    def _trim(self, q: deque[float], now: float) -> None:
        while q and q[0] <= now - self.window:
            q.popleft()

    def retry_after(self, client: str) -> float:
        """Seconds until ``client`` may try again (0: now)."""
        now = time.monotonic()
        with self._lock:
            q = self._fails.get(client, deque())
            self._trim(q, now)
            self._trim(self._all, now)
            waits = []
            if len(q) >= self.max_fails:
                waits.append(q[-self.max_fails] + self.window - now)
            if len(self._all) >= 10 * self.max_fails:
                waits.append(self._all[-10 * self.max_fails] + self.window - now)
            return max(waits, default=0.0)

    def failed(self, client: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._fails.setdefault(client, deque()).append(now)
            self._all.append(now)

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._fails.pop(client, None)


class Guard:
    """ASGI middleware: host check, no uploads, login attempt limit."""

    def __init__(self, app: Any, *, hosts: frozenset[str], limiter: LoginLimiter | None = None) -> None:
        self.app, self.hosts = app, hosts
        self.limiter = limiter or LoginLimiter()

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if not host_allowed(headers.get("host"), self.hosts):
            return await _refuse(scope, receive, send, 400, "This server does not answer to that "
                                 "host name; use its address or start it with --host NAME.")
        path = scope.get("path", "")
        if path.startswith(UPLOAD_PREFIXES):
            return await _refuse(scope, receive, send, 404, "Not found.")
        if scope["type"] != "http" or scope.get("method") != "POST" or path not in LOGIN_PATHS:
            return await self.app(scope, receive, send)
        client = (scope.get("client") or ("?", 0))[0]
        wait = self.limiter.retry_after(client)
        if wait > 0:
            return await _refuse(scope, receive, send, 429,
                                 f"Too many failed logins; try again in {wait:.0f} seconds.",
                                 [(b"retry-after", str(int(wait) + 1).encode())])
        status: list[int] = []

        async def watch(message: dict) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        await self.app(scope, receive, watch)
        if status and status[0] == 200:
            self.limiter.succeeded(client)
        elif status and 400 <= status[0] < 500:
            self.limiter.failed(client)


async def _refuse(scope: dict, receive: Any, send: Any, code: int, detail: str,
                  extra: list[tuple[bytes, bytes]] | None = None) -> None:
    if scope["type"] == "websocket":
        await receive()
        await send({"type": "websocket.close", "code": 1008})
        return
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": code,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), *(extra or [])]})
    await send({"type": "http.response.body", "body": body})


def guard_kwargs(host: str, extra_hosts: Iterable[str] = ()) -> dict[str, Any]:
    """``app_kwargs`` for ``Blocks.launch``: put the Guard around the whole Gradio app.

    Installed at lifespan startup (before the server accepts a connection) around the
    built middleware stack, so it runs before Gradio's CORS middleware too: a refused
    request never gets an Access-Control-Allow-Origin header."""
    hosts = allowed_hosts(host, extra_hosts)

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        install(app, hosts)
        yield

    return {"lifespan": lifespan}


def install(app: Any, hosts: frozenset[str]) -> None:
    """Wrap ``app``'s (Starlette) middleware stack in a Guard, once."""
    stack = app.middleware_stack or app.build_middleware_stack()
    if not isinstance(stack, Guard):
        app.middleware_stack = Guard(stack, hosts=hosts)


def installed(app: Any) -> bool:
    return isinstance(getattr(app, "middleware_stack", None), Guard)
