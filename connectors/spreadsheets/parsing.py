"""Rows of a recognised sheet to raw-table columns, or to quarantine with reasons.

A register row with any invalid cell is quarantined whole (one quarantine row per bad cell) so
that a PMO lead fixes it at the source; every other row of the file still loads. In a survey,
a bad answer (a rating, overall value or likelihood to recommend) is quarantined alone: the
response loads with its other answers. Only what makes the response itself unknowable
(respondent, date, wave, group, a duplicate id) quarantines the whole row. Exact duplicate and
blank rows are skipped and counted. Cells are typed column by column and the tables are
built as columns (``columns.py``): a large survey never becomes a million dicts.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache, partial
from itertools import repeat
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

from connectors.spreadsheets.columns import Columns, Record, Repeated, constant, take
from connectors.spreadsheets.layouts import (
    MATURITY_DOMAINS,
    QUESTION_MAP,
    SURVEY,
    VALIDATION_LISTS,
    Column,
    Kind,
)
from connectors.spreadsheets.likert import likert_score, scale_labels
from connectors.spreadsheets.pseudonymise import (
    mask_emails,
    respondent_token,
    response_pseudonym,
)
from connectors.spreadsheets.question_map import QuestionMap
from connectors.spreadsheets.recognise import SheetMatch
from connectors.spreadsheets.settings import (
    DAY_FIRST,
    DEFAULT_TIMEZONE,
    MASK_COMMENT_EMAILS,
    REQUIRE_RESPONDENT,
)
from connectors.spreadsheets.timestamps import date_order
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
    to_utc,
    wave_of,
)

CLOSED_LISTS = {
    "domains": MATURITY_DOMAINS,
    "rag": VALIDATION_LISTS["rag"],
    "priorities": VALIDATION_LISTS["priorities"],
    "dimensions": VALIDATION_LISTS["dimensions"],
}
PLAIN_TEXT = (Kind.TEXT, Kind.PERSONAL)
PERSONAL_COLUMNS = ("respondent_email", "respondent_name")
Sheet = Sequence[Sequence[Any]]
ROWS = "__rows__"
"""Pseudo column of a table block while parsing: the data row each of its rows comes from."""


@dataclass(frozen=True)
class ParseOptions:
    pseudonymisation_key: str
    timezone: str = DEFAULT_TIMEZONE
    day_first: bool | None = DAY_FIRST
    """The file's day/month order; None: a text date whose day and month could swap is refused."""
    date_hint: str = ""
    """Why ``day_first`` is None for this file, for the quarantine reason."""
    require_respondent: bool = REQUIRE_RESPONDENT
    known_services: frozenset[str] | None = None  # None: any SVC-* id is accepted
    mask_comment_emails: bool = MASK_COMMENT_EMAILS


@dataclass(frozen=True)
class Lineage:
    source_file: str
    file_hash: str
    quarantined_at: datetime

    def columns(self, sheet: str, row_numbers: list[int]) -> Columns:
        count = len(row_numbers)
        return {
            "source_file": Repeated(self.source_file, count),
            "source_sheet": Repeated(sheet, count),
            "source_row": row_numbers,
            "file_hash": Repeated(self.file_hash, count),
        }


@dataclass
class SheetResult:
    tables: dict[str, list[Columns]] = field(default_factory=lambda: defaultdict(list))
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_skipped: int = 0
    answers_quarantined: int = 0


@dataclass(frozen=True)
class Problem:
    column: str  # the header as written
    value: Any
    reason: str
    field: str | None = None  # the contracted column, e.g. likelihood_to_recommend, SVC-GOV|value


Problems = dict[int, list[Problem]]
"""Data row index to its problems, in column order."""
ANSWER_FIELDS = ("overall_value", "likelihood_to_recommend")
"""Survey columns quarantined alone, with the per-service ratings (``SVC-GOV|value``)."""
Claims = dict[tuple[Any, ...], tuple[str, int]]
"""A key to the file and spreadsheet row that loaded it first."""


