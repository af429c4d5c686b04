"""``pmo webhooks serve``: the receiver under uvicorn; in a thread for tests and benchmarks."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from pipelines.events.http_protocol import request_deadline_protocol
from pipelines.events.receiver import create_app
from pipelines.events.settings import (
    DEFAULT_READ_TIMEOUT_SECONDS,
    spool_path,
    webhook_host,
    webhook_port,
    webhook_read_timeout,
    webhook_secret,
)
from pipelines.events.spool import WebhookSpool

STARTUP_TIMEOUT_SECONDS = 10.0


def serve(host: str | None = None, port: int | None = None) -> None:
    """Serve until interrupted; the spool is closed on the way out."""
    secret = webhook_secret()
    with WebhookSpool(spool_path()) as spool:
        app = create_app(spool, secret)
        uvicorn.run(
            app,
            host=host or webhook_host(),
            port=port or webhook_port(),
            http=request_deadline_protocol(webhook_read_timeout()),
            log_level="info",
        )


@contextmanager
def running_receiver(
    spool: WebhookSpool,
    secret: str,
    read_timeout: float = DEFAULT_READ_TIMEOUT_SECONDS,
    **app_options: int,
) -> Iterator[str]:
    """Serve the receiver on a free loopback port in a thread; yield its base URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    config = uvicorn.Config(
        create_app(spool, secret, **app_options),
        http=request_deadline_protocol(read_timeout),
        log_level="warning",
        access_log=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the webhook receiver did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(STARTUP_TIMEOUT_SECONDS)
        listener.close()
