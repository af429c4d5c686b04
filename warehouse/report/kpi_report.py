"""The KPI report: one self-contained HTML dashboard built from the serving snapshot.

Built from the published snapshot (not the working warehouse), so it shows exactly what BI
users see and needs no warehouse lock. plotly.js is inlined once, so the file works offline
and can be mailed or attached to a ticket. Order follows what a PMO lead presents: the value
scorecard first, then delivery trends, capability, and the portfolio.

Every source is optional, so the report says what it waits for: a section whose tables are
empty names the workbooks (or Jira) they are built from, a tile without a value the same. A
data warning (a quarantine over the limit that was configured to warn rather than block) is
shown on the tiles of the KPIs built from the workbook concerned, and so is a scorecard caveat
(a count the scorecard keeps beside a KPI, such as done issues in statuses of unknown category):
a number the pipeline is not sure of is never shown bare.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import plotly.graph_objects as go
import plotly.offline

from connectors.spreadsheets.layouts import (
    MATURITY_ASSESSMENT,
    PROJECT_REGISTER,
    SERVICE_CATALOGUE,
    STRATEGIC_OBJECTIVES,
    SURVEY,
)
from warehouse.report import charts

JIRA = "jira"
SMARTSHEET = "smartsheet"
SURVEY_WB = SURVEY.workbook
CATALOGUE_WB = SERVICE_CATALOGUE.workbook
MATURITY_WB = MATURITY_ASSESSMENT.workbook
REGISTER_WB = PROJECT_REGISTER.workbook
OBJECTIVES_WB = STRATEGIC_OBJECTIVES.workbook

# The tables the report reads and the sources (workbooks, Jira) each is built from.
TABLE_SOURCES: dict[str, tuple[str, ...]] = {
    "pmo_value_scorecard_quarterly": (SURVEY_WB, JIRA, REGISTER_WB, MATURITY_WB),
    "value_delivery_rate": (SURVEY_WB,),
    "service_value": (SURVEY_WB, CATALOGUE_WB),
    "survey_nps": (SURVEY_WB,),
    "delivery_throughput_monthly": (JIRA,),
    "delivery_flow_monthly": (JIRA,),
    "delivery_on_time_monthly": (JIRA,),
    "delivery_forecast_trend": (JIRA,),
    "maturity_by_domain": (MATURITY_WB,),
    "portfolio_rag_distribution": (REGISTER_WB,),
    "portfolio_health": (REGISTER_WB,),
    "portfolio_schedule": (SMARTSHEET, REGISTER_WB),
    "portfolio_plan_changes_monthly": (SMARTSHEET,),
    "portfolio_slip_monthly": (SMARTSHEET,),
    "publish_info": (),
}
SERVING_TABLES_READ = tuple(TABLE_SOURCES)


@dataclass(frozen=True)
class HeadlineKpi:
    """A scorecard column shown as a tile and reported as asset metadata."""

    column: str
    label: str
    sources: tuple[str, ...]
    decimals: int = 1
    suffix: str = ""
    lacking_column: str | None = None  # names what a value shown was computed without
    caveats: tuple[Caveat, ...] = ()


@dataclass(frozen=True)
class Caveat:
    """A scorecard count that, when not 0, says a KPI's value may be wrong."""

    column: str
    meaning: str  # follows the count: "3 done issues ..."


UNKNOWN_STATUSES = Caveat(
    "delivery_issues_with_unknown_status", "done issues sat in a status of unknown category"
)
UNCATALOGUED_RATINGS = Caveat(
    "csat_ratings_of_uncatalogued_services", "ratings of services the catalogue does not list"
)


HEADLINE_KPIS = (
    HeadlineKpi("value_delivery_rate_pct", "Value delivery rate", (SURVEY_WB,), suffix="%"),
    HeadlineKpi(
        "csat_mean",
        "CSAT (mean, 1-5)",
        (SURVEY_WB, CATALOGUE_WB),
        decimals=2,
        caveats=(UNCATALOGUED_RATINGS,),
    ),
    HeadlineKpi("nps", "NPS", (SURVEY_WB,)),
    HeadlineKpi(
        "on_time_rate_pct", "On-time delivery", (JIRA,), suffix="%", caveats=(UNKNOWN_STATUSES,)
    ),
    HeadlineKpi(
        "sprint_predictability_pct",
        "Sprint predictability",
        (JIRA,),
        suffix="%",
        caveats=(UNKNOWN_STATUSES,),
    ),
    HeadlineKpi(
        "cycle_time_p50_days", "Cycle time p50 (days)", (JIRA,), caveats=(UNKNOWN_STATUSES,)
    ),
    HeadlineKpi(
        "aligned_work_share_pct",
        "Strategically aligned work",
        (JIRA, REGISTER_WB, OBJECTIVES_WB),
        suffix="%",
    ),
    HeadlineKpi("benefits_realisation_pct", "Benefits realisation", (REGISTER_WB,), suffix="%"),
    HeadlineKpi("maturity_mean_level", "Mean maturity (1-5)", (MATURITY_WB,), decimals=2),
    HeadlineKpi(
        "composite_score",
        "Composite score (0-100)",
        (SURVEY_WB, JIRA, REGISTER_WB, MATURITY_WB),
        lacking_column="missing_pillars",
        caveats=(UNCATALOGUED_RATINGS, UNKNOWN_STATUSES),
    ),
)


