"""The Monte Carlo simulation (warehouse.forecasting) on hand-checkable inputs."""

from __future__ import annotations

import numpy as np

from warehouse.forecasting import (
    NO_REMAINING_SCOPE,
    NO_THROUGHPUT,
    Forecast,
    draw_weeks,
    forecast,
    subject_rng,
)

TRIALS = 10_000
MAX_WEEKS = 260


def simulate(history, remaining, seed=7, weeks_to_target=None) -> Forecast:
    return forecast(
        history,
        remaining,
        trials=TRIALS,
        rng=subject_rng(seed, "project", "P1", "issues"),
        max_weeks=MAX_WEEKS,
        weeks_to_target=weeks_to_target,
    )


def test_constant_throughput_gives_one_completion_week_for_every_percentile():
    # 5 a week, 12 to go: 5, 10, 15 -> done in week 3, in every trial.
    result = simulate([5] * 12, 12, weeks_to_target=3)
    assert (result.p50_weeks, result.p85_weeks, result.p95_weeks) == (3, 3, 3)
    assert result.probability_by_target == 1.0
    assert result.no_forecast_reason is None


def test_a_target_one_week_too_early_is_never_met_at_constant_throughput():
    assert simulate([5] * 12, 12, weeks_to_target=2).probability_by_target == 0.0


def test_zero_throughput_gives_no_forecast_with_a_reason_not_a_far_future_date():
    assert simulate([0] * 12, 12, weeks_to_target=10) == Forecast(no_forecast_reason=NO_THROUGHPUT)


def test_no_remaining_scope_gives_no_forecast_with_a_reason():
    assert simulate([3] * 12, 0) == Forecast(no_forecast_reason=NO_REMAINING_SCOPE)


def test_probability_by_target_is_the_share_of_trials_done_by_then():
    # Half the weeks deliver 4, half nothing; 4 to go: done in week 1 with probability 1/2,
    # by week 2 with 3/4.
    within_one = simulate([0, 4], 4, weeks_to_target=1).probability_by_target
    within_two = simulate([0, 4], 4, weeks_to_target=2).probability_by_target
    assert abs(within_one - 0.5) < 0.02
    assert abs(within_two - 0.75) < 0.02


def test_percentiles_are_the_first_week_reaching_their_share_of_trials():
    # One week in three delivers 4, the others nothing; 4 to go: P(done by week k) =
    # 1 - (2/3)^k: 56 % by week 2 (33 % by 1), 87 % by 5 (80 % by 4), 96 % by 8 (94 % by 7).
    result = simulate([0, 0, 4], 4)
    assert (result.p50_weeks, result.p85_weeks, result.p95_weeks) == (2, 5, 8)


def test_every_sampled_week_is_drawn_equally_often():
    # 256 byte values do not split evenly into 12 weeks: 4 weeks would get 22 of them, the
    # others 21 (+3 % / -2 %) unless the extra bytes are drawn again.
    draws = draw_weeks(subject_rng(7, "draws"), np.arange(12), (100_000, 12))
    counts = np.bincount(draws.ravel(), minlength=12)
    assert abs(counts / counts.mean() - 1).max() < 0.012


def test_more_weeks_than_a_byte_can_pick_are_all_drawn():
    draws = draw_weeks(subject_rng(7, "draws"), np.arange(300), (3_000, 100))
    counts = np.bincount(draws.ravel(), minlength=300)
    assert counts.size == 300
    assert abs(counts / counts.mean() - 1).max() < 0.1


def test_scope_added_moves_the_dates_later():
    before = simulate([1, 2, 3, 2, 1, 0, 2, 3], 10)
    after = simulate([1, 2, 3, 2, 1, 0, 2, 3], 20)
    assert after.p50_weeks > before.p50_weeks
    assert after.p85_weeks > before.p85_weeks


def test_the_same_seed_gives_the_same_numbers_and_another_seed_other_draws():
    history = [0, 1, 1, 2, 5, 0, 3, 1, 0, 2, 4, 1]
    assert simulate(history, 25, seed=7, weeks_to_target=12) == simulate(
        history, 25, seed=7, weeks_to_target=12
    )
    draws = [
        simulate(history, 25, seed=seed, weeks_to_target=12).probability_by_target
        for seed in (7, 8)
    ]
    assert draws[0] != draws[1]


def test_a_trial_not_done_within_the_horizon_has_no_date():
    # One week in 100 delivers 1: 50 to go takes ~5,000 weeks, far past the horizon.
    result = simulate([1] + [0] * 99, 50, weeks_to_target=MAX_WEEKS)
    assert (result.p50_weeks, result.p85_weeks, result.p95_weeks) == (None, None, None)
    assert result.probability_by_target == 0.0


def test_each_subject_draws_from_its_own_seeded_stream():
    first = subject_rng(7, "epic", "P1-1", "issues").integers(0, 1000, 5)
    again = subject_rng(7, "epic", "P1-1", "issues").integers(0, 1000, 5)
    other = subject_rng(7, "epic", "P1-2", "issues").integers(0, 1000, 5)
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)
