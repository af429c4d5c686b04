"""The persistent Dagster instance the ``pmo`` commands record their runs in.

``DAGSTER_HOME`` defaults to the repository's ``.dagster`` folder, whose ``dagster.yaml`` holds
the settings the pipeline depends on: the warehouse pool of one writer step at a time and the
run queue. A deployment points ``DAGSTER_HOME`` elsewhere; without those settings every step
would open the warehouse at once, so the commands write them where they are absent and refuse
to run where they conflict.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from pipelines.settings import DUCKDB_POOL
from warehouse.settings import REPO_ROOT

if TYPE_CHECKING:
    import dagster as dg

DEFAULT_DAGSTER_HOME = REPO_ROOT / ".dagster"
INSTANCE_SETTINGS = DEFAULT_DAGSTER_HOME / "dagster.yaml"
QUEUED_RUN_COORDINATOR = "QueuedRunCoordinator"
SEPARATE_STORAGE_SECTIONS = {"run_storage", "event_log_storage", "schedule_storage"}


class InstanceSettingsError(RuntimeError):
    """``$DAGSTER_HOME/dagster.yaml`` contradicts a setting the pipeline relies on."""


@contextmanager
def dagster_home() -> Iterator[Path]:
    """``DAGSTER_HOME`` when set, else the repository's ``.dagster`` folder, exported for the
    block only: the instance settings name their storage folder by it while the instance is
    open, and a caller in the same process (a test, a notebook) gets its own value back."""
    previous = os.environ.get("DAGSTER_HOME")
    home = Path(previous or DEFAULT_DAGSTER_HOME)
    home.mkdir(parents=True, exist_ok=True)
    os.environ["DAGSTER_HOME"] = str(home)
    try:
        yield home
    finally:
        if previous is None:
            del os.environ["DAGSTER_HOME"]
        else:
            os.environ["DAGSTER_HOME"] = previous


def _sections(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text()) or {}


def write_missing_settings(home: Path) -> list[str]:
    """Give ``home`` the repository's instance settings: the whole file where it has none, else
    the top-level sections its ``dagster.yaml`` lacks, appended so that the deployment's own
    settings and comments stay. Returns the names of the sections appended."""
    target = home / "dagster.yaml"
    if not target.exists():
        target.write_text(INSTANCE_SETTINGS.read_text())
        return []
    present = _sections(target)
    missing = {k: v for k, v in _sections(INSTANCE_SETTINGS).items() if k not in present}
    if present.keys() & SEPARATE_STORAGE_SECTIONS:
        # The deployment names its storages one by one; Dagster refuses `storage` beside them.
        missing.pop("storage", None)
    if missing:
        with target.open("a") as file:
            file.write("\n# Added by pmo: settings the pipeline relies on.\n")
            file.write(yaml.safe_dump(missing, sort_keys=False))
    return list(missing)


def check_instance_settings(instance: dg.DagsterInstance) -> None:
    """Refuse an instance whose warehouse pool admits more than one step, or without a queue."""
    where = Path(instance.root_directory) / "dagster.yaml"
    limit = instance.event_log_storage.get_concurrency_info(DUCKDB_POOL).limit
    if limit != 1:
        raise InstanceSettingsError(
            f"{where} lets {limit or 'unlimited'} steps use the pool '{DUCKDB_POOL}' at once; "
            "DuckDB allows one writer: set concurrency.pools.default_limit: 1 (and no other "
            f"limit for '{DUCKDB_POOL}'), or use another DAGSTER_HOME"
        )
    coordinator = type(instance.run_coordinator).__name__
    if coordinator != QUEUED_RUN_COORDINATOR:
        raise InstanceSettingsError(
            f"{where} uses the run coordinator {coordinator}; event-driven runs need the "
            f"{QUEUED_RUN_COORDINATOR} (see {INSTANCE_SETTINGS.relative_to(REPO_ROOT)})"
        )
