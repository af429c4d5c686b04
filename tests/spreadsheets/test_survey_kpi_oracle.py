"""CSAT, NPS and value delivery rate from real-world survey exports equal the marts.

The fixture exports (``fixtures/survey_exports``, built by ``survey_export_fixtures.py``) hold
every timestamp format of Google Forms, Google Sheets, Microsoft Forms and Qualtrics, bad
answers and bad rows. They are loaded by the connector with a real dlt pipeline and built by
dbt; the oracle reads the same files with the csv module and openpyxl and computes each KPI in
plain Python, with the rules written in docs/kpis.md: a bad answer costs that answer only; a
response without respondent, readable timestamp or group, or repeating a respondent's wave, is
dropped; a text date whose day and month could swap in a file that never settles its order is
unreadable (dotted dates are day-first); naive timestamps are UTC; cells with fewer than 5
respondents are suppressed.
"""

from __future__ import annotations

import csv
import re
import shutil
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest

from tests.transforms.conftest import dbt

from .landed_build import load_landing
from .service_value_oracle import MART_QUERY as SERVICE_VALUE_QUERY
from .service_value_oracle import Rating, service_value
from .survey_export_fixtures import FIXTURES, build

REFERENCE_FILES = ("question_map.csv", "service_catalogue.csv")
MIN_CELL = 5
ALL_GROUPS = "All groups"
MARTS = ("mart_survey_nps", "mart_value_delivery_rate", "mart_service_csat", "mart_service_value")
SCALES = {
    "satisfaction": ["very dissatisfied", "dissatisfied", "neither satisfied nor dissatisfied",
                     "satisfied", "very satisfied"],
    "value": ["no value", "low value", "some value", "high value", "very high value"],
    "agreement": ["strongly disagree", "disagree", "neither agree nor disagree", "agree",
                  "strongly agree"],
}  # fmt: skip
TIMESTAMP_HEADERS = ("Timestamp", "Completion time", "End Date")
EMAIL_HEADERS = ("Email Address", "Email", "Recipient Email")


# -- reading the exports ------------------------------------------------------------------


def export_rows(path: Path) -> list[dict[str, Any]]:
    """Data rows as header -> cell; Qualtrics' first and third header rows dropped."""
    if path.suffix == ".xlsx":
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
        workbook.close()
    else:
        text = path.read_text(encoding="utf-8")
        rows = list(csv.reader(text.splitlines(), delimiter=";" if "berlin" in path.name else ","))
    if rows[0][0] == "StartDate":  # Qualtrics
        rows = [rows[1], *rows[3:]]
    header, data = rows[0], rows[1:]
    return [dict(zip(header, row, strict=True)) for row in data if any(row)]


def google_forms_time(text: str) -> datetime:
    """``2026/03/02 8:00:00 AM GMT+1`` or ``2026/03/03 13:36:00 GMT+10:30``."""
    body, zone = text.rsplit(" GMT", 1)
    clock = "%I:%M:%S %p" if body.endswith("M") else "%H:%M:%S"
    local = datetime.strptime(body, f"%Y/%m/%d {clock}")
    hours, _, minutes = zone[1:].partition(":")
    offset = timedelta(hours=int(hours or 0), minutes=int(minutes or 0))
    return (local - (-offset if zone.startswith("-") else offset)).replace(tzinfo=UTC)


def numeric_dates(texts: list[str]) -> str | None:
    """``day`` or ``month`` first, from the file's own dates; None if every one fits both.
    Dotted dates (``2.3.2026``) are day-first in every locale that writes them."""
    parts = [tuple(map(int, re.split(r"[/.]", text.split()[0])[:2])) for text in texts]
    if any("." in text for text in texts) or any(first > 12 for first, _ in parts):
        return "day"
    if any(second > 12 for _, second in parts):
        return "month"
    return None


def parse_numeric(text: str, order: str | None) -> datetime | None:
    date_text, _, clock = text.partition(" ")
    first, second, year = map(int, re.split(r"[/.]", date_text))
    if order is None and first != second:
        return None  # ambiguous: quarantined, never guessed
    day, month = (first, second) if order in ("day", None) else (second, first)
    hour, minute, *second_of_minute = map(int, clock.split(":"))
    return datetime(year, month, day, hour, minute, *second_of_minute, tzinfo=UTC)


