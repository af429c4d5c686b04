"""The synthetic portfolio: the same seed gives the same account, plans line up with the Jira
sandbox's projects, and plans look like Smartsheet's Gantt template."""

from __future__ import annotations

from sandbox.jira.site import generate_site
from sandbox.smartsheet import payloads
from sandbox.smartsheet.portfolio import AS_OF, GANTT_COLUMNS, generate_portfolio


def rendered(seed: int) -> list[dict]:
    portfolio = generate_portfolio(seed=seed, projects=3, tasks_per_sheet=12)
    return [
        payloads.sheet(s, list(enumerate(s.rows, 1)), None, s.columns, True)
        for s in portfolio.sheets.values()
    ]


def test_the_same_seed_gives_the_same_account() -> None:
    assert rendered(3) == rendered(3)
    assert rendered(3) != rendered(4)


def test_each_plan_names_a_jira_sandbox_project_by_key_and_id() -> None:
    portfolio = generate_portfolio(projects=4, tasks_per_sheet=12)
    site = generate_site(projects=4, issues_per_project=1)
    jira = {(p.key, p.id) for p in site.projects}
    plans = {
        (
            next(f.value for f in s.summary if f.title == "Project ID"),
            next(f.value for f in s.summary if f.title == "Jira Project Id"),
        )
        for s in portfolio.plans()
    }
    assert plans == jira


def test_plans_follow_the_gantt_template_with_milestones_and_past_dates() -> None:
    portfolio = generate_portfolio(projects=200, tasks_per_sheet=5)
    for plan in portfolio.plans():
        assert [c.title for c in plan.columns] == [title for title, _t, _x in GANTT_COLUMNS]
        duration = plan.column("Duration").id
        assert [r.values.get(duration) for r in plan.rows].count(0) == 1
        assert plan.modified_at < AS_OF