def source_label(source: str) -> str:
    """How the report names a source it waits for."""
    return {JIRA: "Jira", SMARTSHEET: "Smartsheet"}.get(source, f"the {source} workbook")


@dataclass(frozen=True)
class KpiReport:
    """The written report and the scorecard quarter it headlines."""

    path: Path
    quarter: str | None
    benchmark_class: str | None
    headline: dict[str, float]
    awaiting: dict[str, list[str]] = field(default_factory=dict)
    """Section title -> the sources its empty tables wait for."""
    warned: list[str] = field(default_factory=list)
    """Headline KPIs shown with a data warning."""


def build_kpi_report(
    serving_database: Path, output: Path, data_warnings: Mapping[str, str] | None = None
) -> KpiReport:
    """Render the dashboard for the snapshot in ``serving_database`` into ``output``.

    ``data_warnings`` maps a source (a workbook name) to what is wrong with its data; the
    tiles of the KPIs built from it show the warning.
    """
    warnings = dict(data_warnings or {})
    tables = read_serving_tables(serving_database)
    scorecard = tables["pmo_value_scorecard_quarterly"].sort_values("quarter_start")
    latest = scorecard.iloc[-1] if not scorecard.empty else None
    headline = {
        kpi.column: float(latest[kpi.column])
        for kpi in HEADLINE_KPIS
        if latest is not None and _present(latest[kpi.column])
    }
    quarter = quarter_label(latest["quarter_start"]) if latest is not None else None
    benchmark = latest["benchmark_class"] if latest is not None else None
    benchmark = benchmark if _present(benchmark) else None
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = output.with_name(f".{output.name}.writing")
    sections = _sections(tables, latest, quarter, benchmark, warnings)
    staging.write_text(_page(tables, sections), encoding="utf-8")
    staging.replace(output)
    awaiting = {s.title: s.awaiting for s in sections if s.awaiting}
    warned = [
        k.column for k in HEADLINE_KPIS if latest is not None and _warning(k, latest, warnings)
    ]
    return KpiReport(output, quarter, benchmark, headline, awaiting, warned)


def read_serving_tables(serving_database: Path) -> dict[str, pd.DataFrame]:
    """The tables the report reads, all from one connection, hence one snapshot."""
    with duckdb.connect(str(serving_database), read_only=True) as con:
        return {name: con.sql(f'select * from "{name}"').df() for name in SERVING_TABLES_READ}


def quarter_label(quarter_start: object) -> str:
    """``2026-07-01`` -> ``2026-Q3``."""
    day = pd.Timestamp(quarter_start)
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def format_kpi(kpi: HeadlineKpi, value: object) -> str:
    """How a tile shows a value: fixed decimals and unit, an em dash when there is none."""
    return f"{float(value):.{kpi.decimals}f}{kpi.suffix}" if _present(value) else "—"


def _present(value: object) -> bool:
    return (
        value is not None
        and value is not pd.NA
        and not (isinstance(value, float) and math.isnan(value))
    )


@dataclass(frozen=True)
class Section:
    """A titled part of the page: an introduction, charts, and the sources it waits for."""

    title: str
    intro: str
    charts: list[tuple[str, go.Figure]]  # (serving table plotted, figure)
    awaiting: list[str]

    def html(self) -> str:
        return (
            f"<section><h2>{html.escape(self.title)}</h2>{self.intro}"
            + _awaiting_note(self.awaiting)
            + '<div class="charts">'
            + "".join(_chart(figure) for _, figure in self.charts)
            + "</div></section>"
        )


