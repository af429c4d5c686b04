"""Quarantine made visible: per file, how many rows loaded, were quarantined or rejected, why.

The spreadsheet connector never drops a bad row silently: it lands in
``raw_spreadsheets.quarantine`` with its reason, and unreadable files are recorded in
``raw_spreadsheets.source_files``. This asset turns both into one table people can act on,
and its check fails when a file (or the whole landing) quarantines too large a share. By
default that failure blocks the publish (the serving snapshot depends on this asset): a wave
quarantined is not published as a silently smaller truth. With ``quality.quarantine_over_limit
= warn`` it only warns, and the KPI report flags the KPIs of the workbooks concerned.
"""

import dagster as dg
import pandas as pd

from pipelines.defs.automation import FOLLOW_VALID_UPSTREAMS
from pipelines.defs.resources import Warehouse
from pipelines.settings import DUCKDB_POOL
from quality.settings import BLOCK, quality_settings

QUARANTINE_BY_FILE = dg.AssetKey(["quality", "quarantine_by_file"])
QUARANTINE_CHECK = "quarantine_share_within_limit"
QUARANTINE_BLOCKS = quality_settings().quarantine_over_limit == BLOCK

# A bad survey answer is quarantined alone (its response and other answers load): a file's
# share counts whole rows and single answers, whichever is worse.
BUILD_QUARANTINE_BY_FILE = """
create schema if not exists quality;
create or replace table quality.quarantine_by_file as
with latest as (
    select * from raw_spreadsheets.source_files
    qualify row_number() over (partition by source_file order by seen_at desc) = 1
),
reasons as (
    select source_file, reason, count(distinct (source_sheet, source_row)) as rows
    from raw_spreadsheets.quarantine
    group by source_file, reason
),
answers as (
    select source_file, count(*) as answers_loaded
    from raw_spreadsheets.survey_answers
    group by source_file
),
shares as (
    select
        latest.*,
        coalesce(answers.answers_loaded, 0) as answers_loaded,
        round(100.0 * latest.rows_quarantined
            / nullif(latest.rows_loaded + latest.rows_quarantined, 0), 2) as rows_quarantined_pct,
        round(100.0 * latest.answers_quarantined
            / nullif(coalesce(answers.answers_loaded, 0) + latest.answers_quarantined, 0), 2)
            as answers_quarantined_pct
    from latest
    left join answers using (source_file)
)
select
    source_file,
    workbook,
    status,
    error,
    rows_loaded,
    rows_quarantined,
    answers_loaded,
    answers_quarantined,
    greatest(coalesce(rows_quarantined_pct, 0), coalesce(answers_quarantined_pct, 0))
        as quarantined_pct,
    (select string_agg(r.reason || ' (' || r.rows || ')', '; ' order by r.rows desc)
     from reasons r where r.source_file = shares.source_file) as reasons,
    seen_at,
    deleted_at
from shares
order by quarantined_pct desc nulls last, source_file
"""

BY_REASON = """
select reason, count(distinct (source_file, source_sheet, source_row)) as rows
from raw_spreadsheets.quarantine group by reason order by rows desc
"""


@dg.asset(
    key=QUARANTINE_BY_FILE,
    deps=[
        dg.AssetKey(["raw_spreadsheets", "quarantine"]),
        dg.AssetKey(["raw_spreadsheets", "source_files"]),
    ],
    group_name="data_quality",
    kinds={"duckdb", "python"},
    automation_condition=FOLLOW_VALID_UPSTREAMS,
    pool=DUCKDB_POOL,
)
def quarantine_by_file(warehouse: Warehouse) -> dg.MaterializeResult:
    """Rows loaded, quarantined (with reasons) and rejected files, per landed spreadsheet."""
    warehouse.execute(BUILD_QUARANTINE_BY_FILE)
    files = warehouse.query("select * from quality.quarantine_by_file")
    reasons = warehouse.query(BY_REASON)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": len(files),
            "rows_quarantined": int(files["rows_quarantined"].fillna(0).sum()),
            "files_rejected": int((files["status"] == "rejected").sum()),
            # Gone from the landing location: rows kept ("deleted") or removed ("removed").
            "files_deleted": int(files["status"].isin(["deleted", "removed"]).sum()),
            "by_reason": dg.MetadataValue.md(reasons.to_markdown(index=False) or "none"),
            "worst_files": dg.MetadataValue.md(
                files.head(10)[["source_file", "status", "quarantined_pct", "reasons"]].to_markdown(
                    index=False
                )
            ),
        }
    )


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
    pool=DUCKDB_POOL,
)
def quarantine_share_within_limit(warehouse: Warehouse) -> dg.AssetCheckResult:
    limit = quality_settings().quarantine_max_pct
    files = warehouse.query("select * from quality.quarantine_by_file")
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
        description=description if not files.empty else "nothing landed yet",
        metadata={
            "limit_pct": limit,
            "overall_quarantined_pct": round(overall_pct, 2),
            "files_over_limit": dg.MetadataValue.json(over["source_file"].tolist()),
            "workbooks_touched": dg.MetadataValue.json(
                sorted(set(touched["workbook"].dropna())) if failed else []
            ),
        },
    )
