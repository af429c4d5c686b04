"""The KPI report's charts: one plotly figure per question a PMO lead asks, from serving tables.

Each function takes the serving table(s) it plots as DataFrames and returns a figure; empty
tables give an empty chart with a note rather than an error, so a young warehouse still renders.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

RAG_COLOURS = {"green": "#2e7d32", "amber": "#f9a825", "red": "#c62828", "unrated": "#9e9e9e"}
BENCHMARK_COLOURS = {"high": "#2e7d32", "low": "#c62828"}
FAN_FILL = "rgba(21, 101, 192, 0.2)"
LAYOUT = {"template": "plotly_white", "height": 380, "margin": {"l": 60, "r": 20, "t": 60, "b": 60}}


def _figure(title: str, frame: pd.DataFrame) -> go.Figure:
    figure = go.Figure(layout={**LAYOUT, "title": {"text": title}})
    if frame.empty:
        figure.add_annotation(text="no data yet", showarrow=False, font={"size": 16})
    return figure


def value_delivery_rate(
    waves: pd.DataFrame, high_benchmark: float, low_benchmark: float
) -> go.Figure:
    """Value delivery rate per survey wave against the high- and low-performer benchmarks."""
    frame = waves.sort_values("wave")
    figure = _figure("Value delivery rate per survey wave vs benchmark", frame)
    figure.add_bar(
        x=frame["wave"],
        y=frame["value_delivery_rate_pct"],
        name="value delivery rate %",
        marker_color="#1565c0",
        text=frame["value_delivery_rate_pct"].round(1),
        textposition="outside",
    )
    for label, value, colour in (
        ("high-performing PMOs", high_benchmark, BENCHMARK_COLOURS["high"]),
        ("low-performing PMOs", low_benchmark, BENCHMARK_COLOURS["low"]),
    ):
        figure.add_scatter(
            x=frame["wave"],
            y=[value] * len(frame),
            mode="lines",
            name=f"{label}: {value:g}%",
            line={"dash": "dash", "color": colour},
        )
    figure.update_yaxes(title="% rating overall value >= 4", range=[0, 105])
    figure.update_layout(legend={"orientation": "h", "y": -0.15})
    return figure


def csat_by_service_and_group(service_value: pd.DataFrame, wave: str) -> go.Figure:
    """CSAT mean per PMO service and stakeholder group in one wave (suppressed cells blank)."""
    frame = service_value[service_value["wave"] == wave]
    title = f"CSAT (mean 1-5) by service and stakeholder group, wave {wave}"
    figure = _figure(f"{title}<br><sup>blank: suppressed, too few respondents</sup>", frame)
    if frame.empty:
        return figure
    grid = frame.pivot_table(
        index="service_name", columns="stakeholder_group", values="csat_mean", dropna=False
    )
    figure.add_heatmap(
        z=grid.to_numpy(),
        x=list(grid.columns),
        y=list(grid.index),
        zmin=1,
        zmax=5,
        colorscale="RdYlGn",
        texttemplate="%{z:.2f}",
        hovertemplate="%{y}<br>%{x}: %{z:.2f}<extra></extra>",
        colorbar={"title": "CSAT"},
    )
    figure.update_layout(height=max(LAYOUT["height"], 60 * len(grid.index)))
    return figure


def nps_by_group(nps: pd.DataFrame) -> go.Figure:
    """NPS per survey wave, one line per stakeholder group (and all groups)."""
    frame = nps.sort_values("wave")
    figure = _figure("NPS per survey wave and stakeholder group", frame)
    for group, rows in frame.groupby("stakeholder_group"):
        figure.add_scatter(x=rows["wave"], y=rows["nps"], mode="lines+markers", name=str(group))
    figure.update_yaxes(title="NPS", range=[-100, 100])
    return figure


def scorecard_trend(scorecard: pd.DataFrame) -> go.Figure:
    """Composite and pillar scores per quarter."""
    frame = scorecard.sort_values("quarter_start")
    figure = _figure("Scorecard: composite and pillar scores per quarter (0-100)", frame)
    for column in ("composite_score", "customer_score", "delivery_score", "strategy_score"):
        figure.add_scatter(
            x=frame["quarter_start"],
            y=frame[column],
            mode="lines+markers",
            name=column.removesuffix("_score"),
            line={"width": 4 if column == "composite_score" else 2},
        )
    figure.add_scatter(
        x=frame["quarter_start"], y=frame["capability_score"], mode="lines", name="capability"
    )
    figure.update_yaxes(range=[0, 105])
    return figure


def throughput(monthly: pd.DataFrame) -> go.Figure:
    """Issues first done per month, stacked by Jira project."""
    frame = monthly.sort_values("month_start")
    figure = _figure("Throughput: issues done per month", frame)
    for project, rows in frame.groupby("project_key"):
        figure.add_bar(x=rows["month_start"], y=rows["issues_done"], name=str(project))
    figure.update_layout(barmode="stack")
    return figure


def per_project_trend(monthly: pd.DataFrame, column: str, title: str, axis: str) -> go.Figure:
    """One line per Jira project of a monthly KPI."""
    frame = monthly.dropna(subset=[column]).sort_values("month_start")
    figure = _figure(title, frame)
    for project, rows in frame.groupby("project_key"):
        figure.add_scatter(
            x=rows["month_start"], y=rows[column], mode="lines+markers", name=str(project)
        )
    figure.update_yaxes(title=axis)
    return figure


def maturity_vs_target(maturity: pd.DataFrame) -> go.Figure:
    """Latest assessed level per PMI-PMOCP domain, with its target level."""
    latest = maturity[maturity["assessed_on"] == maturity["assessed_on"].max()]
    frame = latest.sort_values("domain")
    assessed = frame["assessed_on"].max() if not frame.empty else None
    figure = _figure(
        f"Maturity by domain vs target (assessment {assessed:%Y-%m-%d})"
        if assessed is not None
        else "Maturity by domain vs target",
        frame,
    )
    figure.add_bar(y=frame["domain"], x=frame["maturity_level"], orientation="h", name="level")
    figure.add_scatter(
        y=frame["domain"],
        x=frame["target_level"],
        mode="markers",
        name="target",
        marker={"symbol": "line-ns-open", "size": 28, "line": {"width": 4}, "color": "#c62828"},
    )
    figure.update_xaxes(title="level (1-5)", range=[0, 5.5])
    figure.update_layout(margin={**LAYOUT["margin"], "l": 300})
    return figure


def rag_distribution(rag: pd.DataFrame) -> go.Figure:
    """Projects per RAG status."""
    figure = _figure("Portfolio RAG distribution", rag)
    figure.add_bar(
        x=rag["rag"],
        y=rag["projects"],
        marker_color=[RAG_COLOURS.get(str(status), "#607d8b") for status in rag["rag"]],
        text=rag["projects"],
        textposition="outside",
    )
    figure.update_yaxes(title="projects")
    return figure


def portfolio_health(projects: pd.DataFrame) -> go.Figure:
    """Schedule variance against cost performance, one bubble per project coloured by RAG."""
    frame = projects.dropna(subset=["schedule_variance_days"])
    figure = _figure("Portfolio health: schedule variance vs cost performance", frame)
    for status, rows in frame.groupby("rag"):
        figure.add_scatter(
            x=rows["schedule_variance_days"],
            y=rows["cost_performance_index"],
            mode="markers+text",
            text=rows["project_key"],
            textposition="top center",
            name=str(status),
            marker={"size": 16, "color": RAG_COLOURS.get(str(status), "#607d8b")},
        )
    figure.add_hline(y=1, line_dash="dot", line_color="#607d8b")
    figure.add_vline(x=0, line_dash="dot", line_color="#607d8b")
    figure.update_xaxes(title="schedule variance, days (positive = late)")
    figure.update_yaxes(title="cost performance index (below 1 = over cost)")
    return figure


def forecast_fan(trend: pd.DataFrame, project_key: str) -> go.Figure:
    """A project's Monte Carlo completion forecast (issues) as of each recent week: the P50 to
    P95 fan, the P85 line, against the register's baseline end; or why there is none."""
    frame = trend[
        (trend["subject_type"] == "project")
        & (trend["subject_key"] == project_key)
        & (trend["scope_basis"] == "issues")
    ].sort_values("as_of_date")
    latest = frame.iloc[-1] if not frame.empty else None
    title = f"{project_key}: forecast completion vs baseline end"
    if latest is not None and pd.notna(latest["p85_date"]):
        chance = latest["probability_by_target_pct"]
        title += (
            f"<br><sup>as of {latest['as_of_date']:%Y-%m-%d}: P85 {latest['p85_date']:%Y-%m-%d}"
            + (f", {chance:.0f}% chance by the baseline end" if pd.notna(chance) else "")
            + "</sup>"
        )
    figure = _figure(title, frame)
    forecast = frame.dropna(subset=["p50_date"])
    if latest is not None and forecast.empty:
        figure.add_annotation(
            text=f"no forecast: {latest['no_forecast_reason']}", showarrow=False, font={"size": 14}
        )
        figure.update_xaxes(visible=False)
        figure.update_yaxes(visible=False)
    fan = {"mode": "lines", "line": {"color": "#90caf9"}}
    for column, name, style in (
        ("p50_date", "P50", fan),
        ("p95_date", "P95 (fan: P50-P95)", {**fan, "fill": "tonexty", "fillcolor": FAN_FILL}),
        ("p85_date", "P85", {"mode": "lines+markers", "line": {"color": "#1565c0", "width": 3}}),
    ):
        figure.add_scatter(x=forecast["as_of_date"], y=forecast[column], name=name, **style)
    baseline = frame["target_date"].dropna()
    if not baseline.empty and not forecast.empty:
        figure.add_scatter(
            x=[forecast["as_of_date"].min(), forecast["as_of_date"].max()],
            y=[baseline.iloc[-1]] * 2,
            mode="lines",
            name=f"baseline end {baseline.iloc[-1]:%Y-%m-%d}",
            line={"dash": "dash", "color": BENCHMARK_COLOURS["low"]},
        )
    figure.update_xaxes(title="forecast as of")
    figure.update_yaxes(title="completion date")
    figure.update_layout(legend={"orientation": "h", "y": -0.2})
    return figure


