"""Incremental models recompute only changed issues yet end up equal to a full rebuild."""

from __future__ import annotations

import pandas as pd
import pytest

from .conftest import INCREMENTAL_TABLES


@pytest.mark.parametrize("table", INCREMENTAL_TABLES)
def test_incremental_build_equals_full_refresh(incremental_rebuild, table):
    pd.testing.assert_frame_equal(
        incremental_rebuild.incremental[table], incremental_rebuild.full_refresh[table]
    )


def test_incremental_build_sees_the_reopening(incremental_rebuild):
    lifecycle = incremental_rebuild.incremental["intermediate.int_jira__issue_lifecycle"]
    reopened = lifecycle[lifecycle["issue_key"] == incremental_rebuild.reopened_key]
    assert reopened["reopen_count"].iloc[0] >= 1
    assert not reopened["is_done"].iloc[0]


def test_incremental_build_drops_issues_deleted_in_jira(incremental_rebuild):
    lifecycle = incremental_rebuild.incremental["intermediate.int_jira__issue_lifecycle"]
    assert incremental_rebuild.deleted_key not in set(lifecycle["issue_key"])
