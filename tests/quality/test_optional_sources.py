"""Every source is optional: a Jira-only and a spreadsheets-only install refresh cleanly.

Each install runs ``pmo refresh`` (the command's entry point) against the sandbox with one
source left out, in a temporary warehouse and DAGSTER_HOME. Which marts depend on which
source is read from dbt's manifest (the models' lineage), not from the pipeline.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import great_expectations.expectations as gxe
import pytest

from connectors.smartsheet.settings import SETTING_NAMES as SMARTSHEET_SETTINGS
from pipelines.cli import main
from pipelines.defs.serving import KPI_REPORT_KEY
from pipelines.preflight import missing_settings
from quality.suites import project_register, survey_answers
from tests.quality.static_references import StaticReferences
from warehouse.publishing.paths import kpi_report_path
from warehouse.settings import REPO_ROOT, WAREHOUSE_PATH_ENV

pytestmark = pytest.mark.slow

MANIFEST = REPO_ROOT / "transforms" / "target" / "manifest.json"
JIRA_SETTINGS = (
    "SOURCES__JIRA__BASE_URL",
    "SOURCES__JIRA__EMAIL",
    "SOURCES__JIRA__API_TOKEN",
    "SOURCES__JIRA__PAT",
    "SOURCES__JIRA__PROJECTS",
)
SPREADSHEET_SETTINGS = (
    "SOURCES__SPREADSHEETS__LANDING_URL",
    "SOURCES__SPREADSHEETS__PSEUDONYMISATION_KEY",
)


@dataclass(frozen=True)
class Install:
    """What ``pmo refresh`` left behind on an install with one source missing."""

    exit_code: int
    mart_rows: dict[str, int]
    mart_columns: dict[str, set[str]]
    checks: dict[str, dg.AssetCheckEvaluation]
    ingestion: dict[str, dict]
    awaiting: dict[str, list[str]]
    report: str


def marts_reading_only(schema: str) -> dict[str, set[str]]:
    """Mart -> its documented columns, for every mart built from ``schema``'s tables alone."""
    manifest = json.loads(MANIFEST.read_text())
    nodes = {**manifest["nodes"], **manifest["sources"]}

    def sources(unique_id: str) -> set[str]:
        node = nodes[unique_id]
        if node["resource_type"] == "source":
            return {node["schema"]}
        if node["resource_type"] == "seed":
            return set()
        return set().union(*(sources(p) for p in node["depends_on"]["nodes"]))

    return {
        node["name"]: set(node["columns"])
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["fqn"][1] == "marts"
        if sources(unique_id) == {schema}
    }


def read_install(warehouse: Path, exit_code: int) -> Install:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = [
            t
            for (t,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts'"
            ).fetchall()
        ]
        rows = {t: con.execute(f'select count(*) from marts."{t}"').fetchone()[0] for t in tables}
        columns = {
            t: {
                c
                for (c,) in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = 'marts' and table_name = ?",
                    [t],
                ).fetchall()
            }
            for t in tables
        }
    with dg.DagsterInstance.get() as instance:
        checks = {
            f"{e.asset_key.to_user_string()}:{e.check_name}": e
            for e in (
                r.event_log_entry.dagster_event.event_specific_data
                for r in instance.get_event_records(
                    dg.EventRecordsFilter(dg.DagsterEventType.ASSET_CHECK_EVALUATION)
                )
            )
        }
        latest = instance.get_latest_materialization_events(instance.get_asset_keys())
        materialisations = {
            key.to_user_string(): event.asset_materialization.metadata
            for key, event in latest.items()
            if event is not None
        }
    report = materialisations.get(KPI_REPORT_KEY.to_user_string(), {})
    page = kpi_report_path(warehouse)
    return Install(
        exit_code=exit_code,
        mart_rows=rows,
        mart_columns=columns,
        checks=checks,
        ingestion={
            k: {n: v.value for n, v in m.items()}
            for k, m in materialisations.items()
            if k.startswith("raw_")
        },
        awaiting=report.get("awaiting", dg.MetadataValue.json({})).value,
        report=page.read_text() if page.exists() else "",
    )


def refresh_without(source: str, root: Path) -> Install:
    """``pmo refresh`` on the sandbox with ``source`` left out (unconfigured Jira, or an empty
    spreadsheet landing folder), and Smartsheet, so that one source remains."""
    from pipelines.demo import demo_sources

    with demo_sources(root / "sandbox") as sandbox, pytest.MonkeyPatch.context() as env:
        warehouse = root / "pmo.duckdb"
        env.setenv(WAREHOUSE_PATH_ENV, str(warehouse))
        env.setenv("DAGSTER_HOME", str(root / "dagster_home"))
        for name in SMARTSHEET_SETTINGS.values():
            env.delenv(name, raising=False)
        if source == "jira":
            for name in JIRA_SETTINGS:
                env.delenv(name, raising=False)
        else:
            for landed in sandbox.landing_dir.iterdir():
                landed.unlink()
        return read_install(warehouse, main(["refresh"]))


