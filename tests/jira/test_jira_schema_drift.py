"""Schema drift never breaks a load: new custom fields become columns, type changes are kept."""

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from sandbox.jira.site import FLOAT_FIELD_TYPE, FieldDef, JiraSite

Query = Callable[[str], list[tuple[Any, ...]]]
RISK = FieldDef("customfield_12345", "Risk score", True, "number", schema_custom=FLOAT_FIELD_TYPE)
ISSUE_TABLES = ("issues", "fields")


def columns(query: Query) -> set[str]:
    return {row[0] for row in query("describe raw_jira.issues")}


def test_a_custom_field_created_in_jira_becomes_a_new_column(
    load: Callable, query: Query, site: JiraSite
) -> None:
    load(ISSUE_TABLES)
    site.add_field(RISK)
    site.set_custom_value("APOLLO-2", RISK.id, 7.5, site.as_of + timedelta(hours=1))
    load(ISSUE_TABLES)
    assert query(f"select {RISK.id} from raw_jira.issues where key = 'APOLLO-2'") == [(7.5,)]
    assert query(f"select name from raw_jira.fields where id = '{RISK.id}'") == [("Risk score",)]


def test_a_field_whose_type_changes_keeps_both_kinds_of_values(
    load: Callable, query: Query, site: JiraSite
) -> None:
    site.add_field(RISK)
    site.set_custom_value("APOLLO-2", RISK.id, 7.5, site.as_of + timedelta(hours=1))
    load(ISSUE_TABLES)
    site.set_custom_value("APOLLO-3", RISK.id, "high", site.as_of + timedelta(hours=2))
    load(ISSUE_TABLES)
    variant = next(c for c in columns(query) if c.startswith(f"{RISK.id}__v_"))
    assert query(f"select {RISK.id} from raw_jira.issues where key = 'APOLLO-2'") == [(7.5,)]
    assert query(f"select {variant} from raw_jira.issues where key = 'APOLLO-3'") == [("high",)]


def test_a_type_change_is_reported_once(
    load: Callable, site: JiraSite, caplog: pytest.LogCaptureFixture
) -> None:
    site.add_field(RISK)
    site.set_custom_value("APOLLO-2", RISK.id, 7.5, site.as_of + timedelta(hours=1))
    load(ISSUE_TABLES)
    site.set_custom_value("APOLLO-3", RISK.id, "high", site.as_of + timedelta(hours=2))
    site.set_custom_value("APOLLO-4", RISK.id, "low", site.as_of + timedelta(hours=2))
    with caplog.at_level(logging.WARNING):
        load(ISSUE_TABLES)
    reports = [r for r in caplog.records if f"{RISK.id} changed type" in r.getMessage()]
    assert len(reports) == 1