def _sections(
    tables: dict[str, pd.DataFrame],
    latest: pd.Series | None,
    quarter: str | None,
    benchmark: str | None,
    warnings: Mapping[str, str],
) -> list[Section]:
    waves = tables["value_delivery_rate"]
    latest_wave = waves["wave"].max() if not waves.empty else ""
    rates = waves.iloc[:1]
    high = float(rates["high_performer_benchmark_pct"].iloc[0]) if not rates.empty else 80.0
    low = float(rates["low_performer_benchmark_pct"].iloc[0]) if not rates.empty else 43.0
    sections = [
        (
            "PMO value scorecard",
            _tiles(latest, quarter, benchmark, (high, low), warnings),
            [
                ("value_delivery_rate", charts.value_delivery_rate(waves, high, low)),
                (
                    "service_value",
                    charts.csat_by_service_and_group(tables["service_value"], latest_wave),
                ),
                ("survey_nps", charts.nps_by_group(tables["survey_nps"])),
                (
                    "pmo_value_scorecard_quarterly",
                    charts.scorecard_trend(tables["pmo_value_scorecard_quarterly"]),
                ),
            ],
        ),
        (
            "Delivery trends",
            "",
            [
                (
                    "delivery_throughput_monthly",
                    charts.throughput(tables["delivery_throughput_monthly"]),
                ),
                (
                    "delivery_flow_monthly",
                    charts.per_project_trend(
                        tables["delivery_flow_monthly"],
                        "cycle_time_p50_days",
                        "Cycle time p50 per month",
                        "days",
                    ),
                ),
                (
                    "delivery_on_time_monthly",
                    charts.per_project_trend(
                        tables["delivery_on_time_monthly"],
                        "on_time_rate_pct",
                        "On-time delivery rate per month",
                        "% done on or before the due date",
                    ),
                ),
            ],
        ),
        (
            "Delivery forecast",
            FORECAST_INTRO,
            _forecast_fans(tables["delivery_forecast_trend"]),
        ),
        (
            "Capability",
            "",
            [
                (
                    "maturity_by_domain",
                    charts.maturity_vs_target(tables["maturity_by_domain"]),
                )
            ],
        ),
        (
            "Portfolio health",
            "",
            [
                (
                    "portfolio_rag_distribution",
                    charts.rag_distribution(tables["portfolio_rag_distribution"]),
                ),
                ("portfolio_health", charts.portfolio_health(tables["portfolio_health"])),
            ],
        ),
        (
            "Portfolio schedule",
            SCHEDULE_INTRO,
            [
                (
                    "portfolio_schedule",
                    charts.schedule_vs_delivery(tables["portfolio_schedule"]),
                ),
                ("portfolio_schedule", charts.progress_vs_plan(tables["portfolio_schedule"])),
                (
                    "portfolio_slip_monthly",
                    charts.per_project_trend(
                        tables["portfolio_slip_monthly"],
                        "max_slip_days",
                        "Worst milestone slip per project at each month end",
                        "days late vs baseline",
                    ),
                ),
                (
                    "portfolio_plan_changes_monthly",
                    charts.plan_changes(tables["portfolio_plan_changes_monthly"]),
                ),
            ],
        ),
    ]
    return [
        Section(title, intro, figures, _awaited(tables, [name for name, _ in figures]))
        for title, intro, figures in sections
    ]


SCHEDULE_INTRO = (
    "<p>From the PPM plans: Smartsheet where a project has a plan there, else the project "
    "register (one source per project). Slip is against the baseline; progress is weighted by "
    "each task's planned length. Plan changes need Smartsheet's cell history. Method and the "
    "mapping to Jira projects: docs/kpis.md.</p>"
)
FORECAST_INTRO = (
    "<p>Monte Carlo over each project's recent weekly throughput: the band spans the dates by "
    "which 50 % to 95 % of the simulated futures finish the remaining issues, as forecast each "
    "week, against the baseline end; commit to P85. Method and assumptions: docs/kpis.md.</p>"
)


def _forecast_fans(trend: pd.DataFrame) -> list[tuple[str, go.Figure]]:
    """One fan chart per project of the forecast (one empty chart before any forecast)."""
    projects = sorted(trend.loc[trend["subject_type"] == "project", "subject_key"].unique())
    return [
        ("delivery_forecast_trend", charts.forecast_fan(trend, project))
        for project in projects or [""]
    ]


def _awaited(tables: dict[str, pd.DataFrame], names: list[str]) -> list[str]:
    """The sources of the tables in ``names`` that are still empty, in a stable order."""
    sources = [source for name in names if tables[name].empty for source in TABLE_SOURCES[name]]
    return list(dict.fromkeys(sources))


def _awaiting_note(sources: list[str]) -> str:
    if not sources:
        return ""
    names = ", ".join(source_label(s) for s in sources)
    return (
        f'<p class="awaiting" data-awaiting="{html.escape(",".join(sources))}">'
        f"Awaiting data: {html.escape(names)}.</p>"
    )


