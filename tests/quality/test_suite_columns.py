"""Checks load only the columns their suite reads (raw JSON payloads stay on disk), and every
table builds its own suite."""

from quality.suites import columns_of
from quality.tables import MARTS, TABLE_SUITES
from tests.quality.static_references import StaticReferences

NO_REFERENCES = StaticReferences({})
SUITES = {suite.name: suite for suite in TABLE_SUITES}


def test_issue_suite_never_loads_the_raw_payload() -> None:
    columns = columns_of(SUITES["raw_jira.issues"].build(NO_REFERENCES))
    assert "raw" not in columns
    assert {"id", "key", "created", "updated"} <= set(columns)


def test_row_condition_columns_are_loaded() -> None:
    columns = columns_of(SUITES["marts.mart_value_delivery_rate"].build(NO_REFERENCES))
    assert "is_suppressed" in columns


def test_every_table_builds_the_suite_named_after_it() -> None:
    built = {suite.name: suite.build(NO_REFERENCES).name for suite in TABLE_SUITES}
    assert built == {name: name for name in built}


def test_no_suite_on_a_mart_restates_the_key_its_dbt_tests_own() -> None:
    keys = {"expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique"}
    for suite in TABLE_SUITES:
        if suite.schema == MARTS:
            built = suite.build(NO_REFERENCES)
            assert not {e.expectation_type for e in built.expectations} & keys, suite.name
