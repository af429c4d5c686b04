"""Fixtures for the quality gates: real tables from the sandbox run, and a corrupted run."""

from __future__ import annotations

import csv
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import dagster as dg
import duckdb
import openpyxl
import pandas as pd
import pytest

from connectors.smartsheet import smartsheet_source
from sandbox.smartsheet.emulator import SmartsheetEmulator
from tests.smartsheet.conftest import TOKEN, raw_pipeline, settings, small_portfolio
from warehouse.settings import WAREHOUSE_PATH_ENV

BAD_SURVEY_ROWS = 12


@dataclass(frozen=True)
class CorruptedRun:
    """A pipeline run on a sandbox with one invalid Jira issue and a badly filled survey."""

    warehouse: Path
    instance: dg.DagsterInstance
    result: dg.ExecuteInProcessResult
    broken_issue_key: str
    alert_cursor: str
    """The check alert sensor's cursor after its first tick, taken before the run."""


def write_bad_survey(landing: Path) -> Path:
    """A survey export whose ratings are all off the 1-5 scale: every row is quarantined."""
    template = next(landing.glob("value_survey_*.xlsx"))
    header = next(
        openpyxl.load_workbook(template, read_only=True)["Responses"].iter_rows(values_only=True)
    )
    path = landing / "value_survey_bad_export.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        for n in range(BAD_SURVEY_ROWS):
            row = {column: 9 for column in header if column.endswith((" satisfaction", " value"))}
            row |= {
                "Response ID": f"BAD-{n:04d}",
                "Wave": "2026-Q3",
                "Submitted at": "2026-08-01 10:00",
                "Respondent email": f"bad{n}@example.com",
                "Respondent name": f"Bad Row {n}",
                "Stakeholder group": "Project managers",
                "Business unit": "Retail",
                "Overall: the PMO delivers value to me": 9,
                "Likelihood to recommend": 5,
            }
            writer.writerow(row)
    return path


@pytest.fixture(scope="package")
def corrupted_run(tmp_path_factory: pytest.TempPathFactory, run_pipeline) -> Iterator[CorruptedRun]:
    """Jira serves an issue updated before it was created; a survey file is all out of range."""
    from pipelines.defs.alerting import alert_on_failed_checks
    from pipelines.demo import demo_sources

    root = tmp_path_factory.mktemp("corrupted")
    warehouse = root / "pmo.duckdb"
    with pytest.MonkeyPatch.context() as env:
        env.setenv(WAREHOUSE_PATH_ENV, str(warehouse))
        with demo_sources(root / "sandbox") as sandbox:
            issue = next(iter(sandbox.site.issues.values()))
            issue.updated = issue.created - timedelta(days=3)
            write_bad_survey(sandbox.landing_dir)
            # Run-sharded SQLite storage, as a deployment's instance has: alert queries that
            # only the ephemeral instance's single event table answers must fail here.
            (root / "dagster_home").mkdir()
            instance = dg.DagsterInstance.local_temp(str(root / "dagster_home"))
            # The alert sensor is running before the run, as deployed: it alerts from there on.
            first_tick = dg.build_sensor_context(instance=instance)
            alert_on_failed_checks(first_tick)
            result = run_pipeline(instance)
            yield CorruptedRun(warehouse, instance, result, issue.key, first_tick.cursor)


@pytest.fixture(scope="session")
def smartsheet_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small synthetic Smartsheet portfolio loaded by the real source over HTTP: the
    end-to-end run has no Smartsheet configured, so its raw_smartsheet tables are empty."""
    directory = tmp_path_factory.mktemp("smartsheet_quality")
    with SmartsheetEmulator(small_portfolio(), access_token=TOKEN) as server:
        raw_pipeline("quality", directory).run(smartsheet_source(**settings(server)))
    return directory / "quality.duckdb"


@pytest.fixture
def write_table(tmp_path: Path):
    """Store a crafted frame as ``schema.table`` in a fresh DuckDB file and return the file."""

    def write(schema: str, table: str, frame: pd.DataFrame) -> Path:
        path = tmp_path / "crafted.duckdb"
        with duckdb.connect(str(path)) as con:
            con.register("frame", frame)
            con.execute(f'create schema if not exists "{schema}"')
            con.execute(f'create or replace table "{schema}"."{table}" as select * from frame')
        return path

    return write


class _Recorder(BaseHTTPRequestHandler):
    received: list[bytes]

    def do_POST(self) -> None:
        self.received.append(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def alert_inbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bytes]]:
    """A real HTTP endpoint on loopback that records the alert webhook's POSTs."""
    received: list[bytes] = []
    handler = type("Recorder", (_Recorder,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("PMO_ALERT_WEBHOOK_URL", f"http://127.0.0.1:{server.server_port}/hook")
    yield received
    server.shutdown()
