"""The weekly reconciliation: a full Jira reload that drops deleted issues and reports it."""

from __future__ import annotations

import dagster as dg
import pytest

from tests.events.conftest import LoadedSandbox
from warehouse.connection import query

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def reconciled(
    loaded_sandbox: LoadedSandbox, dagster_instance: dg.DagsterInstance
) -> tuple[str, dg.ExecuteInProcessResult]:
    """Delete a sub-task in Jira (no webhook, no `updated` to find it by), then reconcile."""
    site = loaded_sandbox.sandbox.site
    subtask = next(i for i in reversed(site.issues.values()) if i.issue_type.subtask)
    deleted = site.delete_issue(subtask.key).key
    job = loaded_sandbox.definitions.resolve_job_def("jira_reconciliation")
    return deleted, job.execute_in_process(instance=dagster_instance, raise_on_error=False)


def test_the_reconciliation_run_succeeds(reconciled) -> None:
    assert reconciled[1].success


def test_the_issues_table_matches_jira_after_reconciliation(
    reconciled, loaded_sandbox: LoadedSandbox
) -> None:
    keys = query(loaded_sandbox.warehouse, "select key from raw_jira.issues order by key")
    assert sorted(keys["key"]) == sorted(loaded_sandbox.sandbox.site.issues)
    assert reconciled[0] not in set(keys["key"])


def test_the_deleted_issue_leaves_no_changelog_behind(
    reconciled, loaded_sandbox: LoadedSandbox
) -> None:
    left = query(
        loaded_sandbox.warehouse,
        f"select count(*) as n from raw_jira.changelog_items where issue_key = '{reconciled[0]}'",
    )
    assert left["n"][0] == 0


def test_the_reload_is_reported_as_raw_jira_materialisations(reconciled) -> None:
    materialized = {
        event.asset_key.to_user_string()
        for event in reconciled[1].get_asset_materialization_events()
    }
    assert {"raw_jira/issues", "raw_jira/changelog_items"} <= materialized


def test_the_ordinary_build_after_the_reload_drops_the_deleted_issue(
    reconciled, loaded_sandbox: LoadedSandbox
) -> None:
    keys = query(
        loaded_sandbox.warehouse, "select issue_key from intermediate.int_jira__issue_lifecycle"
    )
    assert sorted(keys["issue_key"]) == sorted(loaded_sandbox.sandbox.site.issues)
