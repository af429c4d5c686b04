"""The receiver's Smartsheet endpoint: challenge echoed, callbacks signed per webhook, spooled
once however often Smartsheet sends them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pipelines.events.smartsheet_events import (
    CHALLENGE_HEADER,
    RESPONSE_FIELD,
    RESPONSE_HEADER,
    SIGNATURE_HEADER,
    sign,
)
from pipelines.events.smartsheet_receiver import SMARTSHEET_WEBHOOK_PATH
from pipelines.events.smartsheet_spool import SmartsheetSpool
from pipelines.events.spool import WebhookSpool
from sandbox.webhooks import running_receiver
from tests.events.conftest import SECRET

WEBHOOK_ID = 8444254503626628
SHEET_ID = 3285357287499652
SHARED_SECRET = "216ejjzdnq17mq1q8xs7d4hu8b"


def callback(nonce: str = "n-1", sheet_id: int = SHEET_ID) -> bytes:
    """A skinny callback as Smartsheet sends it (the OpenAPI description's `Callback`)."""
    return json.dumps(
        {
            "nonce": nonce,
            "timestamp": "2026-12-04T22:00:00.000+00:00",
            "webhookId": WEBHOOK_ID,
            "scope": "sheet",
            "scopeObjectId": sheet_id,
            "events": [
                {
                    "objectType": "row",
                    "eventType": "updated",
                    "id": 11,
                    "userId": 48569348493401210,
                    "timestamp": "2026-12-04T21:59:59.000+00:00",
                }
            ],
        }
    ).encode()


@pytest.fixture
def smartsheet_spool(tmp_path: Path) -> Iterator[SmartsheetSpool]:
    with SmartsheetSpool(tmp_path / "smartsheet_webhook_spool.sqlite3") as spool:
        spool.remember(WEBHOOK_ID, SHEET_ID, SHARED_SECRET)
        yield spool


@pytest.fixture
def client(smartsheet_spool: SmartsheetSpool, tmp_path: Path) -> Iterator[httpx.Client]:
    with (
        WebhookSpool(tmp_path / "webhook_spool.sqlite3") as jira_spool,
        running_receiver(jira_spool, SECRET, smartsheet=smartsheet_spool) as url,
        httpx.Client(base_url=url, timeout=10) as client,
    ):
        yield client


def post(client: httpx.Client, body: bytes, signature: str | None) -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers[SIGNATURE_HEADER] = signature
    return client.post(SMARTSHEET_WEBHOOK_PATH, content=body, headers=headers)


def test_the_verification_challenge_is_echoed_in_header_and_body(client: httpx.Client) -> None:
    body = json.dumps({"challenge": "d78dd1d3-01ce-4481", "webhookId": WEBHOOK_ID}).encode()
    response = client.post(
        SMARTSHEET_WEBHOOK_PATH, content=body, headers={CHALLENGE_HEADER: "d78dd1d3-01ce-4481"}
    )
    assert response.status_code == 200
    assert response.headers[RESPONSE_HEADER] == "d78dd1d3-01ce-4481"
    assert response.json() == {RESPONSE_FIELD: "d78dd1d3-01ce-4481"}


def test_a_callback_signed_with_the_webhooks_secret_is_spooled(
    client: httpx.Client, smartsheet_spool: SmartsheetSpool
) -> None:
    body = callback()
    response = post(client, body, sign(SHARED_SECRET, body))
    assert response.status_code == 200
    (event,) = smartsheet_spool.after(0, 10)
    assert event.project_key == str(SHEET_ID)
    assert event.event == "smartsheet:sheet:row.updated"


@pytest.mark.parametrize(
    "signature",
    [None, "0" * 64, sign("another-webhooks-secret", callback())],
    ids=["missing", "garbage", "other-secret"],
)
def test_a_callback_with_a_bad_signature_gets_401_and_is_not_spooled(
    client: httpx.Client, smartsheet_spool: SmartsheetSpool, signature: str | None
) -> None:
    response = post(client, callback(), signature)
    assert response.status_code == 401
    assert smartsheet_spool.count() == 0


def test_a_callback_of_an_unregistered_webhook_gets_401(
    client: httpx.Client, smartsheet_spool: SmartsheetSpool
) -> None:
    body = callback().replace(str(WEBHOOK_ID).encode(), b"1234")
    assert post(client, body, sign(SHARED_SECRET, body)).status_code == 401
    assert smartsheet_spool.count() == 0


def test_a_replayed_callback_is_spooled_once(
    client: httpx.Client, smartsheet_spool: SmartsheetSpool
) -> None:
    body = callback()
    first = post(client, body, sign(SHARED_SECRET, body))
    again = post(client, body, sign(SHARED_SECRET, body))
    assert (first.json()["status"], again.json()["status"]) == ("accepted", "duplicate")
    assert again.status_code == 200
    assert smartsheet_spool.count() == 1


def test_smartsheet_callbacks_never_reach_the_jira_spool(
    client: httpx.Client, tmp_path: Path
) -> None:
    body = callback()
    post(client, body, sign(SHARED_SECRET, body))
    with WebhookSpool(tmp_path / "webhook_spool.sqlite3") as jira_spool:
        assert jira_spool.count() == 0
