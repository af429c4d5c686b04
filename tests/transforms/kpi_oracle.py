"""The delivery KPIs computed in plain Python straight from an emulated Jira site's objects
(what its /status lists, each issue's changelog histories), independently of the SQL: the
oracle the marts must equal.

A status's statusCategory by precedence: the override seed, /status, Jira's built-in
statuses, then the move's resolution (set in the same history: done), else unknown (None).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np

from sandbox.jira.site import BUG, Issue, JiraSite

from .conftest import TRANSFORMS_DIR

# Jira's built-in statuses (the classic "jira" workflow of Server / Data Center, kept by sites
# migrated to Cloud) with their default statusCategory, as Jira's /status reports them.
BUILTIN_CATEGORIES = {"1": "new", "3": "indeterminate", "4": "new", "5": "done", "6": "done"}
DAY = 86400.0


def seed_overrides() -> tuple[dict[str, str], set[str]]:
    """Category overrides and waiting statuses configured in the project's seed."""
    with (TRANSFORMS_DIR / "seeds" / "status_flow_overrides.csv").open() as seed:
        rows = list(csv.DictReader(seed))
    categories = {row["status_id"]: row["status_category_key"] for row in rows}
    waiting = {row["status_id"] for row in rows if row["is_waiting"] == "true"}
    return {k: v for k, v in categories.items() if v}, waiting


def listed_categories(site: JiraSite) -> dict[str, str]:
    """What the site's /status lists: status id -> statusCategory key."""
    return {status.id: status.category.key for status in site.statuses}


@dataclass(frozen=True)
class Stretch:
    """Time an issue spent in one status, with the category it had there (None: unknown)."""

    status_id: str
    category: str | None
    entered: datetime
    left: datetime | None


@dataclass(frozen=True)
class IssueFlow:
    issue: Issue
    stretches: list[Stretch]

    def first_entered(self, category: str) -> datetime | None:
        return next((s.entered for s in self.stretches if s.category == category), None)

    @property
    def has_unknown_status(self) -> bool:
        return any(s.category is None for s in self.stretches)

    def at(self, instant: datetime) -> Stretch | None:
        """The stretch the issue was in at `instant` (entered before, left at or after)."""
        return next(
            (
                s
                for s in self.stretches
                if s.entered < instant and (s.left is None or s.left >= instant)
            ),
            None,
        )


class Oracle:
    """Status categories by precedence and each issue's flow, from the site objects."""

    def __init__(self, site: JiraSite) -> None:
        self.site = site
        overrides, self.waiting = seed_overrides()
        self.known = {**BUILTIN_CATEGORIES, **listed_categories(site), **overrides}

    def flow(self, issue: Issue) -> IssueFlow:
        moves = []
        for history in sorted(issue.histories, key=lambda h: (h.created, int(h.id))):
            resolved = any(
                item.field_id == "resolution" and item.to_value is not None
                for item in history.items
            )
            moves += [
                (history.created, item.from_value, item.to_value, resolved)
                for item in history.items
                if item.field_id == "status"
            ]
        if moves:
            first = moves[0][1]
            entries = [(issue.created, first, self.known.get(first))]
        else:
            entries = [(issue.created, issue.status.id, self.known.get(issue.status.id))]
        entries += [
            (at, to, self.known.get(to, "done" if resolved else None))
            for at, _, to, resolved in moves
        ]
        ends = [entered for entered, _, _ in entries[1:]] + [None]
        stretches = [
            Stretch(status, category, entered, left)
            for (entered, status, category), left in zip(entries, ends, strict=True)
        ]
        return IssueFlow(issue, stretches)

    def flows(self) -> list[IssueFlow]:
        """Every issue that is no sub-task (delivery KPIs leave them out)."""
        return [self.flow(i) for i in self.site.issues.values() if not i.issue_type.subtask]

    def active_and_waiting(self, flow: IssueFlow) -> tuple[float, float]:
        """Seconds active (in progress, not waiting) and not, inside the cycle window."""
        start, end = flow.first_entered("indeterminate"), flow.first_entered("done")
        active = waiting = 0.0
        for stretch in flow.stretches:
            left = end if stretch.left is None else min(stretch.left, end)
            seconds = max((left - max(stretch.entered, start)).total_seconds(), 0.0)
            if stretch.category == "indeterminate" and stretch.status_id not in self.waiting:
                active += seconds
            else:
                waiting += seconds
        return active, waiting


