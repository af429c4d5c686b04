"""The emulator can answer as a real Jira Cloud site over the internet: slow, concurrent, and
rate-limited with Jira's 429 headers (Atlassian's OpenAPI lists `Retry-After` and
`X-RateLimit-Limit/Remaining/Reset` on 429; the rate-limiting guide adds `RateLimit-Reason`)."""

import time
from concurrent.futures import ThreadPoolExecutor

import requests

from sandbox.jira.emulator import JiraEmulator, Latency, RateLimit
from sandbox.jira.site import JiraSite
from tests.jira.conftest import EMAIL, TOKEN

SEARCH = "/rest/api/3/search/jql"


def post_search(emulator: JiraEmulator, fields: list[str], size: int) -> requests.Response:
    body = {"jql": "project = APOLLO ORDER BY key ASC", "fields": fields, "maxResults": size}
    return requests.post(emulator.base_url + SEARCH, json=body, auth=(EMAIL, TOKEN), timeout=10)


def timed(call: object) -> float:
    started = time.perf_counter()
    call()  # type: ignore[operator]
    return time.perf_counter() - started


def test_beyond_its_budget_it_answers_429_with_jiras_rate_limit_headers(site: JiraSite) -> None:
    with JiraEmulator(site, rate_limit=RateLimit(per_second=0.5, burst=2)) as emulator:
        answers = [post_search(emulator, ["id"], 10) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    limited = answers[2].headers
    assert int(limited["Retry-After"]) >= 1
    assert (limited["X-RateLimit-Limit"], limited["X-RateLimit-Remaining"]) == ("30", "0")
    assert limited["X-RateLimit-Reset"].endswith("Z")
    assert limited["RateLimit-Reason"] == "jira-burst-based"
    assert answers[0].headers["X-RateLimit-Remaining"] == "1"
    assert emulator.rate_limited == 1


def test_without_a_budget_it_never_answers_429(emulator: JiraEmulator) -> None:
    answers = [post_search(emulator, ["id"], 10) for _ in range(5)]
    assert {a.status_code for a in answers} == {200}
    assert "X-RateLimit-Limit" not in answers[0].headers


def test_a_search_page_takes_server_time_by_its_size_and_kind(site: JiraSite) -> None:
    latency = Latency(per_issue=0.01, per_id=0.0)
    with JiraEmulator(site, latency=latency) as emulator:
        full_page = timed(lambda: post_search(emulator, ["*all"], 30))
        id_page = timed(lambda: post_search(emulator, ["id"], 30))
    assert full_page >= 0.3
    assert id_page < full_page


def test_slow_requests_overlap_when_sent_concurrently(site: JiraSite) -> None:
    with (
        JiraEmulator(site, latency=Latency(round_trip=0.4)) as emulator,
        ThreadPoolExecutor(4) as pool,
    ):
        elapsed = timed(
            lambda: list(pool.map(lambda _: post_search(emulator, ["id"], 5), range(4)))
        )
    assert 0.4 <= elapsed < 1.2
