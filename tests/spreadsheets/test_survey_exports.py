"""Forms, Google Forms and Qualtrics exports load through the survey question map."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from connectors.spreadsheets.layouts import QUESTION_MAP
from connectors.spreadsheets.template_writer import write_workbook

from .builders import write_catalogue, write_csv, write_sheet
from .conftest import Warehouse
from .survey_export_fixtures import FIXTURES

QUESTIONS = [
    {"question": "Which group are you in?", "dimension": "stakeholder group"},
    {
        "question": "How satisfied are you with governance*",
        "service_id": "SVC-GOV",
        "dimension": "satisfaction",
        "scale": "satisfaction",
    },
    {
        "question": "re:value do(es)? governance",
        "service_id": "SVC-GOV",
        "dimension": "value",
        "scale": "value",
    },
    {
        "question": "How satisfied are you with portfolio reporting?",
        "service_id": "SVC-REP",
        "dimension": "satisfaction",
        "scale": "Poor=1; Fair=2; Good=3; Very good=4; Excellent=5",
    },
    {
        "question": "The PMO delivers value to me",
        "dimension": "overall value",
        "scale": "agreement",
    },
    {"question": "How likely are you to recommend*", "dimension": "nps"},
    {"question": "Any other comments?", "dimension": "comment"},
]
FORMS_HEADER = [
    "ID",
    "Start time",
    "Completion time",
    "Email",
    "Name",
    "Which group are you in?",
    "How satisfied are you with governance and stage gates?",
    "How much value do governance and stage gates give you?",
    "How satisfied are you with portfolio reporting?",
    "The PMO delivers value to me",
    "How likely are you to recommend the PMO to a colleague?",
    "Any other comments?",
]
FEB_1_2026_NOON, MAY_8_2026 = 46054.5, 46150  # Excel serial dates
FORMS_ROWS = [
    [1, FEB_1_2026_NOON, FEB_1_2026_NOON, "Ana@Example.com", "Ana A", "Delivery teams",
     "Very satisfied", "High value", "Excellent", "Strongly agree", "10 - Extremely likely", ""],
    [2, FEB_1_2026_NOON, FEB_1_2026_NOON, "ben@example.com", "Ben B", "Project managers",
     "Dissatisfied", "Some value", "Fair", "Disagree", 4, "=HYPERLINK(\"x\")"],
    [None] * 12,
    [1, FEB_1_2026_NOON, FEB_1_2026_NOON, "Ana@Example.com", "Ana A", "Delivery teams",
     "Very satisfied", "High value", "Excellent", "Strongly agree", "10 - Extremely likely", ""],
    [3, MAY_8_2026, MAY_8_2026, "ana@example.com", "Ana A", "Delivery teams",
     "Satisfied", "", "Good", "Agree", 8, "better"],
    [4, MAY_8_2026, MAY_8_2026, "cleo@example.com", "Cleo C", "Executive sponsors",
     "Neutral", "Very high value", "Very good", "Neither agree nor disagree", 7, ""],
]  # fmt: skip


@pytest.fixture(scope="module")
def forms_export(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """A Forms export and its question map, loaded once; tests only read."""
    landing = tmp_path_factory.mktemp("forms")
    write_workbook(landing / "question_map.xlsx", QUESTION_MAP, QUESTIONS)
    write_sheet(landing / "forms_export.xlsx", "Form1", [FORMS_HEADER, *FORMS_ROWS])
    warehouse = Warehouse(tmp_path_factory.mktemp("warehouse"), landing)
    warehouse.load()
    return warehouse


def test_a_forms_export_loads_one_response_per_person_and_wave(forms_export: Warehouse):
    assert forms_export.rows(
        "select wave, stakeholder_group, overall_value, likelihood_to_recommend "
        "from survey_responses order by wave, stakeholder_group"
    ) == [
        ("2026-Q1", "Delivery teams", 5, 10),
        ("2026-Q1", "Project managers", 2, 4),
        ("2026-Q2", "Delivery teams", 4, 8),
        ("2026-Q2", "Executive sponsors", 3, 7),
    ]


def test_likert_labels_become_scores_through_the_map(forms_export: Warehouse):
    assert forms_export.rows(
        "select a.service_id, a.dimension, a.score from survey_answers a "
        "join survey_responses r using (response_id) "
        "where r.stakeholder_group = 'Executive sponsors' order by 1, 2"
    ) == [("SVC-GOV", "satisfaction", 3), ("SVC-GOV", "value", 5), ("SVC-REP", "satisfaction", 4)]


def test_excel_serial_dates_become_utc_timestamps(forms_export: Warehouse):
    assert forms_export.rows("select min(submitted_at) from survey_responses") == [
        (datetime(2026, 2, 1, 12, 0, tzinfo=UTC),)
    ]


def test_the_same_person_keeps_one_token_whatever_the_email_case(forms_export: Warehouse):
    assert forms_export.rows(
        "select count(distinct respondent_token) from survey_responses "
        "where stakeholder_group = 'Delivery teams'"
    ) == [(1,)]


def test_blank_and_duplicate_export_rows_are_skipped(forms_export: Warehouse):
    assert forms_export.rows("select rows_loaded, rows_skipped from source_files "
                          "where source_file = 'forms_export.xlsx'") == [(4, 2)]  # fmt: skip


def test_formula_like_text_is_stored_verbatim_as_text(forms_export: Warehouse):
    assert forms_export.rows(
        "select comment from survey_responses where stakeholder_group = 'Project managers'"
    ) == [('=HYPERLINK("x")',)]


def test_the_question_map_is_loaded_for_lineage(forms_export: Warehouse):
    assert forms_export.count("survey_question_map") == len(QUESTIONS)


def test_a_map_rule_for_an_unknown_service_is_quarantined(landing: Path, warehouse: Warehouse):
    write_catalogue(landing / "service_catalogue.xlsx")
    rule = {"question": "Q9", "service_id": "SVC-NOPE", "dimension": "value"}
    write_workbook(landing / "question_map.xlsx", QUESTION_MAP, [*QUESTIONS, rule])
    warehouse.load()
    assert warehouse.rows("select source_column, value, reason from quarantine") == [
        ("Service ID", "SVC-NOPE", "unknown service SVC-NOPE")
    ]


def test_an_unlabelled_likert_answer_quarantines_the_response(landing: Path, warehouse: Warehouse):
    write_workbook(landing / "question_map.xlsx", QUESTION_MAP, QUESTIONS)
    row = [*FORMS_ROWS[0][:6], "Kind of ok", *FORMS_ROWS[0][7:]]
    write_sheet(landing / "forms_export.xlsx", "Form1", [FORMS_HEADER, row])
    warehouse.load()
    assert warehouse.rows("select source_row, reason from quarantine") == [
        (2, "not a label of the 'satisfaction' scale: 'Kind of ok'")
    ]


def test_a_google_forms_csv_with_us_dates_loads_when_day_first_is_off(
    landing: Path, warehouse: Warehouse
):
    write_workbook(landing / "question_map.xlsx", QUESTION_MAP, QUESTIONS)
    header = ["Timestamp", "Email Address", *FORMS_HEADER[5:]]
    write_csv(
        landing / "google.csv",
        [header, ["3/14/2026 18:13:00", "dee@example.com", "Delivery teams", "Satisfied",
                  "Low value", "Good", "Agree", "9", ""]],
    )  # fmt: skip
    warehouse.load(day_first=False)
    assert warehouse.rows("select submitted_at, wave from survey_responses") == [
        (datetime(2026, 3, 14, 18, 13, tzinfo=UTC), "2026-Q1")
    ]


def test_a_qualtrics_export_with_three_header_rows_loads(landing: Path, warehouse: Warehouse):
    write_workbook(landing / "question_map.xlsx", QUESTION_MAP, QUESTIONS)
    rows = [
        ["StartDate", "EndDate", "RecipientEmail", "Q1", "Q2", "Q6"],
        ["Start Date", "End Date", "Recipient Email", *FORMS_HEADER[5:7], FORMS_HEADER[10]],
        ['{"ImportId":"startDate"}', '{"ImportId":"endDate"}', '{"ImportId":"recipientEmail"}',
         '{"ImportId":"QID1"}', '{"ImportId":"QID2"}', '{"ImportId":"QID6"}'],
        ["2026-07-02 10:00:00", "2026-07-02T10:05:00+02:00", "eve@example.com",
         "Business unit leads", "Very dissatisfied", "0 - Not at all likely"],
    ]  # fmt: skip
    write_sheet(landing / "qualtrics.xlsx", "Sheet0", rows)
    warehouse.load()
    assert warehouse.rows(
        "select submitted_at, wave, likelihood_to_recommend from survey_responses"
    ) == [(datetime(2026, 7, 2, 8, 5, tzinfo=UTC), "2026-Q3", 0)]


def export_fixture(landing: Path, *names: str) -> None:
    """Copies fixture exports (and their question map) into the landing folder."""
    for name in ("question_map.csv", *names):
        shutil.copy(FIXTURES / name, landing / name)


def test_google_forms_gmt_offsets_load_as_utc(landing: Path, warehouse: Warehouse):
    export_fixture(landing, "google_forms_paris.csv", "google_forms_mumbai.csv")
    warehouse.load()
    assert warehouse.rows(
        "select min(submitted_at), max(submitted_at), count(*) from survey_responses "
        "where source_file = 'google_forms_mumbai.csv'"
    ) == [  # 2026/03/02 3:04:00 PM GMT+5:30 .. 2026/04/01 2:00:00 AM GMT+5:30
        (datetime(2026, 3, 2, 9, 34, tzinfo=UTC), datetime(2026, 3, 31, 20, 30, tzinfo=UTC), 6)
    ]
    assert warehouse.rows(
        "select min(submitted_at) from survey_responses "
        "where source_file = 'google_forms_paris.csv'"
    ) == [(datetime(2026, 3, 2, 7, 54, tzinfo=UTC),)]  # 2026/03/02 8:54:00 AM GMT+1


def test_an_export_whose_dates_fit_both_orders_is_quarantined_with_a_hint(
    landing: Path, warehouse: Warehouse
):
    export_fixture(landing, "google_sheets_unknown_locale.csv")
    warehouse.load()
    assert warehouse.rows("select cast(submitted_at as date) from survey_responses") == [
        (date(2026, 3, 3),)  # 03/03/2026 reads the same either way
    ]
    reasons = warehouse.rows("select value, reason from quarantine order by source_row")
    assert [value for value, _ in reasons] == ["04/03/2026 14:41", "05/03/2026 21:47"]
    assert all("SOURCES__SPREADSHEETS__DAY_FIRST" in reason for _, reason in reasons)


def test_a_configured_day_first_settles_an_ambiguous_export(landing: Path, warehouse: Warehouse):
    export_fixture(landing, "google_sheets_unknown_locale.csv")
    warehouse.load(day_first=True)
    assert warehouse.rows("select cast(submitted_at as date) from survey_responses order by 1") == [
        (date(2026, 3, day),) for day in (3, 4, 5)
    ]


def test_a_us_sheet_settles_its_own_month_first_order(landing: Path, warehouse: Warehouse):
    export_fixture(landing, "google_sheets_chicago.csv")
    warehouse.load(day_first=True)  # the file's 3/13/2026 wins over the configured order
    assert warehouse.rows("select min(submitted_at) from survey_responses") == [
        (datetime(2026, 3, 5, 7, 9, tzinfo=UTC),)
    ]
