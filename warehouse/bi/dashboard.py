"""The PMO value scorecard in Superset, created (or brought up to date) through its REST API.

Every object is found by its name before it is written, so running the setup again updates
the database connection, datasets, charts and dashboard in place and never duplicates them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import requests

DATABASE_NAME = "PMO serving snapshot"
DASHBOARD_TITLE = "PMO value scorecard"
DASHBOARD_SLUG = "pmo-value-scorecard"
SCORECARD = "pmo_value_scorecard_quarterly"
THROUGHPUT = "delivery_throughput_monthly"
DATASET_PREFIXES = (SCORECARD, "delivery_")
REQUEST_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class Headline:
    """A big number: one scorecard column in the latest quarter, its trend over the quarters."""

    name: str
    column: str
    number_format: str


HEADLINES = (
    Headline("Value delivery rate % (latest quarter)", "value_delivery_rate_pct", ".1f"),
    Headline("CSAT (latest quarter)", "csat_mean", ".2f"),
    Headline("NPS (latest quarter)", "nps", ".1f"),
    Headline("Composite score (latest quarter)", "composite_score", ".1f"),
)
THROUGHPUT_TABLE = "Throughput by project"


def rison(value: Any) -> str:
    """Superset's list filters are Rison-encoded; strings are always quoted here."""
    if isinstance(value, dict):
        return "(" + ",".join(f"{key}:{rison(item)}" for key, item in value.items()) + ")"
    if isinstance(value, list | tuple):
        return "!(" + ",".join(rison(item) for item in value) + ")"
    if isinstance(value, bool):
        return "!t" if value else "!f"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("!", "!!").replace("'", "!'") + "'"


