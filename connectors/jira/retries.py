"""The HTTP session behind the Jira client: dlt's retrying session with jittered backoff.

dlt retries 429, 5xx, timeouts and dropped connections with exponential backoff and honours
`Retry-After`, but every client that failed together would retry in lockstep: its tenacity
policy gets random jitter added and a hard ceiling, through tenacity's own `retry_with`.
"""

from __future__ import annotations

from dlt.sources.helpers.requests import Session
from dlt.sources.helpers.requests.retry import Client
from requests import Response
from tenacity import RetryCallState, wait_random
from tenacity.wait import wait_base


class wait_capped(wait_base):
    """Any wait strategy, never longer than `ceiling` seconds."""

    def __init__(self, wait: wait_base, ceiling: float) -> None:
        self.wait = wait
        self.ceiling = ceiling

    def __call__(self, retry_state: RetryCallState) -> float:
        return min(self.wait(retry_state), self.ceiling)


def retrying_session(
    *, max_attempts: int, backoff_factor: float, max_retry_delay: float, request_timeout: float
) -> Session:
    """A session that retries up to `max_attempts` times, waiting `Retry-After` when Jira sends
    it, else `backoff_factor * 2**n` seconds, plus up to `backoff_factor` of random jitter;
    no wait exceeds `max_retry_delay`. Status codes are left to the caller's hooks."""
    session = Client(
        request_timeout=request_timeout,
        raise_for_status=False,
        retry_condition=is_truncated_json,
        request_max_attempts=max_attempts,
        request_backoff_factor=backoff_factor,
        request_max_retry_delay=max_retry_delay,
        respect_retry_after_header=True,
    ).session
    send = session.send
    jittered = send.retry.wait + wait_random(0, backoff_factor)  # type: ignore[attr-defined]
    session.send = send.retry_with(wait=wait_capped(jittered, max_retry_delay))  # type: ignore[attr-defined,method-assign]
    return session


def is_truncated_json(response: Response | None, exception: BaseException | None) -> bool:
    """Retry a 200 whose body cannot be complete JSON (cut by a proxy or a dropped stream).

    A cheap last-byte check, not a parse: pages are large and parsing twice would cost.
    """
    if response is None or response.status_code != 200 or not response.content:
        return False
    return response.content.rstrip()[-1:] not in (b"}", b"]")
