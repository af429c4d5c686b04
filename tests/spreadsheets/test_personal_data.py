"""Personal data never lands in clear: response ids pseudonymised, comment e-mails masked."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from .builders import survey_row, write_survey
from .conftest import TEST_KEY, Warehouse, stored_response_id

TEXT_COLUMNS = """
select table_name, column_name from information_schema.columns
where table_schema = 'raw_spreadsheets' and data_type = 'VARCHAR'
  and table_name not like '_dlt%'
"""


def stored_anywhere(warehouse: Warehouse, text: str) -> list[tuple[str, str]]:
    """Every (table, column) of the raw tables holding ``text``."""
    return [
        (table, column)
        for table, column in warehouse.rows(TEXT_COLUMNS)
        if warehouse.rows(f"select count(*) from {table} where \"{column}\" like '%{text}%'")[0][0]
    ]


def test_an_email_used_as_response_id_is_stored_nowhere(landing: Path, warehouse: Warehouse):
    rows = [
        survey_row(1, response_id="ana.lopez@example.com", comment="ok"),
        survey_row(2, response_id="ana.lopez@example.com", comment="again"),  # a duplicate
        survey_row(3, response_id="ben@example.com", overall_value=9),  # a bad answer
    ]
    write_survey(landing / "survey.xlsx", rows)
    warehouse.load()
    assert warehouse.count("survey_responses") == 2
    assert warehouse.count("quarantine") == 2
    assert stored_anywhere(warehouse, "@") == []


def test_a_response_id_is_a_keyed_pseudonym_stable_within_its_wave(
    landing: Path, warehouse: Warehouse
):
    write_survey(landing / "survey.xlsx", [survey_row(1, response_id="ana.lopez@example.com")])
    warehouse.load()
    digest = hmac.new(
        TEST_KEY.encode(), b"response:2026-Q1-ana.lopez@example.com", hashlib.sha256
    ).hexdigest()
    assert warehouse.rows("select response_id from survey_responses") == [
        (f"2026-Q1-{digest[:16]}",)
    ]
    assert stored_response_id("ana.lopez@example.com") == f"2026-Q1-{digest[:16]}"


def test_emails_typed_into_comments_are_masked(landing: Path, warehouse: Warehouse):
    comment = "Ask Ana (ana.lopez@example.com) or ben+pmo@corp.example.org, not me"
    write_survey(landing / "survey.xlsx", [survey_row(1, comment=comment)])
    warehouse.load()
    assert warehouse.rows("select comment from survey_responses") == [
        ("Ask Ana ([email]) or [email], not me",)
    ]


def test_comments_keep_emails_when_masking_is_off(landing: Path, warehouse: Warehouse):
    comment = "write to pmo-lead@example.com"
    write_survey(landing / "survey.xlsx", [survey_row(1, comment=comment)])
    warehouse.load(mask_comment_emails=False)
    assert warehouse.rows("select comment from survey_responses") == [(comment,)]