def _warning(kpi: HeadlineKpi, latest: pd.Series, warnings: Mapping[str, str]) -> str:
    """The data warnings of the sources ``kpi`` is built from and its caveats that are not
    0 in the quarter, in one line."""
    counts = [(c, latest.get(c.column)) for c in kpi.caveats]
    caveats = [f"{int(n)} {c.meaning}" for c, n in counts if _present(n) and n > 0]
    return "; ".join([*(warnings[s] for s in kpi.sources if s in warnings), *caveats])


def _page(tables: dict[str, pd.DataFrame], sections: list[Section]) -> str:
    return PAGE.format(
        plotly_js=plotly.offline.get_plotlyjs(),
        published=html.escape(_published(tables["publish_info"])),
        body="\n".join(section.html() for section in sections),
        rendered=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )


def _tiles(
    latest: pd.Series | None,
    quarter: str | None,
    benchmark: str | None,
    benchmarks: tuple[float, float],
    warnings: Mapping[str, str],
) -> str:
    if latest is None:
        return "<p>No scorecard quarter yet.</p>"
    tiles = [_tile(kpi, latest, warnings) for kpi in HEADLINE_KPIS]
    label = (benchmark or "not classified").replace("_", " ")
    return (
        f'<p class="quarter">Quarter <strong id="scorecard-quarter">{quarter}</strong>: '
        f'value delivery <strong id="benchmark-class">{html.escape(label)}</strong> '
        f"(benchmark: {benchmarks[0]:g}% high-performing, {benchmarks[1]:g}% low-performing PMOs)"
        "</p>"
        f'<div class="tiles">{"".join(tiles)}</div>'
    )


def _tile(kpi: HeadlineKpi, latest: pd.Series, warnings: Mapping[str, str]) -> str:
    """One headline KPI: value, target and change, what it waits for, any data warning."""
    value, target = latest[kpi.column], latest.get(f"{kpi.column}_target")
    change = latest.get(f"{kpi.column}_qoq_change")
    details = [f"target {format_kpi(kpi, target)}"] if _present(target) else []
    if _present(change):
        details.append(f"{float(change):+.{kpi.decimals}f} vs previous quarter")
    if not _present(value):
        details.append("needs " + " and ".join(source_label(s) for s in kpi.sources))
    elif kpi.lacking_column and _present(lacking := latest.get(kpi.lacking_column)):
        details.append(f"without {lacking}")
    warning = _warning(kpi, latest, warnings)
    flag = f'<div class="warning" data-warning>⚠ {html.escape(warning)}</div>' if warning else ""
    return (
        f'<div class="tile{" warned" if warning else ""}" data-kpi="{kpi.column}">'
        f'<div class="label">{html.escape(kpi.label)}</div>'
        f'<div class="value">{format_kpi(kpi, value)}</div>'
        f'<div class="detail">{html.escape(" · ".join(details))}</div>{flag}</div>'
    )


def _chart(figure: go.Figure) -> str:
    chart = figure.to_html(
        full_html=False, include_plotlyjs=False, config={"displaylogo": False, "responsive": True}
    )
    return f'<div class="chart">{chart}</div>'


def _published(publish_info: pd.DataFrame) -> str:
    if publish_info.empty:
        return "unknown"
    row = publish_info.iloc[0]
    published = pd.Timestamp(row["published_at"]).tz_convert("UTC")
    line = f"{published:%Y-%m-%d %H:%M} UTC (run {row['source_run']})"
    as_of = row.get("as_of")  # a snapshot of the lake's past; older snapshots lack the column
    if as_of is None or pd.isna(as_of):
        return line
    return f"{line}, the warehouse as of {pd.Timestamp(as_of).tz_convert('UTC'):%Y-%m-%d %H:%M} UTC"


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>PMO KPI report</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 0 2rem 2rem; color: #212121; }}
h1 {{ margin-bottom: 0; }}
.meta {{ color: #616161; margin-top: 0.3rem; }}
.tiles {{ display: grid; grid-template-columns: repeat(5, 1fr); gap: 0.8rem; }}
.tile {{ border: 1px solid #e0e0e0; border-radius: 8px; padding: 0.7rem; }}
.tile .label {{ color: #616161; font-size: 0.9rem; }}
.tile .value {{ font-size: 1.8rem; font-weight: 600; }}
.tile .detail {{ color: #757575; font-size: 0.8rem; }}
.tile.warned {{ border-color: #f9a825; }}
.tile .warning {{ color: #8d6e00; font-size: 0.8rem; margin-top: 0.3rem; }}
.awaiting {{ color: #8d6e00; background: #fff8e1; padding: 0.4rem 0.7rem; border-radius: 6px; }}
.charts {{ display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 1rem; }}
</style>
<script>{plotly_js}</script>
</head>
<body>
<h1>PMO KPI report</h1>
<p class="meta">Snapshot published {published}; rendered {rendered}.</p>
{body}
</body>
</html>
"""
