"""The quarantine summary is a dbt model like every other: dbt owns its SQL, lineage, docs and
tests, and the share check that gates the publish is attached to the model's own asset."""

from __future__ import annotations

import dagster as dg
import pytest

from pipelines.defs.quarantine import QUARANTINE_BY_FILE, QUARANTINE_CHECK

LANDING_TABLES = {"quarantine", "source_files", "survey_answers"}


@pytest.fixture(scope="module")
def asset_graph():
    from pipelines.definitions import defs

    return defs().resolve_asset_graph()


def test_the_quarantine_summary_is_built_by_dbt(asset_graph) -> None:
    assert "dbt" in asset_graph.get(QUARANTINE_BY_FILE).kinds


def test_its_lineage_is_the_landing_tables_dbt_reads(asset_graph) -> None:
    parents = asset_graph.get(QUARANTINE_BY_FILE).parent_keys
    assert parents == {dg.AssetKey(["raw_spreadsheets", table]) for table in LANDING_TABLES}


def test_the_share_check_guards_the_dbt_model(asset_graph) -> None:
    check = dg.AssetCheckKey(QUARANTINE_BY_FILE, QUARANTINE_CHECK)
    assert check in asset_graph.asset_check_keys
