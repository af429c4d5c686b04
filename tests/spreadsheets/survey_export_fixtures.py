"""Builds the survey export fixtures under ``fixtures/survey_exports``: the same PMO survey as
Google Forms, Google Sheets, Microsoft Forms and Qualtrics write it, in their locales and time
zones, with the bad cells real exports hold.

Regenerate with ``uv run python -m tests.spreadsheets.survey_export_fixtures``; a test checks
the committed files are what this module writes. Tests read the files, never this module's
data: the KPI oracle parses them on its own.

Formats (checked against the vendors' exports):
- Google Forms "Download responses (.csv)": ``2026/03/02 8:00:00 AM GMT+1`` in the form owner's
  time zone (``GMT-5``, ``GMT+5:30``, ``GMT+10:30``; 24-hour in some locales).
- Google Sheets responses downloaded as csv: the sheet's locale, no zone
  (``02/03/2026 14:05:09`` en-GB, ``2.3.2026 14:05:09`` de with ``;``, ``3/14/2026 8:00:00`` en-US).
- Microsoft Forms "Open in Excel": date cells, some retyped as US text ``3/16/26 8:00:00 AM``.
- A sheet whose every date fits both day/month orders (``04/03/2026``): its responses are
  quarantined with a hint to configure ``day_first``, never guessed.
- Qualtrics csv: three header rows (ids, question text, ``{"ImportId": …}``), ``2026-03-02
  08:00:00`` in the account's zone or ISO 8601 with an offset.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl

FIXTURES = Path(__file__).parent / "fixtures" / "survey_exports"
GROUPS = (
    "Executive sponsors",
    "Project managers",
    "Delivery teams",
    "Business unit leads",
    "Finance and governance",
)
QUESTION_MAP = [
    ["Question", "Service ID", "Dimension", "Scale"],
    ["Which group are you in?", "", "stakeholder group", ""],
    [
        "How satisfied are you with governance and stage gates?",
        "SVC-GOV",
        "satisfaction",
        "satisfaction",
    ],
    ["How much value do governance and stage gates give you?", "SVC-GOV", "value", "value"],
    [
        "How satisfied are you with portfolio reporting?",
        "SVC-REP",
        "satisfaction",
        "Poor=1; Fair=2; Good=3; Very good=4; Excellent=5",
    ],
    ["How much value does portfolio reporting give you?", "SVC-REP", "value", "1-5"],
    ["The PMO delivers value to me", "", "overall value", "agreement"],
    ["How likely are you to recommend the PMO to a colleague?", "", "nps", "0-10"],
    ["Any other comments?", "", "comment", ""],
]
QUESTIONS = [row[0] for row in QUESTION_MAP[1:]]
SERVICE_CATALOGUE = [
    ["Service ID", "Service name", "Value Ring function", "Target satisfaction"],
    ["SVC-GOV", "Governance and stage gates", "Governance and control", "4"],
    ["SVC-REP", "Portfolio reporting", "Performance and reporting", "4"],
]
LABELS = {
    "gov_satisfaction": ("Very dissatisfied", "Dissatisfied",
                         "Neither satisfied nor dissatisfied", "Satisfied", "Very satisfied"),
    "gov_value": ("No value", "Low value", "Some value", "High value", "Very high value"),
    "rep_satisfaction": ("Poor", "Fair", "Good", "Very good", "Excellent"),
    "overall": ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree",
                "Strongly agree"),
}  # fmt: skip


@dataclass
class Response:
    """One respondent's answers; ``cells`` overrides rendered cells (bad values)."""

    email: str
    group: str
    submitted: datetime  # UTC
    scores: dict[str, int | None]
    comment: str = ""
    cells: dict[str, Any] = field(default_factory=dict)

    def answers(self) -> list[Any]:
        """The answer cells in ``QUESTIONS`` order, labelled as the form shows them."""
        scores = self.scores
        rendered = {
            "group": self.group,
            "gov_satisfaction": _label("gov_satisfaction", scores["gov_satisfaction"]),
            "gov_value": _label("gov_value", scores["gov_value"]),
            "rep_satisfaction": _label("rep_satisfaction", scores["rep_satisfaction"]),
            "rep_value": "" if scores["rep_value"] is None else str(scores["rep_value"]),
            "overall": _label("overall", scores["overall"]),
            "nps": str(scores["nps"]),
            "comment": self.comment,
        }
        rendered.update((name, cell) for name, cell in self.cells.items() if name in rendered)
        return list(rendered.values())