def submitted_times(path: Path, cells: list[Any]) -> list[datetime | None]:
    """Each row's submission instant in UTC, None when the cell is no timestamp."""
    texts = [cell for cell in cells if isinstance(cell, str)]
    if path.name.startswith("google_forms"):
        return [google_forms_time(cell) for cell in cells]
    if path.name.startswith("google_sheets"):
        order = numeric_dates(texts)
        return [parse_numeric(cell, order) for cell in cells]
    times = []
    for cell in cells:
        if isinstance(cell, datetime):  # Microsoft Forms date cell, naive: UTC
            times.append(cell.replace(tzinfo=UTC))
        elif re.fullmatch(r"\d+/\d+/\d\d \d+:\d\d:\d\d [AP]M", cell):  # US Excel text
            times.append(datetime.strptime(cell, "%m/%d/%y %I:%M:%S %p").replace(tzinfo=UTC))
        elif re.match(r"\d{4}-\d\d-\d\d", cell):  # Qualtrics, naive or with an offset
            moment = datetime.fromisoformat(cell)
            times.append(moment.replace(tzinfo=moment.tzinfo or UTC).astimezone(UTC))
        else:
            times.append(None)
    return times


# -- the answers --------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    field: str  # "overall", "nps", "group", "comment" or "SVC-GOV|satisfaction"
    scale: str


def question_map() -> dict[str, Question]:
    questions = {}
    for row in export_rows(FIXTURES / "question_map.csv"):
        dimension = row["Dimension"]
        service_field = f"{row['Service ID']}|{dimension}"
        named = {"overall value": "overall", "nps": "nps", "stakeholder group": "group"}
        field_name = service_field if row["Service ID"] else named.get(dimension, dimension)
        questions[row["Question"]] = Question(field_name, row["Scale"])
    return questions


def score(cell: Any, scale: str) -> int | None:
    """The number an answer stands for; None for a blank or an unreadable answer."""
    text = str(cell if cell is not None else "").strip()
    if not text:
        return None
    labels = [label.lower() for label in SCALES.get(scale, [])]
    if "=" in scale:
        labels = [pair.split("=")[0].strip().lower() for pair in scale.split(";")]
    if text.lower() in labels:
        return labels.index(text.lower()) + 1
    low, high = (0, 10) if scale == "0-10" else (1, 5)
    leading = re.match(r"\d+", text)
    number = int(leading.group()) if leading else None
    return number if number is not None and low <= number <= high else None


@dataclass
class Respondent:
    wave: str
    group: str
    scores: dict[str, int | None] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)
    """Answers given but unreadable (quarantined): not in the KPIs, counted beside them."""


def respondents() -> list[Respondent]:
    """Every kept response of the fixture exports, files in name order, rows in file order."""
    questions = question_map()
    kept: list[Respondent] = []
    seen: set[tuple[str, str]] = set()
    for path in sorted(FIXTURES.iterdir()):
        if path.name in REFERENCE_FILES:
            continue
        rows = export_rows(path)
        stamp = next(header for header in TIMESTAMP_HEADERS if header in rows[0])
        email = next(header for header in EMAIL_HEADERS if header in rows[0])
        for row, moment in zip(rows, submitted_times(path, [r[stamp] for r in rows]), strict=True):
            answers = {questions[h].field: (v, questions[h].scale) for h, v in row.items()
                       if h in questions}  # fmt: skip
            who, group = str(row[email] or "").strip().lower(), answers["group"][0]
            if not who or moment is None or not group:
                continue
            wave = f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"
            if (wave, who) in seen:
                continue
            seen.add((wave, who))
            scores = {name: score(value, scale) for name, (value, scale) in answers.items()
                      if name not in ("group", "comment")}  # fmt: skip
            unreadable = {
                name
                for name, (value, _) in answers.items()
                if name in scores and scores[name] is None and str(value or "").strip()
            }
            kept.append(Respondent(wave, group, scores, unreadable))
    return kept


# -- the KPIs -----------------------------------------------------------------------------


def suppressed(value: float | int | None, count: int) -> float | int | None:
    return value if count >= MIN_CELL else None


def nps(kept: list[Respondent]) -> dict[tuple[str, str], tuple]:
    """(wave, group) and (wave, All groups) -> respondents, promoters, detractors, NPS,
    answers quarantined."""
    cells: dict[tuple[str, str], list[int]] = defaultdict(list)
    unreadable: dict[tuple[str, str], int] = defaultdict(int)
    for respondent in kept:
        for group in (respondent.group, ALL_GROUPS):
            if (likelihood := respondent.scores["nps"]) is not None:
                cells[respondent.wave, group].append(likelihood)
            unreadable[respondent.wave, group] += "nps" in respondent.unreadable
    result = {}
    for key, scores in cells.items():
        promoters = sum(1 for value in scores if value >= 9)
        detractors = sum(1 for value in scores if value <= 6)
        count = len(scores)
        result[key] = (
            count,
            suppressed(promoters, count),
            suppressed(detractors, count),
            suppressed(round(100.0 * (promoters - detractors) / count, 6), count),
            unreadable[key],
        )
    return result