@dataclass
class SheetRows:
    """A sheet's data rows, typed column by column: values, problems, spreadsheet row numbers."""

    match: SheetMatch
    values: dict[str, list[Any]]
    row_numbers: list[int]
    problems: Problems
    """Problems that quarantine their whole row."""
    answer_problems: Problems
    """Bad survey answers: quarantined alone, their row still loads."""
    response_ids: list[str | None] = field(default_factory=list)
    """Survey rows' stored response ids (None for rows quarantined whole)."""

    def column(self, name: str) -> list[Any]:
        """A contracted column's values; all None when the sheet lacks it."""
        return self.values.get(name) or constant(None, len(self.row_numbers))

    def valid(self) -> list[int]:
        return [index for index in range(len(self.row_numbers)) if index not in self.problems]


def with_file_date_order(
    options: ParseOptions, matches: Sequence[SheetMatch], sheets: Mapping[str, Sheet]
) -> ParseOptions:
    """``options`` with the day/month order of this file's text dates, else the configured one."""
    cells = (
        row[position]
        for match in matches
        for position, column in match.columns.items()
        if column.kind in (Kind.DATE, Kind.DATETIME)
        for row in sheets[match.sheet][match.header_row + 1 :]
        if position < len(row)
    )
    order = date_order(cells)
    return replace(options, day_first=order.day_first(options.day_first), date_hint=order.hint)


def parse_sheet(
    match: SheetMatch,
    rows: Sequence[Sequence[Any]],
    lineage: Lineage,
    options: ParseOptions,
    response_claims: Claims | None = None,
) -> SheetResult:
    """Parse the data rows below the header; lineage row numbers are spreadsheet rows.

    Cells are typed column by column; rows are then checked as records (respondent, wave,
    services, duplicate keys) only where every cell was valid. ``response_claims`` holds the
    response ids earlier files of the same load loaded (it is updated): a survey row that
    repeats one is quarantined, so a load never stages one response id twice.
    """
    result = SheetResult()
    cells, row_numbers = _data_rows(match, rows, result)
    sheet = SheetRows(match, {}, row_numbers, defaultdict(list), defaultdict(list))
    raw_columns = zip(*cells, strict=True) if cells else repeat((), len(match.columns))
    for (position, column), raw in zip(match.columns.items(), raw_columns, strict=True):
        answer = match.layout is SURVEY and _is_answer(column.name)
        problems = sheet.answer_problems if answer else sheet.problems
        sheet.values[column.name] = _typed_column(
            column, match.headers[position], raw, options, problems
        )
    if match.layout is SURVEY:
        claims = {} if response_claims is None else response_claims
        tables = _survey_tables(sheet, options, lineage, claims)
    else:
        tables = _register_tables(sheet, options, lineage)
    if sheet.problems or sheet.answer_problems:
        tables["quarantine"] = [_quarantine_block(sheet, lineage)]
    result.rows_quarantined = len(sheet.problems)
    result.rows_loaded = len(row_numbers) - len(sheet.problems)
    result.answers_quarantined = sum(
        len(found) for index, found in sheet.answer_problems.items() if index not in sheet.problems
    )
    for table, blocks in tables.items():
        for block in blocks:
            row_numbers_of_block = take(row_numbers, block.pop(ROWS))
            if row_numbers_of_block:
                block.update(lineage.columns(match.sheet, row_numbers_of_block))
                result.tables[table].append(block)
    return result


def _is_answer(name: str) -> bool:
    return "|" in name or name in ANSWER_FIELDS


def _data_rows(
    match: SheetMatch, rows: Sequence[Sequence[Any]], result: SheetResult
) -> tuple[list[tuple[Any, ...]], list[int]]:
    """The contracted cells of each data row; blank, duplicate and Qualtrics rows are skipped."""
    positions = tuple(match.columns)
    pick = itemgetter(*positions) if len(positions) > 1 else lambda row: (row[positions[0]],)
    needed = max(positions) + 1
    seen: set[tuple[Any, ...]] = set()
    cells: list[tuple[Any, ...]] = []
    row_numbers: list[int] = []
    for index in range(match.header_row + 1, len(rows)):
        row = rows[index]
        if len(row) < needed:
            row = [*row, *constant(None, needed - len(row))]
        picked = pick(row)
        blank = not any(picked) and all(cell is None or cell == "" for cell in picked)
        if blank or picked in seen or _is_qualtrics_import_row(picked):
            result.rows_skipped += 1
            continue
        seen.add(picked)
        cells.append(picked)
        row_numbers.append(index + 1)
    return cells, row_numbers


def _is_qualtrics_import_row(cells: tuple[Any, ...]) -> bool:
    """Qualtrics' third header row, ``{"ImportId": ...}`` in every cell, is not a response."""
    return isinstance(cells[0], str) and cells[0].startswith('{"ImportId"')


