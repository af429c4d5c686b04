"""Declarative automation never builds on a table whose blocking check failed with ERROR, and
is never held back by one that only warned."""

from __future__ import annotations

import dagster as dg
import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def automation_requests(corrupted_run) -> set[str]:
    """What automation requests after both sources load again with their checks.

    The Jira issues still hold the invalid issue (its blocking check fails again with ERROR);
    the spreadsheets are valid (their checks pass), but for the demo's project register, which
    lists a project Jira does not know (its blocking check fails with WARN).
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


def test_models_reading_a_table_whose_blocking_check_only_warned_are_requested(
    corrupted_run, automation_requests
) -> None:
    from pipelines.defs.quality import latest_evaluation

    check = dg.AssetCheckKey(
        dg.AssetKey(["raw_spreadsheets", "project_register"]), "gx_project_register"
    )
    warned = latest_evaluation(corrupted_run.instance, check)
    assert warned is not None and not warned.passed
    assert warned.severity == dg.AssetCheckSeverity.WARN
    assert "staging/stg_spreadsheets__project_register" in automation_requests
