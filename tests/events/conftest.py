"""Fixtures for the event-driven orchestration: a real receiver on loopback, signed bodies."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import httpx
import pytest

from pipelines.demo import DemoSandbox, demo_sources
from pipelines.events.receiver import JIRA_WEBHOOK_PATH
from pipelines.events.settings import SPOOL_ENV
from pipelines.events.signature import SIGNATURE_HEADER, sign
from pipelines.events.spool import WebhookSpool
from pipelines.settings import REFRESH_JOB
from sandbox.jira.emulator import JiraEmulator
from sandbox.jira.site import JiraSite, generate_site
from sandbox.webhooks import first_open_issue, move_to_done, running_receiver, send_signed
from warehouse.publishing.paths import serving_database_path
from warehouse.settings import WAREHOUSE_PATH_ENV

SECRET = "test-webhook-secret"
TEST_MAX_BODY_BYTES = 64 * 1024
GRACE = 2.0
"""How much later than its deadline a stalled connection may close (a loaded CI machine)."""
PATIENCE = 10.0
"""How long a test waits for the receiver at most, so a receiver that never closes fails."""


def issue_event(key: str, event: str = "jira:issue_updated", **extra: Any) -> bytes:
    """A minimal Jira issue webhook body for issue ``key``."""
    project = key.rsplit("-", 1)[0]
    payload = {
        "webhookEvent": event,
        "timestamp": 1_795_000_000_000,
        "issue": {"id": "1", "key": key, "fields": {"project": {"key": project}}},
        **extra,
    }
    return json.dumps(payload).encode()


def signed_request(body: bytes) -> tuple[bytes, bytes]:
    """A signed webhook request, as its head (request line and headers) and its body."""
    head = (
        f"POST {JIRA_WEBHOOK_PATH} HTTP/1.1\r\nHost: receiver\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        f"{SIGNATURE_HEADER}: {sign(SECRET, body)}\r\n\r\n"
    ).encode()
    return head, body


def seconds_until_closed(connection: socket.socket) -> float:
    """Wait for the receiver to close ``connection`` (at most PATIENCE); what it sent before
    closing is discarded."""
    started = time.monotonic()
    connection.settimeout(PATIENCE)
    try:
        while connection.recv(4096):
            pass
    except TimeoutError:
        return PATIENCE
    except ConnectionResetError:
        pass
    return time.monotonic() - started


@dataclass
class Receiver:
    """A running receiver, its spool and a client that signs what it posts."""

    url: str
    spool: WebhookSpool
    client: httpx.Client

    def post(
        self,
        body: bytes,
        *,
        signature: str | None = None,
        delivery_id: str | None = None,
        secret: str = SECRET,
    ) -> httpx.Response:
        headers = {"Content-Type": "application/json"}
        headers[SIGNATURE_HEADER] = signature if signature is not None else sign(secret, body)
        if delivery_id:
            headers["X-Atlassian-Webhook-Identifier"] = delivery_id
        return self.client.post(JIRA_WEBHOOK_PATH, content=body, headers=headers)


@pytest.fixture
def spool(tmp_path: Path) -> Iterator[WebhookSpool]:
    with WebhookSpool(tmp_path / "webhook_spool.sqlite3") as spool:
        yield spool


@pytest.fixture
def receiver(spool: WebhookSpool) -> Iterator[Receiver]:
    with (
        running_receiver(spool, SECRET, max_body_bytes=TEST_MAX_BODY_BYTES) as url,
        httpx.Client(base_url=url, timeout=10) as client,
    ):
        yield Receiver(url, spool, client)


@pytest.fixture(scope="session")
def dagster_instance() -> Iterator[dg.DagsterInstance]:
    """A persistent throwaway instance (sensor contexts refuse ephemeral ones)."""
    with dg.instance_for_test() as instance:
        yield instance


@pytest.fixture(scope="session")
def events_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's warehouse, spool and sandbox files."""
    return tmp_path_factory.mktemp("events_pipeline")


@pytest.fixture(scope="session")
def definitions(events_root: Path) -> dg.Definitions:
    """The whole code location, loaded once, on the session's warehouse (its resource takes the
    path when the definitions load: loaded before, the runs would write the repo's warehouse)."""
    from pipelines.definitions import defs

    with pytest.MonkeyPatch.context() as env:
        env.setenv(WAREHOUSE_PATH_ENV, str(events_root / "pmo.duckdb"))
        return defs()


