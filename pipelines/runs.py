"""Runs of the ``pmo`` command in the Dagster instance: who runs them, and what a dead one left.

``pmo refresh`` executes its run in its own process, where Dagster's run monitoring never looks
(it watches runs the daemon launched). A refresh killed with SIGKILL therefore stayed STARTED
forever, holding its slot in the warehouse pool, and every later run waited for that slot in
silence. Each run now records the process that executes it; the next command marks runs whose
process is gone as failed and frees their slots, and says so.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from datetime import UTC, datetime

import dagster as dg
import psutil

from pipelines.settings import warehouse_pools

PID_TAG = "pmo/pid"
HOST_TAG = "pmo/host"
PROCESS_STARTED_TAG = "pmo/process_started"
UNFINISHED = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]


@dataclass(frozen=True)
class Process:
    """A process, by host, pid and start time (a pid alone is reused, in containers at once)."""

    pid: int
    host: str
    started: float

    @classmethod
    def this_one(cls) -> Process:
        return cls.of(psutil.Process())

    @classmethod
    def of(cls, process: psutil.Process) -> Process:
        return cls(process.pid, socket.gethostname(), process.create_time())

    @classmethod
    def from_tags(cls, tags: dict[str, str]) -> Process | None:
        try:
            return cls(int(tags[PID_TAG]), tags[HOST_TAG], float(tags[PROCESS_STARTED_TAG]))
        except (KeyError, ValueError):
            return None

    def tags(self) -> dict[str, str]:
        return {PID_TAG: str(self.pid), HOST_TAG: self.host, PROCESS_STARTED_TAG: str(self.started)}

    def is_gone(self) -> bool:
        """True only when certain: a process on another host is taken to be alive."""
        if self.host != socket.gethostname():
            return False
        try:
            return abs(psutil.Process(self.pid).create_time() - self.started) > 1
        except psutil.NoSuchProcess:
            return True

    def __str__(self) -> str:
        since = datetime.fromtimestamp(self.started, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        return f"pid {self.pid} on {self.host}, started {since}"


def short(run_id: str) -> str:
    return run_id[:8]


def recover_abandoned_runs(instance: dg.DagsterInstance) -> list[str]:
    """Mark unfinished runs whose process is gone as failed, free the pool slots of finished
    runs; one line per run recovered."""
    abandoned = {}
    for run in instance.get_runs(dg.RunsFilter(statuses=UNFINISHED)):
        owner = Process.from_tags(run.tags)
        if owner is not None and owner.is_gone():
            instance.report_run_failed(
                run, f"The process running this run ({owner}) is gone: killed or crashed."
            )
            abandoned[run.run_id] = f"run {short(run.run_id)} ({owner}) was left unfinished"
    pools = [instance.event_log_storage.get_concurrency_info(p) for p in warehouse_pools()]
    freed = set()
    for run_id in {slot.run_id for pool in pools for slot in pool.claimed_slots} | {
        step.run_id for pool in pools for step in pool.pending_steps
    }:
        run = instance.get_run_by_id(run_id)
        if run is None or run.is_finished:
            instance.event_log_storage.free_concurrency_slots_for_run(run_id)
            freed.add(run_id)
    return [
        f"{what}: marked failed" + (", its warehouse pool slot freed" if run_id in freed else "")
        for run_id, what in abandoned.items()
    ] + [
        f"run {short(run_id)} had ended: its warehouse pool slot freed"
        for run_id in freed - set(abandoned)
    ]


def pool_holders(instance: dg.DagsterInstance, run_id: str) -> list[str] | None:
    """Who holds the warehouse pool ``run_id`` waits for (each pool of lake mode's writers it
    waits for); None when it is not waiting."""
    pools = [
        pool
        for pool in map(instance.event_log_storage.get_concurrency_info, warehouse_pools())
        if any(s.run_id == run_id and s.assigned_timestamp is None for s in pool.pending_steps)
    ]
    if not pools:
        return None
    holders = []
    for slot in (slot for pool in pools for slot in pool.claimed_slots):
        run = instance.get_run_by_id(slot.run_id)
        owner = Process.from_tags(run.tags) if run else None
        job = run.job_name if run else "unknown job"
        holders.append(
            f"run {short(slot.run_id)} ({job}, {owner or 'launched by the daemon'}) "
            f"runs {slot.step_key}"
        )
    return holders
