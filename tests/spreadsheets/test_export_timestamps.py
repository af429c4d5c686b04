"""Survey export timestamps: every form Microsoft Forms, Google Forms and Qualtrics write.

Day-first or month-first is settled once per file, from the file's own dates, else from
``day_first``; a file whose dates fit both orders is never guessed cell by cell.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connectors.spreadsheets.timestamps import DateOrder, date_order
from connectors.spreadsheets.values import CellError, as_datetime

MARCH_2_8AM_UTC = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        # Google Forms csv download: the owner's locale and time zone, "GMT±h[:mm]"
        ("2026/03/02 8:00:00 AM GMT+1", datetime(2026, 3, 2, 7, 0, tzinfo=UTC)),
        ("2026/03/02 8:00:00 PM GMT-5", datetime(2026, 3, 3, 1, 0, tzinfo=UTC)),
        ("2026/03/02 8:00:00 AM GMT+5:30", datetime(2026, 3, 2, 2, 30, tzinfo=UTC)),
        ("2026/03/02 8:00:00 AM GMT+10:30", datetime(2026, 3, 1, 21, 30, tzinfo=UTC)),
        ("2026/03/02 12:05:09 AM GMT", datetime(2026, 3, 2, 0, 5, 9, tzinfo=UTC)),
        ("2026/03/02 12:05:09 PM GMT+0", datetime(2026, 3, 2, 12, 5, 9, tzinfo=UTC)),
        ("2026/03/02 14:05:09 GMT+1", datetime(2026, 3, 2, 13, 5, 9, tzinfo=UTC)),
        # Google Sheets responses, by the sheet's locale (naive: the configured zone)
        ("02/03/2026 14:05:09", datetime(2026, 3, 2, 14, 5, 9, tzinfo=UTC)),  # en-GB, fr
        ("2.3.2026 14:05:09", datetime(2026, 3, 2, 14, 5, 9, tzinfo=UTC)),  # de
        ("02.03.2026 14:05", datetime(2026, 3, 2, 14, 5, tzinfo=UTC)),  # ru, pl
        ("2-3-2026 14:05:09", datetime(2026, 3, 2, 14, 5, 9, tzinfo=UTC)),  # nl
        ("2026/3/2 下午2:05:09", datetime(2026, 3, 2, 14, 5, 9, tzinfo=UTC)),  # zh-CN
        ("2026/03/02 午前8:00:00", MARCH_2_8AM_UTC),  # ja
        ("2/3/2026, 8:00:00 a. m.", MARCH_2_8AM_UTC),  # es
        # Microsoft Forms (text as Excel shows it in the US) and Qualtrics
        ("2026-03-02 08:00:00", MARCH_2_8AM_UTC),
        ("2026-03-02T08:00:00Z", MARCH_2_8AM_UTC),
        ("2026-03-02T09:00:00+01:00", MARCH_2_8AM_UTC),
        ("2026-03-02 03:00:00-0500", MARCH_2_8AM_UTC),
        ("2026-03-02T08:00:00.123Z", datetime(2026, 3, 2, 8, 0, 0, 123000, tzinfo=UTC)),
    ],
)
def test_export_timestamps_of_a_day_first_file(cell, expected):
    assert as_datetime(cell, "UTC", day_first=True) == expected


@pytest.mark.parametrize(
    "cell",
    ["3/2/26 8:00:00 AM", "3/2/2026 8:00:00 AM", "3/2/2026 8:00", "03/02/2026 08:00:00 a.m."],
)
def test_export_timestamps_of_a_month_first_file(cell):
    assert as_datetime(cell, "UTC", day_first=False) == MARCH_2_8AM_UTC


@pytest.mark.parametrize(
    "cell", ["2026/03/02 8:00:00 AM GMT+25", "2026/03/02 13:00:00 PM", "2026/02/30 8:00:00"]
)
def test_impossible_export_timestamps_are_refused(cell):
    with pytest.raises(CellError):
        as_datetime(cell, "UTC", day_first=True)


@pytest.mark.parametrize(
    ("cells", "order"),
    [
        (["13/03/2026 10:00", "03/04/2026 10:00"], DateOrder.DAY_FIRST),
        (["3/14/2026 10:00", "03/04/2026 10:00"], DateOrder.MONTH_FIRST),
        (["2.3.2026 14:05:09"], DateOrder.DAY_FIRST),  # dotted dates are day-first everywhere
        (["03/04/2026 10:00", "05/06/2026"], DateOrder.AMBIGUOUS),
        (["13/03/2026 10:00", "3/14/2026 10:00"], DateOrder.CONFLICTING),
        (["2026/03/02 8:00:00 AM GMT+1", 46054.5, None, "04/04/2026"], DateOrder.NONE_NEEDED),
    ],
)
def test_a_files_date_order_comes_from_its_own_dates(cells, order):
    assert date_order(cells).order is order


def test_a_file_whose_dates_fit_both_orders_is_not_guessed():
    order = date_order(["03/04/2026 10:00", "05/06/2026 11:00"])
    with pytest.raises(CellError, match="SOURCES__SPREADSHEETS__DAY_FIRST"):
        as_datetime("03/04/2026 10:00", "UTC", day_first=order.day_first(None), hint=order.hint)


def test_the_configured_order_settles_an_ambiguous_file():
    order = date_order(["03/04/2026 10:00"])
    assert as_datetime("03/04/2026 10:00", "UTC", day_first=order.day_first(False)) == datetime(
        2026, 3, 4, 10, 0, tzinfo=UTC
    )


def test_a_files_own_dates_win_over_the_configured_order():
    assert date_order(["13/03/2026 10:00", "03/04/2026"]).day_first(False) is True


def test_a_day_equal_to_its_month_needs_no_order():
    assert as_datetime("04/04/2026 10:00", "UTC", day_first=None) == datetime(
        2026, 4, 4, 10, 0, tzinfo=UTC
    )
