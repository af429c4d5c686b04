"""Fixtures for the dbt project: a warehouse loaded from the sandbox by the real connectors
(Jira over HTTP from the local emulator, workbooks from a landing folder), then built by dbt."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import dlt
import duckdb
import pytest

from connectors.jira import jira_source
from connectors.spreadsheets import spreadsheet_source
from sandbox.jira.emulator import JiraEmulator
from sandbox.jira.site import JiraSite, generate_site
from sandbox.workbooks import DemoPortfolio, build_portfolio, write_portfolio

TRANSFORMS_DIR = Path(__file__).resolve().parents[2] / "transforms"
EMAIL, API_TOKEN = "transforms@example.com", "transforms-token"


@dataclass(frozen=True)
class BuiltWarehouse:
    """A DuckDB file after `dbt build`, with the sandbox truth it was loaded from."""

    path: Path
    site: JiraSite
    portfolio: DemoPortfolio
    run_results: dict
    manifest: dict

    def query(self, sql: str):
        """Run a read-only query and return a pandas DataFrame."""
        with duckdb.connect(str(self.path), read_only=True) as con:
            return con.sql(sql).df()


def dbt_target_dir(warehouse: Path) -> Path:
    """dbt's artefacts for `warehouse`, kept out of the project's own target/ folder."""
    return warehouse.parent / "dbt_target"


def dbt(warehouse: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the dbt CLI on the project against `warehouse`, as Dagster does."""
    env = {
        **os.environ,
        "PMO_WAREHOUSE_PATH": str(warehouse),
        "DBT_TARGET_PATH": str(dbt_target_dir(warehouse)),
        "DBT_LOG_PATH": str(warehouse.parent / "dbt_logs"),
    }
    return subprocess.run(
        ["dbt", *args, "--profiles-dir", str(TRANSFORMS_DIR), "--project-dir", str(TRANSFORMS_DIR)],
        cwd=TRANSFORMS_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def load_sandbox(warehouse: Path, landing: Path, site: JiraSite, portfolio: DemoPortfolio) -> None:
    """Load the site and the workbooks with the project's dlt connectors."""
    write_portfolio(landing, portfolio)
    destination = dlt.destinations.duckdb(str(warehouse))
    pipelines_dir = str(landing.parent / "dlt")
    with JiraEmulator(site, email=EMAIL, api_token=API_TOKEN, port=0) as emulator:
        source = jira_source(
            base_url=emulator.base_url,
            email=EMAIL,
            api_token=API_TOKEN,
            pat=None,
            projects=[project.key for project in site.projects],
            reconcile_hours=0,
        )
        dlt.pipeline(
            "transforms_jira",
            destination=destination,
            dataset_name="raw_jira",
            pipelines_dir=pipelines_dir,
        ).run(source)
    sheets = spreadsheet_source(landing_url=str(landing), pseudonymisation_key="test-key")
    dlt.pipeline(
        "transforms_sheets",
        destination=destination,
        dataset_name="raw_spreadsheets",
        pipelines_dir=pipelines_dir,
    ).run(sheets)


@pytest.fixture(scope="session")
def sandbox_warehouse(tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    """The default sandbox portfolio, loaded and built once for the whole session."""
    root = tmp_path_factory.mktemp("transforms")
    warehouse = root / "pmo.duckdb"
    site = generate_site()
    portfolio = build_portfolio([project.key for project in site.projects])
    load_sandbox(warehouse, root / "landing", site, portfolio)
    build = dbt(warehouse, "build")
    assert build.returncode == 0, build.stdout[-5000:]
    artefacts = dbt_target_dir(warehouse)
    return BuiltWarehouse(
        warehouse,
        site,
        portfolio,
        json.loads((artefacts / "run_results.json").read_text()),
        json.loads((artefacts / "manifest.json").read_text()),
    )


@dataclass(frozen=True)
class IncrementalRebuild:
    """Mart and lifecycle tables after an incremental build and after a full refresh."""

    reopened_key: str
    deleted_key: str
    incremental: dict
    full_refresh: dict


# Models and seeds upstream of the compared marts: the incremental test needs no dbt tests.
INCREMENTAL_SELECTION = (
    "--select",
    "+mart_delivery_flow_monthly",
    "+mart_delivery_quality_monthly",
    "--resource-type",
    "model",
    "--resource-type",
    "seed",
)
INCREMENTAL_TABLES = (
    "intermediate.int_jira__issue_lifecycle",
    "intermediate.int_jira__status_intervals",
    "marts.mart_delivery_flow_monthly",
    "marts.mart_delivery_quality_monthly",
)


def snapshot(warehouse: Path) -> dict:
    """The compared tables, sorted, without the incremental bookkeeping column."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        frames = {}
        for table in INCREMENTAL_TABLES:
            frame = con.sql(f"select * from {table}").df()
            frame = frame.drop(columns=["source_load_id"], errors="ignore")
            frames[table] = frame.sort_values(list(frame.columns)).reset_index(drop=True)
        return frames


@pytest.fixture(scope="session")
def incremental_rebuild(tmp_path_factory: pytest.TempPathFactory) -> IncrementalRebuild:
    """Build, reopen one done issue and delete another in Jira, reload incrementally, build
    incrementally, then build again with --full-refresh: both must give the same tables."""
    root = tmp_path_factory.mktemp("incremental")
    warehouse = root / "pmo.duckdb"
    site = generate_site(issues_per_project=20)
    portfolio = build_portfolio([project.key for project in site.projects])
    load_sandbox(warehouse, root / "landing", site, portfolio)
    assert dbt(warehouse, "build", *INCREMENTAL_SELECTION).returncode == 0
    done, deleted = [
        issue
        for issue in site.issues.values()
        if issue.status_category_key == "done" and not issue.issue_type.subtask
    ][:2]
    reopen_to = next(
        status
        for status in done.project.workflow.statuses
        if status.category.key == "indeterminate"
    )
    site.transition(done.key, reopen_to.id, site.as_of)
    site.delete_issue(deleted.key)
    load_sandbox(warehouse, root / "landing", site, portfolio)
    assert dbt(warehouse, "build", *INCREMENTAL_SELECTION).returncode == 0
    incremental = snapshot(warehouse)
    assert dbt(warehouse, "build", "--full-refresh", *INCREMENTAL_SELECTION).returncode == 0
    return IncrementalRebuild(done.key, deleted.key, incremental, snapshot(warehouse))


CONTRACT_ROWS = """
insert into raw_jira.projects (id, key, name) values ('1', 'TZ', 'Time zones');
insert into raw_jira.statuses (id, name, status_category_key) values
    ('12', 'À faire', 'new'), ('11', 'En cours', 'indeterminate'), ('10', 'Erledigt', 'done');
insert into raw_jira.issues (id, key, project_id, project_key, issue_type, is_subtask,
    status_id, status_category_key, created, story_points) values
    ('1', 'TZ-1', '1', 'TZ', 'Story', false, '10', 'done',
     timestamptz '2025-01-31 23:30:00-02:00', 3);
insert into raw_jira.changelog_items (history_id, item_index, issue_id, changed_at, field,
    field_id, from_value, to_value) values
    ('1', 0, '1', timestamptz '2025-02-28 23:00:00-05:00', 'status', 'status', '12', '11'),
    ('2', 0, '1', timestamptz '2025-03-31 22:30:00-03:00', 'status', 'status', '11', '10');
insert into raw_spreadsheets.survey_responses (response_id, wave, stakeholder_group) values
    ('r1', '2025-Q1', '  ');
insert into raw_spreadsheets.project_register (project_key, rag) values
    ('TZ', 'R'), ('XX', 'Amber'), ('YY', null);
"""


@pytest.fixture(scope="session")
def contract_warehouse(tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    """Hand-made raw tables in the exact contract shape (docs/raw-tables.md), built by dbt."""
    warehouse = tmp_path_factory.mktemp("contract") / "pmo.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute((TRANSFORMS_DIR / "scripts" / "raw_contract.sql").read_text())
        con.execute(CONTRACT_ROWS)
    build = dbt(warehouse, "build")
    assert build.returncode == 0, build.stdout[-5000:]
    artefacts = dbt_target_dir(warehouse)
    return BuiltWarehouse(
        warehouse,
        None,
        None,
        json.loads((artefacts / "run_results.json").read_text()),
        json.loads((artefacts / "manifest.json").read_text()),
    )
