"""``pmo`` commands put the instance settings the pipeline relies on in any DAGSTER_HOME."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest
import yaml

from pipelines.instance import (
    DEFAULT_DAGSTER_HOME,
    POSTGRES_INSTANCE_SETTINGS,
    POSTGRES_URL_ENV,
    POSTGRES_URL_SCHEME,
    InstanceSettingsError,
    check_instance_settings,
    check_postgres_url,
    dagster_home,
    write_missing_settings,
)
from pipelines.settings import DUCKDB_POOL

from .conftest import dagster_postgres_url, open_instance

POOL_JOB = Path(__file__).with_name("pool_job.py")
NO_SOURCES = {"SOURCES__JIRA__BASE_URL": "", "SOURCES__SPREADSHEETS__LANDING_URL": ""}


def pool_step_intervals(home: Path) -> list[tuple[str, float, float]]:
    """(run, start, end) of every step the runs recorded in ``home``."""
    with open_instance(home) as instance:
        intervals = []
        for run in instance.get_runs():
            starts, ends = {}, {}
            for record in instance.get_records_for_run(run.run_id).records:
                event = record.event_log_entry.dagster_event
                if event is None:
                    continue
                if event.event_type == dg.DagsterEventType.STEP_START:
                    starts[event.step_key] = record.event_log_entry.timestamp
                if event.event_type == dg.DagsterEventType.STEP_SUCCESS:
                    ends[event.step_key] = record.event_log_entry.timestamp
            intervals += [(run.run_id, starts[key], ends[key]) for key in ends]
        return intervals


def wait_for_a_claimed_slot(home: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    with open_instance(home) as instance:
        while not instance.event_log_storage.get_concurrency_info(DUCKDB_POOL).claimed_slots:
            assert time.monotonic() < deadline, "the first run never claimed a warehouse slot"
            time.sleep(0.05)


def test_a_fresh_dagster_home_gets_one_warehouse_step_at_a_time(deployment) -> None:
    # The command writes the settings before it checks the sources (none here: it stops).
    assert deployment.run("refresh", **NO_SOURCES).returncode == 2
    with deployment.instance():  # the storage exists before two processes open it
        pass
    env = {**deployment.env(), "PATH": str(Path(sys.executable).parent)}
    first = subprocess.Popen([sys.executable, str(POOL_JOB)], env=env, cwd=Path.cwd())
    # Dagster's SQLite storage checks a slot free and then takes it in two statements (its
    # FOR UPDATE is a no-op on SQLite): two runs claiming in the same milliseconds can both get
    # it. The second run therefore starts once the first holds the slot, as runs do in practice.
    wait_for_a_claimed_slot(deployment.dagster_home)
    second = subprocess.Popen([sys.executable, str(POOL_JOB)], env=env, cwd=Path.cwd())
    assert [run.wait(timeout=300) for run in (first, second)] == [0, 0]
    intervals = sorted(pool_step_intervals(deployment.dagster_home), key=lambda i: i[1])
    assert len({run for run, _, _ in intervals}) == 2
    assert len(intervals) == 6
    for (_, _, end), (_, start, _) in itertools.pairwise(intervals):
        assert start >= end


def test_settings_missing_from_an_existing_file_are_added(deployment, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text("# ours\ntelemetry:\n  enabled: false\n")
    result = deployment.run("refresh", DAGSTER_HOME=str(home), **NO_SOURCES)
    settings = yaml.safe_load((home / "dagster.yaml").read_text())
    assert settings["concurrency"]["pools"]["default_limit"] == 1
    assert settings["run_coordinator"]["class"] == "QueuedRunCoordinator"
    assert (home / "dagster.yaml").read_text().startswith("# ours\ntelemetry:")
    assert "concurrency" in result.stderr.splitlines()[0]


def test_a_deployment_naming_its_storages_one_by_one_gets_no_storage_section(
    tmp_path: Path,
) -> None:
    """Dagster refuses ``storage`` beside ``run_storage``/``event_log_storage``/
    ``schedule_storage``: appending it would break a working deployment."""
    storages = {
        name: {"module": "dagster_postgres", "class": "Postgres", "config": {}}
        for name in ("run_storage", "event_log_storage", "schedule_storage")
    }
    (tmp_path / "dagster.yaml").write_text(yaml.safe_dump(storages))
    added = write_missing_settings(tmp_path)
    settings = yaml.safe_load((tmp_path / "dagster.yaml").read_text())
    assert "storage" not in settings
    assert "concurrency" in added
    assert settings["run_storage"] == storages["run_storage"]


def test_a_conflicting_pool_limit_is_refused_in_one_line(deployment, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text("concurrency:\n  pools:\n    default_limit: 4\n")
    result = deployment.run("refresh", DAGSTER_HOME=str(home))
    assert result.returncode == 2
    # the sections the file lacks are added (one line says so), the conflict is refused
    added, refused = result.stderr.splitlines()
    assert "run_coordinator" in added
    assert DUCKDB_POOL in refused
    line = refused
    assert "default_limit: 1" in line


def test_the_default_dagster_home_is_exported_only_while_a_command_uses_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    with dagster_home() as home:
        assert home == DEFAULT_DAGSTER_HOME
        assert os.environ["DAGSTER_HOME"] == str(DEFAULT_DAGSTER_HOME)
    assert "DAGSTER_HOME" not in os.environ


def test_a_callers_dagster_home_is_used_and_left_as_it_was(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    with dagster_home() as home:
        assert home == tmp_path / "home" and home.is_dir()
    assert os.environ["DAGSTER_HOME"] == str(tmp_path / "home")


def test_postgresql_selected_writes_the_postgresql_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(POSTGRES_URL_ENV, "postgresql+psycopg2://pmo:secret@db/dagster")
    write_missing_settings(tmp_path)
    assert (tmp_path / "dagster.yaml").read_text() == POSTGRES_INSTANCE_SETTINGS.read_text()


def test_an_instance_on_sqlite_is_refused_where_postgresql_is_selected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_missing_settings(tmp_path)  # the embedded settings: SQLite
    monkeypatch.setenv(POSTGRES_URL_ENV, "postgresql+psycopg2://pmo:secret@db/dagster")
    with open_instance(tmp_path) as instance, pytest.raises(InstanceSettingsError) as refused:
        check_instance_settings(instance)
    assert POSTGRES_URL_ENV in str(refused.value)
    assert "run storage, event log storage, schedule storage" in str(refused.value)


def test_the_postgresql_settings_are_accepted(
    postgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(POSTGRES_URL_ENV, dagster_postgres_url(postgres, "accepted", "secret"))
    write_missing_settings(tmp_path)
    with open_instance(tmp_path) as instance:
        check_instance_settings(instance)
        assert instance.event_log_storage.get_concurrency_info(DUCKDB_POOL).limit == 1


def test_a_conflicting_pool_limit_is_refused_on_postgresql_too(
    postgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(POSTGRES_URL_ENV, dagster_postgres_url(postgres, "conflict", "secret"))
    settings = yaml.safe_load(POSTGRES_INSTANCE_SETTINGS.read_text())
    settings["concurrency"]["pools"]["default_limit"] = 4
    (tmp_path / "dagster.yaml").write_text(yaml.safe_dump(settings))
    with open_instance(tmp_path) as instance, pytest.raises(InstanceSettingsError) as refused:
        check_instance_settings(instance)
    assert "default_limit: 1" in str(refused.value)


def test_a_url_without_the_installed_driver_is_refused_without_printing_it(
    deployment, tmp_path: Path
) -> None:
    url = "postgresql://pmo:Secret-Pw@db.example/dagster"
    result = deployment.run("refresh", DAGSTER_HOME=str(tmp_path), **{POSTGRES_URL_ENV: url})
    assert result.returncode == 2
    assert f"{POSTGRES_URL_SCHEME}://" in result.stderr
    assert "Secret-Pw" not in result.stderr + result.stdout


@pytest.mark.parametrize("value", ["pmo:Secret-Pw@db.example/dagster", "Secret-Pw"])
def test_a_value_that_is_not_a_url_is_refused_without_quoting_it(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(POSTGRES_URL_ENV, value)
    with pytest.raises(InstanceSettingsError) as refused:
        check_postgres_url()
    assert "Secret-Pw" not in str(refused.value)
