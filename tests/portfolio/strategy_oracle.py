"""The portfolio health, strategic alignment and capability KPIs computed in plain Python
from the demo workbooks' rows (sandbox.workbooks.DemoPortfolio) and the Jira site's objects,
independently of the SQL: the oracle the marts must equal.

Rules (docs/kpis.md): sub-tasks are left out; an issue is done when its current status is in
the done category, and counts in the quarter it first reached done; % scope done is by story
points when the project has any estimate, else by issue count; a quarter's alignment is in
story points when any issue done in it is estimated, else in issues; a project without a
known objective is unaligned.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime

from sandbox.jira.site import JiraSite
from sandbox.workbooks import DemoPortfolio
from tests.transforms.kpi_oracle import IssueFlow, Oracle


def quarter_of(instant: datetime) -> date:
    day = instant.astimezone(UTC).date()
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def done_flows(site: JiraSite) -> list[IssueFlow]:
    """Issues (no sub-tasks) that have reached done."""
    return [flow for flow in Oracle(site).flows() if flow.first_entered("done") is not None]


def portfolio_health(site: JiraSite, portfolio: DemoPortfolio) -> dict[str, dict]:
    """Register project -> schedule variance, % scope done, earned value, cost variance, CPI
    and benefits realisation."""
    flows: dict[str, list[IssueFlow]] = defaultdict(list)
    for flow in Oracle(site).flows():
        flows[flow.issue.project.key].append(flow)
    health = {}
    for project in portfolio.projects:
        issues = flows.get(project["project_key"], [])
        done = [f for f in issues if f.stretches[-1].category == "done"]
        points = sum(f.issue.story_points or 0 for f in issues)
        if points > 0:
            scope = 100 * sum(f.issue.story_points or 0 for f in done) / points
        else:
            scope = 100 * len(done) / len(issues) if issues else None
        earned = None if scope is None else project["budget"] * scope / 100
        actual = project["actual_cost_to_date"]
        health[project["project_key"]] = {
            "schedule_variance_days": (project["forecast_end"] - project["baseline_end"]).days,
            "scope_done_pct": scope,
            "earned_value": earned,
            "cost_variance": None if earned is None else earned - actual,
            "cost_performance_index": None if earned is None or not actual else earned / actual,
            "benefits_realisation_pct": 100
            * project["realised_benefits"]
            / project["planned_benefits"],
        }
    return health


def done_work_by_objective(
    site: JiraSite, portfolio: DemoPortfolio
) -> dict[date, tuple[str, dict[str | None, float]]]:
    """Quarter -> (work unit, objective id or None for unaligned -> work done)."""
    objectives = {o["objective_id"] for o in portfolio.objectives}
    objective_of = {
        p["project_key"]: p["strategic_objective_id"]
        for p in portfolio.projects
        if p["strategic_objective_id"] in objectives
    }
    quarters: dict[date, list[IssueFlow]] = defaultdict(list)
    for flow in done_flows(site):
        quarters[quarter_of(flow.first_entered("done"))].append(flow)
    work = {}
    for quarter, flows in quarters.items():
        by_points = sum(f.issue.story_points or 0 for f in flows) > 0
        done: dict[str | None, float] = defaultdict(float)
        for flow in flows:
            objective = objective_of.get(flow.issue.project.key)
            done[objective] += (flow.issue.story_points or 0) if by_points else 1
        work[quarter] = ("story_points" if by_points else "issues", dict(done))
    return work


def alignment(site: JiraSite, portfolio: DemoPortfolio) -> dict[tuple[date, str | None], dict]:
    """(quarter, objective or None) -> work unit, work done and share of the quarter's work."""
    rows = {}
    for quarter, (unit, done) in done_work_by_objective(site, portfolio).items():
        total = sum(done.values())
        for objective, work in done.items():
            rows[(quarter, objective)] = {
                "work_unit": unit,
                "work_done": work,
                "work_share_pct": 100 * work / total if total else None,
            }
    return rows


def alignment_summary(site: JiraSite, portfolio: DemoPortfolio) -> dict[date, dict]:
    """Quarter -> aligned and unaligned share and the weighted alignment index (each aligned
    share times its objective's weight, over the largest weight)."""
    weights = {o["objective_id"]: o["weight"] for o in portfolio.objectives}
    top = max(weights.values())
    summary: dict[date, dict] = defaultdict(
        lambda: {"aligned_work_share_pct": 0.0, "unaligned_work_share_pct": 0.0, "weighted": 0.0}
    )
    for (quarter, objective), row in alignment(site, portfolio).items():
        share = row["work_share_pct"] or 0.0
        if objective is None:
            summary[quarter]["unaligned_work_share_pct"] += share
        else:
            summary[quarter]["aligned_work_share_pct"] += share
            summary[quarter]["weighted"] += share * weights[objective]
    return {
        quarter: {
            "aligned_work_share_pct": row["aligned_work_share_pct"],
            "unaligned_work_share_pct": row["unaligned_work_share_pct"],
            "weighted_alignment_pct": row["weighted"] / top,
        }
        for quarter, row in summary.items()
    }


def maturity_by_domain(portfolio: DemoPortfolio) -> dict[tuple[date, str], dict]:
    """(assessed on, domain) -> gap to target and change since the domain's last assessment."""
    rows, last = {}, {}
    for row in sorted(portfolio.assessments, key=lambda r: r["assessed_on"]):
        previous = last.get(row["domain"])
        rows[(row["assessed_on"], row["domain"])] = {
            "maturity_level": row["level"],
            "gap_to_target": row["target_level"] - row["level"],
            "previous_level": previous,
            "level_change": None if previous is None else row["level"] - previous,
        }
        last[row["domain"]] = row["level"]
    return rows


def capability_by_quarter(portfolio: DemoPortfolio, quarters: list[date]) -> dict[date, dict]:
    """Quarter -> mean level, target and gap of the latest assessment before the quarter
    ends (none before: no row)."""
    by_day: dict[date, list[dict]] = defaultdict(list)
    for row in portfolio.assessments:
        by_day[row["assessed_on"]].append(row)
    capability = {}
    for quarter in quarters:
        end = date(quarter.year + quarter.month // 10, (quarter.month + 2) % 12 + 1, 1)
        days = [day for day in by_day if day < end]
        if days:
            rows = by_day[max(days)]
            capability[quarter] = {
                "maturity_mean_level": sum(r["level"] for r in rows) / len(rows),
                "maturity_mean_target": sum(r["target_level"] for r in rows) / len(rows),
                "maturity_mean_gap": sum(r["target_level"] - r["level"] for r in rows) / len(rows),
            }
    return capability


def benefits_realisation(portfolio: DemoPortfolio) -> float:
    """Realised over planned benefits of the whole register, %."""
    planned = sum(p["planned_benefits"] for p in portfolio.projects)
    return 100 * sum(p["realised_benefits"] for p in portfolio.projects) / planned
