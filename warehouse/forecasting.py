"""Monte Carlo delivery forecast: how many weeks the remaining scope takes at the pace of the
recent past, as a distribution over many simulated futures.

Each trial draws one past week's throughput (with replacement, weeks independent) for every
future week until the cumulative throughput covers the remaining scope; the week it does is
the trial's completion week. Percentiles of the trials' completion weeks are the forecast.
Pure numpy: the dbt model ``int_forecast__simulations`` and the tests call the same code.
"""

from __future__ import annotations

import os
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

NO_REMAINING_SCOPE = "no remaining scope"
NO_THROUGHPUT = "no throughput in the sampled weeks"
NO_HISTORY = "no throughput history to sample"
NOT_ESTIMATED = "the remaining issues have no estimate"
NO_JIRA_ISSUES = "no Jira issues for this project"
PERCENTILES = (50, 85, 95)
SIMULATION_THREADS = min(4, os.cpu_count() or 1)


@dataclass(frozen=True)
class Forecast:
    """Completion week percentiles (weeks after the as-of day; None: not forecast, or beyond
    the horizon) and the share of trials done by the target, with why there is no forecast."""

    p50_weeks: int | None = None
    p85_weeks: int | None = None
    p95_weeks: int | None = None
    probability_by_target: float | None = None
    no_forecast_reason: str | None = None


def subject_rng(seed: int, *key: str) -> np.random.Generator:
    """A generator of its own per subject (project or epic, and scope basis): a subject's
    numbers do not depend on which other subjects are forecast, nor on their order. The as-of
    day is deliberately not in the key: every as-of week replays the same random draws, so the
    trend moves with the data, not with sampling noise."""
    return np.random.default_rng([seed, *(zlib.crc32(part.encode()) for part in key)])