def _label(scale: str, score: int | None) -> str:
    return "" if score is None else LABELS[scale][score - 1]


def responses(seed: int, count: int, start: datetime, domain: str) -> list[Response]:
    """``count`` plausible responses submitted from ``start`` (UTC) on, a few hours apart."""
    draw = random.Random(seed)
    made = []
    for number in range(count):
        skip_reporting = draw.random() < 0.2
        made.append(
            Response(
                email=f"person{seed}{number:02d}@{domain}",
                group=GROUPS[(seed + number) % len(GROUPS)],
                submitted=start + timedelta(hours=31 * number, minutes=draw.randrange(60)),
                scores={
                    "gov_satisfaction": draw.choice((2, 3, 4, 4, 5)),
                    "gov_value": draw.choice((1, 3, 4, 5, 5)),
                    "rep_satisfaction": None if skip_reporting else draw.choice((3, 4, 5)),
                    "rep_value": None if skip_reporting else draw.choice((2, 4, 5)),
                    "overall": draw.choice((2, 3, 4, 4, 5)),
                    "nps": draw.choice((2, 5, 6, 7, 8, 9, 10, 10)),
                },
            )
        )
    return made


def google_forms_time(utc_offset: timedelta, twenty_four_hour: bool = False) -> Callable:
    total = int(utc_offset.total_seconds()) // 60
    hours, minutes = divmod(abs(total), 60)
    zone = f"GMT{'+' if total > 0 else '-'}{hours}" + (f":{minutes:02d}" if minutes else "")
    zone = zone if total else "GMT"

    def render(moment: datetime) -> str:
        local = moment + utc_offset
        clock = (
            f"{local.hour}:{local:%M:%S}"
            if twenty_four_hour
            else f"{(local.hour - 1) % 12 + 1}:{local:%M:%S} {local:%p}"
        )
        return f"{local:%Y/%m/%d} {clock} {zone}"

    return render


def google_forms_csv(render: Callable, rows: Sequence[Response]) -> str:
    header = ["Timestamp", "Email Address", *QUESTIONS]
    return _csv([header, *([render(r.submitted), r.email, *r.answers()] for r in rows)])


def google_sheets_csv(render: Callable, rows: Sequence[Response], delimiter: str = ",") -> str:
    header = ["Timestamp", "Email Address", *QUESTIONS]
    body = ([render(r.submitted), r.email, *r.answers()] for r in rows)
    return _csv([header, *body], delimiter)


