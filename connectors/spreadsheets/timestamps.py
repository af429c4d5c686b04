"""Timestamps as survey tools export them, and the day/month order of a whole file.

Google Forms' csv download writes ``2026/03/02 8:00:00 AM GMT+1`` (``GMT-5``, ``GMT+5:30``);
Google Sheets, Microsoft Forms opened in Excel and Qualtrics write the sheet's locale
(``02/03/2026 14:05:09``, ``2.3.2026 14:05:09``, ``3/2/26 8:00:00 AM``, ``2026/3/2 下午2:05:09``)
or ISO 8601 (``2026-03-02 08:00:00``, ``2026-03-02T08:00:00+01:00``). Whether ``02/03`` is
2 March or 3 February is decided once per file (``date_order``), never per cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from enum import StrEnum
from typing import Any

DAY_FIRST_HINT = "set SOURCES__SPREADSHEETS__DAY_FIRST=true (03/04 is 3 April) or false (4 March)"
MERIDIEMS = {
    "am": "AM", "a.m.": "AM", "a. m.": "AM", "午前": "AM", "上午": "AM", "오전": "AM",
    "pm": "PM", "p.m.": "PM", "p. m.": "PM", "午後": "PM", "下午": "PM", "오후": "PM",
}  # fmt: skip
_MERIDIEM = "|".join(re.escape(marker) for marker in sorted(MERIDIEMS, key=len, reverse=True))
TEXT_TIMESTAMP = re.compile(
    r"""^(?:(?P<year>\d{4})(?P<ysep>[-/.])(?P<ymonth>\d{1,2})(?P=ysep)(?P<yday>\d{1,2})
         |(?P<first>\d{1,2})(?P<sep>[-/.])(?P<second>\d{1,2})(?P=sep)(?P<tail>\d{4}|\d{2}))
       (?:,?(?:\s+|T|\s*(?=(?:"""
    + _MERIDIEM
    + r""")))(?:(?P<pre>"""
    + _MERIDIEM
    + r""")\s*)?
          (?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second_of_minute>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?
          (?:\s*(?P<post>"""
    + _MERIDIEM
    + r"""))?)?
       \s*(?P<zone>Z|(?:GMT|UTC)?\s*[+-]\d{1,2}(?::?\d{2})?|GMT|UTC)?$""",
    re.IGNORECASE | re.VERBOSE,
)
ZONE_OFFSET = re.compile(r"(?P<sign>[+-])(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?$")


class DateOrder(StrEnum):
    """What a file's numeric dates say about their day/month order."""

    DAY_FIRST = "day first"
    MONTH_FIRST = "month first"
    AMBIGUOUS = "ambiguous"  # every date fits both orders
    CONFLICTING = "conflicting"  # some dates are only day-first, others only month-first
    NONE_NEEDED = "none needed"  # no date whose order matters


@dataclass(frozen=True)
class FileDateOrder:
    """A file's date order and, when its dates cannot settle it, what to tell the PMO lead."""

    order: DateOrder
    examples: tuple[str, ...] = ()

    def day_first(self, configured: bool | None) -> bool | None:
        """The file's own order, else the configured one; None: ambiguous cells are refused."""
        if self.order is DateOrder.DAY_FIRST:
            return True
        if self.order is DateOrder.MONTH_FIRST:
            return False
        return configured

    @property
    def hint(self) -> str:
        if self.order is DateOrder.CONFLICTING:
            return (
                f"this file mixes day-first and month-first dates ({', '.join(self.examples)}): "
                "correct the file"
            )
        return f"every date of this file fits both day/month orders: {DAY_FIRST_HINT}"


def date_order(cells: Iterable[Any]) -> FileDateOrder:
    """The day/month order the text dates among ``cells`` agree on.

    ``13/03/2026`` can only be day-first, ``3/14/2026`` only month-first, ``2.3.2026`` is
    day-first in every locale that writes dots; ``03/04/2026`` fits both.
    """
    day_first = month_first = None
    ambiguous = False
    for cell in cells:
        if type(cell) is not str or (found := TEXT_TIMESTAMP.match(" ".join(cell.split()))) is None:
            continue
        if found["first"] is None or found["first"] == found["second"]:
            continue
        order = _order_of(int(found["first"]), int(found["second"]), found["sep"])
        if order is True:
            day_first = day_first or cell.strip()
        elif order is False:
            month_first = month_first or cell.strip()
        else:
            ambiguous = True
    if day_first and month_first:
        return FileDateOrder(DateOrder.CONFLICTING, (day_first, month_first))
    if day_first:
        return FileDateOrder(DateOrder.DAY_FIRST)
    if month_first:
        return FileDateOrder(DateOrder.MONTH_FIRST)
    return FileDateOrder(DateOrder.AMBIGUOUS if ambiguous else DateOrder.NONE_NEEDED)


class NotATimestamp(ValueError):
    """The text is no timestamp this module knows; the message says why."""


def parse_export_timestamp(text: str, day_first: bool | None, hint: str = "") -> datetime | None:
    """A naive or aware datetime, or None when ``text`` has no numeric date shape at all.

    ``day_first`` None: a date whose day and month could swap is refused with ``hint``.
    """
    found = TEXT_TIMESTAMP.match(" ".join(text.split()))
    if found is None:
        return None
    if found["year"]:
        year, month, day = int(found["year"]), int(found["ymonth"]), int(found["yday"])
    else:
        first, second = int(found["first"]), int(found["second"])
        day, month = _day_and_month(first, second, found["sep"], day_first, text, hint)
        year = int(found["tail"])
        year += 0 if year >= 100 else 2000 if year < 69 else 1900  # strptime's %y pivot
    hour = int(found["hour"] or 0)
    meridiem = found["pre"] or found["post"]
    if meridiem:
        if not 1 <= hour <= 12:
            raise NotATimestamp(f"hour {hour} with {meridiem}")
        hour = hour % 12 + (12 if MERIDIEMS[meridiem.lower()] == "PM" else 0)
    microsecond = int((found["fraction"] or "0")[:6].ljust(6, "0"))
    try:
        moment = datetime(
            year,
            month,
            day,
            hour,
            int(found["minute"] or 0),
            int(found["second_of_minute"] or 0),
            microsecond,
        )
    except ValueError as error:
        raise NotATimestamp(str(error)) from None
    return moment.replace(tzinfo=_zone(found["zone"])) if found["zone"] else moment


def _day_and_month(
    first: int, second: int, separator: str, day_first: bool | None, text: str, hint: str
) -> tuple[int, int]:
    if first == second:
        return first, second
    if day_first is None:
        day_first = _order_of(first, second, separator)
        if day_first is None:
            raise NotATimestamp(f"ambiguous date {text.strip()!r}: {hint or DAY_FIRST_HINT}")
    return (first, second) if day_first else (second, first)


def _order_of(first: int, second: int, separator: str) -> bool | None:
    """What a date's own numbers say: True day-first, False month-first, None either."""
    if separator == "." or first > 12:
        return True
    if second > 12:
        return False
    return None


def _zone(zone: str) -> timezone:
    offset = ZONE_OFFSET.search(zone)
    if offset is None:  # Z, GMT, UTC
        return UTC
    sign = -1 if offset["sign"] == "-" else 1
    delta = timedelta(hours=int(offset["hours"]), minutes=int(offset["minutes"] or 0))
    if delta >= timedelta(hours=24) or int(offset["minutes"] or 0) >= 60:
        raise NotATimestamp(f"not a time zone offset: {zone!r}")
    return timezone(sign * delta)
