"""The portfolio schedule KPIs in plain Python, straight from the Smartsheet emulator's plan
objects and the register's rows (the fixtures the warehouse was loaded from): the answers
the marts must give.

Reading rules, as documented in docs/kpis.md: milestones are leaf rows of duration 0; phases
(rows with children) count in no KPI; % complete is a fraction 0-1 or a typed "N%", anything
else or outside 0-100 is left out; a progress weight is the planned window in calendar days
(baseline, else scheduled); a status label - current or in the cell history, a RYG symbol
name or a picklist word such as "Rot" - means the RAG the seed portfolio_rag_labels gives it
(lower case, trimmed); one the seed does not list is unknown, and time in it is counted apart
from time red; a cleared status is unrated.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

from sandbox.smartsheet.portfolio import Column, Portfolio, Row, Sheet

SEED = Path(__file__).resolve().parents[2] / "transforms" / "seeds" / "portfolio_rag_labels.csv"
with SEED.open(encoding="utf-8") as seed:
    LABELS = {row["label"].strip().lower(): row["rag"] for row in csv.DictReader(seed)}
ROLES = {
    "Finish": "finish",
    "Baseline Finish": "baseline_finish",
    "Start": "start",
    "Baseline Start": "baseline_start",
    "Status": "status",
}
# The Project Online import's Tasks sheet names two of the template's columns its own way.
PROJECT_ONLINE_TITLES = {"Status": "Health", "Budget": "Cost"}
SEVERITY = ("green", "amber", "red")


@dataclass(frozen=True)
class Plan:
    """One plan sheet read the way the documented rules read it."""

    sheet: Sheet

    def column(self, title: str) -> Column:
        """The template's column `title`, or what the Project Online layout calls it."""
        titles = {column.title for column in self.sheet.columns}
        return self.sheet.column(title if title in titles else PROJECT_ONLINE_TITLES[title])

    def value(self, row: Row, title: str) -> Any:
        return row.values.get(self.column(title).id)

    @property
    def leaves(self) -> list[Row]:
        parents = {row.parent_id for row in self.sheet.rows}
        return [row for row in self.sheet.rows if row.id not in parents]

    def is_milestone(self, row: Row) -> bool:
        return self.value(row, "Duration") == 0

    @property
    def milestones(self) -> list[Row]:
        return [row for row in self.leaves if self.is_milestone(row)]

    @property
    def tasks(self) -> list[Row]:
        return [row for row in self.leaves if not self.is_milestone(row)]

    def history(self, row: Row, title: str) -> list[tuple[datetime, Any]]:
        entries = row.history.get(self.column(title).id, [])
        return sorted((utc(entry.modified_at), entry.value) for entry in entries)

    def summary(self, title: str) -> Any:
        """A sheet summary field's value; None when the sheet has no such field."""
        return next((f.value for f in self.sheet.summary if f.title == title), None)


def has_text_picklist_status(sheet: Sheet) -> bool:
    """Whether the plan's status column is a text picklist of its own words (no RYG symbol)."""
    return not Plan(sheet).column("Status").symbol


def rag_of(label: Any) -> str:
    """The RAG a status label means: the seed's, unknown when it has none, unrated if blank."""
    text = None if label is None else str(label).strip()
    return LABELS.get(text.lower(), "unknown") if text else "unrated"


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None, microsecond=0)


def days(later: date | None, earlier: date | None) -> int | None:
    return None if later is None or earlier is None else (later - earlier).days


def percent(value: Any) -> float | None:
    """% complete 0-100 as the marts use it; None when unreadable or outside 0-100."""
    if isinstance(value, int | float):
        fraction = float(value) / (100 if value > 1 else 1)
    elif isinstance(value, str) and re.fullmatch(r"\s*-?\d+(\.\d+)?\s*%\s*", value):
        fraction = float(value.strip().rstrip("%")) / 100
    else:
        return None
    return 100 * fraction if 0 <= fraction <= 1 else None


def weighted_progress(windows: list[tuple[date, date, float | None]], as_of: date) -> dict:
    """% complete and planned % complete of (planned start, planned finish, % complete)."""
    weights = [((finish - start).days + 1, start, done) for start, finish, done in windows]
    weights = [(w, start, done) for w, start, done in weights if w > 0]
    known = [(w, done) for w, _, done in weights if done is not None]
    total = sum(w for w, _, _ in weights)
    elapsed = sum(min(max((as_of - start).days + 1, 0), w) for w, start, _ in weights)
    return {
        "percent_complete_pct": sum(w * d for w, d in known) / sum(w for w, _ in known)
        if known
        else None,
        "planned_percent_complete_pct": 100 * elapsed / total if total else None,
    }


