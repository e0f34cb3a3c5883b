"""A real HTTP server on 127.0.0.1 for the fetcher's tests, with scripted replies and faults."""

from __future__ import annotations

import re
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    """One scripted reply; `fault` is None, "reset", "truncate", "no-length", "drip" (the body
    a byte at a time, `delay` seconds apart) or "drip-headers" (the status line, then a header
    a byte at a time, `delay` seconds apart, for as many bytes as the body has); `ranges`: a
    `Range: bytes=A-B` request gets 206 and those bytes (RFC 9110), as a file server does."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    fault: str | None = None
    delay: float = 0.0
    ranges: bool = False


@dataclass
class Script:
    """Replies per path, consumed in order (the last one repeats), and the requests seen."""

    routes: dict[str, list[Reply]] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_reply(self, path: str, headers: dict[str, str]) -> Reply:
        with self.lock:
            self.requests.append((path, headers))
            replies = self.routes.get(path)
            if not replies:
                return Reply(404, b"not found")
            return replies.pop(0) if len(replies) > 1 else replies[0]

    def hits(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if p == path)


class _Handler(BaseHTTPRequestHandler):
    script: Script

    def log_message(self, format: str, *args: object) -> None:
        return

    def do_GET(self) -> None:
        reply = self.script.next_reply(self.path, dict(self.headers))
        if reply.fault == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")
            self.connection.close()
            return
        if reply.fault == "drip-headers":
            try:
                self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                for _ in reply.body:
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(reply.delay)
                self.wfile.write(b"\r\nContent-Length: 0\r\n\r\n")
            except OSError:  # the client hung up
                pass
            return
        if reply.delay and reply.fault != "drip":
            time.sleep(reply.delay)
        wanted = re.fullmatch(r"bytes=(\d+)-(\d+)", self.headers.get("Range", ""))
        if reply.ranges and reply.status == 200 and wanted:
            first, last = int(wanted.group(1)), min(int(wanted.group(2)), len(reply.body) - 1)
            total = len(reply.body)
            headers = {"Content-Range": f"bytes {first}-{last}/{total}", **reply.headers}
            reply = Reply(206, reply.body[first : last + 1], headers, reply.fault)
        self.send_response(reply.status)
        headers = {"Content-Type": "text/markdown; charset=utf-8", **reply.headers}
        length = len(reply.body) + (1000 if reply.fault == "truncate" else 0)
        if reply.fault != "no-length":  # without a length the body runs to the connection's end
            headers.setdefault("Content-Length", str(length))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if reply.fault == "drip":
            try:
                for at in range(len(reply.body)):
                    self.wfile.write(reply.body[at : at + 1])
                    self.wfile.flush()
                    time.sleep(reply.delay)
            except OSError:  # the client hung up
                return
            return
        self.wfile.write(reply.body)
        if reply.fault == "truncate":
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)


class _QuietServer(ThreadingHTTPServer):
    """A server whose request threads never print: a client the test cut off (a deadline, a
    size cap) breaks the pipe of a thread that may outlive the test, and socketserver's
    default handler would print its traceback into whichever test runs then."""

    def handle_error(self, request: object, client_address: object) -> None:
        """Keep the error for inspection instead of writing it to stderr."""
        self.errors.append(sys.exc_info()[1])

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self.errors: list[BaseException | None] = []


@contextmanager
def serve(script: Script) -> Iterator[str]:
    """Serve `script` on an ephemeral loopback port; yields the base URL."""
    handler = type("Handler", (_Handler,), {"script": script})
    server = _QuietServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
