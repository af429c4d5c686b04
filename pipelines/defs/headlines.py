"""KPI headlines and column types on the dbt models' materialisations.

Dagster plots a materialisation's float metadata over time and shows ``dagster/column_schema``
as the asset's columns. A KPI mart (a mart whose dbt yml ``meta`` names its ``kpi``) declares
its headline numbers once, beside the KPI's definition:

    meta:
      kpi: On-time delivery rate
      headlines:
        - name: on_time_rate_pct       # the metadata key Dagster plots by: keep it stable
          sql: 100.0 * sum(done_on_time) / nullif(sum(done_with_due_date), 0)
          latest: month_start          # optional: only the rows of this column's latest value
          where: project_key = 'PMO'   # optional: any other filter; the mart reads as ``mart``
          by: project_key              # optional: one number per value, named <name>/<value>

``sql`` is an aggregate over the mart's (filtered) rows. Once dbt has exited, one query
computes every built KPI mart's headlines and one reads every built model's column types from
DuckDB's catalogue. A mart without rows has no headline (not 0), and a headline whose value is
null is left out (with ``by``, a value's null number is left out); ``headlines_missing`` says
which and why.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import dagster as dg
import duckdb

from pipelines.defs.resources import Warehouse

HEADLINES_META = "headlines"
MISSING_KEY = "headlines_missing"
COLUMN_SCHEMA_KEY = "dagster/column_schema"
ROW_COUNT_KEY = "dagster/row_count"
HEADLINE_NAME = re.compile(r"[a-z][a-z0-9_]*")
NO_ROWS = "the mart has no rows"


@dataclass(frozen=True)
class Headline:
    """One number a KPI mart's materialisation carries."""

    name: str
    sql: str
    latest: str | None = None
    where: str | None = None
    by: str | None = None

    def __post_init__(self) -> None:
        if not HEADLINE_NAME.fullmatch(self.name):
            raise ValueError(f"headline name {self.name!r} is not a lowercase identifier")

    def select(self) -> str:
        """This headline's value over ``mart``, as rows ``(headline, value)``: one, or one per
        value of ``by``."""
        conditions = [f"({self.where})"] if self.where else []
        if self.latest:
            conditions.append(f'"{self.latest}" = (select max("{self.latest}") from mart)')
        label = f"'{self.name}'"
        grouping = ""
        if self.by:
            label = f"""'{self.name}/' || cast("{self.by}" as varchar)"""
            grouping = f' group by "{self.by}"'
        return (
            f"select {label} as headline, cast(({self.sql}) as double) as value "
            f"from mart where {' and '.join(conditions) or 'true'}{grouping}"
        )

    def names(self, label: str) -> bool:
        """Whether a computed value's label is this headline's (or one of its ``by`` values)."""
        return label == self.name or (self.by is not None and label.startswith(f"{self.name}/"))


@dataclass(frozen=True)
class BuiltModel:
    """A model dbt built in this run: its relation, manifest node and row count (None for a
    view, which is not counted)."""

    relation: tuple[str, str]
    node: Mapping[str, Any]
    rows: int | None

    @property
    def headlines(self) -> list[Headline]:
        return declared_headlines(self.node)


def is_kpi_mart(node: Mapping[str, Any]) -> bool:
    """A model whose yml names the KPI it publishes (``meta.kpi``)."""
    return node.get("resource_type") == "model" and "kpi" in node.get("meta", {})


def declared_headlines(node: Mapping[str, Any]) -> list[Headline]:
    """The headlines a model's yml declares; a malformed declaration raises, naming the model."""
    entries = node.get("meta", {}).get(HEADLINES_META) or []
    try:
        return [Headline(**entry) for entry in entries]
    except (TypeError, ValueError) as error:
        raise ValueError(f"{node.get('name')}: bad meta.{HEADLINES_META}: {error}") from error


