"""A loopback TCP proxy in front of a Docker engine that counts requests and can add
a fixed delay per round trip (for tests and the fleet benchmark)."""

from __future__ import annotations

import contextlib
import re
import socket
import threading
from dataclasses import dataclass, field

_REQUEST = re.compile(rb"^(GET|HEAD|POST|PUT|DELETE|PATCH) (\S+) HTTP/1\.[01]\r\n")


@dataclass
class Proxy:
    """Listens on 127.0.0.1:``port``; forwards to the unix socket ``upstream``."""

    upstream: str
    delay: float = 0.0
    requests: list[tuple[str, str]] = field(default_factory=list)
    port: int = 0

    def __post_init__(self) -> None:
        self._server = socket.socket()
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(64)
        self.port = self._server.getsockname()[1]
        self._closed = threading.Event()
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    @property
    def writes(self) -> list[tuple[str, str]]:
        return [r for r in self.requests if r[0] not in ("GET", "HEAD")]

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()

    def close(self) -> None:
        self._closed.set()
        with contextlib.suppress(OSError):
            self._server.close()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            upstream = socket.socket(socket.AF_UNIX)
            upstream.connect(self.upstream)
            pair = _Pair(client, upstream)
            threading.Thread(
                target=self._pump, args=(client, upstream, True, pair), daemon=True
            ).start()
            threading.Thread(
                target=self._pump, args=(upstream, client, False, pair), daemon=True
            ).start()

    def _pump(
        self, source: socket.socket, dest: socket.socket, count: bool, pair: _Pair
    ) -> None:
        try:
            while chunk := source.recv(65536):
                match = _REQUEST.match(chunk) if count else None
                if match:
                    with self._lock:
                        self.requests.append(
                            (match.group(1).decode(), match.group(2).decode())
                        )
                    if self.delay:
                        self._closed.wait(self.delay)
                dest.sendall(chunk)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                dest.shutdown(socket.SHUT_WR)
            pair.one_done()


class _Pair:
    """Both sockets of a proxied connection, closed once both directions end."""

    def __init__(self, *sockets: socket.socket) -> None:
        self.sockets = sockets
        self.open_directions = 2
        self.lock = threading.Lock()

    def one_done(self) -> None:
        with self.lock:
            self.open_directions -= 1
            if self.open_directions:
                return
        for item in self.sockets:
            item.close()
