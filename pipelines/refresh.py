"""``pmo refresh``: materialise the whole asset graph through Dagster, recorded in DAGSTER_HOME."""

from __future__ import annotations

from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from pipelines.instance import export_dagster_home
from pipelines.preflight import require_settings
from pipelines.settings import REFRESH_JOB
from warehouse.settings import export_warehouse_path

QUIET_LOGGERS = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


@dataclass(frozen=True)
class RefreshOutcome:
    """What a refresh run did, for the command line."""

    run_id: str
    success: bool
    log_file: Path
    materialized: list[str]
    failed_checks: list[str]
    errors: list[str]


def refresh() -> RefreshOutcome:
    """Run the refresh job in process against the persistent instance (so the UI shows it)."""
    require_settings()
    export_warehouse_path()
    log_file = export_dagster_home() / "logs" / "last_refresh.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    from pipelines.definitions import defs

    job = defs().resolve_job_def(REFRESH_JOB)
    # dbt's event stream goes to stdout; keep the terminal for the summary and the log for detail.
    with dg.DagsterInstance.get() as instance, log_file.open("w") as log, redirect_stdout(log):
        result = job.execute_in_process(
            instance=instance, run_config=QUIET_LOGGERS, raise_on_error=False
        )
    return _outcome(result, log_file)


def _outcome(result: dg.ExecuteInProcessResult, log_file: Path) -> RefreshOutcome:
    events = result.all_events
    materialized = sorted(
        {e.asset_key.to_user_string() for e in events if e.is_step_materialization and e.asset_key}
    )
    failed_checks = sorted(
        f"{e.event_specific_data.asset_key.to_user_string()}:{e.event_specific_data.check_name}"
        for e in events
        if e.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
        and not e.event_specific_data.passed
    )
    errors = [
        f"{e.step_key}: {_root_message(e.event_specific_data.error)}"
        for e in events
        if e.is_step_failure and e.event_specific_data.error
    ]
    return RefreshOutcome(
        result.run_id, result.success, log_file, materialized, failed_checks, errors
    )


def _root_message(error: dg.SerializableErrorInfo) -> str:
    """The first line of the innermost cause: Dagster wraps user errors in its own."""
    while error.cause is not None:
        error = error.cause
    return error.message.strip().splitlines()[0]
