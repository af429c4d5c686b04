"""uvicorn's HTTP/1.1 protocol with a deadline for receiving each request in full.

uvicorn closes idle keep-alive connections after a response, but never a connection that
stalls before its request is complete: nothing sent after connecting, headers or a body sent
in part. Each would hold a socket and its buffers for ever, and a few thousand of them starve
the receiver (slowloris). Here a request must arrive in full within ``read_timeout`` seconds
of the connection opening or of the previous response, else the connection is closed; sending
bytes slowly does not extend the deadline. Jira sends a webhook in one go, in milliseconds.
"""

from __future__ import annotations

import asyncio

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from pipelines.events.settings import DEFAULT_READ_TIMEOUT_SECONDS

_RECEIVING = (h11.IDLE, h11.SEND_BODY)
"""The client's states while its request is not complete yet."""


class RequestDeadlineProtocol(H11Protocol):
    """H11Protocol that closes a connection whose request is not in within ``read_timeout``."""

    read_timeout: float = DEFAULT_READ_TIMEOUT_SECONDS
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_deadline()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if not self._receiving():
            self._cancel_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._start_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_deadline()
        super().connection_lost(exc)

    def _receiving(self) -> bool:
        return self.conn.their_state in _RECEIVING

    def _start_deadline(self) -> None:
        self._cancel_deadline()
        self._deadline = self.loop.call_later(self.read_timeout, self._on_deadline)

    def _cancel_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _on_deadline(self) -> None:
        self._deadline = None
        if self._receiving() and not self.transport.is_closing():
            self.transport.close()


def request_deadline_protocol(read_timeout: float) -> type[RequestDeadlineProtocol]:
    """The protocol class for uvicorn's ``http`` option, with this deadline in seconds."""
    return type(
        "RequestDeadlineProtocol", (RequestDeadlineProtocol,), {"read_timeout": read_timeout}
    )
