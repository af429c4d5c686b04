"""The latest delivery forecast computed in plain Python straight from an emulated Jira site's
objects and the portfolio's register rows, independently of the SQL that prepares the
simulation's inputs: the oracle mart_delivery_forecast must equal."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import yaml

from sandbox.jira.site import Issue, JiraSite
from warehouse.forecasting import (
    NO_JIRA_ISSUES,
    NOT_ESTIMATED,
    Forecast,
    forecast,
    subject_rng,
)

DBT_PROJECT = Path(__file__).resolve().parents[2] / "transforms" / "dbt_project.yml"


def forecast_vars() -> dict:
    """The forecast_* vars of dbt_project.yml."""
    return yaml.safe_load(DBT_PROJECT.read_text())["vars"]


def category_at(issue: Issue, moment: datetime) -> str:
    """The statusCategory of the issue's status at ``moment`` (a move at it not yet made)."""
    moves = [change for change in issue.status_changes if change.at < moment]
    if moves:
        return moves[-1].to_status.category.key
    first = issue.status_changes[0].from_status if issue.status_changes else issue.status
    return first.category.key


def weekly_done(issues: Iterable[Issue], cutoff: datetime, weeks: int) -> list[tuple[int, float]]:
    """(issues, story points) first done in each seven-day week back from ``cutoff``."""
    done = [(0, 0.0) for _ in range(weeks)]
    for issue in issues:
        at = issue.first_done_at
        if at is not None and cutoff - timedelta(weeks=weeks) <= at < cutoff:
            week = (cutoff - at - timedelta(microseconds=1)) // timedelta(weeks=1)
            count, points = done[week]
            done[week] = (count + 1, points + (issue.story_points or 0.0))
    return done


def latest_forecasts(site: JiraSite, register: list[dict]) -> dict[tuple[str, str, str], dict]:
    """(subject_type, subject_key, scope_basis) -> the forecast's dates, probability, reason."""
    settings = forecast_vars()
    weeks = settings["forecast_history_weeks"]
    issues = [issue for issue in site.issues.values() if not issue.issue_type.subtask]
    as_of = max(issue.updated for issue in site.issues.values()).astimezone(UTC).date()
    cutoff = datetime.combine(as_of + timedelta(days=1), datetime.min.time(), UTC)
    projects = {issue.project.key for issue in issues}
    started = {key: min(i.created for i in issues if i.project.key == key) for key in projects}
    full = {key for key in projects if started[key] <= cutoff - timedelta(weeks=weeks)}
    samples = {
        key: weekly_done([i for i in issues if i.project.key == key], cutoff, weeks)
        for key in projects
    }
    open_issues = [i for i in issues if i.created < cutoff and category_at(i, cutoff) != "done"]
    by_key = {issue.key: issue for issue in issues}

    def history(project_key: str, basis: int) -> list[float]:
        pooled = [project_key] if project_key in full else sorted(full)
        return [week[basis] for key in pooled for week in samples[key]]

    def run(subject: tuple[str, str], project_key, scope: list[Issue] | None, target) -> None:
        for basis, column in (("issues", 0), ("story_points", 1)):
            remaining = (
                None
                if scope is None
                else (len(scope) if column == 0 else sum(i.story_points or 0.0 for i in scope))
            )
            if scope is None:
                result = Forecast(no_forecast_reason=NO_JIRA_ISSUES)
            elif column == 1 and scope and not remaining:
                result = Forecast(no_forecast_reason=NOT_ESTIMATED)
            else:
                result = forecast(
                    history(project_key, column),
                    remaining,
                    trials=settings["forecast_trials"],
                    rng=subject_rng(settings["forecast_seed"], *subject, basis),
                    max_weeks=settings["forecast_max_weeks"],
                    weeks_to_target=None if target is None else (target - as_of).days // 7,
                )
            expected[(*subject, basis)] = dated(as_of, result)

    expected: dict[tuple[str, str, str], dict] = {}
    baselines = {row["project_key"]: row["baseline_end"] for row in register}
    for key in projects | set(baselines):
        scope = [i for i in open_issues if i.project.key == key] if key in projects else None
        run(("project", key), key, scope, baselines.get(key))
    for epic_key in {i.parent_key for i in open_issues if i.parent_key in by_key}:
        epic = by_key[epic_key]
        children = [i for i in open_issues if i.parent_key == epic.key]
        run(("epic", epic.key), epic.project.key, children, epic.due_date)
    return expected


def dated(as_of: date, result: Forecast) -> dict:
    """The forecast as the mart shows it: dates and a percentage."""

    def on(weeks: int | None) -> date | None:
        return None if weeks is None else as_of + timedelta(weeks=weeks)

    probability = result.probability_by_target
    return {
        "as_of_date": as_of,
        "p50_date": on(result.p50_weeks),
        "p85_date": on(result.p85_weeks),
        "p95_date": on(result.p95_weeks),
        "probability_by_target_pct": None if probability is None else 100 * probability,
        "no_forecast_reason": result.no_forecast_reason,
    }


def shown(row: pd.Series) -> dict:
    """A mart row's forecast, nulls as None and dates as dates."""

    def value(column: str):
        item = row[column]
        if pd.isna(item):
            return None
        return item.date() if isinstance(item, pd.Timestamp) else item

    columns = ("as_of_date", "p50_date", "p85_date", "p95_date")
    return {
        **{column: value(column) for column in columns},
        "probability_by_target_pct": value("probability_by_target_pct"),
        "no_forecast_reason": value("no_forecast_reason"),
    }


def forecasts_shown(mart: pd.DataFrame) -> dict[tuple[str, str, str], dict]:
    """mart_delivery_forecast keyed like ``latest_forecasts``."""
    return {
        (row.subject_type, row.subject_key, row.scope_basis): shown(pd.Series(row._asdict()))
        for row in mart.itertuples(index=False)
    }