def qualtrics_csv(rows: Sequence[Response]) -> str:
    ids = ["StartDate", "EndDate", "Status", "ResponseId", "RecipientEmail"]
    ids += [f"Q{number}" for number in range(1, len(QUESTIONS) + 1)]
    labels = ["Start Date", "End Date", "Response Type", "Response ID", "Recipient Email"]
    imports = [f'{{"ImportId":"{name}"}}' for name in ids]
    body = []
    for number, response in enumerate(rows):
        end = response.cells.get("end_date") or (
            f"{response.submitted:%Y-%m-%d %H:%M:%S}"  # the account's zone: UTC here
            if number % 2
            else (response.submitted - timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:%S-05:00")
        )
        start = f"{response.submitted - timedelta(minutes=4):%Y-%m-%d %H:%M:%S}"
        body.append([start, end, "IP Address", f"R_{number:04d}", response.email])
        body[-1] += response.answers()
    return _csv([ids, labels + QUESTIONS, imports, *body])


def _csv(rows: Sequence[Sequence[Any]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def write_microsoft_forms(path: Path, rows: Sequence[Response]) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Form1"
    sheet.append(["ID", "Start time", "Completion time", "Email", "Name", *QUESTIONS])
    for number, response in enumerate(rows, start=1):
        completed: Any = response.submitted.replace(tzinfo=None)  # Forms writes local time
        if number % 4 == 0:  # retyped by someone with US Excel settings
            local = response.submitted
            clock = f"{(local.hour - 1) % 12 + 1}:{local:%M:%S} {local:%p}"
            completed = f"{local.month}/{local.day}/{local:%y} {clock}"
        started = response.submitted.replace(tzinfo=None) - timedelta(minutes=3)
        name = response.email.split("@")[0].title()
        sheet.append([number, started, completed, response.email, name, *response.answers()])
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    workbook.properties.created = workbook.properties.modified = datetime(2026, 4, 2)
    workbook.save(path)


def survey_exports() -> dict[str, Callable[[Path], None]]:
    """File name to a writer of that file."""
    march = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
    paris = responses(1, 8, march, "example.fr")
    paris[2].scores["nps"] = 3  # a detractor whose one rating is unreadable
    paris[2].cells["gov_satisfaction"] = "Kind of ok"
    new_york = responses(2, 7, march + timedelta(hours=13), "example.com")
    new_york[1].cells["nps"] = "11"
    new_york[6].submitted = datetime(2026, 4, 1, 2, 30, tzinfo=UTC)  # 31 March 9:30 PM GMT-5
    mumbai = responses(3, 6, march + timedelta(hours=2), "example.in")
    mumbai[5].submitted = datetime(2026, 3, 31, 20, 30, tzinfo=UTC)  # 1 April 2 AM GMT+5:30
    adelaide = responses(4, 6, march + timedelta(hours=20), "example.com.au")
    london = responses(5, 7, march + timedelta(days=8), "example.co.uk")  # 10/03 to 18/03
    london[3].cells["overall"] = "Strongly agre"
    berlin = responses(6, 7, march + timedelta(days=2), "example.de")
    berlin[4].cells["rep_value"] = "7"
    unknown_locale = responses(10, 3, march + timedelta(days=1), "example.ie")  # 03/03 to 05/03
    chicago = responses(7, 7, march + timedelta(days=3), "example.us")
    chicago[2].email = ""  # no respondent: the whole response is quarantined
    forms = responses(8, 8, march + timedelta(days=4), "example.org")
    forms[5].email = forms[1].email  # the same person twice in one wave
    forms[6].comment = "Call me on ana.lopez@example.org about the gates"
    qualtrics = responses(9, 6, march + timedelta(days=5), "example.net")
    qualtrics[3].cells["end_date"] = "yesterday"
    return {
        "question_map.csv": _text(_csv(QUESTION_MAP)),
        "service_catalogue.csv": _text(_csv(SERVICE_CATALOGUE)),
        "google_forms_paris.csv": _text(
            google_forms_csv(google_forms_time(timedelta(hours=1)), paris)
        ),
        "google_forms_new_york.csv": _text(
            google_forms_csv(google_forms_time(timedelta(hours=-5)), new_york)
        ),
        "google_forms_mumbai.csv": _text(
            google_forms_csv(google_forms_time(timedelta(hours=5, minutes=30)), mumbai)
        ),
        "google_forms_adelaide.csv": _text(
            google_forms_csv(google_forms_time(timedelta(hours=10, minutes=30), True), adelaide)
        ),
        "google_sheets_london.csv": _text(
            google_sheets_csv(lambda moment: f"{moment:%d/%m/%Y %H:%M:%S}", london)
        ),
        "google_sheets_berlin.csv": _text(
            google_sheets_csv(
                lambda moment: (
                    f"{moment.day}.{moment.month}.{moment.year} {moment.hour}:{moment:%M:%S}"
                ),
                berlin,
                delimiter=";",
            )
        ),
        "google_sheets_unknown_locale.csv": _text(
            google_sheets_csv(lambda moment: f"{moment:%d/%m/%Y %H:%M}", unknown_locale)
        ),
        "google_sheets_chicago.csv": _text(
            google_sheets_csv(
                lambda moment: (
                    f"{moment.month}/{moment.day}/{moment.year} {moment.hour}:{moment:%M:%S}"
                ),
                chicago,
            )
        ),
        "microsoft_forms.xlsx": lambda path: write_microsoft_forms(path, forms),
        "qualtrics.csv": _text(qualtrics_csv(qualtrics)),
    }


def _text(content: str) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(content.encode())


def build(folder: Path = FIXTURES) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, write in survey_exports().items():
        write(folder / name)
        written.append(folder / name)
    return written


if __name__ == "__main__":
    for path in build():
        print(path)
