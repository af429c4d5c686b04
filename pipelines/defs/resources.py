"""Resources shared by the assets: the warehouse, the dlt runner and the dbt CLI.

The warehouse resource is the one place a run learns which DuckDB file it works on: dlt's
destination, dbt's profile (as a ``--vars`` value), the checks and the publish step all take it
from there, so no step reads one file while another writes a different one.
"""

from __future__ import annotations

import fcntl
import importlib.metadata
import json
import sysconfig
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import Any

import dagster as dg
import dlt
import pandas as pd
from dagster_dbt import DbtCliResource, DbtProject
from dagster_dlt import DagsterDltResource
from dlt.destinations.impl.duckdb.configuration import DuckDbCredentials
from packaging.version import Version
from pydantic import Field, PrivateAttr

from pipelines.warehouse_lock import hold_warehouse
from warehouse.connection import execute, query
from warehouse.lake_destination import lake_destination, lake_environment
from warehouse.settings import (
    DEFAULT_DUCKDB_MEMORY_LIMIT,
    REPO_ROOT,
    dlt_pipelines_dir,
    duckdb_memory_limit,
    warehouse_lake,
    warehouse_path,
)

DBT_PROJECT = DbtProject(
    project_dir=REPO_ROOT / "transforms", profiles_dir=REPO_ROOT / "transforms"
)
# `dagster dev` re-parses the project on every load; elsewhere the manifest is prepared before
# the code location loads (`make` runs `dagster-dbt project prepare-and-package`).
DBT_PROJECT.prepare_if_dev()
# The project's parse state, and a folder per dbt command that dagster-dbt makes beside it.
DBT_TARGET_DIR = DBT_PROJECT.project_dir / DBT_PROJECT.target_path

# transforms/profiles.yml reads the warehouse path and DuckDB's memory limit from these vars.
DBT_WAREHOUSE_VAR = "pmo_warehouse_path"
DBT_MEMORY_LIMIT_VAR = "pmo_duckdb_memory_limit"
DBT_LAKE_DATA_PATH_VAR = "pmo_lake_data_path"
DBT_LAKE_TARGET = "lake"
# This interpreter's dbt, whatever PATH the `pmo` command was started with (cron, systemd and
# container entrypoints run .venv/bin/pmo without the venv on PATH).
INTERPRETER_DBT = str(Path(sysconfig.get_path("scripts")) / "dbt")
# What Dagster reads of a dbt command is its JSON event stream on stdout (info level: every
# node's result and error); its log file keeps the same events. At debug level that file also
# logged every SQL statement and adapter event, and the JSON artefacts (manifest.json written
# twice, run_results.json) landed in a per-run folder nobody reads: both cost dbt time on
# every node and at both ends of every command.
DBT_OUTPUT_FLAGS = ["--log-level-file", "info", "--no-write-json"]


