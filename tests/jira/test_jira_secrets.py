"""A canary token planted in the credentials never shows up in logs, traces or files."""

import json
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dlt
import pytest

from connectors.jira import jira_source
from sandbox.jira.emulator import JiraEmulator
from sandbox.jira.site import JiraSite, generate_site
from tests.jira.conftest import (
    EMAIL,
    FAST_RETRIES,
    PROJECT_KEYS,
    FullLoad,
    raw_jira_pipeline,
)

CANARY = f"canary-{uuid.uuid4().hex}"


class Recorder(logging.Handler):
    """Keeps every formatted log message, from every logger, at DEBUG."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(self.format(record))


@dataclass(frozen=True)
class CanaryRun:
    pipeline: dlt.Pipeline
    emulator: JiraEmulator
    messages: list[str]
    directory: Path


@pytest.fixture(scope="module")
def canary_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CanaryRun]:
    """A full load with the canary as API token, from the environment, logging at DEBUG."""
    directory = tmp_path_factory.mktemp("canary")
    recorder, root = Recorder(), logging.getLogger()
    previous_level = root.level
    site: JiraSite = generate_site(issues_per_project=10)
    with (
        JiraEmulator(site, email=EMAIL, api_token=CANARY) as emulator,
        pytest.MonkeyPatch.context() as env,
    ):
        env.setenv("SOURCES__JIRA__BASE_URL", emulator.base_url)
        env.setenv("SOURCES__JIRA__EMAIL", EMAIL)
        env.setenv("SOURCES__JIRA__API_TOKEN", CANARY)
        env.setenv("SOURCES__JIRA__PROJECTS", PROJECT_KEYS)
        pipeline = raw_jira_pipeline(
            "jira_canary", directory / "warehouse.duckdb", directory / "dlt"
        )
        root.addHandler(recorder)
        root.setLevel(logging.DEBUG)
        try:
            pipeline.run(jira_source(**FAST_RETRIES))
        finally:
            root.removeHandler(recorder)
            root.setLevel(previous_level)
        yield CanaryRun(pipeline, emulator, recorder.messages, directory)


def test_the_canary_load_really_authenticated(canary_run: CanaryRun) -> None:
    assert canary_run.emulator.request_counts["/rest/api/3/search/jql"] >= 1
    assert canary_run.pipeline.last_trace.last_normalize_info is not None


def test_canary_is_not_in_any_log_record(canary_run: CanaryRun) -> None:
    assert any("/rest/api/3/search/jql" in m for m in canary_run.messages)
    assert not [m for m in canary_run.messages if CANARY in m]


def test_canary_is_not_in_the_dlt_trace(canary_run: CanaryRun) -> None:
    trace = canary_run.pipeline.last_trace
    assert CANARY not in str(trace)
    assert CANARY not in json.dumps(trace.asdict(), default=str)


def test_canary_is_not_in_any_file_written(canary_run: CanaryRun) -> None:
    written = [p for p in canary_run.directory.rglob("*") if p.is_file()]
    assert written
    assert not [p for p in written if CANARY.encode() in p.read_bytes()]


def test_no_email_address_is_kept_in_raw_issues(full_load: FullLoad) -> None:
    emails = {u.email for u in full_load.site.users}
    raw = "".join(r[0] for r in full_load.query("select raw::varchar from raw_jira.issues"))
    assert not [e for e in emails if e in raw]
