"""A small HTTP/1.1 proxy on 127.0.0.1 that breaks connections at chosen points, for the sync
fault tests: between a device and the real server, it reads each request and each answer whole
(Content-Length or chunked framing) and can, for a request that matches a rule,

* ``before``: close the connection before the request reaches the server;
* ``mid``: pass the head and ``keep`` bytes of the body, then close both sides (the server sees
  its client leave mid-upload);
* ``after``: let the server answer, then close the device's connection without the answer
  (the change landed; the device never hears so);
* ``reset``: as ``after``, but with a TCP reset (SO_LINGER 0) instead of a close;
* ``hang``: pass nothing and answer nothing until the proxy stops (a hung server);
* ``stall``: pass the answer's head and half its body, wait ``pause`` seconds, then the rest.

Rules are used once each, in order; ``chaos`` instead draws an action for every request from a
seeded random generator. Only loopback is ever contacted.
"""

from __future__ import annotations

import contextlib
import random
import socket
import struct
import threading
import time
from dataclasses import dataclass, field

ACTIONS = ("before", "mid", "after", "reset", "hang", "stall")


class Cut(Exception):
    """The proxy broke this connection on purpose (or a side closed it)."""


@dataclass
class Rule:
    path: str
    action: str
    method: str | None = None
    keep: int = 10
    pause: float = 0.0
    #: requests matching path and method to let through before this rule applies
    skip: int = 0


@dataclass
class Chaos:
    rng: random.Random
    #: chance that a request (on a path in ``paths``) meets a fault
    rate: float
    actions: tuple[str, ...] = ("before", "mid", "after", "reset")
    paths: tuple[str, ...] = ("/v1/push", "/v1/pull", "/v1/reads")


@dataclass
class Seen:
    method: str
    path: str
    action: str | None


@dataclass
class FaultProxy:
    upstream_port: int
    rules: list[Rule] = field(default_factory=list)
    chaos: Chaos | None = None
    seen: list[Seen] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = int(self.sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.open: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True, name="fault-proxy")

    # -- control -----------------------------------------------------------------------------
    def start(self) -> FaultProxy:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(5)
        self.sock.close()
        with self.lock:
            for s in self.open:
                _close(s)

    def fault(self, path: str, action: str, **more: object) -> None:
        assert action in ACTIONS, action
        with self.lock:
            self.rules.append(Rule(path, action, **more))  # type: ignore[arg-type]

    def faults_used(self) -> list[Seen]:
        with self.lock:
            return [s for s in self.seen if s.action]

    # -- serving -----------------------------------------------------------------------------
    def _accept(self) -> None:
        self.sock.settimeout(0.1)  # a look at ``stopping`` ten times a second
        while not self.stopping.is_set():
            try:
                client, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _track(self, s: socket.socket) -> None:
        with self.lock:
            self.open.append(s)

    def _serve(self, client: socket.socket) -> None:
        self._track(client)
        upstream: socket.socket | None = None
        cin = _Reader(client)
        try:
            while not self.stopping.is_set():
                head = cin.head()
                if head is None:
                    return
                method, path = _request_line(head)
                body = cin.body(head)
                action, rule = self._decide(method, path)
                if action == "before":
                    return
                if action == "hang":
                    self.stopping.wait()
                    return
                if upstream is None:
                    upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
                    self._track(upstream)
                    uin = _Reader(upstream)
                if action == "mid":
                    keep = rule.keep if rule else 10
                    upstream.sendall(head + body[:keep])
                    time.sleep(0.05)
                    return
                upstream.sendall(head + body)
                answer_head = uin.head()
                if answer_head is None:
                    return
                answer = uin.body(answer_head, response=True, method=method)
                if action == "after":
                    return
                if action == "reset":
                    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    return
                if action == "stall":
                    half = len(answer) // 2
                    client.sendall(answer_head + answer[:half])
                    time.sleep(rule.pause if rule else 1.0)
                    client.sendall(answer[half:])
                    continue
                client.sendall(answer_head + answer)
        except (OSError, Cut):
            return
        finally:
            _close(client)
            if upstream is not None:
                _close(upstream)

    def _decide(self, method: str, path: str) -> tuple[str | None, Rule | None]:
        with self.lock:
            for rule in self.rules:
                if path.split("?")[0] == rule.path and rule.method in (None, method):
                    if rule.skip:
                        rule.skip -= 1
                        break
                    self.rules.remove(rule)
                    self.seen.append(Seen(method, path, rule.action))
                    return rule.action, rule
            chaos = self.chaos
            action = None
            if chaos and path.split("?")[0] in chaos.paths and chaos.rng.random() < chaos.rate:
                action = chaos.rng.choice(chaos.actions)
            self.seen.append(Seen(method, path, action))
            return action, None


class _Reader:
    """Buffered reads of HTTP/1.1 messages from one socket."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buf = b""

    def _more(self) -> bool:
        data = self.sock.recv(65536)
        if not data:
            return False
        self.buf += data
        return True

    def head(self) -> bytes | None:
        while b"\r\n\r\n" not in self.buf:
            if not self._more():
                return None
        end = self.buf.index(b"\r\n\r\n") + 4
        head, self.buf = self.buf[:end], self.buf[end:]
        return head

    def exactly(self, n: int) -> bytes:
        while len(self.buf) < n:
            if not self._more():
                raise Cut()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def line(self) -> bytes:
        while b"\r\n" not in self.buf:
            if not self._more():
                raise Cut()
        end = self.buf.index(b"\r\n") + 2
        data, self.buf = self.buf[:end], self.buf[end:]
        return data

    def body(self, head: bytes, response: bool = False, method: str = "") -> bytes:
        headers = _headers(head)
        if response and (method == "HEAD" or _status(head) in (204, 304)):
            return b""
        if "chunked" in headers.get("transfer-encoding", ""):
            out = b""
            while True:
                size_line = self.line()
                out += size_line
                size = int(size_line.split(b";")[0].strip(), 16)
                out += self.exactly(size + 2)
                if size == 0:
                    return out
        length = headers.get("content-length")
        return self.exactly(int(length)) if length else b""


def _headers(head: bytes) -> dict[str, str]:
    out: dict[str, str] = {}
    for raw in head.split(b"\r\n")[1:]:
        if b":" in raw:
            name, _, value = raw.partition(b":")
            out[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1").lower()
    return out


def _request_line(head: bytes) -> tuple[str, str]:
    parts = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
    return parts[0], parts[1] if len(parts) > 1 else ""


def _status(head: bytes) -> int:
    return int(head.split(b" ", 2)[1])


def _close(s: socket.socket) -> None:
    with contextlib.suppress(OSError):
        s.close()
