"""Cost of the Monte Carlo delivery forecast (warehouse/forecasting.py) at portfolio scale.

    uv run python benchmarks/forecast.py [--projects 1000] [--trials 10000] [--weeks 12]

Builds the inputs the dbt model int_forecast__simulations reads (one as-of day: each
project's remaining issues and story points, and its weekly throughput over the sampled
weeks, drawn from a seeded generator: 0-8 issues a week, 5-120 issues left, so 1-40+ weeks to
go) and times ``forecast_subjects`` on them in a fresh process: both scope bases (issues and
story points) per project, so 2 x projects simulations of ``--trials`` trials each.
Prints the wall time and the peak RSS of that process. Target: <= 5 s for 1,000 projects x
10,000 trials on 2 cores.
"""

from __future__ import annotations

import argparse
import time
from datetime import date

import numpy as np
import pandas as pd

from benchmarks.memory import in_child, peak_rss_mib
from warehouse.forecasting import Settings, forecast_subjects

TARGET_SECONDS = 5.0
AS_OF = date(2026, 9, 29)


def inputs(projects: int, weeks: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """int_forecast__remaining_scope and int_forecast__throughput_samples, synthetic."""
    rng = np.random.default_rng(2026)
    keys = [f"P{number:04d}" for number in range(projects)]
    remaining = rng.integers(5, 121, projects)
    scope = pd.DataFrame(
        {
            "as_of_date": AS_OF,
            "subject_type": "project",
            "subject_key": keys,
            "project_key": keys,
            "remaining_issues": remaining,
            "remaining_story_points": remaining * 3.0,
            "unestimated_issues": 0,
            "target_date": date(2027, 3, 31),
            "target_source": "baseline_end",
        }
    )
    done = rng.poisson(rng.uniform(0.5, 6.0, projects)[:, None], (projects, weeks))
    samples = pd.DataFrame(
        {
            "as_of_date": AS_OF,
            "project_key": np.repeat(keys, weeks),
            "week_number": np.tile(np.arange(1, weeks + 1), projects),
            "issues_done": done.ravel(),
            "story_points_done": 3.0 * done.ravel(),
            "has_full_history": True,
        }
    )
    return scope, samples


def measure(projects: int, trials: int, weeks: int) -> tuple[float, float, float, pd.DataFrame]:
    """Wall and CPU seconds of the whole forecast, the process's peak RSS (MiB), the result."""
    scope, samples = inputs(projects, weeks)
    settings = Settings(trials=trials, seed=19, max_weeks=260)
    started, cpu_started = time.perf_counter(), time.process_time()
    result = forecast_subjects(scope, samples, settings)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return elapsed, cpu, peak_rss_mib(), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--weeks", type=int, default=12)
    args = parser.parse_args()
    elapsed, cpu, peak_mib, result = in_child(measure, args.projects, args.trials, args.weeks)
    verdict = "within" if elapsed <= TARGET_SECONDS else "OVER"
    print(
        f"forecast: {args.projects} projects x 2 scope bases x {args.trials} trials "
        f"({result['p85_weeks'].notna().sum()} forecasts, P50 {result['p50_weeks'].mean():.0f} "
        f"weeks on average): {elapsed:.2f} s wall ({cpu:.2f} s CPU), {verdict} the "
        f"{TARGET_SECONDS:g} s target; peak RSS {peak_mib:.0f} MiB (whole process)"
    )


if __name__ == "__main__":
    main()
