"""The serving snapshot and the KPI report as the lake held them at a past time (a quarter's
close, for the board pack), published into a folder of their own: the serving folder BI tools
read keeps the pipeline's latest publish, and no quality gate is bypassed for it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from pipelines.defs.resources import DBT_PROJECT
from warehouse.publishing.paths import KPI_REPORT_NAME, as_of_dir
from warehouse.publishing.snapshot import Publication, publish_snapshot
from warehouse.publishing.tables import load_manifest, serving_tables
from warehouse.report.kpi_report import KpiReport, build_kpi_report

PUBLISHED_BY = "pmo publish --as-of"


@dataclass(frozen=True)
class PastSnapshot:
    """A publish of the lake's past and the report rendered from it."""

    publication: Publication
    report: KpiReport


def as_of_label(as_of: datetime) -> str:
    """The folder name of a past time: the date alone for the end of a day (what ``--as-of
    2026-09-30`` means), else the time to the second."""
    if (as_of + timedelta(microseconds=1)).time() == datetime.min.time():
        return as_of.date().isoformat()
    return as_of.strftime("%Y-%m-%dT%H%M%S")


def publish_past_snapshot(
    warehouse: Path, as_of: datetime, folder: Path | None = None
) -> PastSnapshot:
    """Publish the serving tables as of ``as_of`` into ``folder`` (default: the serving
    folder's ``as-of/<time>``) and render the KPI report beside them."""
    folder = folder or as_of_dir(warehouse) / as_of_label(as_of)
    tables = serving_tables(load_manifest(DBT_PROJECT.manifest_path))
    publication = publish_snapshot(warehouse, tables, PUBLISHED_BY, as_of=as_of, folder=folder)
    report = build_kpi_report(publication.database, folder / KPI_REPORT_NAME)
    return PastSnapshot(publication, report)
