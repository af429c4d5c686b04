"""Two runs writing the lake at once (issue 18's second done-when): a Jira incremental run and a
spreadsheet refresh, started together on one Dagster instance in lake mode, both succeed, their
loads overlapping, with the rows of the same loads run one after the other; a reader counting
the raw tables in a loop meanwhile sees no error and every table either before or after its
load, never in between. A Jira reload killed (SIGKILL) mid-write leaves a lake that reads, and
its rerun has the rows again, none lost or twice. The lake runs are lake mode's interpreter in
a subprocess (``concurrent_runs.py``); the serial loads run in this process, in file mode,
beside them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from pipelines.demo import demo_sources
from pipelines.instance import INSTANCE_SETTINGS
from sandbox.postgres import create_database
from sandbox.warehouse_modes import checkout_environment, lake_settings
from tests.lake.lake_process import running_in_lake
from warehouse.connection import connect
from warehouse.settings import WAREHOUSE_PATH_ENV, warehouse_path

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

CONCURRENT_RUNS = Path(__file__).with_name("concurrent_runs.py")
RAW_SCHEMAS = ("raw_jira", "raw_spreadsheets")
# A reader that never got a query in while the runs wrote would prove nothing.
MIN_READS = 20


def serial_loads(sandbox_dir: Path) -> dict[str, int]:
    """The Jira load, then the spreadsheet load, into a file warehouse: each raw table's rows."""
    from pipelines.definitions import defs
    from pipelines.defs.ingestion import jira_raw, spreadsheets_raw

    resources = defs().resources
    with demo_sources(sandbox_dir):
        for load in (jira_raw, spreadsheets_raw):
            assert dg.materialize(
                [load], resources=resources, instance=dg.DagsterInstance.ephemeral()
            ).success
    with connect(warehouse_path()) as con:
        tables = con.execute(
            "select schema_name || '.' || table_name from duckdb_tables() "
            "where schema_name in ? and table_name not like '\\_dlt%' escape '\\'",
            [list(RAW_SCHEMAS)],
        ).fetchall()
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for (t,) in tables}


@pytest.fixture(scope="module")
def runs(lake_python, postgres, tmp_path_factory) -> dict[str, Any]:
    """The two lake runs and their reader in a subprocess; the serial loads in this process."""
    root = tmp_path_factory.mktemp("lake-concurrency")
    dagster_home = root / "lake" / "dagster_home"
    dagster_home.mkdir(parents=True)
    (dagster_home / "dagster.yaml").write_text(INSTANCE_SETTINGS.read_text())
    lake_environment = checkout_environment(
        lake_settings(create_database(postgres, "lake_concurrency"), root / "lake"),
        DAGSTER_HOME=str(dagster_home),
    )
    result = root / "lake" / "result.json"
    lake_run = [str(lake_python), str(CONCURRENT_RUNS), str(root / "lake" / "sandbox"), str(result)]
    with (
        running_in_lake(lake_run, lake_environment, root / "lake.log"),
        pytest.MonkeyPatch.context() as env,
    ):
        env.setenv(WAREHOUSE_PATH_ENV, str(root / "file" / "pmo.duckdb"))
        env.delenv("PMO_WAREHOUSE_TARGET", raising=False)
        serial = serial_loads(root / "file" / "sandbox")
    return {**json.loads(result.read_text()), "serial": serial}


def test_both_runs_succeed(runs) -> None:
    assert runs["returncodes"] == {"jira_incremental": 0, "spreadsheets_refresh": 0}, runs["logs"]


def test_the_jira_and_spreadsheet_loads_ran_at_the_same_time(runs) -> None:
    (jira_start, jira_end), (sheets_start, sheets_end) = (
        sorted(runs["loads"][step]) for step in ("jira_raw", "spreadsheets_raw")
    )
    assert max(jira_start, sheets_start) < min(jira_end, sheets_end)


def test_each_raw_table_has_the_rows_of_the_loads_run_one_after_the_other(runs) -> None:
    assert runs["serial"]
    assert runs["final"] == runs["serial"]


def test_the_reader_saw_no_error_while_the_runs_wrote(runs) -> None:
    assert runs["reads"] >= MIN_READS
    assert runs["errors"] == []


def test_the_reader_saw_each_raw_table_empty_or_loaded_never_in_between(runs) -> None:
    between = {
        table: counts
        for table, counts in runs["observed"].items()
        if not set(counts) <= {0, runs["final"][table]}
    }
    assert runs["observed"].keys() == runs["final"].keys()
    assert not between


def test_each_writer_steps_in_a_pool_of_its_own_in_lake_mode(runs) -> None:
    pools = runs["pools"]
    assert pools["jira_raw"] == "lake_raw_jira"
    assert pools["spreadsheets_raw"] == "lake_raw_spreadsheets"
    assert pools["smartsheet_raw"] == "lake_raw_smartsheet"
    assert pools["pmo_dbt_models"] == pools["quality_dbt_models"] == "lake_dbt"


def test_the_jira_reload_was_killed_while_dlt_wrote_to_the_lake(runs) -> None:
    assert runs["killed"]["killed_mid_write"]


def test_the_lake_reads_after_a_writer_was_killed_mid_write(runs) -> None:
    assert "after_kill_error" not in runs["killed"]
    assert runs["killed"]["after_kill"].keys() == jira_tables(runs["final"]).keys()


def test_the_rerun_after_the_kill_loses_and_duplicates_no_row(runs) -> None:
    assert runs["killed"]["rerun_returncode"] == 0
    assert runs["killed"]["after_rerun"] == jira_tables(runs["final"])


def jira_tables(counts: dict[str, int]) -> dict[str, int]:
    return {table: rows for table, rows in counts.items() if table.startswith("raw_jira.")}
