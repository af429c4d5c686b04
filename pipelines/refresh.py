"""``pmo refresh``: materialise the whole asset graph through Dagster, recorded in DAGSTER_HOME."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
from dagster._core.utils import make_new_run_id
from dagster._utils.interrupts import check_captured_interrupt

from pipelines.instance import (
    check_instance_settings,
    check_postgres_url,
    dagster_home,
    write_missing_settings,
)
from pipelines.lifetime import descendants_die_with_this_process
from pipelines.preflight import require_settings
from pipelines.runs import Process, pool_holders, recover_abandoned_runs, short
from pipelines.settings import REFRESH_JOB

QUIET_LOGGERS = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
WAIT_POLL_SECONDS = 0.5
WAIT_NOTICE_AFTER_SECONDS = 3
INTERRUPTED_EXIT = 130

Notify = Callable[[str], None]


@dataclass(frozen=True)
class CheckFailure:
    """A failed asset check and why: its failing expectations with their observed values."""

    check: str
    severity: str
    reasons: list[str]


@dataclass(frozen=True)
class RefreshOutcome:
    """What a refresh run did, for the command line."""

    run_id: str
    success: bool
    log_file: Path
    materialized: list[str]
    failed_checks: list[CheckFailure]
    errors: list[str]


def refresh(verbose: bool = False) -> RefreshOutcome:
    """Run the refresh job in process against the persistent instance (so the UI shows it).

    Before it starts, runs of earlier ``pmo`` processes that are gone are marked failed and
    their warehouse pool slots freed, and the terminal is told; told, too, why the run waits
    whenever it waits for the warehouse pool.
    """
    from pipelines.dbt_manifest import prepare_if_stale
    from pipelines.defs.resources import DBT_PROJECT, INTERPRETER_DBT, Warehouse

    warehouse = Warehouse.configured()
    with dagster_home() as home, _terminal() as tell, _instance_in(home, tell) as instance:
        log_file = home / "logs" / "last_refresh.log"
        log_file.parent.mkdir(parents=True, exist_ok=True)
        require_settings()
        descendants_die_with_this_process()
        if prepare_if_stale(DBT_PROJECT, INTERPRETER_DBT):
            tell("pmo: the dbt project changed since it was last parsed; parsed it again")
        with warehouse.held_by(home):
            return _outcome(_run(instance, tell, log_file, verbose), log_file)


def _run(
    instance: dg.DagsterInstance, tell: Notify, log_file: Path, verbose: bool
) -> dg.ExecuteInProcessResult:
    """The refresh job's run, after recovering what dead runs left."""
    for line in recover_abandoned_runs(instance):
        tell(f"pmo: recovered {line}")
    run_id = make_new_run_id()
    with _output_to(log_file, verbose), _pool_wait_notices(run_id, tell):
        from pipelines.definitions import defs

        return (
            defs()
            .resolve_job_def(REFRESH_JOB)
            .execute_in_process(
                instance=instance,
                run_config=QUIET_LOGGERS,
                raise_on_error=False,
                run_id=run_id,
                tags=Process.this_one().tags(),
            )
        )


@contextmanager
def _terminal() -> Iterator[Notify]:
    """Print to the terminal's stderr, also while stdout and stderr go to the run's log."""
    with os.fdopen(os.dup(2), "w", buffering=1) as terminal:
        yield lambda line: print(line, file=terminal)


@contextmanager
def _instance_in(home: Path, tell: Notify) -> Iterator[dg.DagsterInstance]:
    """The instance of ``home`` with the settings the pipeline relies on (written if absent)."""
    check_postgres_url()
    if added := write_missing_settings(home):
        tell(f"pmo: instance settings {', '.join(added)} written to {home / 'dagster.yaml'}")
    with dg.DagsterInstance.get() as instance:
        check_instance_settings(instance)
        yield instance


@contextmanager
def _output_to(log_file: Path, verbose: bool) -> Iterator[None]:
    """Send everything written to stdout (dbt's event stream) and, unless ``verbose``, stderr
    (Dagster's console log with its tracebacks, child processes) to the log file: the
    terminal gets the summary; the details stay in the log and Dagster's event log."""
    fds = [1] if verbose else [1, 2]
    sys.stdout.flush()
    sys.stderr.flush()
    saved = {fd: os.dup(fd) for fd in fds}
    with log_file.open("w") as log:
        for fd in fds:
            os.dup2(log.fileno(), fd)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            for fd, copy in saved.items():
                os.dup2(copy, fd)
                os.close(copy)


