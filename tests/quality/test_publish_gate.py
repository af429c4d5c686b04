"""Nothing is published while a blocking check fails: not by the refresh that failed it, and
not by any later job that re-checks only its own source.

The world: the sandbox refreshed and published once, then a survey export whose every rating
is off the scale lands and ``pmo refresh`` runs again; the quarantine check fails.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

from pipelines.cli import main
from pipelines.defs.quarantine import QUARANTINE_CHECK
from pipelines.defs.serving import SNAPSHOT_KEY, data_warnings
from warehouse.publishing.paths import serving_database_path, serving_manifest_path
from warehouse.report.kpi_report import build_kpi_report
from warehouse.settings import REPO_ROOT, WAREHOUSE_PATH_ENV

from .conftest import write_bad_survey

pytestmark = pytest.mark.slow

PUBLISHING_JOBS = (
    "refresh_all",
    "jira_incremental",
    "spreadsheets_refresh",
    "jira_reconciliation",
    "smartsheet_incremental",
)


def fingerprint(warehouse: Path) -> tuple[str, str]:
    """The published snapshot, as BI tools find it: its manifest and its database file."""
    database = serving_database_path(warehouse).read_bytes()
    return serving_manifest_path(warehouse).read_text(), hashlib.sha256(database).hexdigest()


@dataclass(frozen=True)
class BlockedWorld:
    warehouse: Path
    published: tuple[str, str]
    exit_code: int
    quarantine: dg.AssetCheckEvaluation


@pytest.fixture(scope="module")
def blocked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BlockedWorld]:
    """The sandbox published once, then refreshed with a wholly quarantined survey export; the
    environment stays pointed at it (and its Jira emulator served) for the tests."""
    from pipelines.defs.quality import latest_evaluation
    from pipelines.defs.quarantine import quarantine_share_within_limit
    from pipelines.demo import demo_sources

    root = tmp_path_factory.mktemp("publish_gate")
    warehouse = root / "pmo.duckdb"
    with demo_sources(root / "sandbox") as sandbox, pytest.MonkeyPatch.context() as env:
        env.setenv(WAREHOUSE_PATH_ENV, str(warehouse))
        env.setenv("DAGSTER_HOME", str(root / "dagster_home"))
        assert main(["refresh"]) == 0
        published = fingerprint(warehouse)
        write_bad_survey(sandbox.landing_dir)
        exit_code = main(["refresh"])
        with dg.DagsterInstance.get() as instance:
            quarantine = latest_evaluation(instance, quarantine_share_within_limit.check_key)
        yield BlockedWorld(warehouse, published, exit_code, quarantine)


def run_job(name: str, selection: list[dg.AssetKey] | None) -> dg.ExecuteInProcessResult:
    from pipelines.definitions import defs

    job = defs().resolve_job_def(name)
    with dg.DagsterInstance.get() as instance:
        return job.execute_in_process(
            instance=instance, asset_selection=selection, raise_on_error=False
        )


def test_a_quarantine_over_the_limit_fails_its_check_as_an_error(blocked: BlockedWorld) -> None:
    assert not blocked.quarantine.passed
    assert blocked.quarantine.severity == dg.AssetCheckSeverity.ERROR


def test_a_quarantine_over_the_limit_fails_the_refresh(blocked: BlockedWorld) -> None:
    assert blocked.exit_code != 0


def test_a_quarantine_over_the_limit_leaves_the_snapshot_unchanged(
    blocked: BlockedWorld,
) -> None:
    assert fingerprint(blocked.warehouse) == blocked.published


@pytest.mark.parametrize("job", PUBLISHING_JOBS)
def test_no_job_publishes_while_a_blocking_check_fails(blocked: BlockedWorld, job: str) -> None:
    result = run_job(job, [SNAPSHOT_KEY])
    assert not result.success
    assert fingerprint(blocked.warehouse) == blocked.published
    (failure,) = [e for e in result.all_events if e.is_step_failure]
    assert QUARANTINE_CHECK in failure.event_specific_data.error.message


def test_every_job_that_can_publish_is_tested() -> None:
    from pipelines.definitions import defs

    definitions = defs()
    publishing = {
        job.name
        for job in definitions.resolve_all_job_defs()
        if not job.name.startswith("__") and SNAPSHOT_KEY in job.asset_layer.selected_asset_keys
    }
    assert publishing == set(PUBLISHING_JOBS)


def test_a_jira_event_run_rebuilds_the_marts_but_does_not_publish(blocked: BlockedWorld) -> None:
    result = run_job("jira_incremental", None)
    built = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert "marts/mart_delivery_throughput_monthly" in built
    assert SNAPSHOT_KEY.to_user_string() not in built
    assert fingerprint(blocked.warehouse) == blocked.published


def test_a_quarantine_that_only_warns_flags_the_kpis_of_its_workbook(
    blocked: BlockedWorld, tmp_path: Path
) -> None:
    instance = dg.DagsterInstance.ephemeral()
    instance.report_runless_asset_event(
        dg.AssetCheckEvaluation(
            asset_key=blocked.quarantine.asset_key,
            check_name=QUARANTINE_CHECK,
            passed=False,
            severity=dg.AssetCheckSeverity.WARN,
            description=blocked.quarantine.description,
            metadata=blocked.quarantine.metadata,
        )
    )
    warnings = data_warnings(instance)
    report = build_kpi_report(
        serving_database_path(blocked.warehouse), tmp_path / "report.html", warnings
    )
    assert set(warnings) == {"value_survey"}
    assert {"value_delivery_rate_pct", "csat_mean", "nps"} <= set(report.warned)
    assert "on_time_rate_pct" not in report.warned
    assert "value_survey_bad_export.csv" in report.path.read_text()


def test_a_quarantine_that_blocks_puts_no_warning_on_the_scorecard(
    blocked: BlockedWorld,
) -> None:
    with dg.DagsterInstance.get() as instance:
        assert data_warnings(instance) == {}


@pytest.mark.parametrize(("mode", "blocks"), [(None, "True"), ("warn", "False")])
def test_the_quarantine_check_blocks_unless_configured_to_warn(mode: str | None, blocks: str):
    probe = (
        "from pipelines.defs.quarantine import quarantine_share_within_limit as check; "
        "print(next(iter(check.check_specs)).blocking)"
    )
    env = {k: v for k, v in os.environ.items() if k != "QUALITY__QUARANTINE_OVER_LIMIT"}
    env |= {"QUALITY__QUARANTINE_OVER_LIMIT": mode} if mode else {}
    loaded = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=REPO_ROOT,
    )
    assert loaded.stdout.splitlines()[-1] == blocks
