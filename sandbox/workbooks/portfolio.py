"""A deterministic synthetic PMO portfolio: the rows behind the demo workbooks.

Numbers are plausible rather than random noise: satisfaction improves slowly wave on wave,
groups differ, respondents skip services they do not use, and small groups stay under the
anonymity threshold of five so that suppression downstream has something to suppress.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from connectors.spreadsheets.layouts import MATURITY_DOMAINS, SURVEY_DIMENSIONS, VALIDATION_LISTS

Row = dict[str, Any]

SERVICES: tuple[tuple[str, str, str, float], ...] = (
    # id, name, Value Ring function, baseline satisfaction
    ("SVC-GOV", "Governance and stage gates", "Governance and control", 3.2),
    ("SVC-REP", "Portfolio reporting", "Performance and reporting", 3.6),
    ("SVC-RES", "Resource capacity planning", "Delivery support", 2.9),
    ("SVC-MTH", "Methods and templates", "Capability development", 3.4),
    ("SVC-TRN", "Training and coaching", "Capability development", 3.9),
    ("SVC-BEN", "Benefits tracking", "Strategy and alignment", 3.0),
    ("SVC-RSK", "Risk and issue management", "Delivery support", 3.3),
)
GROUPS = VALIDATION_LISTS["groups"]
# people per stakeholder group; the last two groups are small (anonymity suppression)
GROUP_SIZES = (6, 22, 30, 9, 4)
GROUP_MOOD = (0.2, 0.0, -0.3, 0.1, 0.4)
BUSINESS_UNITS = ("Retail", "Corporate", "Operations", "Technology")
FIRST_NAMES = (
    "Ana",
    "Ben",
    "Chloé",
    "Dev",
    "Elif",
    "Farah",
    "Goran",
    "Hana",
    "Ivan",
    "Jana",
    "Kofi",
    "Lena",
    "Mateo",
    "Nora",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sven",
    "Tariq",
    "Uma",
    "Viktor",
)
LAST_NAMES = (
    "Almeida",
    "Brown",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "García",
    "Haddad",
    "Ito",
    "Jensen",
    "Kowalski",
    "López",
    "Murphy",
    "Nakamura",
    "O'Neill",
    "Petrov",
    "Rossi",
    "Singh",
)
COMMENTS = (
    "",
    "",
    "Reporting saves me hours every month.",
    "Stage gates feel bureaucratic for small projects.",
    "More coaching for new project managers, please.",
    "Resource planning is never up to date.",
    "- templates are great, approval takes too long",
    "Benefits tracking finally shows what we delivered.",
)
OBJECTIVES: tuple[tuple[str, str, float], ...] = (
    ("OBJ-1", "Grow digital revenue", 0.4),
    ("OBJ-2", "Reduce cost to serve", 0.3),
    ("OBJ-3", "Improve customer experience", 0.2),
    ("OBJ-4", "Meet regulatory commitments", 0.1),
)
NEEDS: tuple[tuple[str, str, str, str], ...] = (
    # customer group index, need, priority, services (";"-separated)
    ("0", "See portfolio health at a glance", "High", "SVC-REP"),
    ("0", "Know which projects deliver strategic benefits", "High", "SVC-BEN;SVC-REP"),
    ("1", "Standard templates that fit project size", "Medium", "SVC-MTH"),
    ("1", "Coaching on planning and estimation", "Medium", "SVC-TRN"),
    ("1", "Early warning on cross-project risks", "High", "SVC-RSK"),
    ("2", "Realistic capacity before commitments", "High", "SVC-RES"),
    ("2", "Fewer status reports", "Low", "SVC-REP"),
    ("3", "Fast, predictable approval decisions", "High", "SVC-GOV"),
    ("4", "Reliable cost forecasts", "High", ""),
    ("4", "Audit-ready decision records", "Medium", "SVC-GOV"),
)
EXTRA_PROJECT = "ORION"  # in the register but not in Jira


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    group: str
    business_unit: str


@dataclass
class DemoPortfolio:
    """Every row the demo workbooks hold, keyed like the layouts' column names."""

    services: list[Row]
    needs: list[Row]
    assessments: list[Row]
    projects: list[Row]
    objectives: list[Row]
    survey_waves: dict[str, list[Row]]
    people: list[Person] = field(default_factory=list)

    @property
    def service_ids(self) -> list[str]:
        return [service["service_id"] for service in self.services]


def quarters_before(as_of: date, count: int) -> list[tuple[str, date, date]]:
    """The ``count`` complete quarters ending before ``as_of``: (label, first day, last day)."""
    year, quarter = as_of.year, (as_of.month - 1) // 3  # the quarter before as_of's quarter
    waves = []
    for _ in range(count):
        if quarter == 0:
            year, quarter = year - 1, 4
        start = date(year, 3 * quarter - 2, 1)
        end = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
        waves.append((f"{year}-Q{quarter}", start, end - timedelta(days=1)))
        quarter -= 1
    return waves[::-1]


def half_years_before(as_of: date, count: int) -> list[date]:
    """Last days of the ``count`` complete half-years ending before ``as_of``."""
    ends = []
    year, half = as_of.year, 1 if as_of.month > 6 else 0
    for _ in range(count):
        if half == 0:
            year, half = year - 1, 2
        ends.append(date(year, 6, 30) if half == 1 else date(year, 12, 31))
        half -= 1
    return ends[::-1]


