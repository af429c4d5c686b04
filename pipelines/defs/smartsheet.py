"""Smartsheet as a source: its raw tables as Dagster assets, and the runs its events request.

Optional like every source: without any Smartsheet setting the assets create their empty
tables and say "not configured", and the sensors skip. Webhook callbacks (spooled by
``pmo webhooks serve``) or, for accounts without webhooks, a ``modifiedSince`` listing become
one incremental run tagged with the sheets they name (``pmo/smartsheet_sheets``): the load
reads only those sheets' changes, without listing the account (the source's `only_sheets`).
Any other run (nightly, by hand) is the ordinary incremental pass over every sheet in scope,
which also tombstones sheets deleted or moved out of scope.
"""

from collections.abc import Iterator
from typing import Any

import dagster as dg
from dagster_dlt import DagsterDltResource, dlt_assets

from connectors.smartsheet import smartsheet_source
from pipelines.defs.ingestion import SMARTSHEET, SMARTSHEET_DECLARED, RawTableTranslator
from pipelines.defs.jobs import source_refresh_job
from pipelines.defs.resources import Warehouse
from pipelines.defs.sensors import (
    POLLING_SENSOR_INTERVAL_SECONDS,
    WEBHOOK_SENSOR_INTERVAL_SECONDS,
    spooled_batch,
)
from pipelines.events.smartsheet_polling import sheets_modified_since
from pipelines.events.smartsheet_spool import SmartsheetSpool, smartsheet_spool_path
from pipelines.preflight import smartsheet_configured
from pipelines.settings import warehouse_pool

SMARTSHEET_PIPELINE = ("pmo_smartsheet", SMARTSHEET.dataset)
# The sheets a run is for; a run without the tag reads every sheet in scope.
SHEETS_TAG = "pmo/smartsheet_sheets"
# Dagster stores tags of any length, but a list this long is no cheaper than the listing.
MAX_SHEETS_TAG_CHARS = 4000


def tagged_sheets(context: dg.AssetExecutionContext) -> tuple[int, ...]:
    """The sheet ids of the run's tag (none: every sheet in scope)."""
    tagged = context.run.tags.get(SHEETS_TAG) or ""
    try:
        return tuple(int(sheet_id) for sheet_id in tagged.split(",") if sheet_id.strip())
    except ValueError:
        raise dg.Failure(
            f"run tag {SHEETS_TAG}={tagged!r}: give comma-separated Smartsheet sheet ids"
        ) from None


@dlt_assets(
    dlt_source=SMARTSHEET_DECLARED,
    dlt_pipeline=Warehouse.configured().dlt_pipeline(*SMARTSHEET_PIPELINE),
    name="smartsheet_raw",
    dagster_dlt_translator=RawTableTranslator(system="smartsheet"),
    pool=warehouse_pool(SMARTSHEET.dataset),
)
def smartsheet_raw(
    context: dg.AssetExecutionContext, dlt_resource: DagsterDltResource, warehouse: Warehouse
) -> Iterator[Any]:
    """Smartsheet project plans: sheets, columns, task rows by the column map, summary fields
    and the history of mapped date and status cells; only sheets changed since the last run
    (only the sheets a webhook callback named, in a run it requested)."""
    yield from SMARTSHEET.load(
        context,
        warehouse,
        lambda: with_row_counts(
            dlt_resource.run(
                context=context,
                dlt_source=smartsheet_source(only_sheets=tagged_sheets(context)),
                dlt_pipeline=warehouse.dlt_pipeline(*SMARTSHEET_PIPELINE),
            ),
            warehouse,
        ),
    )


def with_row_counts(events: Iterator[Any], warehouse: Warehouse) -> Iterator[Any]:
    """The load's events, each with its table's rows after the load. (dagster-dlt's
    `fetch_row_count` fails a run in which a table got nothing: an incremental run where no
    cell with history changed, say.)"""
    loaded = list(events)
    existing = warehouse.query(
        "select table_name from information_schema.tables "
        f"where table_schema = '{SMARTSHEET.dataset}'"
    )
    tables = {event.asset_key.path[-1] for event in loaded} & set(existing["table_name"])
    counts = warehouse.row_counts({table: (SMARTSHEET.dataset, table) for table in tables})
    for event in loaded:
        rows = counts.get(event.asset_key.path[-1], 0)
        yield event._replace(metadata={**(event.metadata or {}), "dagster/row_count": rows})


smartsheet_incremental = source_refresh_job(
    "smartsheet_incremental",
    SMARTSHEET_PIPELINE[1],
    "Incremental Smartsheet load (sheets modified since the cursor), then everything after.",
)


def _sheet_run(run_key: str, trigger: str, sheets: tuple[str, ...]) -> dg.RunRequest:
    """A run for `sheets`; too many to tag (never a cut list): a run for every sheet."""
    tags = {"pmo/trigger": trigger}
    named = ",".join(sheets)
    if len(named) <= MAX_SHEETS_TAG_CHARS:
        tags[SHEETS_TAG] = named
    return dg.RunRequest(run_key=run_key, tags=tags)


@dg.sensor(
    job=smartsheet_incremental,
    minimum_interval_seconds=WEBHOOK_SENSOR_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Smartsheet callbacks spooled by `pmo webhooks serve` -> one incremental run.",
)
def smartsheet_webhook_sensor(
    context: dg.SensorEvaluationContext,
) -> dg.SensorResult | dg.SkipReason:
    batch = spooled_batch(context, smartsheet_spool_path(), SmartsheetSpool, "Smartsheet callback")
    if isinstance(batch, dg.SkipReason):
        return batch
    # The batch's "projects" are the sheets the callbacks named.
    request = _sheet_run(
        f"smartsheet-webhooks-{batch.first_seq}-{batch.last_seq}",
        "smartsheet_webhook",
        batch.projects,
    )
    request.tags["pmo/webhook_deliveries"] = str(batch.deliveries)
    return dg.SensorResult(run_requests=[request], cursor=str(batch.last_seq))


@dg.sensor(
    job=smartsheet_incremental,
    minimum_interval_seconds=POLLING_SENSOR_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="For Smartsheet accounts without webhooks: one modifiedSince listing per tick.",
)
def smartsheet_polling_sensor(
    context: dg.SensorEvaluationContext,
) -> dg.SensorResult | dg.SkipReason:
    if not smartsheet_configured():
        return dg.SkipReason(f"Smartsheet is not configured ({SMARTSHEET.setting} is not set)")
    changes = sheets_modified_since(context.cursor)
    if changes is None:
        return dg.SkipReason(f"no Smartsheet sheet modified after {context.cursor}")
    sheets = tuple(str(s) for s in changes.sheet_ids)
    request = _sheet_run(f"smartsheet-poll-{changes.newest}", "smartsheet_polling", sheets)
    return dg.SensorResult(run_requests=[request], cursor=changes.newest)
