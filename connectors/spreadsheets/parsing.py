"""Rows of a recognised sheet to raw-table records, or to quarantine with reasons.

A row with any invalid cell is quarantined whole (one quarantine row per bad cell) so that a
PMO lead fixes it at the source; every other row of the file still loads. Exact duplicate and
blank rows are skipped and counted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from connectors.spreadsheets.layouts import (
    MATURITY_DOMAINS,
    QUESTION_MAP,
    SURVEY,
    VALIDATION_LISTS,
    Column,
    Kind,
)
from connectors.spreadsheets.likert import likert_score, scale_labels
from connectors.spreadsheets.pseudonymise import respondent_token
from connectors.spreadsheets.question_map import QuestionMap
from connectors.spreadsheets.recognise import SheetMatch
from connectors.spreadsheets.settings import DAY_FIRST, DEFAULT_TIMEZONE, REQUIRE_RESPONDENT
from connectors.spreadsheets.values import (
    CellError,
    as_date,
    as_datetime,
    as_integer,
    as_number,
    as_text,
    as_wave,
    check_range,
    is_blank,
    wave_of,
)

Record = dict[str, Any]
CLOSED_LISTS = {
    "domains": MATURITY_DOMAINS,
    "rag": VALIDATION_LISTS["rag"],
    "priorities": VALIDATION_LISTS["priorities"],
    "dimensions": VALIDATION_LISTS["dimensions"],
}
PLAIN_TEXT = (Kind.TEXT, Kind.PERSONAL)


@dataclass(frozen=True)
class ParseOptions:
    pseudonymisation_key: str
    timezone: str = DEFAULT_TIMEZONE
    day_first: bool = DAY_FIRST
    require_respondent: bool = REQUIRE_RESPONDENT
    known_services: frozenset[str] | None = None  # None: any SVC-* id is accepted


@dataclass(frozen=True)
class Lineage:
    source_file: str
    file_hash: str
    quarantined_at: datetime

    def of(self, sheet: str, row: int) -> Record:
        return {
            "source_file": self.source_file,
            "source_sheet": sheet,
            "source_row": row,
            "file_hash": self.file_hash,
        }


@dataclass
class SheetResult:
    tables: dict[str, list[Record]] = field(default_factory=lambda: defaultdict(list))
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_skipped: int = 0


@dataclass(frozen=True)
class Problem:
    column: str
    value: Any
    reason: str


def parse_sheet(
    match: SheetMatch, rows: Sequence[Sequence[Any]], lineage: Lineage, options: ParseOptions
) -> SheetResult:
    """Parse the data rows below the header; lineage row numbers are spreadsheet rows."""
    result = SheetResult()
    seen_rows: set[tuple[Any, ...]] = set()
    seen_keys: dict[tuple[Any, ...], int] = {}
    positions = tuple(match.columns)
    for index in range(match.header_row + 1, len(rows)):
        row, row_number = rows[index], index + 1
        width = len(row)
        cells = tuple(row[position] if position < width else None for position in positions)
        blank = all(cell is None or cell == "" for cell in cells)
        if blank or cells in seen_rows or _is_qualtrics_import_row(cells):
            result.rows_skipped += 1
            continue
        seen_rows.add(cells)
        values, problems = _typed_values(match, cells, options)
        if not problems:
            records, problems = _records(
                match, values, options, f"{lineage.source_file}#{row_number}"
            )
        if not problems:
            key = tuple(records[0][name] for name in match.layout.key)
            if key in seen_keys:
                problems = [_duplicate(match, key, seen_keys[key])]
            seen_keys.setdefault(key, row_number)
        base = lineage.of(match.sheet, row_number)
        if problems:
            result.rows_quarantined += 1
            result.tables["quarantine"].extend(
                {
                    **base,
                    "source_column": problem.column,
                    "value": as_text(problem.value),
                    "reason": problem.reason,
                    "quarantined_at": lineage.quarantined_at,
                }
                for problem in problems
            )
            continue
        result.rows_loaded += 1
        main, *answers = records
        main.update(base)
        result.tables[match.layout.table].append(main)
        for answer in answers:
            answer.update(base)
        result.tables["survey_answers"].extend(answers)
    return result


def _is_qualtrics_import_row(cells: tuple[Any, ...]) -> bool:
    """Qualtrics' third header row, ``{"ImportId": ...}`` in every cell, is not a response."""
    return isinstance(cells[0], str) and cells[0].startswith('{"ImportId"')


def _typed_values(
    match: SheetMatch, cells: tuple[Any, ...], options: ParseOptions
) -> tuple[Record, list[Problem]]:
    """``cells`` are in the order of ``match.columns``.

    Whole-number ratings and plain text, most of a survey, take a cheap path; everything
    else goes through ``typed_value``.
    """
    values: Record = {}
    problems: list[Problem] = []
    for (position, column), raw in zip(match.columns.items(), cells, strict=True):
        kind = type(raw)
        if kind is float and column.kind is Kind.INTEGER and not column.scale:
            if raw.is_integer() and column.low <= raw <= column.high:
                values[column.name] = int(raw)
                continue
        elif kind is str and column.kind in PLAIN_TEXT and column.choices not in CLOSED_LISTS:
            text = raw.strip()
            if text or not column.required:
                values[column.name] = text or None
                continue
        elif raw is None and not column.required:
            values[column.name] = None
            continue
        try:
            values[column.name] = typed_value(column, raw, options)
        except CellError as error:
            problems.append(Problem(match.headers[position], raw, str(error)))
    return values, problems