def _typed_column(
    column: Column, header: str, cells: Sequence[Any], options: ParseOptions, problems: Problems
) -> list[Any]:
    """One column's cells as its type; a bad cell is None and a problem of its row.

    Most of a survey is whole-number ratings, plain text and blanks: they are typed in bulk
    (a lookup table, ``str.strip``) and only the other cells go through ``typed_value``.
    """
    typed = _bulk_typed(column, cells, options)
    if UNTYPED in typed:
        for index, value in enumerate(typed):
            if value is UNTYPED:
                raw = cells[index]
                try:
                    typed[index] = typed_value(column, raw, options)
                except CellError as error:
                    typed[index] = None
                    problems[index].append(Problem(header, raw, str(error), column.name))
    return typed


UNTYPED = object()
"""Marks a cell the bulk pass leaves to ``typed_value``."""


def _bulk_typed(column: Column, cells: Sequence[Any], options: ParseOptions) -> list[Any]:
    blank = UNTYPED if column.required else None
    if column.kind in PLAIN_TEXT and column.choices not in CLOSED_LISTS:
        return [raw.strip() or blank if type(raw) is str else UNTYPED for raw in cells]
    lookup = {"": blank, None: blank}
    if column.kind is Kind.DATETIME:  # workbooks hold naive datetimes
        zone = ZoneInfo(options.timezone)
        return [
            to_utc(raw, zone) if type(raw) is datetime else lookup.get(raw, UNTYPED)
            for raw in cells
        ]
    if column.kind is Kind.INTEGER and not column.scale and bool not in set(map(type, cells)):
        # 4.0 -> 4 for every whole number in range; ints hash like their floats (True too)
        lookup.update((float(number), number) for number in _whole_numbers(column))
    return [lookup.get(raw, UNTYPED) for raw in cells]


def _whole_numbers(column: Column) -> range:
    if column.low is None or column.high is None:
        return range(0)
    return range(math.ceil(column.low), math.floor(column.high) + 1)


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
        return as_date(raw, options.day_first, options.date_hint)
    if column.kind is Kind.DATETIME:
        return as_datetime(raw, options.timezone, options.day_first, options.date_hint)
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


def _register_tables(
    sheet: SheetRows, options: ParseOptions, lineage: Lineage
) -> dict[str, list[Columns]]:
    """One record per valid row; question map rules are also compiled row by row."""
    match = sheet.match
    if match.layout is QUESTION_MAP:
        for index in sheet.valid():
            row = {name: values[index] for name, values in sheet.values.items()}
            if problems := _question_problems(match, row, options):
                sheet.problems[index] = problems
    keys = list(zip(*(sheet.column(name) for name in match.layout.key), strict=True))
    valid = _unique_keys(sheet, keys, lineage.source_file, {})
    block = {name: take(values, valid) for name, values in sheet.values.items()}
    return {match.layout.table: [{**block, ROWS: valid}]}


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