def draw_weeks(rng: np.random.Generator, history: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Weeks drawn uniformly from ``history``, with replacement, as an array of ``shape``.

    Up to 256 weeks, one random byte per draw (cheaper than ``rng.integers``):
    bytes below the largest multiple of the sample size pick week ``byte % size`` through a
    lookup table, the others are drawn again, so every week is equally likely."""
    if history.size > 256:
        return history.take(rng.integers(0, history.size, size=shape))
    accepted = 256 - 256 % history.size
    table = np.resize(history, accepted)
    raw = np.frombuffer(rng.bytes(shape[0] * shape[1]), dtype=np.uint8).reshape(shape)
    if accepted < 256:
        raw = raw.copy()
        rejected = raw >= accepted
        while (redraws := int(np.count_nonzero(rejected))) > 0:
            raw[rejected] = np.frombuffer(rng.bytes(redraws), dtype=np.uint8)
            rejected = raw >= accepted
    return table.take(raw)


def completion_weeks(
    history: np.ndarray,
    remaining: float,
    trials: int,
    rng: np.random.Generator,
    max_weeks: int,
) -> np.ndarray:
    """Weeks each trial needs for its cumulative throughput to reach ``remaining``, drawing
    each week from ``history``; ``max_weeks + 1`` for a trial not done within ``max_weeks``.

    Weeks are drawn in blocks (weeks x unfinished trials, so that each step is one vector
    operation over the trials), the first as long as the mean pace needs, then shorter ones
    for the trials still running. Whole-number throughput is added as int32: exact, and half
    the memory traffic of float64."""
    weeks = np.full(trials, max_weeks + 1, dtype=np.int64)
    if remaining <= 0:
        weeks[:] = 0
        return weeks
    history = np.asarray(history, dtype=np.float64)
    if np.array_equal(history, np.round(history)) and history.max() * max_weeks < 2**31:
        history = history.astype(np.int32)
    mean = history.mean()
    block = int(max(4, np.ceil(remaining / mean))) if mean > 0 else 0
    active = np.arange(trials)
    done_so_far = np.zeros(trials, dtype=history.dtype)
    start = 0
    while active.size and start < max_weeks and block:
        size = min(block, max_weeks - start)
        cumulative = draw_weeks(rng, history, (size, active.size))
        np.add(cumulative[0], done_so_far[active], out=cumulative[0])
        for week in range(1, size):
            np.add(cumulative[week - 1], cumulative[week], out=cumulative[week])
        short_weeks = (cumulative < remaining).sum(axis=0)
        finished = short_weeks < size
        weeks[active[finished]] = start + 1 + short_weeks[finished]
        done_so_far[active] = cumulative[-1]
        active = active[~finished]
        start += size
        block = max(4, block // 2)
    return weeks


def no_forecast_reason(history: np.ndarray, remaining: float) -> str | None:
    """Why ``remaining`` scope has no forecast from the weekly ``history`` (None: it has one)."""
    if remaining <= 0:
        return NO_REMAINING_SCOPE
    if history.size == 0:
        return NO_HISTORY
    if not (history > 0).any():
        return NO_THROUGHPUT
    return None


def forecast(
    history: np.ndarray | list[float],
    remaining: float,
    *,
    trials: int,
    rng: np.random.Generator,
    max_weeks: int,
    weeks_to_target: int | None = None,
) -> Forecast:
    """The forecast of ``remaining`` scope from a sample of weekly ``history``.

    Pn is the smallest number of weeks within which at least n % of the trials finish (None
    when that is beyond ``max_weeks``). ``weeks_to_target``: the whole weeks from the as-of
    day to the target date; the probability is the share of trials done within them."""
    history = np.asarray(history, dtype=np.float64)
    if reason := no_forecast_reason(history, remaining):
        return Forecast(no_forecast_reason=reason)
    weeks = completion_weeks(history, remaining, trials, rng, max_weeks)
    quantiles = np.quantile(weeks, [p / 100 for p in PERCENTILES], method="inverted_cdf")
    p50, p85, p95 = (int(q) if q <= max_weeks else None for q in quantiles)
    probability = None if weeks_to_target is None else float((weeks <= weeks_to_target).mean())
    return Forecast(p50, p85, p95, probability)


@dataclass(frozen=True)
class Settings:
    """The forecast's dbt vars (transforms/dbt_project.yml, ``forecast_*``)."""

    trials: int
    seed: int
    max_weeks: int


# Scope basis: (its remaining scope, its weekly throughput) columns of the input models.
SCOPE_BASES = {
    "issues": ("remaining_issues", "issues_done"),
    "story_points": ("remaining_story_points", "story_points_done"),
}


@dataclass(frozen=True)
class DaySamples:
    """One as-of day's rows of int_forecast__throughput_samples as read-only arrays of weekly
    throughput per project and per column, split once per day rather than sliced from the
    frame once per subject (most subjects are epics sharing their project's weeks)."""

    by_project: dict[str, tuple[bool, dict[str, np.ndarray]]]
    """Per project: whether it has the full history, and its weeks of each column."""
    portfolio: dict[str, np.ndarray]
    """Every week of the projects that have the full history, of each column."""

    @classmethod
    def of(cls, samples: pd.DataFrame) -> DaySamples:
        columns = {
            column: read_only(samples[column].to_numpy(dtype=np.float64))
            for _, column in SCOPE_BASES.values()
        }
        groups = samples.groupby("project_key", sort=False)
        full_history = groups["has_full_history"].all()
        by_project = {
            project_key: (
                bool(full_history[project_key]),
                {column: read_only(weeks[rows]) for column, weeks in columns.items()},
            )
            for project_key, rows in groups.indices.items()
        }
        in_portfolio = samples["has_full_history"].to_numpy(dtype=bool)
        portfolio = {column: read_only(weeks[in_portfolio]) for column, weeks in columns.items()}
        return cls(by_project, portfolio)

    def history(self, project_key: str, column: str) -> tuple[np.ndarray, str | None]:
        """The weeks a project's forecast samples and whose they are: the project's own when
        it has the full history, else the portfolio's."""
        own = self.by_project.get(project_key)
        if own is not None and own[0]:
            return own[1][column], "project"
        portfolio = self.portfolio[column]
        return portfolio, "portfolio" if len(portfolio) else None


def read_only(array: np.ndarray) -> np.ndarray:
    """``array`` marked read-only: the subjects of a project share its weeks."""
    array.flags.writeable = False
    return array


def forecast_subjects(
    scope: pd.DataFrame, samples: pd.DataFrame, settings: Settings
) -> pd.DataFrame:
    """One forecast per row of ``scope`` (int_forecast__remaining_scope) and scope basis, from
    ``samples`` (int_forecast__throughput_samples)."""
    # Draws pick sampled weeks by position: a fixed order keeps a seed's numbers reproducible.
    samples = samples.sort_values(["as_of_date", "project_key", "week_number"])
    by_day = {day: DaySamples.of(rows) for day, rows in samples.groupby("as_of_date")}
    no_samples = DaySamples.of(samples.iloc[0:0])

    def rows_of(subject: Any) -> list[dict[str, Any]]:
        return subject_forecasts(subject, by_day.get(subject.as_of_date, no_samples), settings)

    # Each subject draws from its own generator, so threads (numpy releases the GIL while it
    # draws and adds) give the same numbers in any order.
    with ThreadPoolExecutor(max_workers=SIMULATION_THREADS) as pool:
        subjects = pool.map(rows_of, scope.itertuples(index=False))
        rows = [row for subject_rows in subjects for row in subject_rows]
    return pd.DataFrame(rows, columns=list(OUTPUT_TYPES)).astype(
        dict.fromkeys(WHOLE_NUMBERS, "Int64")
    )


def subject_forecasts(
    subject: Any, day_samples: DaySamples, settings: Settings
) -> list[dict[str, Any]]:
    """The output rows of one subject (a row of int_forecast__remaining_scope), one per basis."""
    rows = []
    weeks_to_target = (
        None
        if pd.isna(subject.target_date)
        else (pd.Timestamp(subject.target_date) - pd.Timestamp(subject.as_of_date)).days // 7
    )
    for basis, (remaining_column, done_column) in SCOPE_BASES.items():
        remaining = getattr(subject, remaining_column)
        history, source = np.empty(0), None
        if pd.isna(subject.remaining_issues):
            result = Forecast(no_forecast_reason=NO_JIRA_ISSUES)
        elif basis == "story_points" and subject.remaining_issues > 0 and remaining <= 0:
            result = Forecast(no_forecast_reason=NOT_ESTIMATED)
        else:
            history, source = day_samples.history(subject.project_key, done_column)
            # The generator (costly to seed) only for a subject that is simulated.
            if reason := no_forecast_reason(history, remaining):
                result = Forecast(no_forecast_reason=reason)
            else:
                result = forecast(
                    history,
                    remaining,
                    trials=settings.trials,
                    rng=subject_rng(
                        settings.seed, subject.subject_type, subject.subject_key, basis
                    ),
                    max_weeks=settings.max_weeks,
                    weeks_to_target=weeks_to_target,
                )
        rows.append(
            {
                "as_of_date": subject.as_of_date,
                "subject_type": subject.subject_type,
                "subject_key": subject.subject_key,
                "project_key": subject.project_key,
                "scope_basis": basis,
                "remaining_scope": None if pd.isna(remaining) else float(remaining),
                "unestimated_issues": subject.unestimated_issues,
                "sample_source": source,
                "sampled_weeks": len(history),
                "mean_weekly_throughput": float(history.mean()) if len(history) else None,
                "target_date": subject.target_date,
                "target_source": subject.target_source,
                "weeks_to_target": weeks_to_target,
                "trials": settings.trials,
                **vars(result),
            }
        )
    return rows


# The table's columns and their SQL types: an empty forecast still has typed columns.
OUTPUT_TYPES = {
    "as_of_date": "date",
    "subject_type": "varchar",
    "subject_key": "varchar",
    "project_key": "varchar",
    "scope_basis": "varchar",
    "remaining_scope": "double",
    "unestimated_issues": "bigint",
    "sample_source": "varchar",
    "sampled_weeks": "bigint",
    "mean_weekly_throughput": "double",
    "target_date": "date",
    "target_source": "varchar",
    "weeks_to_target": "bigint",
    "trials": "bigint",
    "p50_weeks": "bigint",
    "p85_weeks": "bigint",
    "p95_weeks": "bigint",
    "probability_by_target": "double",
    "no_forecast_reason": "varchar",
}
WHOLE_NUMBERS = [name for name, sql_type in OUTPUT_TYPES.items() if sql_type == "bigint"]


def typed_columns() -> str:
    """The select list that gives the forecast frame its SQL types."""
    return ", ".join(f'cast("{name}" as {kind}) as "{name}"' for name, kind in OUTPUT_TYPES.items())