def typed_value(column: Column, raw: Any, options: ParseOptions) -> Any:
    """One cell as its column's type; blank is None unless the column is required."""
    if is_blank(raw):
        if column.required:
            raise CellError("required value missing")
        return None
    if column.kind in (Kind.TEXT, Kind.PERSONAL):
        text = as_text(raw)
        return _closed_choice(column, text) if column.choices in CLOSED_LISTS else text
    if column.kind is Kind.DATE:
        return as_date(raw, options.day_first)
    if column.kind is Kind.DATETIME:
        return as_datetime(raw, options.timezone, options.day_first)
    if column.scale:
        number = likert_score(raw, column.scale)
    else:
        number = as_integer(raw) if column.kind is Kind.INTEGER else as_number(raw)
    check_range(number, column.low, column.high)
    return number


def _closed_choice(column: Column, text: str) -> str:
    """Canonical spelling of a closed-list value: ``'amber'`` and ``'A'`` become ``'Amber'``."""
    choices = CLOSED_LISTS[column.choices]
    folded = text.casefold()
    exact = [choice for choice in choices if choice.casefold() == folded]
    initial = [choice for choice in choices if len(folded) == 1 and choice[0].casefold() == folded]
    if exact or len(initial) == 1:
        return (exact or initial)[0]
    raise CellError(f"not one of {', '.join(choices)}: {text!r}")


def _records(
    match: SheetMatch, values: Record, options: ParseOptions, row_ref: str
) -> tuple[list[Record], list[Problem]]:
    """The table records of one valid row: one record, or a survey response plus its answers."""
    if match.layout is SURVEY:
        return _survey_records(match, values, options, row_ref)
    if match.layout is QUESTION_MAP:
        return [values], _question_problems(match, values, options)
    return [values], []


def _question_problems(match: SheetMatch, values: Record, options: ParseOptions) -> list[Problem]:
    try:
        rule = QuestionMap([values]).rules[0]
        scale_labels(rule.column.scale or "1-5")  # an unknown scale fails here
    except ValueError as error:
        return [Problem(_header(match, "question"), values["question"], str(error))]
    service_id = (values.get("service_id") or "").upper()
    known = options.known_services
    if service_id and known is not None and service_id not in known:
        return [Problem(_header(match, "service_id"), service_id, f"unknown service {service_id}")]
    return []


def _survey_records(
    match: SheetMatch, values: Record, options: ParseOptions, row_ref: str
) -> tuple[list[Record], list[Problem]]:
    email, name = values.pop("respondent_email", None), values.pop("respondent_name", None)
    token = respondent_token(options.pseudonymisation_key, email, name)
    problems = []
    if token is None and options.require_respondent:
        problems.append(Problem(_header(match, "respondent_email"), None, "missing respondent"))
    wave = values.get("wave")
    try:
        wave = as_wave(wave) if wave else wave_of(values["submitted_at"])
    except CellError as error:
        problems.append(Problem(_header(match, "wave"), wave, str(error)))
    ratings = []
    for column_name, service_id, dimension in match.ratings:
        score = values.pop(column_name)
        if score is None:
            continue
        if options.known_services is not None and service_id not in options.known_services:
            problems.append(
                Problem(_header(match, column_name), score, f"unknown service {service_id}")
            )
        ratings.append((service_id, dimension, score))
    if problems:
        return [], problems
    response_id = _response_id(match, values.get("response_id"), token, wave, row_ref)
    response = {**values, "response_id": response_id, "wave": wave, "respondent_token": token}
    answers = [
        {"response_id": response_id, "service_id": sid, "dimension": dimension, "score": score}
        for sid, dimension, score in ratings
    ]
    return [response, *answers], []


def _response_id(
    match: SheetMatch, given: str | None, token: str | None, wave: str, row_ref: str
) -> str:
    """Template ids are kept, prefixed with their wave unless they already start with it
    (PMOs number responses 1, 2, 3 in every wave); exports number responses per file, so
    theirs are derived: one per respondent per wave (the table's grain), else per file row.
    """
    if given and not match.from_export:
        return given if given.startswith(wave) else f"{wave}-{given}"
    return f"{wave}-{token[:16]}" if token else row_ref


def _header(match: SheetMatch, name: str) -> str:
    for position, column in match.columns.items():
        if column.name == name:
            return match.headers[position]
    return match.layout.column(name).header


def _duplicate(match: SheetMatch, key: tuple[Any, ...], first: int) -> Problem:
    names = match.layout.key
    return Problem(
        _header(match, names[0]),
        key[0] if len(key) == 1 else " / ".join(map(str, key)),
        f"duplicate {', '.join(names)} (first on row {first})",
    )
