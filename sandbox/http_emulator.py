"""What the API emulators (Jira, Smartsheet) share: a threaded HTTP server on 127.0.0.1 that a
test starts and stops around itself, faults injected per path prefix, and quiet JSON replies."""

from __future__ import annotations

import sys
import threading
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


@dataclass
class Fault:
    """The next `times` requests whose path starts with `path` misbehave as `kind`, once
    `after` of them have been served normally; rate limits send `Retry-After: retry_after`
    unless it is 0, server errors answer HTTP `status`."""

    kind: str
    path: str = "/"
    times: int = 1
    retry_after: int = 0
    status: int = 500
    after: int = 0


class QuietServer(ThreadingHTTPServer):
    """A client that hangs up (a failed or stopped load closing its connections) is no error of
    the emulator: no traceback on stderr."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class QuietHandler(BaseHTTPRequestHandler):
    """Keep-alive, no access log, and replies that leave in one go."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: with Nagle's algorithm the body of a small reply
    # waits for the client's delayed ACK, 40 ms a request that no real API adds.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: tests and benchmarks would drown in access logs."""

    def send(self, status: int, data: bytes, headers: dict[str, str], content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def drop_connection(self) -> None:
        self.close_connection = True
        self.connection.close()


class LoopbackEmulator:
    """Lifecycle and fault injection of an emulator. Subclasses set `fault_kinds`, `url_prefix`
    and, when their faults have more to them, `fault_type`; fill `port`, `faults`,
    `request_counts` and `lock`; and build their request handler in `handler()`."""

    fault_type: type[Fault] = Fault
    fault_kinds: tuple[str, ...]
    url_prefix = ""
    port: int
    faults: list[Fault]
    request_counts: Counter[str]
    lock: threading.RLock
    _server: ThreadingHTTPServer | None = None

    def handler(self) -> type[BaseHTTPRequestHandler]:
        raise NotImplementedError

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the emulator is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}{self.url_prefix}"

    @property
    def request_count(self) -> int:
        return sum(self.request_counts.values())

    def start(self) -> Self:
        self._server = QuietServer(("127.0.0.1", self.port), self.handler())
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def inject(self, kind: str, path: str | None = None, times: int = 1, **options: Any) -> None:
        """Make the next `times` requests under `path` (default: the fault type's) fail as
        `kind`, one of `fault_kinds`."""
        if kind not in self.fault_kinds:
            raise ValueError(f"unknown fault {kind!r}, expected one of {self.fault_kinds}")
        if path is not None:
            options["path"] = path
        with self.lock:
            self.faults.append(self.fault_type(kind, times=times, **options))

    def take_fault(self, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.times > 0 and path.startswith(fault.path):
                    if fault.after > 0:
                        fault.after -= 1
                        return None
                    fault.times -= 1
                    return fault
        return None
