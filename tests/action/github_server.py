"""The contract-checked GitHub fake, served over HTTP on 127.0.0.1.

Workflows under act run in other processes, so they need a real HTTP server. The fake
itself (contract checks, state, reply factories) is ``tests.github_fake.FakeGitHub``;
this module is only its HTTP transport, as ``responses`` is the in-process one.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.github_fake import FakeGitHub


@dataclass(frozen=True)
class Request:
    """The parts of a request the fake reads (as ``responses`` passes them)."""

    method: str
    url: str
    headers: Message
    body: bytes


class _Handler(BaseHTTPRequestHandler):
    fake: FakeGitHub
    lock: threading.Lock

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        request = Request(
            self.command,
            self.fake.api_url + self.path,
            self.headers,
            self.rfile.read(length) if length else b"",
        )
        with self.lock:
            status, headers, body = self.fake.serve(request)
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:
        return


class GitHubServer:
    """Serve ``fake`` on 127.0.0.1 in a background thread; its API URL is this one."""

    def __init__(self, fake: FakeGitHub) -> None:
        handler = type("Handler", (_Handler,), {"fake": fake, "lock": threading.Lock()})
        self.fake = fake
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        fake.api_url = self.url
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> GitHubServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()
