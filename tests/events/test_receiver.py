"""The webhook receiver over real HTTP: who it lets in, what it keeps, how it answers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from pipelines.events.receiver import JIRA_WEBHOOK_PATH
from pipelines.events.signature import sign
from tests.events.conftest import SECRET, TEST_MAX_BODY_BYTES, Receiver, issue_event


def test_a_signed_issue_event_is_spooled_and_answered_202(receiver: Receiver) -> None:
    response = receiver.post(issue_event("ALPHA-7"), delivery_id="d-1")
    assert response.status_code == 202
    assert response.json()["status"] == "accepted"
    [event] = receiver.spool.after(0, 10)
    assert (event.delivery_id, event.event, event.project_key, event.issue_key) == (
        "d-1",
        "jira:issue_updated",
        "ALPHA",
        "ALPHA-7",
    )


def test_an_unsigned_request_is_refused_with_401_and_not_spooled(receiver: Receiver) -> None:
    response = receiver.post(issue_event("ALPHA-7"), signature="")
    assert response.status_code == 401
    assert receiver.spool.count() == 0


def test_a_signature_made_with_another_secret_is_refused(receiver: Receiver) -> None:
    response = receiver.post(issue_event("ALPHA-7"), secret="not-the-secret")
    assert response.status_code == 401
    assert receiver.spool.count() == 0


def test_a_signature_of_another_body_is_refused(receiver: Receiver) -> None:
    forged = sign(SECRET, issue_event("ALPHA-1"))
    response = receiver.post(issue_event("ALPHA-2"), signature=forged)
    assert response.status_code == 401


def test_a_signature_without_the_sha256_method_is_refused(receiver: Receiver) -> None:
    body = issue_event("ALPHA-7")
    bare_digest = sign(SECRET, body).removeprefix("sha256=")
    assert receiver.post(body, signature=bare_digest).status_code == 401


def test_the_refusal_never_echoes_the_secret(receiver: Receiver) -> None:
    response = receiver.post(issue_event("ALPHA-7"), secret="wrong")
    assert SECRET not in response.text


def test_a_replayed_delivery_is_acknowledged_but_spooled_once(receiver: Receiver) -> None:
    body = issue_event("ALPHA-7")
    first = receiver.post(body, delivery_id="same-delivery")
    replay = receiver.post(body, delivery_id="same-delivery")
    assert (first.status_code, replay.status_code) == (202, 202)
    assert replay.json()["status"] == "duplicate"
    assert receiver.spool.count() == 1


def test_an_identical_body_without_delivery_id_is_spooled_once(receiver: Receiver) -> None:
    body = issue_event("ALPHA-7")
    receiver.post(body)
    receiver.post(body)
    assert receiver.spool.count() == 1


def test_malformed_json_with_a_valid_signature_is_a_400(receiver: Receiver) -> None:
    response = receiver.post(b'{"webhookEvent": "jira:issue_updated", ')
    assert response.status_code == 400
    assert receiver.spool.count() == 0


def test_json_that_is_not_a_jira_webhook_is_a_400(receiver: Receiver) -> None:
    assert receiver.post(b'["not", "a", "webhook"]').status_code == 400


def test_an_oversized_body_is_refused_with_413_before_the_signature(receiver: Receiver) -> None:
    body = issue_event("ALPHA-7", padding="x" * TEST_MAX_BODY_BYTES)
    response = receiver.post(body, signature="")
    assert response.status_code == 413
    assert receiver.spool.count() == 0


def test_an_oversized_chunked_body_is_refused_with_413(receiver: Receiver) -> None:
    def chunks():
        for _ in range(TEST_MAX_BODY_BYTES // 1024 + 2):
            yield b"x" * 1024

    response = receiver.client.post(JIRA_WEBHOOK_PATH, content=chunks())
    assert response.status_code == 413


def test_unsupported_events_are_acknowledged_and_not_spooled(receiver: Receiver) -> None:
    response = receiver.post(issue_event("ALPHA-7", event="comment_created"))
    assert response.status_code == 202
    assert response.json()["status"] == "ignored"
    assert receiver.spool.count() == 0


def test_sprint_events_are_spooled_without_a_project(receiver: Receiver) -> None:
    body = b'{"webhookEvent": "sprint_started", "sprint": {"id": 3, "originBoardId": 1}}'
    assert receiver.post(body).status_code == 202
    [event] = receiver.spool.after(0, 10)
    assert (event.event, event.project_key) == ("sprint_started", None)


def test_only_post_is_accepted(receiver: Receiver) -> None:
    assert receiver.client.get(JIRA_WEBHOOK_PATH).status_code == 405


def test_a_burst_of_1000_events_loses_none_and_merges_duplicates(receiver: Receiver) -> None:
    """1,000 deliveries from 8 concurrent senders: 800 distinct ones, 200 Jira retries."""
    deliveries = [(f"burst-{n % 800}", issue_event(f"P{n % 5}-{n % 800}")) for n in range(1000)]

    def send_all(share: list[tuple[str, bytes]]) -> list[int]:
        with httpx.Client(base_url=receiver.url, timeout=30) as client:
            return [
                client.post(
                    JIRA_WEBHOOK_PATH,
                    content=body,
                    headers={
                        "X-Hub-Signature": sign(SECRET, body),
                        "X-Atlassian-Webhook-Identifier": delivery_id,
                    },
                ).status_code
                for delivery_id, body in share
            ]

    senders = 8
    with ThreadPoolExecutor(max_workers=senders) as pool:
        shares = pool.map(send_all, [deliveries[n::senders] for n in range(senders)])
        statuses = [status for share in shares for status in share]
    assert statuses == [202] * 1000
    spooled = receiver.spool.after(0, 2000)
    assert len(spooled) == 800
    assert {e.delivery_id for e in spooled} == {f"burst-{n}" for n in range(800)}


def test_the_spool_survives_the_receiver(receiver: Receiver, tmp_path) -> None:
    receiver.post(issue_event("ALPHA-7"), delivery_id="kept")
    from pipelines.events.spool import WebhookSpool

    with WebhookSpool(receiver.spool.path) as reopened:
        assert [e.delivery_id for e in reopened.after(0, 10)] == ["kept"]


def test_health_endpoint_answers_without_a_signature(receiver: Receiver) -> None:
    assert httpx.get(f"{receiver.url}/healthz").json() == {"status": "ok"}


def test_json_nested_too_deeply_to_parse_is_a_400(receiver: Receiver) -> None:
    depth = 20_000  # within the test body limit, far deeper than the parser goes
    assert receiver.post(b"[" * depth + b"]" * depth).status_code == 400
    assert receiver.spool.count() == 0