def headline_values(
    warehouse: Warehouse, marts: Mapping[str, BuiltModel]
) -> dict[str, dict[str, float]]:
    """Each mart's non-null headline values, computed in one query."""
    selects = [
        f"select '{name}' as model, headline, value from ("
        f'with mart as (select * from "{model.relation[0]}"."{model.relation[1]}") '
        + " union all ".join(headline.select() for headline in model.headlines)
        + ")"
        for name, model in marts.items()
    ]
    if not selects:
        return {}
    values: dict[str, dict[str, float]] = {name: {} for name in marts}
    for row in warehouse.query(" union all ".join(selects)).itertuples():
        if row.headline is not None and row.value is not None and math.isfinite(row.value):
            values[row.model][row.headline] = float(row.value)
    return values


def column_schemas(
    warehouse: Warehouse, models: Mapping[str, BuiltModel]
) -> dict[str, dg.TableSchema]:
    """Each model's columns with DuckDB's types and the yml's descriptions, in one query."""
    if not models:
        return {}
    relations = ", ".join(f"('{schema}', '{table}')" for schema, table in _relations(models))
    frame = warehouse.query(
        "select table_schema, table_name, column_name, data_type "
        "from information_schema.columns "
        f"where (table_schema, table_name) in ({relations}) "
        "order by table_schema, table_name, ordinal_position"
    )
    columns: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for row in frame.itertuples():
        columns.setdefault((row.table_schema, row.table_name), []).append(
            (row.column_name, row.data_type)
        )
    return {
        name: dg.TableSchema(
            columns=[
                dg.TableColumn(
                    name=column,
                    type=data_type,
                    description=model.node.get("columns", {}).get(column, {}).get("description")
                    or None,
                )
                for column, data_type in columns[model.relation]
            ]
        )
        for name, model in models.items()
        if model.relation in columns
    }


def _relations(models: Mapping[str, BuiltModel]) -> list[tuple[str, str]]:
    return sorted({model.relation for model in models.values()})


def _headline_metadata(
    model: BuiltModel, values: Mapping[str, float] | None, error: str | None
) -> dict[str, Any]:
    """Float headlines, and a text entry for those missing with the reason."""
    names = [headline.name for headline in model.headlines]
    if not names:
        return {}
    if model.rows == 0:
        return {MISSING_KEY: f"all ({', '.join(names)}): {NO_ROWS}"}
    if error is not None:
        return {MISSING_KEY: f"all ({', '.join(names)}): not computed: {error}"}
    values = values or {}
    metadata: dict[str, Any] = {
        label: dg.MetadataValue.float(value) for label, value in sorted(values.items())
    }
    missing = [
        headline.name
        for headline in model.headlines
        if not any(headline.names(label) for label in values)
    ]
    if missing:
        metadata[MISSING_KEY] = f"{', '.join(missing)}: no value (null) in the rows it reads"
    return metadata


def built_model_metadata(
    context: dg.AssetExecutionContext, warehouse: Warehouse, models: Mapping[str, BuiltModel]
) -> dict[str, dict[str, Any]]:
    """Per built model: column types, a table's row count and, for a KPI mart, its headlines.

    Read only once dbt has exited: its process holds the warehouse's write lock while it runs.
    """
    schemas = column_schemas(warehouse, models)
    with_rows = {name: model for name, model in models.items() if model.rows and model.headlines}
    error = None
    try:
        values = headline_values(warehouse, with_rows)
    except duckdb.Error as failure:
        # The models are built and their tests ran: a headline declaration that does not
        # compute must not hide that; the entry and the log say what failed.
        context.log.warning(f"KPI headlines not computed: {failure}")
        values, error = {}, str(failure).splitlines()[0]
    return {
        name: {
            **({ROW_COUNT_KEY: model.rows} if model.rows is not None else {}),
            **({COLUMN_SCHEMA_KEY: schemas[name]} if name in schemas else {}),
            **_headline_metadata(model, values.get(name), error),
        }
        for name, model in models.items()
    }
