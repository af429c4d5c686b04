"""Contacts (assignees, project managers, editors in cell history, e-mails typed in cells)
never reach the warehouse in clear: they become the survey respondents' keyed pseudonyms."""

from __future__ import annotations

from collections.abc import Callable

from dlt.common.pipeline import LoadInfo

from connectors.spreadsheets.pseudonymise import respondent_token
from sandbox.smartsheet.portfolio import Person, Portfolio
from tests.smartsheet.conftest import KEY, TABLES, Query


def every_text(query: Query) -> str:
    """Every value of every loaded table, as one text."""
    return "\n".join(
        str(row) for table in TABLES for row in query(f"select * from raw_smartsheet.{table}")
    )


def test_no_name_or_email_of_a_person_is_stored(
    load: Callable[..., LoadInfo], portfolio: Portfolio, query: Query
) -> None:
    load(cell_history="all")
    stored = every_text(query)
    for person in portfolio.people:
        assert person.email not in stored
        assert person.name not in stored
    assert "@" not in stored


def test_an_assignee_becomes_the_same_pseudonym_as_in_the_surveys(
    load: Callable[..., LoadInfo], portfolio: Portfolio, query: Query
) -> None:
    load()
    plan = portfolio.plans()[0]
    task = plan.rows[1]
    person: Person = task.values[plan.column("Assigned To").id]
    stored = query(f"select owner_token from raw_smartsheet.rows where row_id = {task.id}")
    assert stored == [(respondent_token(KEY, person.email, person.name),)]
