"""What the serving snapshot holds, read from the dbt manifest so it follows the project.

Every model of the ``marts`` layer is published under its business name (the ``mart_`` prefix
dropped), plus the few dimensions BI users join to. Descriptions and KPI definitions come from
the same dbt yml that feeds ``docs/kpis.md``, so the serving schema documents itself.
Respondent-level survey data is never published: only the suppressed aggregates of the marts.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MARTS_LAYER = "marts"
MART_PREFIX = "mart_"
# Dimensions BI tools join the marts to (by service_id, objective_id, project_key, need_id).
DIMENSIONS = {
    "stg_spreadsheets__service_catalogue": "dim_pmo_service",
    "stg_spreadsheets__strategic_objectives": "dim_strategic_objective",
    "stg_spreadsheets__project_register": "dim_project",
    "stg_spreadsheets__needs_register": "dim_stakeholder_need",
    "stg_jira__projects": "dim_jira_project",
}
KPI_FIELDS = ("kpi", "grain", "formula", "source", "caveats")


@dataclass(frozen=True)
class ServingTable:
    """One warehouse relation and how it appears in the serving snapshot."""

    name: str
    source_schema: str
    source_table: str
    kind: str  # "kpi" or "dimension"
    description: str = ""
    column_descriptions: Mapping[str, str] = field(default_factory=dict)
    kpi: Mapping[str, str] = field(default_factory=dict)


def load_manifest(path: Path) -> dict[str, Any]:
    """dbt's ``manifest.json``."""
    return json.loads(Path(path).read_text())


def serving_tables(manifest: Mapping[str, Any]) -> list[ServingTable]:
    """Every mart, then the dimensions, in name order within each kind."""
    models = [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]
    marts = [_table(n, n["name"].removeprefix(MART_PREFIX), "kpi") for n in models if _is_mart(n)]
    dimensions = [_table(n, DIMENSIONS[n["name"]], "dimension") for n in models if _is_dim(n)]
    missing = set(DIMENSIONS) - {t.source_table for t in dimensions}
    if missing:
        raise ValueError(f"dimension models missing from the dbt manifest: {sorted(missing)}")
    return sorted(marts, key=lambda t: t.name) + sorted(dimensions, key=lambda t: t.name)


def kpi_catalogue_rows(tables: list[ServingTable]) -> list[dict[str, str]]:
    """One row per KPI table: where to find it and how it is defined."""
    return [
        {"table_name": t.name, "dbt_model": t.source_table, "description": t.description}
        | {name: t.kpi.get(name, "") for name in KPI_FIELDS}
        for t in tables
        if t.kind == "kpi"
    ]


def _is_mart(node: Mapping[str, Any]) -> bool:
    fqn = node.get("fqn", [])
    return len(fqn) > 2 and fqn[1] == MARTS_LAYER


def _is_dim(node: Mapping[str, Any]) -> bool:
    return node["name"] in DIMENSIONS


def _table(node: Mapping[str, Any], name: str, kind: str) -> ServingTable:
    return ServingTable(
        name=name,
        source_schema=node["schema"],
        source_table=node.get("alias") or node["name"],
        kind=kind,
        description=_one_line(node.get("description")),
        column_descriptions={
            column: _one_line(spec.get("description")) for column, spec in node["columns"].items()
        },
        kpi={key: _one_line(value) for key, value in node.get("meta", {}).items()},
    )


def _one_line(text: object) -> str:
    """Fold yml block text into one line."""
    return " ".join(str(text or "").split())