def month_of(instant: datetime) -> date:
    return instant.date().replace(day=1)


def next_month(month: date) -> date:
    return month.replace(year=month.year + month.month // 12, month=month.month % 12 + 1)


def percentile(values: Iterable[float], q: float) -> float | None:
    """Continuous percentile (linear interpolation), like SQL percentile_cont."""
    values = list(values)
    return round(float(np.percentile(values, 100 * q)), 3) if values else None


def sum_of_estimates(issues: Iterable[Issue]) -> float | None:
    """Story points of the estimated issues; None when none is (not 0)."""
    points = [issue.story_points for issue in issues if issue.story_points is not None]
    return sum(points) if points else None


def done_kpis(oracle: Oracle) -> dict[tuple[str, date], dict]:
    """Throughput, lead/cycle time percentiles, flow efficiency and bugs per project and month
    of the first move to done."""
    groups: dict[tuple[str, date], list[IssueFlow]] = defaultdict(list)
    for flow in oracle.flows():
        done = flow.first_entered("done")
        if done is not None:
            groups[(flow.issue.project.key, month_of(done))].append(flow)
    kpis = {}
    for key, flows in groups.items():
        lead, cycle, active, waiting = [], [], 0.0, 0.0
        for flow in flows:
            started, done = flow.first_entered("indeterminate"), flow.first_entered("done")
            lead.append((done - flow.issue.created).total_seconds() / DAY)
            if started is not None and started <= done:
                cycle.append((done - started).total_seconds() / DAY)
                flow_active, flow_waiting = oracle.active_and_waiting(flow)
                active, waiting = active + flow_active, waiting + flow_waiting
        kpis[key] = {
            "issues_done": len(flows),
            "story_points_done": sum_of_estimates(f.issue for f in flows),
            "lead_time_p50_days": percentile(lead, 0.5),
            "lead_time_p85_days": percentile(lead, 0.85),
            "cycle_time_p50_days": percentile(cycle, 0.5),
            "cycle_time_p85_days": percentile(cycle, 0.85),
            "flow_efficiency_pct": 100 * active / (active + waiting) if active + waiting else None,
            "issues_with_unknown_status": sum(f.has_unknown_status for f in flows),
            **on_time_kpis(flows),
            # The site keeps the language-free base type; Jira sends a localised name.
            "bugs_done": sum(f.issue.issue_type is BUG for f in flows),
        }
    return kpis


def weekly_throughput(oracle: Oracle) -> dict[tuple[str, date], dict]:
    """Issues and story points done per project and ISO week (Monday, UTC) of the first move
    to done."""
    groups: dict[tuple[str, date], list[Issue]] = defaultdict(list)
    for flow in oracle.flows():
        done = flow.first_entered("done")
        if done is not None:
            day = done.astimezone(UTC).date()
            groups[(flow.issue.project.key, day - timedelta(days=day.weekday()))].append(flow.issue)
    return {
        key: {"issues_done": len(issues), "story_points_done": sum_of_estimates(issues)}
        for key, issues in groups.items()
    }


def on_time_kpis(flows: list[IssueFlow]) -> dict:
    """Done issues with a due date, and how many were done on or before it (UTC day)."""
    due = [f for f in flows if f.issue.due_date is not None]
    on_time = sum(f.first_entered("done").astimezone(UTC).date() <= f.issue.due_date for f in due)
    return {
        "done_with_due_date": len(due),
        "done_on_time": on_time,
        "done_late": len(due) - on_time,
        "on_time_rate_pct": 100 * on_time / len(due) if due else None,
    }


def wip_kpis(oracle: Oracle, built_at: datetime) -> dict[tuple[str, date], dict]:
    """Issues in progress, and in a status of unknown category, at each month end (at
    `built_at` for the month of the build), per project; months with neither left out."""
    flows = oracle.flows()
    first = min(month_of(s.entered) for f in flows for s in f.stretches)
    kpis = {}
    month = first
    while month <= month_of(built_at):
        as_of = min(datetime.combine(next_month(month), datetime.min.time(), UTC), built_at)
        in_progress: dict[str, list[IssueFlow]] = defaultdict(list)
        unknown: dict[str, int] = defaultdict(int)
        for flow in flows:
            stretch = flow.at(as_of)
            if stretch is None:
                continue
            if stretch.category == "indeterminate":
                in_progress[flow.issue.project.key].append(flow)
            elif stretch.category is None:
                unknown[flow.issue.project.key] += 1
        for project in {*in_progress, *unknown}:
            issues = [flow.issue for flow in in_progress[project]]
            # Age: since the issue first entered an in-progress status.
            ages = [
                (as_of - flow.first_entered("indeterminate")).total_seconds() / DAY
                for flow in in_progress[project]
            ]
            kpis[(project, month)] = {
                "wip_issues": len(issues),
                "wip_story_points": sum_of_estimates(issues) if issues else 0.0,
                "wip_age_mean_days": sum(ages) / len(ages) if ages else None,
                "wip_age_p85_days": percentile(ages, 0.85),
                "wip_age_max_days": max(ages, default=None),
                "unknown_status_issues": unknown[project],
            }
        month = next_month(month)
    return kpis


def unknown_status_ids(oracle: Oracle) -> set[str]:
    """Status ids some issue sat in without a known category."""
    return {
        stretch.status_id
        for flow in map(oracle.flow, oracle.site.issues.values())
        for stretch in flow.stretches
        if stretch.category is None
    }


@dataclass(frozen=True)
class SprintSpan:
    """Time an issue spent with one list of sprints (ids) in the site's sprint field."""

    entered: datetime
    left: datetime | None
    sprint_ids: frozenset[int]

    def holds(self, sprint_id: int, instant: datetime) -> bool:
        """In `sprint_id` at `instant` (entered at or before, left after)."""
        return (
            sprint_id in self.sprint_ids
            and self.entered <= instant
            and (self.left is None or self.left > instant)
        )


def sprint_spans(site: JiraSite, issue: Issue) -> list[SprintSpan]:
    """The issue's sprint lists over time, replayed from its sprint field's changelog: before
    the first change it had that change's from-list since creation; with no change, its
    current sprints."""
    field_id = site.field_for("sprint").id
    changes = [
        (history.created, item)
        for history in sorted(issue.histories, key=lambda h: (h.created, int(h.id)))
        for item in history.items
        if item.field_id == field_id
    ]
    if not changes:
        return [SprintSpan(issue.created, None, frozenset(issue.sprint_ids))]

    def ids(value: str | None) -> frozenset[int]:
        return frozenset(int(part) for part in (value or "").split(",") if part.strip())

    ends = [at for at, _ in changes[1:]] + [None]
    spans = [SprintSpan(issue.created, changes[0][0], ids(changes[0][1].from_value))]
    return spans + [
        SprintSpan(at, end, ids(item.to_value))
        for (at, item), end in zip(changes, ends, strict=True)
    ]


def sprint_predictability(oracle: Oracle) -> dict[int, dict]:
    """Per closed sprint: issues (no sub-tasks) committed at its start, added and removed
    during it, committed ones still in it and done at its close, and the rates."""
    members = [(flow, sprint_spans(oracle.site, flow.issue)) for flow in oracle.flows()]
    kpis = {}
    for sprint in oracle.site.sprints:
        if sprint.state != "closed" or sprint.start is None or sprint.complete is None:
            continue
        start, close = sprint.start, sprint.complete
        committed = added = removed = completed_committed = completed = 0
        committed_points: list[float] = []
        joined = estimated = False
        for flow, spans in members:
            if not any(s.entered <= close and sprint.id in s.sprint_ids for s in spans):
                continue
            joined = True
            at_start = any(s.holds(sprint.id, start) for s in spans)
            at_close = any(s.holds(sprint.id, close) for s in spans)
            done = any(
                s.category == "done" and s.entered <= close and (s.left is None or s.left > close)
                for s in flow.stretches
            )
            points = flow.issue.story_points
            estimated |= points is not None
            committed += at_start
            added += at_close and not at_start
            removed += at_start and not at_close
            completed_committed += at_start and at_close and done
            completed += at_close and done
            if at_start and points is not None:
                committed_points.append(points)
        kpis[sprint.id] = {
            "committed_issues": committed,
            "added_issues": added,
            "removed_issues": removed,
            "completed_committed_issues": completed_committed,
            "completed_issues": completed,
            # Points: 0 for a sprint no issue joined, null where none of its issues is
            # estimated (a team that does not estimate).
            "committed_points": sum(committed_points)
            if estimated
            else (0.0 if not joined else None),
            "predictability_issues_pct": (
                100 * completed_committed / committed if committed else None
            ),
            "scope_change_pct": 100 * added / committed if committed else None,
        }
    return kpis
