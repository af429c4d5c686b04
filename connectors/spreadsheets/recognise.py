"""Which workbook is this sheet? Recognised by its header row, wherever it starts.

Sheet names are a hint only: people rename sheets, exports call them ``Sheet1``. Headers are
normalised (case, spacing, punctuation) and matched against each column's header, its
snake_case name and its aliases.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from connectors.spreadsheets.layouts import LAYOUTS, SERVICE_COLUMN, SURVEY, Column, Kind, Layout
from connectors.spreadsheets.question_map import QuestionMap
from connectors.spreadsheets.values import as_text, normalise_header

HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class SheetMatch:
    """A recognised data sheet: its layout, header row and column positions."""

    layout: Layout
    sheet: str
    header_row: int  # 0-based index into the sheet's rows
    columns: dict[int, Column]  # cell position -> contracted column
    headers: dict[int, str]  # cell position -> header as written
    from_export: bool = False  # columns found through the survey question map

    @cached_property
    def ratings(self) -> tuple[tuple[str, str, str], ...]:
        """Per-service rating columns as (column name, service id, dimension)."""
        return tuple(
            (column.name, *column.name.split("|"))
            for column in self.columns.values()
            if "|" in column.name
        )


def _lookup(layout: Layout) -> dict[str, Column]:
    lookup: dict[str, Column] = {}
    for column in layout.columns:
        for spelling in (column.header, column.name.replace("_", " "), *column.aliases):
            lookup.setdefault(normalise_header(spelling), column)
    return lookup


LOOKUPS = {layout.workbook: _lookup(layout) for layout in LAYOUTS}


def match_header(
    layout: Layout, header_cells: Sequence[Any], question_map: QuestionMap | None = None
) -> tuple[dict[int, Column], dict[int, str], bool]:
    """Map a candidate header row onto a layout's columns (first occurrence wins).

    The flag says whether the question map supplied any column (a real survey export).
    """
    lookup = LOOKUPS[layout.workbook]
    columns: dict[int, Column] = {}
    headers: dict[int, str] = {}
    taken: set[str] = set()
    mapped = False
    for position, cell in enumerate(header_cells):
        text = as_text(cell)
        if text is None:
            continue
        column = None
        if layout is SURVEY and question_map:  # the map is explicit, so it wins
            column = question_map.column_for(text)
            mapped = mapped or column is not None
        column = column or lookup.get(normalise_header(text))
        if column is None and layout is SURVEY:
            column = service_rating_column(text)
        if column is not None and column.name not in taken:
            taken.add(column.name)
            columns[position] = column
            headers[position] = text
    return columns, headers, mapped


def service_rating_column(header: str) -> Column | None:
    """``'SVC-GOV satisfaction'`` -> a 1-5 rating column named ``'SVC-GOV|satisfaction'``."""
    found = SERVICE_COLUMN.match(header)
    if not found:
        return None
    service, dimension = found.group("service").upper(), found.group("dimension").lower()
    return Column(header, f"{service}|{dimension}", Kind.INTEGER, low=1, high=5)


def recognise_sheet(
    sheet: str, rows: Sequence[Sequence[Any]], question_map: QuestionMap | None = None
) -> SheetMatch | None:
    """The best layout whose required columns all appear in one of the first rows."""
    best: tuple[int, SheetMatch] | None = None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        for layout in LAYOUTS:
            columns, headers, mapped = match_header(layout, row, question_map)
            names = {column.name for column in columns.values()}
            required = {column.name for column in layout.columns if column.required}
            if not required <= names:
                continue
            named = sheet.casefold() == layout.sheet.casefold()
            score = len(names) + (2 if named else 0)
            if best is None or score > best[0]:
                best = (score, SheetMatch(layout, sheet, index, columns, headers, mapped))
    return best[1] if best else None
