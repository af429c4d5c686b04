"""Values from the data never become markup in a page we generate or link: Great Expectations'
Data Docs (linked from every Dagster check) and the HTML KPI report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from connectors.spreadsheets.layouts import SURVEY_DIMENSIONS
from quality.tables import TABLE_SUITES
from quality.validate import validate_table
from tests.quality.static_references import StaticReferences
from warehouse.report.kpi_report import SERVING_TABLES_READ, build_kpi_report

from .browser import CHROMIUM, Page, headless_page

# Each payload calls alert() if it ever runs; nothing of GE's or plotly's own calls it.
PAYLOADS = (
    "<img src=x onerror=alert(1)>",
    "<script>alert(2)</script>",
    "</td><script>alert(3)</script>",
    '"><svg onload=alert(4)>',
    '<a href="javascript:alert(5)">open</a>',
    "javascript:alert(6)",
    "</script><script>alert(7)</script>",
)
RUNS = "alert("
# Installed in the page before any of its own scripts: dialogs are recorded, never shown.
RECORD_DIALOGS = """
window.__dialogs = [];
for (const name of ["alert", "confirm", "prompt"]) {
  window[name] = (message) => { window.__dialogs.push(String(message)); };
}
"""
SETTLE_MS = 500  # event handlers of failed images and the like fire just after load


@dataclass
class Markup(HTMLParser):
    """What in a page can run: script bodies, event-handler attributes, javascript: URLs."""

    scripts: list[str] = field(default_factory=list)
    handlers: list[str] = field(default_factory=list)
    script_urls: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    elements: Counter[str] = field(default_factory=Counter)
    _in_script: bool = False

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements[tag] += 1
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}={value}>")
            if (value or "").strip().lower().startswith("javascript:"):
                self.script_urls.append(f"<{tag} {name}={value}>")
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        (self.scripts if self._in_script else self.text).append(data)

    @property
    def executable_payloads(self) -> list[str]:
        code = self.scripts + self.handlers + self.script_urls
        return [piece.strip()[:120] for piece in code if RUNS in piece]


def markup(page: Path) -> Markup:
    parser = Markup()
    parser.feed(page.read_text())
    return parser


def dialogs_raised(page: Page, url: str) -> list[str]:
    """Open ``url`` offline (remote scripts blocked) and return the dialogs its scripts raised."""
    page.send("Network.enable")
    page.send("Network.setBlockedURLs", urls=["http://*", "https://*"])
    page.send("Page.addScriptToEvaluateOnNewDocument", source=RECORD_DIALOGS)
    page.open(url)
    settled = f"new Promise(done => setTimeout(() => done(window.__dialogs), {SETTLE_MS}))"
    result = page.send(
        "Runtime.evaluate", expression=settled, awaitPromise=True, returnByValue=True
    )
    return result["result"]["value"]


def require_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: `apt-get install chromium` (the Makefile does)")


def suite_of(name: str):
    return next(suite for suite in TABLE_SUITES if suite.name == name)


@pytest.fixture(scope="module")
def data_docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Data Docs of two validations whose failing values (single values, compound keys) and
    reference values are the payloads; returns the site folder."""
    root = tmp_path_factory.mktemp("hostile_docs")
    register = pd.DataFrame(
        {
            "project_key": [*PAYLOADS, PAYLOADS[0]],  # a repeated key fails uniqueness
            "strategic_objective_id": [*PAYLOADS, "O1"],
            "budget": 1.0,
            "actual_cost_to_date": 1.0,
            "planned_benefits": 1.0,
            "realised_benefits": 1.0,
            "baseline_start": pd.Timestamp("2026-01-01"),
            "baseline_end": pd.Timestamp("2026-02-01"),
            "rag": [*PAYLOADS, "Green"],
        }
    )
    answers = pd.DataFrame(
        {
            "response_id": [*PAYLOADS, *PAYLOADS],  # every (response, service, dimension) twice
            "service_id": [*PAYLOADS, *PAYLOADS],
            "dimension": SURVEY_DIMENSIONS[0],
            "score": 3,
        }
    )
    warehouse = root / "hostile.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        for schema, table, frame in (
            ("raw_spreadsheets", "project_register", register),
            ("raw_spreadsheets", "survey_answers", answers),
        ):
            con.register("frame", frame)
            con.execute(f"create schema if not exists {schema}")
            con.execute(f"create table {schema}.{table} as select * from frame")
            con.unregister("frame")
    # Reference values (shown as the allowed set) are payloads too, but never contain one of
    # the failing values, so that the text check below is about the failing values only.
    references = StaticReferences(
        {
            ("raw_jira", "projects", "key"): [p.replace(RUNS, f"{RUNS}10") for p in PAYLOADS],
            ("raw_spreadsheets", "strategic_objectives", "objective_id"): ["O1"],
            ("raw_spreadsheets", "service_catalogue", "service_id"): ["S1"],
        }
    )
    project = root / "gx"
    for name in ("raw_spreadsheets.project_register", "raw_spreadsheets.survey_answers"):
        summary = validate_table(warehouse, suite_of(name), project, references)
        assert summary.failures, f"{name}: the hostile rows should fail"
    return summary.docs_index.parent