class PmoDbtCli(DbtCliResource):
    """The dbt CLI without the two things dagster-dbt does before every command that this
    project never uses: starting ``dbt --version``, which also asks PyPI for the latest release
    (the installed dbt-core is that executable's version), and opening an in-process dbt
    adapter, which serves only ``fetch_row_counts`` and ``fetch_column_metadata`` (row counts
    come from ``Warehouse.row_counts``). Each costs a dbt start-up inside the run's latency.
    Commands write only what Dagster reads (``DBT_OUTPUT_FLAGS``, set by ``dbt_cli``)."""

    @cached_property
    def _cli_version(self) -> Version:
        return Version(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> Any:
        return None


class Warehouse(dg.ConfigurableResource):
    """The DuckDB warehouse file every asset and check reads and writes, or in lake mode
    (``warehouse.settings.warehouse_lake``, read when used: the catalog is a secret, never in a
    resource's config) the DuckLake; the file's path then places dlt's state and the snapshot."""

    path: str = Field(
        description="Absolute path of the warehouse file (configured by PMO_WAREHOUSE_PATH)."
    )
    memory_limit: str = Field(
        default=DEFAULT_DUCKDB_MEMORY_LIMIT,
        description="DuckDB's memory_limit in dbt builds (configured by PMO_DUCKDB_MEMORY_LIMIT).",
    )

    @classmethod
    def configured(cls) -> Warehouse:
        """The warehouse the settings name (``warehouse.settings.warehouse_path``)."""
        return cls(path=str(warehouse_path()), memory_limit=duckdb_memory_limit())

    @property
    def database(self) -> Path:
        return Path(self.path)

    def query(self, sql: str) -> pd.DataFrame:
        return query(self.database, sql)

    def execute(self, sql: str) -> None:
        """Run statements that change the warehouse (the caller runs in the DuckDB pool)."""
        execute(self.database, sql)

    def row_counts(self, tables: Mapping[str, tuple[str, str]]) -> dict[str, int]:
        """Rows of each ``name -> (schema, table)``, in one query."""
        if not tables:
            return {}
        counts = " union all ".join(
            f'select \'{name}\' as name, count(*) as n from "{schema}"."{table}"'
            for name, (schema, table) in tables.items()
        )
        frame = self.query(counts)
        return dict(zip(frame["name"], frame["n"].astype(int), strict=True))

    def dlt_pipeline(
        self, pipeline_name: str, dataset_name: str, duckdb_config: dict[str, Any] | None = None
    ) -> dlt.Pipeline:
        """A dlt pipeline loading into this file, with the source's DuckDB settings; its state
        lives beside the file (temporary warehouse, temporary state)."""
        lake = warehouse_lake()
        destination = (
            lake_destination(lake)
            if lake
            else dlt.destinations.duckdb(DuckDbCredentials(self.path, global_config=duckdb_config))
        )
        pipelines_dir = dlt_pipelines_dir(self.database)
        with _creating(pipelines_dir / f".{pipeline_name}.lock"):
            return dlt.pipeline(
                pipeline_name=pipeline_name,
                destination=destination,
                dataset_name=dataset_name,
                pipelines_dir=str(pipelines_dir),
            )

    def dbt_vars(self) -> list[str]:
        """dbt arguments pointing its profile at this file, with DuckDB's memory limit; in lake
        mode at the lake (``lake`` target), whose catalog, a secret, dbt reads from the
        environment (``lake_environment``), never from its command line."""
        variables = {DBT_WAREHOUSE_VAR: self.path, DBT_MEMORY_LIMIT_VAR: self.memory_limit}
        lake = warehouse_lake()
        if not lake:
            return ["--vars", json.dumps(variables)]
        lake_environment(lake)
        variables[DBT_LAKE_DATA_PATH_VAR] = lake.data_path
        return ["--target", DBT_LAKE_TARGET, "--vars", json.dumps(variables)]

    @contextmanager
    def held_by(self, dagster_home: Path) -> Iterator[None]:
        """This process registered on the file for the block, unless another instance runs on
        it (``pipelines.warehouse_lock``)."""
        with hold_warehouse(self.database, dagster_home):
            yield


class DataDocs(dg.ConfigurableResource):
    """Great Expectations' Data Docs of the checks a run evaluates, written once the run's
    steps are done (a step in a process of its own: once that step is done). A check's outcome
    never depends on its pages, which people read later; rendering them while the run goes on
    took the CPU and the interpreter from the checks, dbt and the publish the KPIs wait for."""

    _writes: list[Callable[[], None]] = PrivateAttr(default_factory=list)

    def defer(self, write: Callable[[], None]) -> None:
        """Do ``write`` (which logs its own failure) once the run's steps are done."""
        self._writes.append(write)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        writes, self._writes = self._writes, []
        for write in writes:
            write()


@contextmanager
def _creating(lock: Path) -> Iterator[None]:
    """One process at a time creates a dlt pipeline's working folder: dlt checks for the folder
    and then creates it, so processes importing the definitions together on a fresh install
    (the code server, run workers, test workers) failed with ``FileExistsError``."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a") as file:
        fcntl.flock(file, fcntl.LOCK_EX)
        yield


def dbt_cli() -> PmoDbtCli:
    """The dbt CLI as runs invoke it."""
    return PmoDbtCli(
        project_dir=DBT_PROJECT,
        dbt_executable=INTERPRETER_DBT,
        global_config_flags=DBT_OUTPUT_FLAGS,
    )


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(
        resources={
            "warehouse": Warehouse.configured(),
            "data_docs": DataDocs(),
            "dlt_resource": DagsterDltResource(),
            "dbt": dbt_cli(),
        }
    )