@contextmanager
def _pool_wait_notices(run_id: str, tell: Notify) -> Iterator[None]:
    """While the run waits for the warehouse pool: say who holds it, recover a holder whose
    process died meanwhile, and stop at once on Ctrl-C or SIGTERM.

    Dagster's in-process executor waits for a slot in a loop that only records interrupts
    (they are raised when the next step starts), so a wait for a slot held by a dead run
    ignored both signals; this watcher acts on the recorded interrupt instead.
    """
    stop = threading.Event()

    def watch() -> None:
        with dg.DagsterInstance.get() as instance:
            told: list[str] | None = None
            waiting_since = None
            while not stop.wait(WAIT_POLL_SECONDS):
                holders = pool_holders(instance, run_id)
                if holders is None:
                    told = waiting_since = None
                    continue
                for line in recover_abandoned_runs(instance):
                    tell(f"pmo: recovered {line}")
                if check_captured_interrupt():
                    _cancel_waiting_run(instance, run_id, tell)
                waiting_since = waiting_since or time.monotonic()
                if time.monotonic() - waiting_since < WAIT_NOTICE_AFTER_SECONDS:
                    continue  # the steps of two runs taking turns: nothing to say
                if holders and holders != told:
                    tell(
                        f"pmo: run {short(run_id)} waits for the warehouse pool "
                        f"(one step at a time): {'; '.join(holders)}"
                        " (Ctrl-C stops it)"
                    )
                    told = holders

    watcher = threading.Thread(target=watch, name="pool-wait-notices", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join()


def _cancel_waiting_run(instance: dg.DagsterInstance, run_id: str, tell: Notify) -> None:
    """Interrupted while waiting (no step runs, nothing to clean up): cancel the run, free its
    pending claims and leave at once."""
    run = instance.get_run_by_id(run_id)
    if run is not None:
        instance.report_run_canceled(run, "Interrupted while waiting for the warehouse pool.")
    instance.event_log_storage.free_concurrency_slots_for_run(run_id)
    tell(f"pmo: interrupted while waiting for the warehouse pool: run {short(run_id)} cancelled")
    os._exit(INTERRUPTED_EXIT)


def _outcome(result: dg.ExecuteInProcessResult, log_file: Path) -> RefreshOutcome:
    events = result.all_events
    materialized = sorted(
        {e.asset_key.to_user_string() for e in events if e.is_step_materialization and e.asset_key}
    )
    failed_checks = sorted(
        (
            _check_failure(e.event_specific_data)
            for e in events
            if e.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
            and not e.event_specific_data.passed
        ),
        key=lambda failure: failure.check,
    )
    errors = [
        f"{e.step_key}: {_root_message(e.event_specific_data.error)}"
        for e in events
        if e.is_step_failure and e.event_specific_data.error
    ]
    return RefreshOutcome(
        result.run_id, result.success, log_file, materialized, failed_checks, errors
    )


def _check_failure(evaluation: Any) -> CheckFailure:
    """Why a check failed, from its metadata: each failing expectation (``failures``, written by
    the quality checks) with its observed values, else the check's own description."""
    name = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
    failures = evaluation.metadata.get("failures")
    if failures is not None:
        reasons = [_describe_expectation(failure) for failure in failures.value]
    else:
        reasons = [evaluation.description] if evaluation.description else []
        reasons += [
            f"{key}: {value.value}"
            for key, value in evaluation.metadata.items()
            if isinstance(value.value, str | int | float | list) and not key.startswith("dagster")
        ]
    return CheckFailure(name, evaluation.severity.value, reasons)


def _describe_expectation(failure: dict[str, Any]) -> str:
    """``expect_x on column (severity): N rows unexpected, observed ..., sample [...]``, and any
    further detail the check recorded."""
    failure = dict(failure)
    head = failure.pop("expectation", "expectation")
    column = failure.pop("column", None)
    severity = failure.pop("severity", None)
    head += f" on {column}" if column else ""
    head += f" ({severity})" if severity else ""
    count = failure.pop("unexpected_count", None)
    details = [f"{count} rows unexpected"] if count else []
    details += [f"{key} {value}" for key, value in failure.items() if value not in (None, [], {})]
    return f"{head}: {', '.join(details)}" if details else head


def _root_message(error: dg.SerializableErrorInfo) -> str:
    """The first line of the innermost cause: Dagster wraps user errors in its own."""
    while error.cause is not None:
        error = error.cause
    lines = error.message.strip().splitlines()
    return lines[0] if lines else error.cls_name or "unknown error"