def build_portfolio(
    project_keys: Sequence[str], seed: int = 7, as_of: date = date(2026, 10, 1), waves: int = 7
) -> DemoPortfolio:
    """Generate the whole portfolio; same arguments, same rows."""
    rng = random.Random(seed)
    people = _people(rng)
    return DemoPortfolio(
        services=_services(),
        needs=_needs(),
        assessments=_assessments(rng, as_of),
        projects=_projects(rng, project_keys, as_of),
        objectives=[
            {"objective_id": oid, "objective_name": name, "weight": weight}
            for oid, name, weight in OBJECTIVES
        ],
        survey_waves=_survey(rng, people, quarters_before(as_of, waves)),
        people=people,
    )


def _people(rng: random.Random) -> list[Person]:
    people = []
    for group, size in zip(GROUPS, GROUP_SIZES, strict=True):
        for _ in range(size):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            handle = f"{first}.{last}{len(people)}".lower().replace("'", "")
            people.append(
                Person(
                    f"{first} {last}", f"{handle}@example.com", group, rng.choice(BUSINESS_UNITS)
                )
            )
    return people


def _services() -> list[Row]:
    return [
        {
            "service_id": sid,
            "service_name": name,
            "value_ring_function": function,
            "customer_groups": ";".join(GROUPS[: 3 + index % 3]),
            "owner": f"{FIRST_NAMES[index]} {LAST_NAMES[index]}",
            "start_date": date(2023 + index % 3, 1 + (2 * index) % 12, 1),
            "target_satisfaction": 4.0 if index % 2 else 3.8,
        }
        for index, (sid, name, function, _) in enumerate(SERVICES)
    ]


def _needs() -> list[Row]:
    return [
        {
            "need_id": f"NEED-{index:02d}",
            "customer_group": GROUPS[int(group)],
            "need": need,
            "priority": priority,
            "service_ids": services or None,
        }
        for index, (group, need, priority, services) in enumerate(NEEDS, start=1)
    ]


def _assessments(rng: random.Random, as_of: date) -> list[Row]:
    rows = []
    levels = {domain: rng.randint(1, 3) for domain in MATURITY_DOMAINS}
    for assessed_on in half_years_before(as_of, 4):
        for domain in MATURITY_DOMAINS:
            rows.append(
                {
                    "assessed_on": assessed_on,
                    "domain": domain,
                    "level": levels[domain],
                    "target_level": 4 if domain != "People" else 3,
                    "assessor": "PMO lead self-assessment",
                    "evidence": f"Workshop notes {assessed_on:%Y-%m}",
                }
            )
            if rng.random() < 0.35:
                levels[domain] = min(5, levels[domain] + 1)
    return rows


def _projects(rng: random.Random, project_keys: Sequence[str], as_of: date) -> list[Row]:
    rows = []
    for index, key in enumerate([*project_keys, EXTRA_PROJECT]):
        start = date(as_of.year - 1, 1 + (3 * index) % 12, 1)
        baseline_end = start + timedelta(days=270 + 30 * index)
        budget = 250_000 + 150_000 * index
        planned = budget * 1.8
        rows.append(
            {
                "project_key": key,
                "project_name": f"{key.title()} programme",
                # the last Jira project stays unaligned, for the unaligned-work KPI
                "strategic_objective_id": None
                if index == len(project_keys) - 1
                else OBJECTIVES[index % len(OBJECTIVES)][0],
                "sponsor": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                "budget": budget,
                "actual_cost_to_date": round(budget * rng.uniform(0.35, 1.1), -3),
                "baseline_start": start,
                "baseline_end": baseline_end,
                "forecast_end": baseline_end + timedelta(days=rng.choice((-14, 0, 21, 45, 90))),
                "planned_benefits": planned,
                "realised_benefits": round(planned * rng.uniform(0.0, 0.7), -3),
                "rag": rng.choice(("Green", "Green", "Amber", "Red")),
            }
        )
    return rows


def _survey(
    rng: random.Random, people: list[Person], waves: list[tuple[str, date, date]]
) -> dict[str, list[Row]]:
    survey: dict[str, list[Row]] = {}
    for wave_index, (wave, start, end) in enumerate(waves):
        responses = []
        for person in people:
            group_index = GROUPS.index(person.group)
            if rng.random() > 0.75:  # did not answer this wave
                continue
            mood = GROUP_MOOD[group_index] + 0.12 * wave_index + rng.gauss(0, 0.4)
            row: Row = {
                "response_id": f"{wave}-{len(responses) + 1:04d}",
                "wave": wave,
                "submitted_at": datetime.combine(start, datetime.min.time())
                + timedelta(minutes=rng.randint(0, (end - start).days * 24 * 60)),
                "respondent_email": person.email,
                "respondent_name": person.name,
                "stakeholder_group": person.group,
                "business_unit": person.business_unit,
            }
            values = []
            for sid, _, _, baseline in SERVICES:
                if rng.random() < 0.2:  # does not use this service
                    continue
                for dimension in SURVEY_DIMENSIONS:
                    score = _likert(baseline + mood + rng.gauss(0, 0.6))
                    row[f"{sid}|{dimension}"] = score
                    if dimension == "value":
                        values.append(score)
            overall = _likert((sum(values) / len(values) if values else 3) + rng.gauss(0.2, 0.5))
            row["overall_value"] = overall
            row["likelihood_to_recommend"] = max(0, min(10, 2 * overall + rng.randint(-2, 1)))
            row["comment"] = rng.choice(COMMENTS) or None
            responses.append(row)
        survey[wave] = responses
    return survey


def _likert(value: float) -> int:
    return max(1, min(5, round(value)))
