"""A canary API token never reaches the Dagster event log, even when the Jira load fails."""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import dagster as dg
import pytest
from dagster_dlt import DagsterDltResource

from sandbox.jira.emulator import JiraEmulator
from sandbox.jira.site import generate_site
from tests.jira.conftest import EMAIL, PROJECT_KEYS

CANARY = f"canary-{uuid.uuid4().hex}"
SEARCH = "/rest/api/3/search/jql"


@dataclass(frozen=True)
class FailedRun:
    result: dg.ExecuteInProcessResult
    instance: dg.DagsterInstance
    emulator: JiraEmulator


@pytest.fixture(scope="module")
def failed_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FailedRun]:
    """`jira_raw` materialised through Dagster with the canary as API token (from the
    environment, as in production) while the search endpoint keeps failing with 500s."""
    from pipelines.defs.ingestion import jira_raw
    from pipelines.defs.resources import Warehouse

    directory = tmp_path_factory.mktemp("dagster_canary")
    site = generate_site(issues_per_project=5)
    with (
        JiraEmulator(site, email=EMAIL, api_token=CANARY) as emulator,
        pytest.MonkeyPatch.context() as env,
        dg.DagsterInstance.ephemeral() as instance,
    ):
        for name, value in {
            "SOURCES__JIRA__BASE_URL": emulator.base_url,
            "SOURCES__JIRA__EMAIL": EMAIL,
            "SOURCES__JIRA__API_TOKEN": CANARY,
            "SOURCES__JIRA__PROJECTS": PROJECT_KEYS,
            "SOURCES__JIRA__MAX_ATTEMPTS": "2",
            "SOURCES__JIRA__BACKOFF_FACTOR": "0.01",
        }.items():
            env.setenv(name, value)
        emulator.inject("server_error", path=SEARCH, times=1000)
        result = dg.materialize(
            [jira_raw],
            resources={
                "dlt_resource": DagsterDltResource(),
                "warehouse": Warehouse(path=str(directory / "warehouse.duckdb")),
            },
            instance=instance,
            raise_on_error=False,
        )
        yield FailedRun(result, instance, emulator)


def test_the_run_authenticated_then_failed_on_the_fault(failed_run: FailedRun) -> None:
    assert not failed_run.result.success
    assert failed_run.emulator.request_counts[SEARCH] >= 2
    assert failed_run.emulator.request_counts["/rest/api/3/field"] >= 1


def test_canary_is_in_no_event_record_of_the_instance(failed_run: FailedRun) -> None:
    records = failed_run.instance.all_logs(failed_run.result.run_id)
    assert any(r.dagster_event and r.dagster_event.is_step_failure for r in records)
    assert not [r for r in records if CANARY in dg.serialize_value(r)]


def test_canary_is_not_in_the_raised_error(failed_run: FailedRun) -> None:
    failures = [e for e in failed_run.result.all_events if e.is_step_failure]
    error = failures[0].step_failure_data.error
    assert error is not None
    assert "500" in error.to_string()
    assert CANARY not in error.to_string()
