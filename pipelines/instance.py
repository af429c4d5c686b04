"""The persistent Dagster instance the ``pmo`` commands record their runs in.

``DAGSTER_HOME`` defaults to the repository's ``.dagster`` folder, whose ``dagster.yaml`` holds
the settings the pipeline depends on: the warehouse pool of one writer step at a time and the
run queue. A deployment points ``DAGSTER_HOME`` elsewhere; without those settings every step
would open the warehouse at once, so the commands write them where they are absent and refuse
to run where they conflict.

``PMO_DAGSTER_POSTGRES_URL`` selects Dagster's storage in PostgreSQL (docs/deploy.md): the
commands then write ``docs/deploy/dagster.yaml``, the same settings with ``storage: postgres``
naming that variable, and refuse an instance that stores its runs elsewhere. The URL holds the
database's password: it is only ever read from the environment, never written or printed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from pipelines.settings import warehouse_pools
from warehouse.settings import REPO_ROOT

if TYPE_CHECKING:
    import dagster as dg

DEFAULT_DAGSTER_HOME = REPO_ROOT / ".dagster"
INSTANCE_SETTINGS = DEFAULT_DAGSTER_HOME / "dagster.yaml"
POSTGRES_INSTANCE_SETTINGS = REPO_ROOT / "docs" / "deploy" / "dagster.yaml"
POSTGRES_URL_ENV = "PMO_DAGSTER_POSTGRES_URL"
# SQLAlchemy 2.1 reads a bare ``postgresql://`` as psycopg 3, which dagster-postgres does not
# install: the URL names the driver it does install.
POSTGRES_URL_SCHEME = "postgresql+psycopg2"
URL_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*")
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


def postgres_selected() -> bool:
    """Whether the deployment stores Dagster's runs in PostgreSQL (``PMO_DAGSTER_POSTGRES_URL``)."""
    return bool(os.environ.get(POSTGRES_URL_ENV))


def check_postgres_url() -> None:
    """Refuse a ``PMO_DAGSTER_POSTGRES_URL`` naming another driver, before Dagster opens it; the
    message quotes the scheme only (the rest of the URL holds the password)."""
    url = os.environ.get(POSTGRES_URL_ENV, "")
    scheme, separator, _ = url.partition("://")
    if url and scheme != POSTGRES_URL_SCHEME:
        said = f"starts with '{scheme}://'" if separator and URL_SCHEME.fullmatch(scheme) else ""
        raise InstanceSettingsError(
            f"{POSTGRES_URL_ENV} {said or 'is not a URL'}; write it "
            f"'{POSTGRES_URL_SCHEME}://user:password@host:5432/database' (the installed driver)"
        )


def settings_template() -> Path:
    """The instance settings ``pmo`` writes: PostgreSQL's where selected, else the embedded ones."""
    return POSTGRES_INSTANCE_SETTINGS if postgres_selected() else INSTANCE_SETTINGS


def write_missing_settings(home: Path) -> list[str]:
    """Give ``home`` the repository's instance settings: the whole file where it has none, else
    the top-level sections its ``dagster.yaml`` lacks, appended so that the deployment's own
    settings and comments stay. Returns the names of the sections appended."""
    template = settings_template()
    target = home / "dagster.yaml"
    if not target.exists():
        target.write_text(template.read_text())
        return []
    present = _sections(target)
    missing = {k: v for k, v in _sections(template).items() if k not in present}
    if present.keys() & SEPARATE_STORAGE_SECTIONS:
        # The deployment names its storages one by one; Dagster refuses `storage` beside them.
        missing.pop("storage", None)
    if missing:
        with target.open("a") as file:
            file.write("\n# Added by pmo: settings the pipeline relies on.\n")
            file.write(yaml.safe_dump(missing, sort_keys=False))
    return list(missing)


def check_instance_settings(instance: dg.DagsterInstance) -> None:
    """Refuse an instance whose warehouse pool admits more than one step, without a queue, or
    storing its runs outside PostgreSQL where the deployment selected it."""
    where = Path(instance.root_directory) / "dagster.yaml"
    if postgres_selected() and (local := _storages_outside_postgres(instance)):
        raise InstanceSettingsError(
            f"{POSTGRES_URL_ENV} is set but {where} keeps the {', '.join(local)} elsewhere: "
            f"use the storage of {POSTGRES_INSTANCE_SETTINGS.relative_to(REPO_ROOT)}, or unset "
            f"{POSTGRES_URL_ENV} to stay on the embedded storage"
        )
    for pool in warehouse_pools():
        limit = instance.event_log_storage.get_concurrency_info(pool).limit
        if limit != 1:
            raise InstanceSettingsError(
                f"{where} lets {limit or 'unlimited'} steps use the pool '{pool}' at once; "
                "each pool is one writer: set concurrency.pools.default_limit: 1 (and no "
                f"other limit for '{pool}'), or use another DAGSTER_HOME"
            )
    coordinator = type(instance.run_coordinator).__name__
    if coordinator != QUEUED_RUN_COORDINATOR:
        raise InstanceSettingsError(
            f"{where} uses the run coordinator {coordinator}; event-driven runs need the "
            f"{QUEUED_RUN_COORDINATOR} (see {INSTANCE_SETTINGS.relative_to(REPO_ROOT)})"
        )


def _storages_outside_postgres(instance: dg.DagsterInstance) -> list[str]:
    """Those of the instance's run, event-log and schedule storages not in PostgreSQL."""
    storages = {
        "run storage": instance.run_storage,
        "event log storage": instance.event_log_storage,
        "schedule storage": instance.schedule_storage,
    }
    return [
        name
        for name, storage in storages.items()
        if not type(storage).__module__.startswith("dagster_postgres.")
    ]
