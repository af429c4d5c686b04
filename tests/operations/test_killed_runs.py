"""A ``pmo refresh`` killed with SIGKILL leaves nothing behind that blocks or outlives it.

One sequence on one deployment: run A is killed while the Jira page worker builds its pages
(a full load small enough for the demo, sent to the worker as large loads are), run B recovers
A, a run of another DAGSTER_HOME is refused meanwhile, and B is killed while dbt runs; run C
recovers B and completes. Each test checks one outcome of the sequence.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass

import dagster as dg
import psutil
import pytest

from pipelines.runs import PID_TAG
from tests.operations.conftest import TimedRun

pytestmark = pytest.mark.slow

STAGE_TIMEOUT_SECONDS = 600
# The demo's full Jira load built in the page worker, in pages small enough to keep it busy.
PAGES_IN_WORKER = {"SOURCES__JIRA__BUILD_IN_WORKER_FROM": "1", "SOURCES__JIRA__PAGE_SIZE": "20"}
PROCESSES_GONE_WITHIN_SECONDS = 5


@dataclass(frozen=True)
class Killed:
    """A refresh killed at a stage: its run, what it printed, how long its processes lived."""

    run_id: str
    stderr: str
    process_count: int
    survivors: list[str]
    seconds_until_all_gone: float


@dataclass(frozen=True)
class Sequence:
    second_pid: int
    first: Killed
    other_instance: subprocess.CompletedProcess[str]
    second: Killed
    last: TimedRun
    statuses: dict[str, dg.DagsterRunStatus]


def wait_for(condition: Callable[[], object], what: str) -> object:
    deadline = time.monotonic() + STAGE_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def run_of(instance: dg.DagsterInstance, process: subprocess.Popen[str]) -> str | None:
    runs = instance.get_runs(dg.RunsFilter(tags={PID_TAG: str(process.pid)}))
    return runs[0].run_id if runs else None


def running(process: subprocess.Popen[str], program: str) -> bool:
    """Whether a descendant of ``process`` runs ``program`` (in its first three arguments)."""
    for child in psutil.Process(process.pid).children(recursive=True):
        try:
            if program in " ".join(child.cmdline()[:3]):
                return True
        except psutil.NoSuchProcess:
            continue
    return False


def kill(process: subprocess.Popen[str], run_id: str) -> Killed:
    """SIGKILL to the command's pid only, then how long its descendants outlive it."""
    tree = psutil.Process(process.pid).children(recursive=True)
    process.send_signal(signal.SIGKILL)
    killed_at = time.monotonic()
    _, alive = psutil.wait_procs(tree, timeout=PROCESSES_GONE_WITHIN_SECONDS)
    gone_after = time.monotonic() - killed_at
    survivors = [" ".join(p.cmdline()[:3]) for p in alive]
    for straggler in alive:  # leave nothing running for later tests
        straggler.kill()
    _, stderr = process.communicate(timeout=30)
    return Killed(run_id, stderr, len(tree), survivors, gone_after)


@pytest.fixture(scope="module")
def sequence(deployment, tmp_path_factory: pytest.TempPathFactory) -> Sequence:
    first = deployment.start("refresh", **PAGES_IN_WORKER)
    with deployment.instance() as instance:
        first_run = wait_for(lambda: run_of(instance, first), "run A to start")
        wait_for(lambda: running(first, "spawn_main"), "run A's Jira page worker")
        killed_first = kill(first, first_run)

        second = deployment.start("refresh")
        second_run = wait_for(lambda: run_of(instance, second), "run B to start")
        other_home = tmp_path_factory.mktemp("other_dagster_home")
        other_instance = deployment.run("refresh", DAGSTER_HOME=str(other_home))
        wait_for(lambda: running(second, "dbt"), "run B's dbt build")
        killed_second = kill(second, second_run)

        last = deployment.run_timed("refresh")
        statuses = {
            run_id: instance.get_run_by_id(run_id).status for run_id in (first_run, second_run)
        }
    print(
        f"processes of A (page worker running): {killed_first.process_count}, all gone in "
        f"{killed_first.seconds_until_all_gone:.1f} s; of B (dbt running): "
        f"{killed_second.process_count}, gone in {killed_second.seconds_until_all_gone:.1f} s; "
        f"the next refresh reported the recovery after "
        f"{last.seconds_until('recovered'):.1f} s and completed in {last.seconds:.1f} s"
    )
    return Sequence(second.pid, killed_first, other_instance, killed_second, last, statuses)


def test_the_next_refresh_completes_on_its_own(sequence: Sequence) -> None:
    assert sequence.last.returncode == 0, sequence.last.stderr


def test_the_next_refresh_says_which_dead_run_it_recovered(sequence: Sequence) -> None:
    assert f"recovered run {sequence.first.run_id[:8]}" in sequence.second.stderr
    assert f"recovered run {sequence.second.run_id[:8]}" in sequence.last.stderr


def test_killed_runs_are_marked_failed(sequence: Sequence) -> None:
    assert set(sequence.statuses.values()) == {dg.DagsterRunStatus.FAILURE}


@pytest.mark.parametrize("stage", ["first", "second"])
def test_no_process_of_a_killed_run_outlives_it(sequence: Sequence, stage: str) -> None:
    killed: Killed = getattr(sequence, stage)
    assert killed.process_count > 0
    assert killed.survivors == []


def test_a_run_of_another_dagster_home_is_refused_in_one_line(sequence: Sequence) -> None:
    refused = sequence.other_instance
    assert refused.returncode == 2
    assert refused.stdout == ""
    (line,) = refused.stderr.splitlines()
    assert "in use by a run of another Dagster instance" in line
    assert str(sequence.second_pid) in line


def test_the_command_runs_without_the_venv_on_path(sequence: Sequence) -> None:
    # Every command of the sequence ran with PATH=/usr/bin:/bin: dbt came from the interpreter.
    assert "dbt" not in sequence.last.stderr
    assert sequence.last.returncode == 0
