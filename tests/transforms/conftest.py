"""Fixtures for the dbt project: a warehouse loaded from the sandbox by the real connectors
(Jira over HTTP from the local emulator, workbooks from a landing folder), then built by dbt."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import zip_longest
from pathlib import Path

import dlt
import duckdb
import pytest

from connectors.jira import jira_source
from connectors.spreadsheets import spreadsheet_source
from sandbox.jira.emulator import JiraEmulator
from sandbox.jira.messy import TESTING, generate_messy_site
from sandbox.jira.site import Issue, JiraSite, generate_site
from sandbox.workbooks import DemoPortfolio, build_portfolio, write_portfolio

TRANSFORMS_DIR = Path(__file__).resolve().parents[2] / "transforms"
EMAIL, API_TOKEN = "transforms@example.com", "transforms-token"


@dataclass(frozen=True)
class BuiltWarehouse:
    """A DuckDB file after `dbt build`, with the sandbox truth it was loaded from."""

    path: Path
    site: JiraSite | None  # None: hand-made contract tables
    portfolio: DemoPortfolio | None
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


def load_jira(warehouse: Path, pipelines_dir: Path, site: JiraSite) -> None:
    """Load the site with the project's Jira connector, over HTTP from the emulator."""
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
            destination=dlt.destinations.duckdb(str(warehouse)),
            dataset_name="raw_jira",
            pipelines_dir=str(pipelines_dir),
        ).run(source)


def load_workbooks(warehouse: Path, landing: Path, portfolio: DemoPortfolio) -> None:
    """Land the workbooks and load them with the project's spreadsheet connector."""
    write_portfolio(landing, portfolio)
    sheets = spreadsheet_source(landing_url=str(landing), pseudonymisation_key="test-key")
    dlt.pipeline(
        "transforms_sheets",
        destination=dlt.destinations.duckdb(str(warehouse)),
        dataset_name="raw_spreadsheets",
        pipelines_dir=str(landing.parent / "dlt"),
    ).run(sheets)


def load_sandbox(warehouse: Path, landing: Path, site: JiraSite, portfolio: DemoPortfolio) -> None:
    """Load the site and the workbooks with the project's dlt connectors."""
    load_jira(warehouse, landing.parent / "dlt", site)
    load_workbooks(warehouse, landing, portfolio)


def build_warehouse(
    warehouse: Path, site: JiraSite | None, portfolio: DemoPortfolio | None
) -> BuiltWarehouse:
    """`dbt build` the loaded warehouse, with the run results and manifest dbt wrote."""
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


def site_warehouse(root: Path, site: JiraSite) -> BuiltWarehouse:
    """`site` and a portfolio of its projects, loaded and built in a warehouse under `root`."""
    warehouse = root / "pmo.duckdb"
    portfolio = build_portfolio([project.key for project in site.projects])
    load_sandbox(warehouse, root / "landing", site, portfolio)
    return build_warehouse(warehouse, site, portfolio)


