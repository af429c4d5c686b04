"""A survey or register table that loses most of its rows stops the run; Jira tables warn."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.defs.quality import volume_checks
from pipelines.defs.resources import Warehouse


def volume_check(table: str) -> dg.AssetChecksDefinition:
    (check,) = [c for c in volume_checks if c.check_key.name == f"volume_{table}"]
    return check


def evaluate_after_rows(
    check: dg.AssetChecksDefinition, warehouse: Path, counts: list[int]
) -> dg.AssetCheckEvaluation:
    """Fill the check's table with each row count in turn, evaluating the check after each."""
    instance = dg.DagsterInstance.ephemeral()
    key = check.check_key.asset_key
    for rows in counts:
        with duckdb.connect(str(warehouse)) as con:
            con.execute(f'create schema if not exists "{key.path[0]}"')
            con.execute(
                f'create or replace table "{key.path[0]}"."{key.path[1]}" as '
                f"select range as id from range({rows})"
            )
        result = dg.materialize(
            [dg.AssetSpec(key), check],
            selection=dg.AssetSelection.checks(check),
            resources={"warehouse": Warehouse(path=str(warehouse))},
            instance=instance,
            raise_on_error=False,
        )
    (evaluation,) = result.get_asset_check_evaluations()
    return evaluation


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return tmp_path / "pmo.duckdb"


@pytest.mark.parametrize("table", ["survey_responses", "survey_answers", "project_register"])
def test_a_drop_on_a_survey_or_register_table_blocks(warehouse: Path, table: str) -> None:
    check = volume_check(table)
    evaluation = evaluate_after_rows(check, warehouse, [370, 0])
    assert not evaluation.passed
    assert evaluation.severity == dg.AssetCheckSeverity.ERROR
    assert evaluation.blocking


def test_growth_on_a_survey_table_only_warns(warehouse: Path) -> None:
    evaluation = evaluate_after_rows(volume_check("survey_responses"), warehouse, [100, 400])
    assert not evaluation.passed
    assert evaluation.severity == dg.AssetCheckSeverity.WARN


def test_a_drop_on_a_jira_table_only_warns(warehouse: Path) -> None:
    evaluation = evaluate_after_rows(volume_check("issues"), warehouse, [370, 0])
    assert not evaluation.passed
    assert evaluation.severity == dg.AssetCheckSeverity.WARN


def test_an_empty_table_says_nothing_landed_yet(warehouse: Path) -> None:
    evaluation = evaluate_after_rows(volume_check("survey_responses"), warehouse, [0])
    assert evaluation.passed
    assert "nothing landed yet" in evaluation.description
