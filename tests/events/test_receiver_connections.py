"""The receiver's connections: stalled clients are cut off in bounded time, and the Host header
never decides where a client is sent."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from pipelines.events.receiver import JIRA_WEBHOOK_PATH
from pipelines.events.signature import SIGNATURE_HEADER, sign
from pipelines.events.spool import WebhookSpool
from sandbox.webhooks import running_receiver
from tests.events.conftest import (
    GRACE,
    PATIENCE,
    SECRET,
    issue_event,
    seconds_until_closed,
    signed_request,
)

READ_TIMEOUT = 0.5


@pytest.fixture
def address(spool: WebhookSpool) -> Iterator[tuple[str, int]]:
    """Host and port of a receiver whose clients have READ_TIMEOUT to send a request."""
    with running_receiver(spool, SECRET, read_timeout=READ_TIMEOUT) as url:
        parts = urlsplit(url)
        yield parts.hostname, parts.port


def test_a_connection_that_sends_nothing_is_closed(address: tuple[str, int]) -> None:
    with socket.create_connection(address) as connection:
        assert seconds_until_closed(connection) < READ_TIMEOUT + GRACE


def test_a_client_stalling_in_its_headers_is_disconnected(address: tuple[str, int]) -> None:
    head, _ = signed_request(issue_event("ALPHA-7"))
    with socket.create_connection(address) as connection:
        connection.sendall(head[: len(head) // 2])
        assert seconds_until_closed(connection) < READ_TIMEOUT + GRACE


def test_a_client_stalling_in_its_body_is_disconnected_and_nothing_spooled(
    address: tuple[str, int], spool: WebhookSpool
) -> None:
    head, body = signed_request(issue_event("ALPHA-7"))
    with socket.create_connection(address) as connection:
        connection.sendall(head + body[:10])
        assert seconds_until_closed(connection) < READ_TIMEOUT + GRACE
    assert spool.count() == 0


def test_sending_slowly_does_not_extend_the_deadline(address: tuple[str, int]) -> None:
    head, _ = signed_request(issue_event("ALPHA-7"))
    started = time.monotonic()
    with socket.create_connection(address) as connection:
        try:
            for byte in head:
                connection.sendall(bytes([byte]))
                time.sleep(READ_TIMEOUT / 5)
                assert time.monotonic() - started < PATIENCE, "never disconnected"
        except (BrokenPipeError, ConnectionResetError):
            pass
    assert time.monotonic() - started < READ_TIMEOUT + GRACE


def test_a_request_sent_in_parts_within_the_deadline_is_answered(
    address: tuple[str, int], spool: WebhookSpool
) -> None:
    head, body = signed_request(issue_event("ALPHA-7"))
    with socket.create_connection(address) as connection:
        connection.settimeout(PATIENCE)
        connection.sendall(head)
        time.sleep(READ_TIMEOUT / 4)
        connection.sendall(body)
        assert connection.recv(4096).startswith(b"HTTP/1.1 202")
    assert spool.count() == 1


def test_a_kept_alive_connection_is_cut_off_when_its_next_request_stalls(
    address: tuple[str, int],
) -> None:
    head, body = signed_request(issue_event("ALPHA-7"))
    with socket.create_connection(address) as connection:
        connection.settimeout(PATIENCE)
        connection.sendall(head + body)
        assert connection.recv(4096).startswith(b"HTTP/1.1 202")
        connection.sendall(head[:20])
        assert seconds_until_closed(connection) < READ_TIMEOUT + GRACE


def test_a_trailing_slash_is_not_redirected_to_the_callers_host(spool: WebhookSpool) -> None:
    body = issue_event("ALPHA-7")
    with running_receiver(spool, SECRET) as url, httpx.Client(base_url=url) as client:
        response = client.post(
            f"{JIRA_WEBHOOK_PATH}/",
            content=body,
            headers={"Host": "attacker.example", SIGNATURE_HEADER: sign(SECRET, body)},
        )
    assert response.status_code == 404
    assert "location" not in response.headers
