"""One deadline for a whole request: connect, TLS handshake, headers, redirects and body.

requests, urllib3 and httpx time each socket operation, not the request: a server that sends a
header byte every few seconds never lets a read time out. No well-kept synchronous client has
a total deadline (aiohttp's `ClientTimeout(total=...)` would bring an async stack for this one
guarantee), and only closing the socket interrupts a blocked read. So a watchdog timer shuts
down the sockets a request uses when its deadline passes; the blocked read returns at once and
the fetcher reports the deadline. The sockets are known through urllib3's documented extension
point, a connection pool's `ConnectionCls`: its connections register their socket with the
deadline of the calling thread when they are opened and whenever a request is sent on them.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

_local = threading.local()


class Deadline:
    """A watchdog for one request: `seconds` after `start` it shuts down the sockets the
    thread's requests use (those opened before it fired and any opened after); `expired` says
    whether it did."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.expired = False
        self._ends = float("inf")
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def start(self) -> Deadline:
        """Arm the watchdog for the requests this thread makes until `cancel`."""
        _local.deadline = self
        self._ends = time.monotonic() + self.seconds
        self._timer.start()
        return self

    def watch(self, sock: socket.socket | None) -> None:
        """Shut `sock` down at the deadline (at once if it has passed)."""
        if sock is None:
            return
        with self._lock:
            if not self.expired:
                self._sockets.append(sock)
                return
        _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            _shut(sock)

    def cancel(self) -> bool:
        """Disarm the watchdog; whether the deadline has passed (a read's own timeout, as long
        as the deadline, may have come first)."""
        self._timer.cancel()
        if getattr(_local, "deadline", None) is self:
            _local.deadline = None
        with self._lock:
            self._sockets = []
            return self.expired or time.monotonic() >= self._ends


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed, or never connected
        sock.shutdown(socket.SHUT_RDWR)


def _watch(sock: socket.socket | None) -> None:
    current: Deadline | None = getattr(_local, "deadline", None)
    if current is not None:
        current.watch(sock)


class _Watched:
    """Connection behaviour: the socket registered when opened and when a request is sent."""

    sock: socket.socket | None

    def _new_conn(self) -> socket.socket:
        sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        _watch(sock)
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        _watch(self.sock)  # a kept-alive connection, reused
        super().request(*args, **kwargs)  # type: ignore[misc]


class _HTTPConnection(_Watched, HTTPConnection):
    pass


class _HTTPSConnection(_Watched, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class DeadlineAdapter(HTTPAdapter):
    """requests' adapter whose connections obey the calling thread's `deadline`."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}