class SupersetClient:
    """A logged-in API session: bearer token plus the CSRF token Superset wants on writes."""

    def __init__(self, base_url: str, username: str, password: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.trust_env = False  # loopback: never through a proxy
        login = {"username": username, "password": password, "provider": "db", "refresh": True}
        token = self.call("POST", "security/login", json=login)["access_token"]
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.session.headers["X-CSRFToken"] = self.call("GET", "security/csrf_token/")["result"]
        self.session.headers["Referer"] = self.base_url

    def call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self.session.request(
            method, f"{self.base_url}/api/v1/{path}", timeout=REQUEST_TIMEOUT_SECONDS, **kwargs
        )
        if not response.ok:
            raise RuntimeError(f"{method} /api/v1/{path}: {response.status_code} {response.text}")
        return response.json()

    def find(self, resource: str, column: str, value: str) -> list[dict[str, Any]]:
        """Objects of ``resource`` whose ``column`` equals ``value``."""
        query = {"filters": [{"col": column, "opr": "eq", "value": value}], "page_size": 100}
        return self.call("GET", f"{resource}/", params={"q": rison(query)})["result"]

    def upsert(self, resource: str, existing: list[dict[str, Any]], body: dict[str, Any]) -> int:
        """Update the one existing object, or create it; its id."""
        if existing:
            object_id = existing[0]["id"]
            self.call("PUT", f"{resource}/{object_id}", json=body)
            return object_id
        return self.call("POST", f"{resource}/", json=body)["id"]


def set_up_dashboard(client: SupersetClient, snapshot: Path) -> str:
    """Connection, datasets, charts and dashboard; the dashboard's path."""
    database_id = ensure_database(client, snapshot)
    datasets = {
        table: ensure_dataset(client, database_id, table, columns)
        for table, columns in served_tables(snapshot).items()
    }
    dashboard_id = client.upsert(
        "dashboard",
        client.find("dashboard", "slug", DASHBOARD_SLUG),
        {"dashboard_title": DASHBOARD_TITLE, "slug": DASHBOARD_SLUG, "published": True},
    )
    charts = [
        ensure_chart(
            client,
            dashboard_id,
            datasets[SCORECARD],
            headline.name,
            "big_number",
            headline_params(headline),
        )
        for headline in HEADLINES
    ]
    charts.append(
        ensure_chart(
            client,
            dashboard_id,
            datasets[THROUGHPUT],
            THROUGHPUT_TABLE,
            "table",
            throughput_params(),
        )
    )
    client.call("PUT", f"dashboard/{dashboard_id}", json={"position_json": layout(charts)})
    return f"/superset/dashboard/{DASHBOARD_SLUG}/"


def ensure_database(client: SupersetClient, snapshot: Path) -> int:
    """The snapshot's stable path, opened read-only: each query sees the current publish."""
    body = {
        "database_name": DATABASE_NAME,
        "sqlalchemy_uri": f"duckdb:///{snapshot.absolute()}?access_mode=read_only",
        "expose_in_sqllab": True,
        "allow_dml": False,
        "allow_file_upload": False,
    }
    return client.upsert("database", client.find("database", "database_name", DATABASE_NAME), body)


def served_tables(snapshot: Path) -> dict[str, set[str]]:
    """The scorecard and every delivery mart in the snapshot, with their columns."""
    with duckdb.connect(str(snapshot), read_only=True) as con:
        rows = con.execute("select table_name, column_name from duckdb_columns()").fetchall()
    tables: dict[str, set[str]] = {}
    for table, column in rows:
        if table.startswith(DATASET_PREFIXES):
            tables.setdefault(table, set()).add(column)
    return tables


def ensure_dataset(client: SupersetClient, database_id: int, table: str, columns: set[str]) -> int:
    """A physical dataset on ``main.<table>``; refreshed when the mart's columns changed."""
    existing = [
        dataset
        for dataset in client.find("dataset", "table_name", table)
        if dataset["database"]["id"] == database_id
    ]
    if not existing:
        body = {"database": database_id, "schema": "main", "table_name": table}
        return client.call("POST", "dataset/", json=body)["id"]
    dataset_id = existing[0]["id"]
    known = client.call("GET", f"dataset/{dataset_id}")["result"]["columns"]
    if {column["column_name"] for column in known} != columns:
        client.call("PUT", f"dataset/{dataset_id}/refresh")
    return dataset_id


def ensure_chart(
    client: SupersetClient,
    dashboard_id: int,
    dataset_id: int,
    name: str,
    viz_type: str,
    params: dict[str, Any],
) -> tuple[int, str, str]:
    """The chart on the dashboard; its id, name and type (for the layout)."""
    params = {**params, "datasource": f"{dataset_id}__table", "viz_type": viz_type}
    body = {
        "slice_name": name,
        "viz_type": viz_type,
        "datasource_id": dataset_id,
        "datasource_type": "table",
        "params": json.dumps(params),
        "dashboards": [dashboard_id],
    }
    return client.upsert("chart", client.find("chart", "slice_name", name), body), name, viz_type


def sql_metric(expression: str, label: str) -> dict[str, Any]:
    return {"expressionType": "SQL", "sqlExpression": expression, "label": label}


def headline_params(headline: Headline) -> dict[str, Any]:
    """The scorecard has one row per quarter: the big number is the last quarter's value."""
    return {
        "x_axis": "quarter_start",
        "time_grain_sqla": "P3M",
        "time_range": "No filter",
        "metric": sql_metric(f"max({headline.column})", headline.column),
        "adhoc_filters": [],
        "show_trend_line": True,
        "start_y_axis_at_zero": False,
        "y_axis_format": headline.number_format,
        "header_font_size": 0.4,
        "subheader_font_size": 0.15,
    }


def throughput_params() -> dict[str, Any]:
    """Issues and story points done per project, over the whole history."""
    issues, points = "Issues done", "Story points done"
    return {
        "query_mode": "aggregate",
        "groupby": ["project_key"],
        "metrics": [
            sql_metric("sum(issues_done)", issues),
            sql_metric("sum(story_points_done)", points),
        ],
        "adhoc_filters": [],
        "row_limit": 1000,
        "server_pagination": False,
        "order_desc": False,
        "timeseries_limit_metric": None,
        "column_config": {issues: {"d3NumberFormat": ",d"}, points: {"d3NumberFormat": ",.1f"}},
    }


def layout(charts: list[tuple[int, str, str]]) -> str:
    """Big numbers side by side in the first row, each table in a full-width row below."""
    numbers = [chart for chart in charts if chart[2] != "table"]
    tables = [chart for chart in charts if chart[2] == "table"]
    rows = [(numbers, 12 // max(len(numbers), 1), 30)] + [([table], 12, 30) for table in tables]
    position: dict[str, Any] = {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"type": "ROOT", "id": "ROOT_ID", "children": ["GRID_ID"]},
        "HEADER_ID": {"type": "HEADER", "id": "HEADER_ID", "meta": {"text": DASHBOARD_TITLE}},
        "GRID_ID": {"type": "GRID", "id": "GRID_ID", "children": [], "parents": ["ROOT_ID"]},
    }
    for index, (members, width, height) in enumerate(rows, start=1):
        row = f"ROW-{index}"
        position["GRID_ID"]["children"].append(row)
        position[row] = {
            "type": "ROW",
            "id": row,
            "children": [f"CHART-{chart_id}" for chart_id, _, _ in members],
            "parents": ["ROOT_ID", "GRID_ID"],
            "meta": {"background": "BACKGROUND_TRANSPARENT"},
        }
        for chart_id, name, _ in members:
            position[f"CHART-{chart_id}"] = {
                "type": "CHART",
                "id": f"CHART-{chart_id}",
                "children": [],
                "parents": ["ROOT_ID", "GRID_ID", row],
                "meta": {"chartId": chart_id, "width": width, "height": height, "sliceName": name},
            }
    return json.dumps(position)