@pytest.fixture(scope="module")
def docs_pages(data_docs: Path) -> list[Path]:
    pages = sorted(data_docs.rglob("*.html"))
    assert any("validations" in page.parts for page in pages)
    return pages


def validation_pages(pages: list[Path]) -> list[Path]:
    return [page for page in pages if "validations" in page.parts]


def test_no_payload_is_executable_markup_in_any_data_docs_page(docs_pages: list[Path]) -> None:
    executable = {page.name: markup(page).executable_payloads for page in docs_pages}
    assert {name: found for name, found in executable.items() if found} == {}


def test_the_failing_values_are_shown_as_text(docs_pages: list[Path]) -> None:
    """Escaped once: the page shows each value as it is in the data, not its entities."""
    text = "".join("".join(markup(page).text) for page in validation_pages(docs_pages))
    assert [payload for payload in PAYLOADS if payload not in text] == []


def test_no_payload_runs_when_a_validation_page_is_opened(
    docs_pages: list[Path], tmp_path: Path
) -> None:
    require_chromium()
    with headless_page(tmp_path / "profile") as page:
        raised = [dialogs_raised(page, p.as_uri()) for p in validation_pages(docs_pages)]
    assert raised and all(found == [] for found in raised)


def test_the_browser_check_sees_a_payload_that_runs(tmp_path: Path) -> None:
    """The check above can fail: the same payloads written raw into a page do run."""
    require_chromium()
    page_path = tmp_path / "raw.html"
    page_path.write_text(f"<html><body><table><tr><td>{''.join(PAYLOADS)}</td></tr></table>")
    with headless_page(tmp_path / "profile") as page:
        assert len(dialogs_raised(page, page_path.as_uri())) >= 3


# Text columns whose values the marts define (dbt accepted_values), which the report filters
# on but never shows: no source text reaches them.
VOCABULARY_COLUMNS = {"delivery_forecast_trend": ("subject_type", "scope_basis")}


@pytest.fixture(scope="module")
def hostile_snapshot(published, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sandbox snapshot with a payload in front of every text value the report shows."""
    snapshot = tmp_path_factory.mktemp("hostile_report") / "hostile.duckdb"
    with duckdb.connect(str(snapshot)) as con:
        con.execute(f"attach '{published.database}' as snapshot (read_only)")
        for name in SERVING_TABLES_READ:
            con.execute(f'create table "{name}" as select * from snapshot."{name}"')
            texts = con.execute(
                "select column_name from duckdb_columns() where database_name = current_database()"
                " and table_name = ? and data_type = 'VARCHAR'",
                [name],
            ).fetchall()
            shown = [(c,) for (c,) in texts if c not in VOCABULARY_COLUMNS.get(name, ())]
            for index, (column,) in enumerate(shown):
                payload = PAYLOADS[index % len(PAYLOADS)].replace("'", "''")
                con.execute(f'update "{name}" set "{column}" = \'{payload}\' || "{column}"')
    return snapshot


@pytest.fixture(scope="module")
def reports(published, hostile_snapshot: Path) -> Iterator[tuple[Path, Path]]:
    """The KPI report of the sandbox snapshot and of its hostile copy."""
    folder = hostile_snapshot.parent
    yield (
        build_kpi_report(published.database, folder / "clean.html").path,
        build_kpi_report(hostile_snapshot, folder / "hostile.html").path,
    )


def test_hostile_values_add_no_element_to_the_kpi_report(reports: tuple[Path, Path]) -> None:
    """Same elements with and without payloads: none broke out of a script or an attribute."""
    clean, hostile_report = (markup(page) for page in reports)
    assert hostile_report.elements == clean.elements
    assert hostile_report.handlers == clean.handlers


def test_no_payload_runs_when_the_kpi_report_is_opened(
    reports: tuple[Path, Path], tmp_path: Path
) -> None:
    require_chromium()
    with headless_page(tmp_path / "profile") as page:
        assert dialogs_raised(page, reports[1].as_uri()) == []
