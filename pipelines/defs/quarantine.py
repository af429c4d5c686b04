"""Quarantine made visible, and the check that keeps a quarantined wave from being published.

The spreadsheet connector never drops a bad row silently: it lands in
``raw_spreadsheets.quarantine`` with its reason, and unreadable files are recorded in
``raw_spreadsheets.source_files``. The dbt model ``quality.quarantine_by_file``
(``transforms/models/quality``) turns both into one table people can act on. It is built in a
step of its own: it reads only the landing, so it stays current when a Jira check holds back
the other models.

Its check fails when a file (or the whole landing) quarantines too large a share. By default
that failure blocks the publish (the serving snapshot depends on this model): a wave quarantined
is not published as a silently smaller truth. With ``quality.quarantine_over_limit = warn`` it
only warns, and the KPI report flags the KPIs of the workbooks concerned.
"""

from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg
import pandas as pd
from dagster_dbt import DbtCliResource, dbt_assets, get_asset_key_for_model

from pipelines.defs.quality import nothing_delivered
from pipelines.defs.resources import DBT_PROJECT, Warehouse
from pipelines.defs.transforms import QUALITY_MODELS, PmoDbtTranslator, dbt_build
from pipelines.settings import DBT_WRITER, warehouse_pool
from quality.settings import BLOCK, quality_settings
from quality.tables import RAW_SHEETS

QUARANTINE_CHECK = "quarantine_share_within_limit"
QUARANTINE_BLOCKS = quality_settings().quarantine_over_limit == BLOCK
DATA_QUALITY_GROUP = "data_quality"
READ_QUARANTINE_BY_FILE = "select * from quality.quarantine_by_file"


class QualityDbtTranslator(PmoDbtTranslator):
    """The quality models form a group of their own in the Dagster UI (``data_quality``)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return DATA_QUALITY_GROUP


def quarantine_summary(files: pd.DataFrame) -> dict[str, Any]:
    """What the Dagster UI shows of the table: totals and the files that quarantined most."""
    return {
        "dagster/row_count": len(files),
        "rows_quarantined": int(files["rows_quarantined"].fillna(0).sum()),
        "answers_quarantined": int(files["answers_quarantined"].fillna(0).sum()),
        "files_rejected": int((files["status"] == "rejected").sum()),
        # Gone from the landing location: rows kept ("deleted") or removed ("removed").
        "files_deleted": int(files["status"].isin(["deleted", "removed"]).sum()),
        "worst_files": dg.MetadataValue.md(
            files.head(10)[["source_file", "status", "quarantined_pct", "reasons"]].to_markdown(
                index=False
            )
        ),
    }


@dbt_assets(
    manifest=DBT_PROJECT.manifest_path,
    project=DBT_PROJECT,
    select=QUALITY_MODELS,
    dagster_dbt_translator=QualityDbtTranslator(),
    pool=warehouse_pool(DBT_WRITER),
)
def quality_dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse
) -> Iterator[Any]:
    """Build the quarantine summary and run its dbt tests, with its totals as metadata."""
    _, events = dbt_build(context, dbt, warehouse)
    summary = quarantine_summary(warehouse.query(READ_QUARANTINE_BY_FILE))
    for event in events:
        built = isinstance(event, dg.Output)
        yield event.with_metadata({**event.metadata, **summary}) if built else event


QUARANTINE_BY_FILE = get_asset_key_for_model([quality_dbt_models], "quarantine_by_file")


def _share(quarantined: pd.Series, loaded: pd.Series) -> float:
    """Quarantined share of everything that arrived, in percent (0 when nothing did)."""
    bad = float(quarantined.fillna(0).sum())
    arrived = bad + float(loaded.fillna(0).sum())
    return 100.0 * bad / arrived if arrived else 0.0


@dg.asset_check(
    asset=QUARANTINE_BY_FILE,
    name=QUARANTINE_CHECK,
    description="No file, and not the landing as a whole, quarantines more than "
    "quality.quarantine_max_pct of its rows"
    + ("; over it, nothing is published." if QUARANTINE_BLOCKS else " (warns only)."),
    blocking=QUARANTINE_BLOCKS,
    automation_condition=dg.AutomationCondition.eager(),
    pool=warehouse_pool(DBT_WRITER),
)
def quarantine_share_within_limit(warehouse: Warehouse) -> dg.AssetCheckResult:
    limit = quality_settings().quarantine_max_pct
    files = warehouse.query(READ_QUARANTINE_BY_FILE)
    overall_pct = max(
        _share(files["rows_quarantined"], files["rows_loaded"]),
        _share(files["answers_quarantined"], files["answers_loaded"]),
    )
    over = files[files["quarantined_pct"] > limit]
    failed = not over.empty or overall_pct > limit
    # The workbooks whose KPIs a failure touches: the files over the limit, or every file
    # that quarantined rows when only the landing as a whole is over it.
    touched = over if not over.empty else files[files["quarantined_pct"] > 0]
    description = f"{len(over)} file(s) over {limit:g}% quarantined; overall {overall_pct:.2f}%" + (
        f": {', '.join(over['source_file'])}" if not over.empty else ""
    )
    return dg.AssetCheckResult(
        passed=not failed,
        severity=dg.AssetCheckSeverity.ERROR if QUARANTINE_BLOCKS else dg.AssetCheckSeverity.WARN,
        description=description if not files.empty else nothing_delivered(RAW_SHEETS),
        metadata={
            "limit_pct": limit,
            "overall_quarantined_pct": round(overall_pct, 2),
            "files_over_limit": dg.MetadataValue.json(over["source_file"].tolist()),
            "workbooks_touched": dg.MetadataValue.json(
                sorted(set(touched["workbook"].dropna())) if failed else []
            ),
        },
    )
