"""Declarative automation never builds on a table whose blocking check failed."""

from __future__ import annotations

import dagster as dg
import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def automation_requests(corrupted_run) -> set[str]:
    """What automation requests after both sources load again with their checks.

    The Jira issues still hold the invalid issue (its blocking check fails again); the
    spreadsheets are valid (their checks pass).
    """
    from pipelines.definitions import defs

    definitions = defs()
    graph = definitions.resolve_asset_graph()
    instance = corrupted_run.instance
    before = dg.evaluate_automation_conditions(defs=definitions, instance=instance)
    ingestion = dg.AssetSelection.groups("ingestion")
    dg.materialize(
        [*definitions.assets, *definitions.asset_checks],
        selection=ingestion,
        resources=definitions.resources,
        instance=instance,
        raise_on_error=False,
    )
    after = dg.evaluate_automation_conditions(
        defs=definitions, instance=instance, cursor=before.cursor
    )
    return {k.to_user_string() for k in graph.get_all_asset_keys() if after.get_num_requested(k)}


def test_models_reading_valid_tables_are_requested(automation_requests) -> None:
    assert "staging/stg_spreadsheets__survey_answers" in automation_requests


def test_models_reading_the_failed_table_are_not_requested(automation_requests) -> None:
    assert "staging/stg_jira__issues" not in automation_requests