def value_delivery(kept: list[Respondent]) -> dict[str, tuple]:
    """wave -> respondents, respondents rating overall value 4+, value delivery rate %,
    answers quarantined."""
    waves: dict[str, list[int]] = defaultdict(list)
    unreadable: dict[str, int] = defaultdict(int)
    for respondent in kept:
        if (overall := respondent.scores["overall"]) is not None:
            waves[respondent.wave].append(overall)
        unreadable[respondent.wave] += "overall" in respondent.unreadable
    return {
        wave: (
            len(scores),
            suppressed(sum(1 for value in scores if value >= 4), len(scores)),
            suppressed(
                round(100.0 * sum(1 for value in scores if value >= 4) / len(scores), 6),
                len(scores),
            ),
            unreadable[wave],
        )
        for wave, scores in waves.items()
    }


def csat(kept: list[Respondent]) -> dict[tuple[str, str], tuple]:
    """(service, wave) -> responses, mean satisfaction, % satisfied (4+), answers quarantined."""
    cells: dict[tuple[str, str], list[int]] = defaultdict(list)
    unreadable: dict[tuple[str, str], int] = defaultdict(int)
    for respondent in kept:
        for name, value in respondent.scores.items():
            service = name.split("|")[0], respondent.wave
            if name.endswith("|satisfaction") and value is not None:
                cells[service].append(value)
            unreadable[service] += name.endswith("|satisfaction") and name in respondent.unreadable
    return {
        key: (
            len(scores),
            suppressed(round(sum(scores) / len(scores), 6), len(scores)),
            suppressed(
                round(100.0 * sum(1 for value in scores if value >= 4) / len(scores), 6),
                len(scores),
            ),
            unreadable[key],
        )
        for key, scores in cells.items()
    }


# -- the pipeline -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built_marts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, list[tuple]]]:
    """The fixture exports loaded by the connector and built by dbt; each mart's rows."""
    root = tmp_path_factory.mktemp("survey_oracle")
    landing, warehouse = root / "landing", root / "pmo.duckdb"
    shutil.copytree(FIXTURES, landing)
    load_landing(landing, warehouse, "survey_oracle")
    selection = " ".join(f"+{mart}" for mart in MARTS)
    build_run = dbt(warehouse, "build", "--select", selection, "--indirect-selection", "cautious")
    assert build_run.returncode == 0, build_run.stdout[-5000:]
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        yield {
            "nps": connection.execute(
                "select wave, stakeholder_group, respondents, promoters, detractors, "
                "round(nps, 6), answers_quarantined from marts.mart_survey_nps"
            ).fetchall(),
            "value_delivery": connection.execute(
                "select wave, respondents, respondents_4_plus, round(value_delivery_rate_pct, 6), "
                "answers_quarantined from marts.mart_value_delivery_rate"
            ).fetchall(),
            "csat": connection.execute(
                "select service_id, wave, responses, round(csat_mean, 6), "
                "round(csat_pct_4_plus, 6), answers_quarantined from marts.mart_service_csat"
            ).fetchall(),
            "service_value": connection.execute(SERVICE_VALUE_QUERY).fetchall(),
        }


def test_the_fixture_exports_are_what_their_builder_writes(tmp_path: Path):
    for path in build(tmp_path):
        committed = FIXTURES / path.name
        if path.suffix == ".xlsx":
            assert export_rows(path) == export_rows(committed), path.name
        else:
            assert path.read_bytes() == committed.read_bytes(), path.name


def test_nps_per_wave_and_group_equals_the_oracle(built_marts):
    stored = {(wave, group): tuple(rest) for wave, group, *rest in built_marts["nps"]}
    assert stored == nps(respondents())


def test_value_delivery_rate_per_wave_equals_the_oracle(built_marts):
    stored = {wave: tuple(rest) for wave, *rest in built_marts["value_delivery"]}
    assert stored == value_delivery(respondents())


def test_csat_per_service_and_wave_equals_the_oracle(built_marts):
    stored = {(service, wave): tuple(rest) for service, wave, *rest in built_marts["csat"]}
    assert stored == csat(respondents())


def ratings(kept: list[Respondent]) -> list[Rating]:
    """Each readable per-service answer of the kept responses."""
    rated = []
    for index, respondent in enumerate(kept):
        for name, value in respondent.scores.items():
            service, _, dimension = name.partition("|")
            if dimension and value is not None:
                rated.append(
                    Rating(str(index), service, respondent.group, respondent.wave, dimension, value)
                )
    return rated


def test_service_value_per_service_group_and_wave_equals_the_oracle(built_marts):
    stored = {tuple(row[:3]): tuple(row[3:]) for row in built_marts["service_value"]}
    assert stored == service_value(ratings(respondents()))