def _survey_tables(
    sheet: SheetRows, options: ParseOptions, lineage: Lineage, claims: Claims
) -> dict[str, list[Columns]]:
    """Responses (respondents pseudonymised, waves and ids settled) and one answer per rating."""
    match, values, count = sheet.match, sheet.values, len(sheet.row_numbers)
    token_of = cache(partial(respondent_token, options.pseudonymisation_key))  # once a person
    tokens = [
        token_of(email, name)
        for email, name in zip(
            sheet.column("respondent_email"), sheet.column("respondent_name"), strict=True
        )
    ]
    given_waves, submitted, given_ids = (
        sheet.column(name) for name in ("wave", "submitted_at", "response_id")
    )
    known = options.known_services
    unknown = [
        (name, service_id)
        for name, service_id, _ in match.ratings
        if known is not None and service_id not in known
    ]
    waves: list[str | None] = constant(None, count)
    response_ids: list[str | None] = constant(None, count)
    for index in sheet.valid():
        problems = []
        token, wave = tokens[index], given_waves[index]
        if token is None and options.require_respondent:
            problems.append(Problem(_header(match, "respondent_email"), None, "missing respondent"))
        try:
            wave = as_wave(wave) if wave else wave_of(submitted[index])
        except CellError as error:
            problems.append(Problem(_header(match, "wave"), wave, str(error)))
        for name, service_id in unknown:
            if values[name][index] is not None:
                sheet.answer_problems[index].append(
                    Problem(
                        _header(match, name),
                        values[name][index],
                        f"unknown service {service_id}",
                        name,
                    )
                )
                values[name][index] = None
        if problems:
            sheet.problems[index] = problems
            continue
        waves[index] = wave
        response_ids[index] = (
            _response_id(match, given_ids[index], token, wave, options.pseudonymisation_key)
            or f"{lineage.source_file}#{sheet.row_numbers[index]}"
        )
    keys = [(response_id,) for response_id in response_ids]
    valid = _unique_keys(sheet, keys, lineage.source_file, claims)
    sheet.response_ids = response_ids
    responses = {
        name: take(column, valid)
        for name, column in values.items()
        if name not in PERSONAL_COLUMNS and "|" not in name
    }
    responses.update(
        response_id=take(response_ids, valid),
        wave=take(waves, valid),
        respondent_token=take(tokens, valid),
    )
    if options.mask_comment_emails and "comment" in responses:
        responses["comment"] = [mask_emails(comment) for comment in responses["comment"]]
    answers = []
    for name, service_id, dimension in match.ratings:  # one block per rating column
        scores = values[name]
        rated = [index for index in valid if scores[index] is not None]
        answers.append(
            {
                "response_id": take(response_ids, rated),
                "service_id": Repeated(service_id, len(rated)),
                "dimension": Repeated(dimension, len(rated)),
                "score": take(scores, rated),
                ROWS: rated,
            }
        )
    return {match.layout.table: [{**responses, ROWS: valid}], "survey_answers": answers}


def _unique_keys(
    sheet: SheetRows, keys: Sequence[tuple[Any, ...]], source_file: str, claims: Claims
) -> list[int]:
    """The valid rows, after quarantining each row whose key is already in ``claims``."""
    valid = []
    for index in sheet.valid():
        key = keys[index]
        if key in claims:
            sheet.problems[index] = [_duplicate(sheet.match, key, source_file, claims[key])]
            continue
        claims[key] = (source_file, sheet.row_numbers[index])
        valid.append(index)
    return valid


def _quarantine_block(sheet: SheetRows, lineage: Lineage) -> Columns:
    """One row per problem: of each row quarantined whole (scope ``row``), and of each bad
    answer of a loaded response (scope ``answer``, with the response's id)."""
    rows = sorted({*sheet.problems, *sheet.answer_problems})
    problems = [
        (index, problem, index in sheet.problems)
        for index in rows
        for problem in (*sheet.problems.get(index, ()), *sheet.answer_problems.get(index, ()))
    ]
    return {
        "source_column": [problem.column for _, problem, _ in problems],
        "value": [mask_emails(as_text(problem.value)) for _, problem, _ in problems],
        "reason": [problem.reason for _, problem, _ in problems],
        "field": [problem.field for _, problem, _ in problems],
        "scope": ["row" if whole else "answer" for _, _, whole in problems],
        "response_id": [
            None if whole else sheet.response_ids[index] for index, _, whole in problems
        ],
        "quarantined_at": Repeated(lineage.quarantined_at, len(problems)),
        ROWS: [index for index, _, _ in problems],
    }


def _response_id(
    match: SheetMatch, given: str | None, token: str | None, wave: str, key: str
) -> str | None:
    """Template ids are unique within their wave (PMOs number responses 1, 2, 3 in every
    wave) and may identify the respondent (an e-mail): stored as a keyed pseudonym. Exports
    number responses per file, so theirs are derived: one per respondent per wave (the
    table's grain), else (None) per file row.
    """
    if given and not match.from_export:
        return response_pseudonym(key, wave, given)
    return f"{wave}-{token[:16]}" if token else None


def _header(match: SheetMatch, name: str) -> str:
    for position, column in match.columns.items():
        if column.name == name:
            return match.headers[position]
    return match.layout.column(name).header


def _duplicate(
    match: SheetMatch, key: tuple[Any, ...], source_file: str, first: tuple[str, int]
) -> Problem:
    first_file, first_row = first
    where = f"row {first_row}" if first_file == source_file else f"{first_file} row {first_row}"
    names = match.layout.key
    return Problem(
        _header(match, names[0]),
        key[0] if len(key) == 1 else " / ".join(map(str, key)),
        f"duplicate {', '.join(names)} (first on {where})",
    )