@pytest.fixture(scope="session")
def sandbox_warehouse(tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    """The default sandbox portfolio, loaded and built once for the whole session."""
    return site_warehouse(tmp_path_factory.mktemp("transforms"), generate_site())


def one_source_warehouse(
    root: Path, site: JiraSite | None, portfolio: DemoPortfolio | None
) -> BuiltWarehouse:
    """An install with one source only: `site` (Jira-only) or `portfolio` (spreadsheets-only)
    loaded, the other source's raw tables empty as the ingestion declares them, then built."""
    warehouse = root / "pmo.duckdb"
    if site is not None:
        load_jira(warehouse, root / "dlt", site)
    if portfolio is not None:
        load_workbooks(warehouse, root / "landing", portfolio)
    with duckdb.connect(str(warehouse)) as con:
        con.execute((TRANSFORMS_DIR / "scripts" / "raw_contract.sql").read_text())
    return build_warehouse(warehouse, site, portfolio)


@pytest.fixture(scope="session")
def jira_only_warehouse(tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    """Jira configured, no workbook landed yet: a small site, loaded and built once."""
    site = generate_site(issues_per_project=20)
    return one_source_warehouse(tmp_path_factory.mktemp("jira_only"), site, None)


@pytest.fixture(scope="session")
def spreadsheets_only_warehouse(tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    """Every workbook landed, Jira not configured: loaded and built once."""
    keys = [project.key for project in generate_site(issues_per_project=1).projects]
    portfolio = build_portfolio(keys)
    return one_source_warehouse(tmp_path_factory.mktemp("spreadsheets_only"), None, portfolio)


@pytest.fixture(scope="session")
def messy_warehouse(tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    """The messy real-world site (statuses /status no longer lists, stale embedded
    categories, localised names, absent keys), loaded and built once for the session."""
    return site_warehouse(tmp_path_factory.mktemp("messy"), generate_messy_site())


@dataclass(frozen=True)
class IncrementalRebuild:
    """Every mart and the status and issue intermediate models after an incremental build,
    and after a --full-refresh build on the same data."""

    reopened_key: str
    deleted_key: str
    emptied_partition: tuple[str, date]
    created_key: str
    recategorised_status: str
    rewritten_key: str
    before: dict
    incremental: dict
    full_refresh: dict


# Every model and seed: the comparison needs no dbt tests.
MODELS_AND_SEEDS = ("--resource-type", "model", "--resource-type", "seed")
JIRA_INTERMEDIATES = (
    "intermediate.int_jira__status_transitions",
    "intermediate.int_jira__status_intervals",
    "intermediate.int_jira__issue_lifecycle",
    "intermediate.int_jira__sprint_membership",
)
# The build instant the WIP of the current month is measured at.
BUILD_TIME_COLUMNS = ["as_of_at"]


def snapshot(warehouse: Path) -> dict:
    """Every mart and Jira intermediate model, sorted, without the build instant."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        marts = con.sql(
            "select 'marts.' || table_name from duckdb_tables() where schema_name = 'marts'"
        ).fetchall()
        frames = {}
        for (table,) in [*marts, *((name,) for name in JIRA_INTERMEDIATES)]:
            frame = con.sql(f"select * from {table}").df()
            frame = frame.drop(columns=BUILD_TIME_COLUMNS, errors="ignore")
            frames[table] = frame.sort_values(list(frame.columns)).reset_index(drop=True)
        return frames


def worked_across_a_month_end(before: dict, exclude: set[str]) -> str:
    """The key of a done issue (no sub-task) that was in progress at the end of a month."""
    lifecycle = before["intermediate.int_jira__issue_lifecycle"]
    started = lifecycle["first_in_progress_at"].dt.to_period("M")
    finished = lifecycle["first_done_at"].dt.to_period("M")
    candidates = lifecycle[
        (started < finished)
        & lifecycle["is_done"]
        & ~lifecycle["is_subtask"]
        & ~lifecycle["issue_key"].isin(exclude)
    ]
    return candidates["issue_key"].iloc[0]


def alone_in_its_done_month(site: JiraSite) -> Issue:
    """A done issue that is the only one done in its project and month: deleting it in Jira
    empties a partition of the monthly marts."""
    done = [
        issue
        for issue in site.issues.values()
        if issue.first_done_at is not None and not issue.issue_type.subtask
    ]
    partition = Counter(
        (issue.project.key, issue.first_done_at.strftime("%Y-%m")) for issue in done
    )
    return next(
        issue
        for issue in done
        if partition[(issue.project.key, issue.first_done_at.strftime("%Y-%m"))] == 1
        and issue.status_category_key == "done"
    )


@pytest.fixture(scope="session")
def incremental_rebuild(tmp_path_factory: pytest.TempPathFactory) -> IncrementalRebuild:
    """Build, then in Jira reopen one done issue, delete another (alone in its month), create
    and finish a third, re-estimate a fourth that was in progress at a month end, rewrite the
    history of a fifth (its last status move removed, as the weekly full reload brings it),
    and recategorise the review status as done; reload incrementally, the reopened issue in a
    load that started before the last one built (it committed late), build incrementally,
    then build again with --full-refresh: both builds must give the same tables."""
    root = tmp_path_factory.mktemp("incremental")
    warehouse = root / "pmo.duckdb"
    site = generate_site(issues_per_project=20)
    portfolio = build_portfolio([project.key for project in site.projects])
    load_sandbox(warehouse, root / "landing", site, portfolio)
    backdate_loads(warehouse)
    assert dbt(warehouse, "build", *MODELS_AND_SEEDS).returncode == 0
    before = snapshot(warehouse)
    deleted = alone_in_its_done_month(site)
    emptied = (deleted.project.key, deleted.first_done_at.date().replace(day=1))
    reopened = next(
        issue
        for issue in site.issues.values()
        if issue.status_category_key == "done"
        and not issue.issue_type.subtask
        and issue is not deleted
    )
    reestimated = worked_across_a_month_end(before, exclude={reopened.key, deleted.key})
    rewritten = moved_twice(before, exclude={reopened.key, deleted.key, reestimated})
    workflow = reopened.project.workflow
    site.transition(reopened.key, workflow.in_progress.id, site.as_of)
    site.set_custom_value(reestimated, site.field_for("story_points").id, 21.0, site.as_of)
    site.delete_issue(deleted.key)
    created = site.create_issue(reopened.project.key, "Late addition", site.as_of)
    site.transition(created.key, workflow.in_progress.id, site.as_of)
    site.transition(created.key, workflow.done.id, site.as_of)
    last_built_load = newest_issue_load(warehouse)
    load_sandbox(warehouse, root / "landing", site, portfolio)
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "update raw_jira.issues set _dlt_load_id = ? where key = ?",
            [f"{float(last_built_load) - 600:.6f}", reopened.key],
        )
        con.execute(
            "update raw_jira.statuses set status_category_key = 'done' where id = ?",
            [workflow.review.id],
        )
        for statement in REWRITE_HISTORY:
            con.execute(statement, [rewritten])
    incremental = dbt(warehouse, "build", *MODELS_AND_SEEDS)
    assert incremental.returncode == 0, incremental.stdout[-5000:]
    frames = snapshot(warehouse)
    assert dbt(warehouse, "build", "--full-refresh", *MODELS_AND_SEEDS).returncode == 0
    return IncrementalRebuild(
        reopened.key,
        deleted.key,
        emptied,
        created.key,
        workflow.review.id,
        rewritten,
        before,
        frames,
        snapshot(warehouse),
    )


# Jira rewrote the issue's history (its last status move gone); the reload brings it.
REWRITE_HISTORY = (
    """
    delete from raw_jira.changelog_items
    where (history_id, item_index) in (
        select (history_id, item_index) from raw_jira.changelog_items
        where issue_key = ? and field_id = 'status'
        order by changed_at desc
        limit 1
    )
    """,
    """
    update raw_jira.issues set _dlt_load_id = (select max(_dlt_load_id) from raw_jira.issues)
    where key = ?
    """,
)


def moved_twice(before: dict, exclude: set[str]) -> str:
    """The key of an issue (no sub-task) with at least two status moves."""
    lifecycle = before["intermediate.int_jira__issue_lifecycle"]
    candidates = lifecycle[
        (lifecycle["status_change_count"] >= 2)
        & ~lifecycle["is_subtask"]
        & ~lifecycle["issue_key"].isin(exclude)
    ]
    return candidates["issue_key"].iloc[0]


def backdate_loads(warehouse: Path) -> None:
    """Date the raw issues' dlt loads a day back, as if the first load ran yesterday: only the
    issues the next load brings are then within the incremental history's lookback."""
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "update raw_jira.issues "
            "set _dlt_load_id = printf('%.6f', cast(_dlt_load_id as double) - 86400)"
        )


def newest_issue_load(warehouse: Path) -> str:
    """The dlt load id of the newest raw issue row."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return newest_issue_load_of(con)


def newest_issue_load_of(con: duckdb.DuckDBPyConnection) -> str:
    """The dlt load id of the newest raw issue row, on an open connection."""
    return con.execute("select max(_dlt_load_id) from raw_jira.issues").fetchone()[0]


@dataclass(frozen=True)
class MessyRebuild:
    """The messy site's marts and incremental tables after an incremental build that follows
    the deletion of an issue that sat in a status of unknown category, and after a
    --full-refresh build on the same data."""

    deleted_key: str
    before: dict
    incremental: dict
    full_refresh: dict


def in_testing_at_a_month_end(issue: Issue) -> bool:
    """Whether the issue sat in the retired "测试中" across the end of a month."""
    changes = issue.status_changes
    for entered, left in zip_longest(changes, changes[1:]):
        if entered.to_status is TESTING:
            month_start = entered.at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
            month_end = (month_start + timedelta(days=32)).replace(day=1)
            if left is None or left.at >= month_end:
                return True
    return False


@pytest.fixture(scope="session")
def messy_incremental_rebuild(tmp_path_factory: pytest.TempPathFactory) -> MessyRebuild:
    """Build the messy site, delete in Jira an issue that sat in the retired "测试中" (its
    category unknown: it counts in the unknown-status figures of WIP and its done month),
    reload incrementally, build incrementally, then with --full-refresh."""
    root = tmp_path_factory.mktemp("messy_incremental")
    warehouse = root / "pmo.duckdb"
    site = generate_messy_site(issues_per_project=20)
    portfolio = build_portfolio([project.key for project in site.projects])
    load_sandbox(warehouse, root / "landing", site, portfolio)
    backdate_loads(warehouse)
    assert dbt(warehouse, "build", *MODELS_AND_SEEDS).returncode == 0
    before = snapshot(warehouse)
    deleted = next(
        issue
        for issue in site.issues.values()
        if not issue.issue_type.subtask and in_testing_at_a_month_end(issue)
    )
    site.delete_issue(deleted.key)
    load_sandbox(warehouse, root / "landing", site, portfolio)
    incremental = dbt(warehouse, "build", *MODELS_AND_SEEDS)
    assert incremental.returncode == 0, incremental.stdout[-5000:]
    frames = snapshot(warehouse)
    assert dbt(warehouse, "build", "--full-refresh", *MODELS_AND_SEEDS).returncode == 0
    return MessyRebuild(deleted.key, before, frames, snapshot(warehouse))


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
    return build_warehouse(warehouse, None, None)


@pytest.fixture
def contract_warehouse_copy(contract_warehouse: BuiltWarehouse, tmp_path: Path) -> Path:
    """A copy of the built contract warehouse, for tests that alter tables and rerun dbt."""
    copy = tmp_path / "pmo.duckdb"
    shutil.copyfile(contract_warehouse.path, copy)
    return copy


@dataclass(frozen=True)
class ReloadRebuild:
    """The Jira-only warehouse's marts and Jira intermediate models after a full Jira reload
    (every issue in one new load, one issue's history rewritten) built incrementally, and
    after a --full-refresh build on the same data."""

    rewritten_key: str
    before: dict
    incremental: dict
    full_refresh: dict


@pytest.fixture(scope="session")
def full_reload_rebuild(
    jira_only_warehouse: BuiltWarehouse, tmp_path_factory: pytest.TempPathFactory
) -> ReloadRebuild:
    """A copy of the built Jira-only warehouse; then the weekly full reload, as the raw tables
    hold it: every issue in a new dlt load, one of them with its history rewritten (its last
    status move gone); build incrementally, then with --full-refresh."""
    warehouse = tmp_path_factory.mktemp("full_reload") / "pmo.duckdb"
    shutil.copyfile(jira_only_warehouse.path, warehouse)
    before = snapshot(warehouse)
    rewritten = moved_twice(before, exclude=set())
    with duckdb.connect(str(warehouse)) as con:
        con.execute(REWRITE_HISTORY[0], [rewritten])
        con.execute(
            "update raw_jira.issues set _dlt_load_id = printf('%.6f', cast(? as double) + 3600)",
            [newest_issue_load_of(con)],
        )
    incremental = dbt(warehouse, "build", *MODELS_AND_SEEDS)
    assert incremental.returncode == 0, incremental.stdout[-5000:]
    frames = snapshot(warehouse)
    assert dbt(warehouse, "build", "--full-refresh", *MODELS_AND_SEEDS).returncode == 0
    return ReloadRebuild(rewritten, before, frames, snapshot(warehouse))
