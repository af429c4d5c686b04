"""``pmo prune-history`` deletes old finished runs with their logs, never a run holding a latest
result nor an unfinished run.

One history on a real instance: run 1 materialises ``a``, ``b`` and checks ``b``; run 2 does it
all again; run 3 materialises ``a`` alone; run 4 only checks ``b``; three unfinished runs.
Then three prunes: keeping 30 days, keeping none, and the same again. Each on the embedded SQLite
storage and on PostgreSQL (``PMO_DAGSTER_POSTGRES_URL``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest.mock import patch

import dagster as dg
import pytest
from dagster._core.utils import make_new_run_id

from pipelines.cli import main
from pipelines.housekeeping import FAILED_MARKER, Pruned, prune_dbt_run_folders, prune_run_history
from pipelines.instance import POSTGRES_URL_ENV, write_missing_settings

from .conftest import dagster_postgres_url, open_instance


@dg.asset
def a() -> int:
    print("a's compute log")
    return 1


@dg.asset
def b() -> int:
    return 2


@dg.asset_check(asset=b)
def b_is_positive() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=True)


DEFINITIONS = [a, b, b_is_positive]


@dataclass(frozen=True)
class History:
    home: Path
    runs: dict[str, str]
    """Run ids by role."""
    recent: Pruned
    old: Pruned
    again: Pruned
    remaining: set[str]
    disk_before: int
    disk_after: int
    files_left: list[Path]
    """The files named by the deleted run's id after the prunes."""
    events_left: dict[str, int]
    """Events of each run, by role, after the prunes."""
    env: dict[str, str]
    """The storage's settings in the environment."""


def _materialise(instance: dg.DagsterInstance, selection: dg.AssetSelection) -> str:
    result = dg.materialize(DEFINITIONS, instance=instance, selection=selection)
    assert result.success
    return result.run_id


