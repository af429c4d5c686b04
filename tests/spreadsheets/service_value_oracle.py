"""CSAT, perceived value index and their 95% confidence intervals per PMO service,
stakeholder group and wave, in plain Python from individual ratings: the oracle of
mart_service_value (docs/kpis.md). A figure based on fewer than 5 ratings is suppressed (None);
is_suppressed marks a cell of fewer than 5 respondents; the interval is mean +- 1.96 sample
standard deviations / sqrt(n) (none with a single rating)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from math import sqrt
from statistics import mean, stdev

MIN_CELL = 5
CI_Z = 1.96
COLUMNS = (
    "respondents",
    "is_suppressed",
    "satisfaction_n",
    "csat_mean",
    "csat_ci95_low",
    "csat_ci95_high",
    "csat_pct_4_plus",
    "value_n",
    "value_index",
    "value_index_ci95_low",
    "value_index_ci95_high",
)
# The mart's COLUMNS as the oracle gives them (figures rounded to 6 places), keyed by cell.
MART_QUERY = "select service_id, stakeholder_group, wave, {} from marts.mart_service_value".format(
    ", ".join(
        c if c.endswith(("_n", "respondents", "suppressed")) else f"round({c}, 6)" for c in COLUMNS
    )
)


@dataclass(frozen=True)
class Rating:
    response: str
    service: str
    group: str
    wave: str
    dimension: str  # satisfaction or value
    score: int


def _shown(value: float | None, count: int) -> float | None:
    return None if value is None or count < MIN_CELL else round(value, 6)


def _interval(values: list[float]) -> tuple[float | None, float | None, float | None]:
    """Mean and its 95% interval bounds."""
    if not values:
        return None, None, None
    centre = mean(values)
    if len(values) < 2:
        return centre, None, None
    margin = CI_Z * stdev(values) / sqrt(len(values))
    return centre, centre - margin, centre + margin


def service_value(ratings: Iterable[Rating]) -> dict[tuple[str, str, str], tuple]:
    """(service, group, wave) -> the COLUMNS of mart_service_value, rounded to 6 places."""
    cells: dict[tuple[str, str, str], list[Rating]] = defaultdict(list)
    for rating in ratings:
        cells[rating.service, rating.group, rating.wave].append(rating)
    result = {}
    for key, rated in cells.items():
        respondents = len({r.response for r in rated})
        satisfaction = [r.score for r in rated if r.dimension == "satisfaction"]
        value = [100.0 * (r.score - 1) / 4 for r in rated if r.dimension == "value"]
        csat = _interval(satisfaction)
        index = _interval(value)
        top_box = (
            100.0 * sum(1 for s in satisfaction if s >= 4) / len(satisfaction)
            if satisfaction
            else None
        )
        result[key] = (
            respondents,
            respondents < MIN_CELL,
            len(satisfaction),
            *(_shown(v, len(satisfaction)) for v in csat),
            _shown(top_box, len(satisfaction)),
            len(value),
            *(_shown(v, len(value)) for v in index),
        )
    return result
