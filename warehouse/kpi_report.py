"""The KPI report: one self-contained HTML dashboard built from the serving snapshot.

Built from the published snapshot (not the working warehouse), so it shows exactly what BI
users see and needs no warehouse lock. plotly.js is inlined once, so the file works offline
and can be mailed or attached to a ticket. Order follows what a PMO lead presents: the value
scorecard first, then delivery trends, capability, and the portfolio.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import plotly.graph_objects as go
import plotly.offline

from warehouse import report_charts

SERVING_TABLES_READ = (
    "pmo_value_scorecard_quarterly",
    "value_delivery_rate",
    "service_value",
    "survey_nps",
    "delivery_throughput_monthly",
    "delivery_flow_monthly",
    "delivery_on_time_monthly",
    "maturity_by_domain",
    "portfolio_rag_distribution",
    "portfolio_health",
    "publish_info",
)


@dataclass(frozen=True)
class HeadlineKpi:
    """A scorecard column shown as a tile and reported as asset metadata."""

    column: str
    label: str
    decimals: int = 1
    suffix: str = ""


HEADLINE_KPIS = (
    HeadlineKpi("value_delivery_rate_pct", "Value delivery rate", suffix="%"),
    HeadlineKpi("csat_mean", "CSAT (mean, 1-5)", decimals=2),
    HeadlineKpi("nps", "NPS"),
    HeadlineKpi("on_time_rate_pct", "On-time delivery", suffix="%"),
    HeadlineKpi("sprint_predictability_pct", "Sprint predictability", suffix="%"),
    HeadlineKpi("cycle_time_p50_days", "Cycle time p50 (days)"),
    HeadlineKpi("aligned_work_share_pct", "Strategically aligned work", suffix="%"),
    HeadlineKpi("benefits_realisation_pct", "Benefits realisation", suffix="%"),
    HeadlineKpi("maturity_mean_level", "Mean maturity (1-5)", decimals=2),
    HeadlineKpi("composite_score", "Composite score (0-100)"),
)


@dataclass(frozen=True)
class KpiReport:
    """The written report and the scorecard quarter it headlines."""

    path: Path
    quarter: str | None
    benchmark_class: str | None
    headline: dict[str, float]


def build_kpi_report(serving_database: Path, output: Path) -> KpiReport:
    """Render the dashboard for the snapshot in ``serving_database`` into ``output``."""
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
    staging.write_text(_page(tables, latest, quarter, benchmark), encoding="utf-8")
    staging.replace(output)
    return KpiReport(output, quarter, benchmark, headline)


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


def _page(
    tables: dict[str, pd.DataFrame],
    latest: pd.Series | None,
    quarter: str | None,
    benchmark: str | None,
) -> str:
    waves = tables["value_delivery_rate"]
    latest_wave = waves["wave"].max() if not waves.empty else ""
    rates = waves.iloc[:1]
    high = float(rates["high_performer_benchmark_pct"].iloc[0]) if not rates.empty else 80.0
    low = float(rates["low_performer_benchmark_pct"].iloc[0]) if not rates.empty else 43.0
    sections = [
        (
            "PMO value scorecard",
            _tiles(latest, quarter, benchmark, (high, low)),
            [
                report_charts.value_delivery_rate(waves, high, low),
                report_charts.csat_by_service_and_group(tables["service_value"], latest_wave),
                report_charts.nps_by_group(tables["survey_nps"]),
                report_charts.scorecard_trend(tables["pmo_value_scorecard_quarterly"]),
            ],
        ),
        (
            "Delivery trends",
            "",
            [
                report_charts.throughput(tables["delivery_throughput_monthly"]),
                report_charts.per_project_trend(
                    tables["delivery_flow_monthly"],
                    "cycle_time_p50_days",
                    "Cycle time p50 per month",
                    "days",
                ),
                report_charts.per_project_trend(
                    tables["delivery_on_time_monthly"],
                    "on_time_rate_pct",
                    "On-time delivery rate per month",
                    "% done on or before the due date",
                ),
            ],
        ),
        ("Capability", "", [report_charts.maturity_vs_target(tables["maturity_by_domain"])]),
        (
            "Portfolio health",
            "",
            [
                report_charts.rag_distribution(tables["portfolio_rag_distribution"]),
                report_charts.portfolio_health(tables["portfolio_health"]),
            ],
        ),
    ]
    body = "\n".join(
        f'<section><h2>{html.escape(title)}</h2>{intro}<div class="charts">'
        + "".join(_chart(figure) for figure in figures)
        + "</div></section>"
        for title, intro, figures in sections
    )
    return PAGE.format(
        plotly_js=plotly.offline.get_plotlyjs(),
        published=html.escape(_published(tables["publish_info"])),
        body=body,
        rendered=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )


def _tiles(
    latest: pd.Series | None,
    quarter: str | None,
    benchmark: str | None,
    benchmarks: tuple[float, float],
) -> str:
    if latest is None:
        return "<p>No scorecard quarter yet.</p>"
    tiles = []
    for kpi in HEADLINE_KPIS:
        target = latest.get(f"{kpi.column}_target")
        change = latest.get(f"{kpi.column}_qoq_change")
        details = [f"target {format_kpi(kpi, target)}"] if _present(target) else []
        if _present(change):
            details.append(f"{float(change):+.{kpi.decimals}f} vs previous quarter")
        tiles.append(
            f'<div class="tile" data-kpi="{kpi.column}">'
            f'<div class="label">{html.escape(kpi.label)}</div>'
            f'<div class="value">{format_kpi(kpi, latest[kpi.column])}</div>'
            f'<div class="detail">{html.escape(" · ".join(details))}</div></div>'
        )
    label = (benchmark or "not classified").replace("_", " ")
    return (
        f'<p class="quarter">Quarter <strong id="scorecard-quarter">{quarter}</strong>: '
        f'value delivery <strong id="benchmark-class">{html.escape(label)}</strong> '
        f"(benchmark: {benchmarks[0]:g}% high-performing, {benchmarks[1]:g}% low-performing PMOs)"
        "</p>"
        f'<div class="tiles">{"".join(tiles)}</div>'
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
    return f"{published:%Y-%m-%d %H:%M} UTC (run {row['source_run']})"


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