def days_covered(spans: list[tuple[datetime, datetime | None]], as_of: date) -> float:
    """Days up to the as-of day covered by at least one of the (from, to) spans."""
    end_of_count = datetime.combine(as_of, datetime.min.time())
    clipped = sorted(
        (start, min(stop or end_of_count, end_of_count))
        for start, stop in spans
        if start < end_of_count
    )
    total, current = timedelta(), None
    for start, stop in clipped:
        if current and start <= current[1]:
            current = (current[0], max(current[1], stop))
            continue
        if current:
            total += current[1] - current[0]
        current = (start, stop)
    if current:
        total += current[1] - current[0]
    return total.total_seconds() / 86400


def status_spans(plan: Plan, row: Row) -> list[tuple[str, datetime, datetime | None]]:
    entries = plan.history(row, "Status")
    return [
        (rag_of(value), at, following)
        for (at, value), following in zip(
            entries, [at for at, _ in entries[1:]] + [None], strict=True
        )
    ]


def smartsheet_project(plan: Plan, as_of: date) -> dict:
    rows = plan.sheet.rows
    finishes = [plan.value(r, "Finish") for r in rows if plan.value(r, "Finish")]
    baselines = [plan.value(r, "Baseline Finish") for r in rows if plan.value(r, "Baseline Finish")]
    slips = [
        days(plan.value(m, "Finish"), plan.value(m, "Baseline Finish")) for m in plan.milestones
    ]
    known = [s for s in slips if s is not None]
    windows = []
    for task in plan.tasks:
        start = plan.value(task, "Baseline Start") or plan.value(task, "Start")
        finish = plan.value(task, "Baseline Finish") or plan.value(task, "Finish")
        windows.append((start, finish, percent(plan.value(task, "% Complete"))))
    # Without a sheet summary (a Project Online import): Σ leaf budgets and the worst item RAG.
    summary_budget = plan.summary("Total Budget")
    leaf_budget = sum(plan.value(r, "Budget") or 0.0 for r in plan.leaves)
    budget = float(leaf_budget if summary_budget is None else summary_budget)
    actual = sum(plan.value(r, "Actual Cost") or 0.0 for r in plan.leaves)
    current = [rag_of(plan.value(row, "Status")) for row in rows]
    worst = max((r for r in current if r in SEVERITY), key=SEVERITY.index, default="unrated")
    status = plan.summary("Project Status")
    spans = [
        (rag, start, stop) for row in plan.leaves for rag, start, stop in status_spans(plan, row)
    ]
    tracked = any(plan.history(row, "Status") for row in plan.leaves)
    labels = [plan.value(row, "Status") for row in rows] + [
        value for row in rows for _, value in plan.history(row, "Status")
    ]
    unknown = sorted({str(label) for label in labels if rag_of(label) == "unknown"})
    rag = worst if status is None else rag_of(status)
    return {
        "source_system": "smartsheet",
        "rag": rag,
        "finish_slip_days": days(max(finishes), max(baselines)),
        "milestones": len(slips),
        "milestones_with_baseline": len(known),
        "milestones_late": sum(1 for s in known if s > 0),
        "max_milestone_slip_days": max(known, default=None),
        **weighted_progress(windows, as_of),
        "budget": budget,
        "actual_cost": actual,
        "budget_variance": budget - actual,
        "days_red": time_in(spans, "red", as_of) if tracked else None,
        "days_red_is_partial": (rag == "red" and not red_at(spans, as_of)) if tracked else None,
        "days_status_unknown": time_in(spans, "unknown", as_of) if tracked else None,
        "unknown_rag_labels": ", ".join(unknown) or None,
    }


def time_in(spans: list[tuple[str, datetime, datetime | None]], rag: str, as_of: date) -> float:
    """Days up to the as-of day on which at least one span was of `rag`."""
    return days_covered([(start, stop) for held, start, stop in spans if held == rag], as_of)


def red_at(spans: list[tuple[str, datetime, datetime | None]], as_of: date) -> bool:
    """Whether an item's status history is red at the start of the as-of day."""
    moment = datetime.combine(as_of, datetime.min.time())
    return any(
        held == "red" and start < moment and (stop is None or stop >= moment)
        for held, start, stop in spans
    )


def register_project(project: dict[str, Any], as_of: date) -> dict:
    start, end = project["baseline_start"], project["baseline_end"]
    slip = days(project["forecast_end"], end)
    budget, actual = float(project["budget"]), float(project["actual_cost_to_date"])
    return {
        "source_system": "project_register",
        "rag": project["rag"].lower(),
        "finish_slip_days": slip,
        "milestones": 1,
        "milestones_with_baseline": int(slip is not None),
        "milestones_late": int(slip is not None and slip > 0),
        "max_milestone_slip_days": slip,
        **weighted_progress([(start, end, None)], as_of),
        "budget": budget,
        "actual_cost": actual,
        "budget_variance": budget - actual,
        "days_red": None,
        "days_red_is_partial": None,
        "days_status_unknown": None,
        "unknown_rag_labels": None,
    }


