"""``pmo refresh`` builds its assets from a manifest of the project as it is on disk."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from dagster_dbt import DbtProject

from pipelines.dbt_manifest import manifest_is_stale, prepare_if_stale
from pipelines.defs.resources import DBT_PROJECT, INTERPRETER_DBT


@pytest.fixture(scope="module")
def parsed_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the dbt project, parsed once for the module."""
    copy = tmp_path_factory.mktemp("parsed") / "transforms"
    shutil.copytree(DBT_PROJECT.project_dir, copy, ignore=shutil.ignore_patterns("target", "logs"))
    prepare_if_stale(DbtProject(project_dir=copy, profiles_dir=copy), INTERPRETER_DBT)
    return copy


@pytest.fixture
def project(parsed_project: Path, tmp_path: Path) -> DbtProject:
    """A copy of the parsed project for one test (file times kept: the manifest is the newest)."""
    copy = tmp_path / "transforms"
    shutil.copytree(parsed_project, copy)
    return DbtProject(project_dir=copy, profiles_dir=copy)


def models_in(project: DbtProject) -> set[str]:
    nodes = json.loads(project.manifest_path.read_text())["nodes"].values()
    return {node["name"] for node in nodes if node["resource_type"] == "model"}


def test_a_parsed_project_is_not_parsed_again(project: DbtProject) -> None:
    assert not manifest_is_stale(project)
    assert prepare_if_stale(project, INTERPRETER_DBT) is False


def test_a_model_added_after_the_parse_reaches_the_manifest(project: DbtProject) -> None:
    added = project.project_dir / "models" / "marts" / "mart_added_after_parse.sql"
    added.write_text("select 1 as one\n")
    built = project.manifest_path.stat().st_mtime
    os.utime(added, (built + 1, built + 1))
    assert manifest_is_stale(project)
    assert prepare_if_stale(project, INTERPRETER_DBT) is True
    assert "mart_added_after_parse" in models_in(project)


def test_a_missing_manifest_is_prepared(project: DbtProject) -> None:
    project.manifest_path.unlink()
    assert prepare_if_stale(project, INTERPRETER_DBT) is True
    assert "mart_pmo_value_scorecard_quarterly" in models_in(project)
