"""Cell parsing: dates in the forms spreadsheets really hold, numbers, waves, Likert labels."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from connectors.spreadsheets.likert import likert_score
from connectors.spreadsheets.pseudonymise import respondent_token
from connectors.spreadsheets.values import (
    CellError,
    as_date,
    as_datetime,
    as_number,
    as_wave,
    normalise_header,
)

NOON_1_FEB_2026 = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "cell",
    [
        46054.5,  # Excel serial number
        "46054.5",  # serial exported as text
        datetime(2026, 2, 1, 12, 0),  # naive datetime cell
        "2026-02-01T12:00:00Z",
        "2026-02-01 13:00:00+01:00",
        "2026-02-01T07:00:00-05:00",
        "01/02/2026 12:00",
        "01.02.2026 12:00:00",
        "1 Feb 2026 12:00",
        "February 1, 2026 12:00 PM",
        "2026-02-01 12:00 UTC",
    ],
)
def test_timestamps_in_common_forms_become_the_same_utc_instant(cell):
    assert as_datetime(cell, "UTC", day_first=True) == NOON_1_FEB_2026


def test_naive_timestamps_are_read_in_the_configured_time_zone():
    assert as_datetime("2026-02-01 13:00", "Europe/Paris", day_first=True) == NOON_1_FEB_2026


def test_month_first_dates_when_day_first_is_off():
    assert as_datetime("02/01/2026 12:00", "UTC", day_first=False) == NOON_1_FEB_2026


@pytest.mark.parametrize("cell", ["next tuesday", "31/02/2026", True, -5, 10_000_000])
def test_impossible_dates_are_refused(cell):
    with pytest.raises(CellError):
        as_datetime(cell, "UTC", day_first=True)


def test_a_date_column_drops_the_time_of_day():
    assert as_date(46054.5, day_first=True) == date(2026, 2, 1)


@pytest.mark.parametrize(
    ("cell", "number"),
    [(4, 4.0), ("4", 4.0), ("4,5", 4.5), ("1,250", 1250.0), ("1,250,000.50", 1250000.5)],
)
def test_numbers_as_typed_or_as_text(cell, number):
    assert as_number(cell) == number


@pytest.mark.parametrize("cell", ["=1+1", "@SUM(A1)", "abc", True])
def test_formula_like_or_other_text_is_not_a_number(cell):
    with pytest.raises(CellError):
        as_number(cell)


@pytest.mark.parametrize("cell", ["2025-Q3", "2025 Q3", "Q3 2025", "q3-2025"])
def test_wave_labels_are_normalised(cell):
    assert as_wave(cell) == "2025-Q3"


def test_headers_normalise_case_spacing_and_punctuation():
    assert normalise_header("  Stakeholder_Group* ") == "stakeholder group"


@pytest.mark.parametrize(
    ("cell", "scale", "score"),
    [
        ("Strongly agree", "agreement", 5),
        ("neither agree NOR disagree", "agreement", 3),
        ("Very dissatisfied", "satisfaction", 1),
        ("High value", "value", 4),
        ("10 - Extremely likely", "0-10", 10),
        (3.0, "1-5", 3),
        ("Good", "Poor=1; Fair=2; Good=3", 3),
    ],
)
def test_likert_labels_map_to_scores(cell, scale, score):
    assert likert_score(cell, scale) == score


def test_an_unknown_likert_label_is_refused():
    with pytest.raises(CellError, match="not a label"):
        likert_score("Meh", "agreement")


def test_a_respondent_token_is_stable_and_ignores_email_case_and_spaces():
    assert respondent_token("k", " Ana@Example.COM ", None) == respondent_token(
        "k", "ana@example.com", "Someone Else"
    )


def test_a_respondent_token_depends_on_the_secret_key():
    assert respondent_token("k1", "ana@example.com", None) != respondent_token(
        "k2", "ana@example.com", None
    )


def test_a_respondent_token_never_contains_the_email():
    assert "ana" not in respondent_token("k", "ana@example.com", None)