def schedule(
    plans: Portfolio | None, register: list[dict], jira_keys: set[str], as_of: date
) -> dict[str, dict]:
    """mart_portfolio_schedule by project key: Smartsheet first, then the register."""
    projects = {p["project_key"]: register_project(p, as_of) for p in register}
    for sheet in plans.plans() if plans else []:
        projects[sheet.project_key] = smartsheet_project(Plan(sheet), as_of)
    for key, project in projects.items():
        project["jira_project_key"] = key if key in jira_keys else None
    return projects


def milestone_slip_history(plans: Portfolio) -> dict[tuple[str, datetime], int | None]:
    """(milestone row id, moment) -> slip days, at every finish or baseline change."""
    found = {}
    for sheet in plans.plans():
        plan = Plan(sheet)
        for milestone in plan.milestones:
            finish = plan.history(milestone, "Finish")
            baseline = plan.history(milestone, "Baseline Finish")
            for at in sorted({moment for moment, _ in finish + baseline}):
                found[(str(milestone.id), at)] = days(
                    in_force(finish, at, plan.value(milestone, "Finish")),
                    in_force(baseline, at, plan.value(milestone, "Baseline Finish")),
                )
    return found


def in_force(history: list[tuple[datetime, Any]], at: datetime, current: Any) -> Any:
    """The value a cell held at `at`: its last history entry by then, or its current value
    when it has no history."""
    if not history:
        return current
    held = [value for moment, value in history if moment <= at]
    return held[-1] if held else None


def plan_changes_monthly(plans: Portfolio) -> dict[tuple[str, date], dict[str, int]]:
    """(project, month) -> changes by kind: history entries differing from the one before."""
    kinds = {"finish": "schedule", "start": "schedule", "status": "status"}
    counts: dict[tuple[str, date], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for sheet in plans.plans():
        plan = Plan(sheet)
        for row in sheet.rows:
            for title, role in ROLES.items():
                for (_, before), (at, after) in pairwise(plan.history(row, title)):
                    if before != after:
                        month = counts[(sheet.project_key, at.date().replace(day=1))]
                        month["plan_changes"] += 1
                        month[f"{kinds.get(role, 'baseline')}_changes"] += 1
    return {key: dict(value) for key, value in counts.items()}


def milestone_slips(plans: Portfolio, register: list[dict]) -> list[tuple[date, int]]:
    """(baseline finish, slip days) of every milestone with a baseline, one source per
    project (Smartsheet first)."""
    planned = {sheet.project_key for sheet in plans.plans()}
    found = [
        (project["baseline_end"], days(project["forecast_end"], project["baseline_end"]))
        for project in register
        if project["project_key"] not in planned and project["baseline_end"] is not None
    ]
    for sheet in plans.plans():
        plan = Plan(sheet)
        for milestone in plan.milestones:
            baseline = plan.value(milestone, "Baseline Finish")
            if baseline is not None:
                found.append((baseline, days(plan.value(milestone, "Finish"), baseline)))
    return found


def scorecard_schedule(slips: list[tuple[date, int]]) -> dict[date, dict]:
    """Per quarter of the baseline finish: milestones due, % on schedule, mean slip."""
    quarters: dict[date, list[int]] = defaultdict(list)
    for baseline, slip in slips:
        quarters[baseline.replace(month=(baseline.month - 1) // 3 * 3 + 1, day=1)].append(slip)
    return {
        quarter: {
            "milestones_due": len(found),
            "milestone_on_schedule_pct": 100 * sum(s <= 0 for s in found) / len(found),
            "milestone_slip_mean_days": sum(found) / len(found),
        }
        for quarter, found in quarters.items()
    }


def slip_monthly(plans: Portfolio, as_of: date) -> dict[tuple[str, date], dict]:
    """(project, month) -> the milestones' slip in force at the month's end, summarised, from
    the month of the project's first change to the as-of month."""
    project_of = {str(row.id): sheet.project_key for sheet in plans.plans() for row in sheet.rows}
    points: dict[str, list[tuple[datetime, int | None]]] = defaultdict(list)
    for (row_id, at), slip in milestone_slip_history(plans).items():
        points[row_id].append((at, slip))
    projects: dict[str, list[str]] = defaultdict(list)
    for row_id in points:
        projects[project_of[row_id]].append(row_id)
    found = {}
    last_month = as_of.replace(day=1)
    for project, milestones in projects.items():
        month = min(at for m in milestones for at, _ in points[m]).date().replace(day=1)
        while month <= last_month:
            following = (month + timedelta(days=32)).replace(day=1)
            end = datetime.combine(following, datetime.min.time())
            held = [
                [slip for at, slip in sorted(points[m], key=lambda p: p[0]) if at < end]
                for m in milestones
            ]
            slips = [h[-1] for h in held if h and h[-1] is not None]
            found[(project, month)] = {
                "milestones_tracked": len(slips),
                "milestones_late": sum(s > 0 for s in slips),
                "max_slip_days": max(slips, default=None),
                "mean_slip_days": sum(slips) / len(slips) if slips else None,
            }
            month = following
    return found
