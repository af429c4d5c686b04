"""Tolerant cell parsing: what spreadsheets really contain, turned into typed values.

Every parser raises ``CellError`` with a human reason; the caller quarantines the row.
Nothing here evaluates a formula: text that looks like one stays text.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from connectors.spreadsheets.timestamps import NotATimestamp, parse_export_timestamp

EXCEL_EPOCH = datetime(1899, 12, 30)
FIRST_SERIAL, LAST_SERIAL = 1, 2_958_465  # 1900-01-01 .. 9999-12-31
DATE_FORMATS_NAMED_MONTH = (
    "%d %b %Y",
    "%d %B %Y",
    "%b %d, %Y",
    "%B %d, %Y",
)
TIME_SUFFIXES = ("", " %H:%M", " %H:%M:%S", " %I:%M:%S %p", " %I:%M %p")
OFFSET_SUFFIX = re.compile(r"\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})$", re.IGNORECASE)
WAVE = re.compile(r"^\s*(\d{4})\s*[- ]?\s*Q([1-4])\s*$|^\s*Q([1-4])\s*[- ]?\s*(\d{4})\s*$", re.I)


NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise_header(text: str) -> str:
    """``'  Stakeholder_Group* '`` -> ``'stakeholder group'``."""
    return " ".join(NON_WORD.sub(" ", text.casefold()).split())


class CellError(ValueError):
    """A cell that cannot become the value its column needs; the message is the reason."""


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def as_text(value: Any) -> str | None:
    """Text as typed; integral floats lose their ``.0`` (ids typed as numbers)."""
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def as_number(value: Any) -> float:
    if isinstance(value, bool):
        raise CellError(f"expected a number, got {value!r}")
    if isinstance(value, int | float):
        if math.isnan(value) or math.isinf(value):
            raise CellError("not a finite number")
        return float(value)
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    # "4,5" is a decimal comma; "1,250" and "1,250,000" are thousands separators
    _, comma, fraction = text.partition(",")
    decimal_comma = comma and "." not in text and "," not in fraction and len(fraction) != 3
    text = text.replace(",", "." if decimal_comma else "")
    try:
        return as_number(float(text))
    except ValueError:
        raise CellError(f"not a number: {value!r}") from None


def as_integer(value: Any) -> int:
    number = as_number(value)
    if not number.is_integer():
        raise CellError(f"not a whole number: {value!r}")
    return int(number)


def check_range(number: float, low: float | None, high: float | None) -> None:
    if (low is not None and number < low) or (high is not None and number > high):
        raise CellError(f"out of range {_bound(low)}..{_bound(high)}: {number:g}")


def _bound(bound: float | None) -> str:
    return "" if bound is None else f"{bound:g}"


def from_excel_serial(serial: float) -> datetime:
    if not FIRST_SERIAL <= serial <= LAST_SERIAL:
        raise CellError(f"not an Excel date serial: {serial:g}")
    return EXCEL_EPOCH + timedelta(days=serial)


def as_datetime(value: Any, timezone: str, day_first: bool | None, hint: str = "") -> datetime:
    """An aware UTC timestamp; naive values are read in ``timezone``.

    ``day_first`` is the file's day/month order (``timestamps.date_order``); None refuses a
    text date whose day and month could swap, with ``hint`` as the reason.
    """
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime.combine(value, time())
    elif isinstance(value, int | float) and not isinstance(value, bool):
        parsed = from_excel_serial(float(value))
    elif isinstance(value, str):
        parsed = _parse_text_datetime(value.strip(), day_first, hint)
    else:
        raise CellError(f"not a date: {value!r}")
    return to_utc(parsed, ZoneInfo(timezone))


def to_utc(moment: datetime, zone: tzinfo) -> datetime:
    """``moment`` as an aware UTC timestamp; a naive one is read in ``zone``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


def as_date(value: Any, day_first: bool | None, hint: str = "") -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return as_datetime(value, "UTC", day_first, hint).date()


def _parse_text_datetime(text: str, day_first: bool | None, hint: str) -> datetime:
    if not text:
        raise CellError("blank date")
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00").replace(" UTC", "+00:00"))
    except ValueError:
        pass
    try:
        parsed = parse_export_timestamp(text, day_first, hint)
    except NotATimestamp as error:
        raise CellError(f"not a date: {text!r} ({error})") from None
    if parsed is not None:
        return parsed
    try:
        return from_excel_serial(float(text))
    except ValueError:
        pass
    offset = OFFSET_SUFFIX.search(text)
    body = text[: offset.start()] if offset else text
    for date_format in DATE_FORMATS_NAMED_MONTH:
        for time_suffix in TIME_SUFFIXES:
            try:
                parsed = datetime.strptime(body, date_format + time_suffix)
            except ValueError:
                continue
            return _with_offset(parsed, offset.group(0).strip() if offset else None)
    raise CellError(f"not a date: {text!r}")


def _with_offset(parsed: datetime, offset: str | None) -> datetime:
    if offset is None:
        return parsed
    if offset.upper() in ("Z", "UTC", "GMT"):
        return parsed.replace(tzinfo=UTC)
    return datetime.fromisoformat(f"{parsed.isoformat()}{offset[:3]}:{offset[-2:]}")


def as_wave(value: Any) -> str:
    """A survey wave label normalised to ``YYYY-Qn`` (accepts ``2025 Q3``, ``Q3 2025``)."""
    match = WAVE.match(str(value))
    if not match:
        raise CellError(f"not a wave like 2025-Q3: {value!r}")
    year, quarter = (match.group(1), match.group(2)) if match.group(1) else match.group(4, 3)
    return f"{year}-Q{quarter}"


def wave_of(moment: datetime) -> str:
    return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"
