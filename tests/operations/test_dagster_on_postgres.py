"""Dagster on PostgreSQL (docs/deploy.md): ``pmo refresh`` materialises the demo sandbox with the
instance's runs, event logs and schedules in the test PostgreSQL server, where another instance
reads them; ``pmo prune-history`` works there; the database's password is never written out.

One refresh and one prune for the module, in a DAGSTER_HOME that has no ``dagster.yaml``:
``PMO_DAGSTER_POSTGRES_URL`` alone selects the storage.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from unittest.mock import patch

import dagster as dg
import psycopg2
import pytest

from pipelines.instance import POSTGRES_INSTANCE_SETTINGS, POSTGRES_URL_ENV, write_missing_settings

from .conftest import Deployment, TimedRun, dagster_postgres_url, libpq_url, open_instance

PASSWORD = "pg-Secret-4b1d9e"


@dataclass(frozen=True)
class OnPostgres:
    deployment: Deployment
    url: str
    refresh: TimedRun
    prune: subprocess.CompletedProcess[str]

    @property
    def run_id(self) -> str:
        return self.refresh.stdout.split("Dagster run ", 1)[1].split(":", 1)[0]

    def rows(self, sql: str, *params: object) -> list[tuple]:
        with psycopg2.connect(libpq_url(self.url)) as connection, connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def instance_in(self, home: Path) -> dg.DagsterInstance:
        with patch.dict(os.environ, {POSTGRES_URL_ENV: self.url}):
            return open_instance(home)


@pytest.fixture(scope="module")
def on_postgres(
    postgres, tmp_path_factory: pytest.TempPathFactory, sandbox_settings: dict[str, str]
) -> OnPostgres:
    url = dagster_postgres_url(postgres, "dagster_e2e", PASSWORD)
    deployment = Deployment(
        tmp_path_factory.mktemp("on_postgres"), {**sandbox_settings, POSTGRES_URL_ENV: url}
    )
    refresh = deployment.run_timed("refresh")
    prune = deployment.run("prune-history", "--keep-days", "0")
    return OnPostgres(deployment, url, refresh, prune)


def test_a_refresh_succeeds_with_the_instance_on_postgresql(on_postgres: OnPostgres) -> None:
    assert on_postgres.refresh.returncode == 0, on_postgres.refresh.stderr[-2000:]
    assert "succeeded" in on_postgres.refresh.stdout


def test_the_command_writes_the_deployment_settings(on_postgres: OnPostgres) -> None:
    written = on_postgres.deployment.dagster_home / "dagster.yaml"
    assert written.read_text() == POSTGRES_INSTANCE_SETTINGS.read_text()


def test_nothing_is_stored_in_sqlite(on_postgres: OnPostgres) -> None:
    home = on_postgres.deployment.dagster_home
    assert sorted(home.rglob("*.db")) == []


def test_the_run_and_its_events_are_rows_in_postgresql(on_postgres: OnPostgres) -> None:
    run_id = on_postgres.run_id
    assert on_postgres.rows("select run_id, status from runs") == [(run_id, "SUCCESS")]
    events = on_postgres.rows(
        "select dagster_event_type, count(*) from event_logs where run_id = %s group by 1", run_id
    )
    expected = [dg.DagsterEventType.RUN_START, dg.DagsterEventType.RUN_SUCCESS]
    assert {event.value for event in expected} <= dict(events).keys()
    assert dict(events)[dg.DagsterEventType.STEP_SUCCESS.value] > 0


def test_every_materialisation_the_command_reports_is_in_postgresql(
    on_postgres: OnPostgres,
) -> None:
    reported = int(on_postgres.refresh.stdout.split(" assets materialised")[0].rsplit(" ", 1)[1])
    stored = on_postgres.rows(
        "select count(distinct asset_key) from event_logs "
        "where run_id = %s and dagster_event_type = %s",
        on_postgres.run_id,
        dg.DagsterEventType.ASSET_MATERIALIZATION.value,
    )
    assert stored == [(reported,)]
    assert reported > 0


def test_an_instance_in_another_dagster_home_sees_the_run_and_its_assets(
    on_postgres: OnPostgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another host's services: their own DAGSTER_HOME, the same database."""
    monkeypatch.setenv(POSTGRES_URL_ENV, on_postgres.url)
    write_missing_settings(tmp_path)
    with on_postgres.instance_in(tmp_path) as instance:
        run = instance.get_run_by_id(on_postgres.run_id)
        assert run is not None and run.status == dg.DagsterRunStatus.SUCCESS
        latest = {
            record.asset_entry.asset_key: record.asset_entry.last_materialization_record
            for record in instance.get_asset_records()
        }
    materialised = [entry for entry in latest.values() if entry is not None]
    assert materialised
    assert {entry.run_id for entry in materialised} == {on_postgres.run_id}


def test_the_password_is_in_no_output_no_file_and_no_row(on_postgres: OnPostgres) -> None:
    outputs = [
        on_postgres.refresh.stdout,
        on_postgres.refresh.stderr,
        on_postgres.prune.stdout,
        on_postgres.prune.stderr,
    ]
    assert all(PASSWORD not in output for output in outputs)
    home = on_postgres.deployment.dagster_home
    files = [path for path in home.rglob("*") if path.is_file()]
    assert files
    assert [path for path in files if PASSWORD.encode() in path.read_bytes()] == []
    for table, column in [("event_logs", "event"), ("runs", "run_body")]:
        sql = f"select count(*) from {table} where {column} like %s"
        assert on_postgres.rows(sql, f"%{PASSWORD}%") == [(0,)]


def test_pruning_the_history_keeps_the_run_holding_the_latest_results(
    on_postgres: OnPostgres,
) -> None:
    assert on_postgres.prune.returncode == 0, on_postgres.prune.stderr
    assert "0 finished runs deleted" in on_postgres.prune.stdout
    assert "1 older than 0 days kept" in on_postgres.prune.stdout
    assert on_postgres.rows("select run_id from runs") == [(on_postgres.run_id,)]