def schedule_vs_delivery(schedule: pd.DataFrame) -> go.Figure:
    """Per portfolio project: finish and worst milestone slip (days) beside the Jira issues
    done, so a plan slipping while delivery moves (or stalls) shows at a glance."""
    frame = schedule.sort_values("project_key")
    figure = _figure("Schedule slip per project next to Jira delivery", frame)
    projects = frame["project_key"].astype(str)
    figure.add_bar(x=projects, y=frame["finish_slip_days"], name="finish slip")
    figure.add_bar(x=projects, y=frame["max_milestone_slip_days"], name="worst milestone slip")
    figure.add_scatter(
        x=projects,
        y=frame["jira_issues_done"],
        mode="markers",
        name="Jira issues done",
        yaxis="y2",
        marker={"size": 14, "symbol": "diamond"},
    )
    figure.update_layout(
        barmode="group",
        yaxis={"title": "days late (positive) vs baseline"},
        yaxis2={"title": "Jira issues done", "overlaying": "y", "side": "right"},
    )
    return figure


def progress_vs_plan(schedule: pd.DataFrame) -> go.Figure:
    """% complete against the % planned by the as-of day, per portfolio project."""
    frame = schedule.sort_values("project_key")
    figure = _figure("% complete vs planned", frame)
    projects = frame["project_key"].astype(str)
    figure.add_bar(x=projects, y=frame["percent_complete_pct"], name="% complete")
    figure.add_bar(x=projects, y=frame["planned_percent_complete_pct"], name="% planned")
    figure.update_layout(barmode="group")
    figure.update_yaxes(title="%", range=[0, 105])
    return figure


def plan_changes(monthly: pd.DataFrame) -> go.Figure:
    """Changes to the plans per month by kind (schedule, baseline, status)."""
    frame = monthly.groupby("month_start", as_index=False)[
        ["schedule_changes", "baseline_changes", "status_changes"]
    ].sum()
    figure = _figure("Plan changes per month", frame.sort_values("month_start"))
    for kind in ("schedule", "baseline", "status"):
        figure.add_bar(x=frame["month_start"], y=frame[f"{kind}_changes"], name=kind)
    figure.update_layout(barmode="stack")
    figure.update_yaxes(title="changed cells")
    return figure
