"""The PMO value scorecard's customer and delivery KPIs, pillar scores, composite and
benchmark class per quarter, in plain Python from the demo survey rows and the Jira site's
objects (docs/kpis.md): the oracle of mart_pmo_value_scorecard_quarterly beside
strategy_oracle's strategy and capability columns.

Targets, weights, the anonymity threshold and the benchmark are the dbt project's vars. A
KPI's attainment is actual / target capped at 1 (target / actual for cycle time; NPS shifted
by +100 first); a pillar is the mean of its available attainments, the composite their
weighted mean over the available pillars.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import yaml

from sandbox.jira.site import JiraSite
from sandbox.workbooks import DemoPortfolio
from tests.transforms.conftest import TRANSFORMS_DIR
from tests.transforms.kpi_oracle import DAY, Oracle, on_time_kpis, percentile, sprint_predictability

from .strategy_oracle import alignment_summary, benefits_realisation, capability_by_quarter
from .strategy_oracle import quarter_of as quarter_of_instant

VARS = yaml.safe_load((TRANSFORMS_DIR / "dbt_project.yml").read_text())["vars"]
TARGETS, WEIGHTS = VARS["scorecard_targets"], VARS["scorecard_weights"]
MIN_CELL = VARS["min_cell_size"]
KPIS = (
    "value_delivery_rate_pct",
    "csat_mean",
    "nps",
    "on_time_rate_pct",
    "cycle_time_p50_days",
    "sprint_predictability_pct",
)


def quarter_of_wave(wave: str) -> date:
    """The demo's waves are labelled YYYY-Qn."""
    year, quarter = wave.split("-Q")
    return date(int(year), 3 * int(quarter) - 2, 1)


def _shown(value: float | None, count: int) -> float | None:
    return value if count >= MIN_CELL else None


def net_promoters(likelihoods: list[int]) -> float:
    """% promoters (9-10) - % detractors (0-6)."""
    promoters = sum(v >= 9 for v in likelihoods)
    return 100 * (promoters - sum(v <= 6 for v in likelihoods)) / len(likelihoods)


def customer(portfolio: DemoPortfolio) -> dict[date, dict]:
    """Quarter -> value delivery rate, CSAT mean (every service) and NPS of its waves."""
    overall, likelihood, satisfaction = defaultdict(list), defaultdict(list), defaultdict(list)
    respondents: dict[date, set[str]] = defaultdict(set)
    for wave, rows in portfolio.survey_waves.items():
        quarter = quarter_of_wave(wave)
        for row in rows:
            overall[quarter].append(row["overall_value"])
            likelihood[quarter].append(row["likelihood_to_recommend"])
            for name, score in row.items():
                if name.endswith("|satisfaction"):
                    satisfaction[quarter].append(score)
                    respondents[quarter].add(row["response_id"])
    return {
        quarter: {
            "value_delivery_rate_pct": _shown(
                100 * sum(v >= 4 for v in overall[quarter]) / len(overall[quarter]),
                len(overall[quarter]),
            ),
            "csat_mean": _shown(
                sum(satisfaction[quarter]) / len(satisfaction[quarter]),
                len(respondents[quarter]),
            )
            if satisfaction[quarter]
            else None,
            "nps": _shown(
                100
                * (
                    sum(v >= 9 for v in likelihood[quarter])
                    - sum(v <= 6 for v in likelihood[quarter])
                )
                / len(likelihood[quarter]),
                len(likelihood[quarter]),
            ),
        }
        for quarter in overall
    }