@pytest.fixture(scope="module")
def jira_only(tmp_path_factory: pytest.TempPathFactory) -> Install:
    return refresh_without("spreadsheets", tmp_path_factory.mktemp("jira_only"))


@pytest.fixture(scope="module")
def spreadsheets_only(tmp_path_factory: pytest.TempPathFactory) -> Install:
    return refresh_without("jira", tmp_path_factory.mktemp("spreadsheets_only"))


# install fixture -> (schema of the source left out, what its checks say, a mart of the other)
INSTALLS = {
    "jira_only": ("raw_spreadsheets", "nothing landed yet", "mart_delivery_throughput_monthly"),
    "spreadsheets_only": ("raw_jira", "Jira yet (not configured)", "mart_service_csat"),
}


@pytest.fixture(params=INSTALLS)
def install(request: pytest.FixtureRequest) -> tuple[Install, str, str, str]:
    """Each install, with what it leaves out."""
    return request.getfixturevalue(request.param), *INSTALLS[request.param]


def test_refresh_exits_0(install) -> None:
    run, *_ = install
    assert run.exit_code == 0


def test_the_marts_of_the_source_in_use_have_rows(install) -> None:
    run, _, _, mart = install
    assert run.mart_rows[mart] > 0


def test_the_marts_of_the_missing_source_exist_with_their_columns_and_no_rows(install) -> None:
    run, missing, _, _ = install
    expected = marts_reading_only(missing)
    assert expected
    for mart, columns in expected.items():
        assert run.mart_rows[mart] == 0, mart
        assert columns <= run.mart_columns[mart], mart


def test_the_checks_of_the_missing_source_pass_and_say_why(install) -> None:
    run, missing, why, _ = install
    checks = {k: e for k, e in run.checks.items() if k.startswith(f"{missing}/")}
    assert checks
    for name, evaluation in checks.items():
        assert evaluation.passed, name
        assert why in evaluation.description, name


def test_jira_only_report_says_which_sections_await_which_workbook(jira_only: Install) -> None:
    assert "value_survey" in jira_only.awaiting["PMO value scorecard"]
    assert jira_only.awaiting["Capability"] == ["maturity_assessment"]
    assert jira_only.awaiting["Portfolio health"] == ["project_register"]
    assert "Delivery trends" not in jira_only.awaiting
    assert "Awaiting data: the maturity_assessment workbook." in jira_only.report


def test_spreadsheets_only_jira_ingestion_says_not_configured(
    spreadsheets_only: Install,
) -> None:
    jira = {k: m for k, m in spreadsheets_only.ingestion.items() if k.startswith("raw_jira/")}
    assert jira
    assert all("not configured" in metadata["source"] for metadata in jira.values())


def test_spreadsheets_only_report_says_delivery_awaits_jira(spreadsheets_only: Install) -> None:
    assert spreadsheets_only.awaiting["Delivery trends"] == ["jira"]
    assert "Awaiting data: Jira." in spreadsheets_only.report


@pytest.mark.parametrize("kept", ["jira", "spreadsheets"])
def test_preflight_asks_only_for_the_sources_in_use(
    kept: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in (*JIRA_SETTINGS, *SPREADSHEET_SETTINGS, *SMARTSHEET_SETTINGS.values()):
        monkeypatch.delenv(name, raising=False)
    given = JIRA_SETTINGS if kept == "jira" else SPREADSHEET_SETTINGS
    for name in given:
        if name != "SOURCES__JIRA__PAT":
            monkeypatch.setenv(name, "x")
    assert missing_settings() == []


def test_preflight_without_any_source_names_both(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*JIRA_SETTINGS, *SPREADSHEET_SETTINGS, *SMARTSHEET_SETTINGS.values()):
        monkeypatch.delenv(name, raising=False)
    missing = missing_settings()
    assert "SOURCES__JIRA__BASE_URL" in missing
    assert "SOURCES__SPREADSHEETS__LANDING_URL" in missing


def reference_columns(suite) -> set[str]:
    return {e.column for e in suite.expectations if isinstance(e, gxe.ExpectColumnValuesToBeInSet)}


def test_a_register_is_checked_against_jira_projects_once_there_are_any() -> None:
    projects = StaticReferences({("raw_jira", "projects", "key"): ["APOLLO"]})
    assert "project_key" in reference_columns(project_register(projects))


def test_a_register_is_not_checked_against_a_jira_that_delivered_nothing() -> None:
    assert "project_key" not in reference_columns(project_register(StaticReferences({})))


def test_survey_answers_are_not_checked_against_a_catalogue_not_landed_yet() -> None:
    assert "service_id" not in reference_columns(survey_answers(StaticReferences({})))


def test_jira_polling_says_jira_is_not_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipelines.defs.sensors import jira_polling_sensor

    for name in JIRA_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    result = jira_polling_sensor(dg.build_sensor_context())
    assert isinstance(result, dg.SkipReason)
    assert "not configured" in result.skip_message