def disk_usage(folder: Path) -> int:
    """Bytes of the files under ``folder``."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def _unfinished(instance: dg.DagsterInstance, status: dg.DagsterRunStatus) -> str:
    run = dg.DagsterRun(job_name="refresh_all", run_id=make_new_run_id(), status=status)
    instance.add_run(run)
    return run.run_id


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def storage_env(request: pytest.FixtureRequest) -> dict[str, str]:
    """The instance's storage as settings: the embedded SQLite default, or a database of the
    test PostgreSQL server."""
    if request.param == "sqlite":
        return {}
    url = dagster_postgres_url(request.getfixturevalue("postgres"), "prune_history", "secret")
    return {POSTGRES_URL_ENV: url}


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory, storage_env: dict[str, str]) -> History:
    with patch.dict(os.environ, storage_env):
        return _history(tmp_path_factory.mktemp("dagster_home"), storage_env)


def _history(home: Path, storage_env: dict[str, str]) -> History:
    write_missing_settings(home)
    everything = dg.AssetSelection.all()
    with open_instance(home) as instance:
        runs = {
            "superseded": _materialise(instance, everything),
            "latest_b": _materialise(instance, everything),
            "latest_a": _materialise(instance, dg.AssetSelection.assets(a)),
            "latest_check": _materialise(instance, dg.AssetSelection.checks(b_is_positive)),
            "not_started": _unfinished(instance, dg.DagsterRunStatus.NOT_STARTED),
            "started": _unfinished(instance, dg.DagsterRunStatus.STARTED),
            "canceling": _unfinished(instance, dg.DagsterRunStatus.CANCELING),
        }
    disk_before = disk_usage(home)
    later = datetime.now(UTC) + timedelta(days=1)
    with open_instance(home) as instance:
        recent = prune_run_history(instance, keep_days=30)
        old = prune_run_history(instance, keep_days=0, now=later)
        again = prune_run_history(instance, keep_days=0, now=later)
    with open_instance(home) as instance:
        remaining = {record.dagster_run.run_id for record in instance.get_run_records()}
    disk_after = disk_usage(home)
    files_left = sorted(home.rglob(f"*{runs['superseded']}*"))
    # Read last: Dagster's SQLite storage creates a run's file again to read its events.
    with open_instance(home) as instance:
        events_left = {role: len(instance.all_logs(run_id)) for role, run_id in runs.items()}
    return History(
        home,
        runs,
        recent,
        old,
        again,
        remaining,
        disk_before,
        disk_after,
        files_left,
        events_left,
        storage_env,
    )


def test_runs_within_the_retention_are_kept(history: History) -> None:
    assert history.recent.deleted == []


def test_an_old_run_superseded_in_everything_is_deleted(history: History) -> None:
    assert history.old.deleted == [history.runs["superseded"]]
    assert history.runs["superseded"] not in history.remaining


@pytest.mark.parametrize("role", ["latest_a", "latest_b", "latest_check"])
def test_the_run_of_a_latest_result_is_kept(history: History, role: str) -> None:
    assert history.runs[role] in history.remaining
    assert history.runs[role] in history.old.kept


@pytest.mark.parametrize("role", ["not_started", "started", "canceling"])
def test_unfinished_runs_are_kept(history: History, role: str) -> None:
    assert history.runs[role] in history.remaining


def test_a_second_prune_deletes_nothing(history: History) -> None:
    assert history.again.deleted == []
    assert history.again.freed_bytes == 0


def test_the_deleted_run_leaves_no_event(history: History) -> None:
    assert history.events_left["superseded"] == 0
    assert history.events_left["latest_a"] > 0


def test_the_deleted_run_leaves_no_file(history: History) -> None:
    assert history.files_left == []
    assert history.old.freed_bytes > 0
    assert history.disk_after < history.disk_before


def test_the_command_prunes_the_configured_history(
    history: History, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(history.home))
    monkeypatch.setenv("PMO_RUN_HISTORY_DAYS", "0")
    for name, value in history.env.items():
        monkeypatch.setenv(name, value)
    assert main(["prune-history"]) == 0
    assert "0 finished runs deleted" in capsys.readouterr().out


def test_the_nightly_job_prunes_the_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipelines.defs.housekeeping import prune_run_history_job

    home = tmp_path / "dagster_home"
    home.mkdir()
    write_missing_settings(home)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("PMO_RUN_HISTORY_DAYS", "0")
    with open_instance(home) as instance:
        superseded = _materialise(instance, dg.AssetSelection.all())
        latest = _materialise(instance, dg.AssetSelection.all())
        assert prune_run_history_job.execute_in_process(instance=instance).success
        remaining = {record.dagster_run.run_id for record in instance.get_run_records()}
    assert superseded not in remaining
    assert latest in remaining


def test_the_dbt_folders_of_killed_runs_go_and_those_of_unfinished_or_unknown_runs_stay(
    tmp_path: Path,
) -> None:
    home = tmp_path / "dagster_home"
    home.mkdir()
    write_missing_settings(home)
    target = tmp_path / "target"
    with open_instance(home) as instance:
        running = _unfinished(instance, dg.DagsterRunStatus.STARTED)
        killed = _materialise(instance, dg.AssetSelection.all())
        folders = {
            "running": target / f"pmo_dbt_models-{running[:7]}-1a2b3c4",
            "killed": target / f"pmo_dbt_models-{killed[:7]}-5d6e7f8",
            "failed": target / f"quality_dbt_models-{killed[:7]}-9a8b7c6",
            "another_homes": target / "pmo_dbt_models-0f1e2d3-4c5b6a7",
        }
        for folder in folders.values():
            folder.mkdir(parents=True)
            (folder / "partial_parse.msgpack").write_bytes(b"state")
        (folders["failed"] / FAILED_MARKER).touch()
        (target / "partial_parse.msgpack").write_bytes(b"the project's state")
        deleted = prune_dbt_run_folders(instance, target)
    assert deleted == [folders["killed"].name]
    assert sorted(path.name for path in target.iterdir()) == sorted(
        [
            folders["running"].name,
            folders["failed"].name,
            folders["another_homes"].name,
            "partial_parse.msgpack",
        ]
    )