def delivery(site: JiraSite) -> dict[date, dict]:
    """Quarter -> on-time rate and median cycle time of the issues first done in it, and the
    predictability of the sprints closed in it."""
    oracle = Oracle(site)
    done = defaultdict(list)
    for flow in oracle.flows():
        if (first_done := flow.first_entered("done")) is not None:
            done[quarter_of_instant(first_done)].append(flow)
    kpis: dict[date, dict] = defaultdict(dict)
    for quarter, flows in done.items():
        cycles = [
            (f.first_entered("done") - started).total_seconds() / DAY
            for f in flows
            if (started := f.first_entered("indeterminate")) is not None
            and started <= f.first_entered("done")
        ]
        kpis[quarter]["on_time_rate_pct"] = on_time_kpis(flows)["on_time_rate_pct"]
        kpis[quarter]["cycle_time_p50_days"] = percentile(cycles, 0.5)
    sprints = {sprint.id: sprint for sprint in site.sprints}
    committed, completed = defaultdict(int), defaultdict(int)
    for sprint_id, row in sprint_predictability(oracle).items():
        quarter = quarter_of_instant(sprints[sprint_id].complete)
        committed[quarter] += row["committed_issues"]
        completed[quarter] += row["completed_committed_issues"]
    for quarter in committed:
        kpis[quarter]["sprint_predictability_pct"] = (
            100 * completed[quarter] / committed[quarter] if committed[quarter] else None
        )
    return kpis


def attainment(actual: float | None, target: float | None, lower_is_better: bool = False):
    """actual / target (target / actual when lower is better), capped at 1; None if either
    is missing or the divisor is 0."""
    if actual is None or not target:
        return None
    ratio = (target / actual if actual else None) if lower_is_better else actual / target
    return None if ratio is None else min(ratio, 1.0)


def mean_of_available(values: list[float | None], weights: list[float] | None = None):
    pairs = [
        (v, w) for v, w in zip(values, weights or [1] * len(values), strict=True) if v is not None
    ]
    total = sum(w for _, w in pairs)
    return sum(v * w for v, w in pairs) / total if total else None


def benchmark(rate: float | None) -> str | None:
    if rate is None:
        return None
    if rate >= VARS["value_delivery_high_performer_pct"]:
        return "high_performing"
    return "low_performing" if rate <= VARS["value_delivery_low_performer_pct"] else "between"


def scorecard(site: JiraSite, portfolio: DemoPortfolio, quarters: list[date]) -> dict[date, dict]:
    """Quarter -> customer and delivery KPIs, the four pillar scores (0-100), composite and
    benchmark class."""
    customers, deliveries = customer(portfolio), delivery(site)
    strategy = alignment_summary(site, portfolio)
    capability = capability_by_quarter(portfolio, quarters)
    rows = {}
    for quarter in quarters:
        kpis = {
            **dict.fromkeys(["value_delivery_rate_pct", "csat_mean", "nps"]),
            **customers.get(quarter, {}),
            **dict.fromkeys(
                ["on_time_rate_pct", "cycle_time_p50_days", "sprint_predictability_pct"]
            ),
            **deliveries.get(quarter, {}),
        }
        aligned = strategy.get(quarter, {}).get("aligned_work_share_pct")
        benefits = benefits_realisation(portfolio) if quarter == max(quarters) else None
        level = capability.get(quarter, {})
        nps = kpis["nps"]
        pillars = {
            "customer_score": mean_of_available(
                [
                    attainment(kpis["value_delivery_rate_pct"], TARGETS["value_delivery_rate_pct"]),
                    attainment(kpis["csat_mean"], TARGETS["csat_mean"]),
                    attainment(None if nps is None else nps + 100, TARGETS["nps"] + 100),
                ]
            ),
            "delivery_score": mean_of_available(
                [
                    attainment(kpis["on_time_rate_pct"], TARGETS["on_time_rate_pct"]),
                    attainment(
                        kpis["sprint_predictability_pct"], TARGETS["sprint_predictability_pct"]
                    ),
                    attainment(kpis["cycle_time_p50_days"], TARGETS["cycle_time_p50_days"], True),
                ]
            ),
            "strategy_score": mean_of_available(
                [
                    attainment(aligned, TARGETS["aligned_work_share_pct"]),
                    attainment(benefits, TARGETS["benefits_realisation_pct"]),
                ]
            ),
            "capability_score": attainment(
                level.get("maturity_mean_level"), level.get("maturity_mean_target")
            ),
        }
        composite = mean_of_available(
            list(pillars.values()),
            [WEIGHTS[name.removesuffix("_score")] for name in pillars],
        )
        rows[quarter] = {
            **kpis,
            **{name: None if v is None else 100 * v for name, v in pillars.items()},
            "composite_score": None if composite is None else 100 * composite,
            "benchmark_class": benchmark(kpis["value_delivery_rate_pct"]),
        }
    return rows