@pytest.fixture
def evaluate(
    dagster_instance: dg.DagsterInstance,
) -> Callable[[dg.SensorDefinition, str | None], dg.SensorResult | dg.SkipReason]:
    """Evaluate a sensor once, in process, from ``cursor``."""

    def evaluate_sensor(
        sensor: dg.SensorDefinition, cursor: str | None
    ) -> dg.SensorResult | dg.SkipReason:
        context = dg.build_sensor_context(
            instance=dagster_instance, cursor=cursor, sensor_name=sensor.name
        )
        return sensor(context)

    return evaluate_sensor


@pytest.fixture
def served_site(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[JiraSite, JiraEmulator]]:
    """A small Jira Cloud site on loopback, with the connector settings pointing at it."""
    site = generate_site(seed=3, projects=2, issues_per_project=6)
    with JiraEmulator(site, email="bot@example.com", api_token="token") as emulator:
        monkeypatch.setenv("SOURCES__JIRA__BASE_URL", emulator.base_url)
        monkeypatch.setenv("SOURCES__JIRA__EMAIL", "bot@example.com")
        monkeypatch.setenv("SOURCES__JIRA__API_TOKEN", "token")
        monkeypatch.setenv("SOURCES__JIRA__PROJECTS", ",".join(p.key for p in site.projects))
        yield site, emulator


@dataclass(frozen=True)
class LoadedSandbox:
    """The demo portfolio served on loopback and fully loaded into a temporary warehouse."""

    warehouse: Path
    spool: Path
    sandbox: DemoSandbox
    definitions: dg.Definitions
    initial_run: dg.ExecuteInProcessResult

    @property
    def jira_url(self) -> str:
        return self.sandbox.settings["SOURCES__JIRA__BASE_URL"]


@pytest.fixture(scope="session")
def loaded_sandbox(
    events_root: Path,
    dagster_instance: dg.DagsterInstance,
    definitions: dg.Definitions,
) -> Iterator[LoadedSandbox]:
    """One full refresh of the demo sandbox: the state the event-driven runs start from."""
    warehouse, spool = events_root / "pmo.duckdb", events_root / "webhook_spool.sqlite3"
    with pytest.MonkeyPatch.context() as env:
        env.setenv(WAREHOUSE_PATH_ENV, str(warehouse))
        env.setenv(SPOOL_ENV, str(spool))
        with demo_sources(events_root / "sandbox") as sandbox:
            initial = definitions.resolve_job_def(REFRESH_JOB).execute_in_process(
                instance=dagster_instance, raise_on_error=False
            )
            yield LoadedSandbox(warehouse, spool, sandbox, definitions, initial)


def throughput_in_snapshot(warehouse: Path, project_key: str, month_start: date) -> int:
    """Issues done in one project and month, as BI tools read it from the serving snapshot."""
    with duckdb.connect(str(serving_database_path(warehouse)), read_only=True) as con:
        row = con.execute(
            "select issues_done from delivery_throughput_monthly "
            "where project_key = ? and month_start = ?",
            [project_key, month_start],
        ).fetchone()
    return int(row[0]) if row else 0


@dataclass(frozen=True)
class WebhookRoundTrip:
    """An issue moved to done in Jira, announced by a signed webhook, run through the sensor."""

    issue_key: str
    project_key: str
    kpi_before: int
    kpi_after: int
    receiver_status: int
    sensor_result: dg.SensorResult | dg.SkipReason
    run: dg.ExecuteInProcessResult | None


@pytest.fixture(scope="session")
def webhook_round_trip(
    loaded_sandbox: LoadedSandbox, dagster_instance: dg.DagsterInstance
) -> WebhookRoundTrip:
    """Webhook -> spool -> sensor -> incremental Jira run -> marts -> publish, in process."""
    from pipelines.defs.sensors import jira_webhook_sensor

    site, warehouse = loaded_sandbox.sandbox.site, loaded_sandbox.warehouse
    issue = first_open_issue(site)
    moved_at = datetime.now(UTC)
    month = moved_at.date().replace(day=1)
    before = throughput_in_snapshot(warehouse, issue.project.key, month)
    with WebhookSpool(loaded_sandbox.spool) as spool, running_receiver(spool, SECRET) as url:
        body = move_to_done(site, loaded_sandbox.jira_url, issue, moved_at)
        status = send_signed(url, SECRET, body).status_code
    context = dg.build_sensor_context(instance=dagster_instance, sensor_name="jira_webhook_sensor")
    result = jira_webhook_sensor(context)
    run = None
    if isinstance(result, dg.SensorResult) and result.run_requests:
        job = loaded_sandbox.definitions.resolve_job_def("jira_incremental")
        run = job.execute_in_process(
            instance=dagster_instance, tags=result.run_requests[0].tags, raise_on_error=False
        )
    after = throughput_in_snapshot(warehouse, issue.project.key, month)
    return WebhookRoundTrip(issue.key, issue.project.key, before, after, status, result, run)
