"""One Dagster instance at a time on a warehouse file.

Runs recorded in the same ``DAGSTER_HOME`` take turns through its warehouse pool; runs of two
instances cannot see each other's pool and both died on DuckDB's file lock. Every ``pmo`` run
registers in ``<warehouse>.lock`` beside the warehouse (pid, host, start, ``DAGSTER_HOME``), and
a run of another instance is refused at once, naming the holder. Entries of processes that are
gone are dropped, so a killed run never locks the warehouse.
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from pipelines.runs import Process


class WarehouseInUseError(RuntimeError):
    """Another Dagster instance runs on the warehouse."""


@dataclass(frozen=True)
class Holder:
    """A process running a pipeline run on the warehouse, and the instance recording it."""

    pid: int
    host: str
    started: float
    dagster_home: str

    @property
    def process(self) -> Process:
        return Process(self.pid, self.host, self.started)


def lock_file(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".lock")


@contextmanager
def _locked(path: Path) -> Iterator[list[Holder]]:
    """The live holders recorded in ``path``, rewritten on exit, under an exclusive flock."""
    with path.open("a+") as file:
        fcntl.flock(file, fcntl.LOCK_EX)
        file.seek(0)
        text = file.read()
        holders = [Holder(**entry) for entry in json.loads(text)] if text.strip() else []
        holders[:] = [h for h in holders if not h.process.is_gone()]
        yield holders
        file.seek(0)
        file.truncate()
        file.write(json.dumps([asdict(h) for h in holders], indent=1))


@contextmanager
def hold_warehouse(warehouse: Path, dagster_home: Path) -> Iterator[None]:
    """Register this process on ``warehouse`` for the block, unless another instance holds it."""
    path = lock_file(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    me = Process.this_one()
    holder = Holder(me.pid, me.host, me.started, str(dagster_home.resolve()))
    with _locked(path) as holders:
        for other in holders:
            if other.dagster_home != holder.dagster_home:
                raise WarehouseInUseError(
                    f"{warehouse} is in use by a run of another Dagster instance "
                    f"(DAGSTER_HOME={other.dagster_home}, {other.process}); wait for it to end "
                    f"or use its DAGSTER_HOME (the record: {path})"
                )
        holders.append(holder)
    try:
        yield
    finally:
        with _locked(path) as holders:
            if holder in holders:
                holders.remove(holder)
