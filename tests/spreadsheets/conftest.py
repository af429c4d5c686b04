"""Fixtures: demo workbooks in a temporary landing folder, loaded by a real dlt pipeline."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dlt
import duckdb
import pytest

from connectors.spreadsheets import spreadsheet_source
from sandbox.workbooks import write_demo_workbooks

from .builders import A_ROWS, survey_row, write_survey

PROJECT_KEYS = ("APOLLO", "HERMES", "ATLAS", "ZEUS")
TEST_KEY = "test-pseudonymisation-key"
DATASET = "raw_spreadsheets"


def stored_response_id(given: str, wave: str = "2026-Q1", key: str = TEST_KEY) -> str:
    """The pseudonym a template response id is stored as: its wave, then a keyed HMAC."""
    given = given if given.startswith(wave) else f"{wave}-{given}"
    digest = hmac.new(key.encode(), f"response:{given}".encode(), hashlib.sha256).hexdigest()
    return f"{wave}-{digest[:16]}"


class Warehouse:
    """A temporary DuckDB file plus the dlt pipeline that loads spreadsheets into it."""

    def __init__(self, root: Path, landing_dir: Path, key: str = TEST_KEY) -> None:
        self.path = root / "warehouse.duckdb"
        self.landing_dir = landing_dir
        self.key = key
        self.pipeline = dlt.pipeline(
            pipeline_name="spreadsheets_test",
            destination=dlt.destinations.duckdb(str(self.path)),
            dataset_name=DATASET,
            pipelines_dir=str(root / "pipelines"),
        )

    def load(self, **source_args: Any) -> Any:
        source = spreadsheet_source(
            landing_url=str(self.landing_dir), pseudonymisation_key=self.key, **source_args
        )
        return self.pipeline.run(source)

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        with duckdb.connect(str(self.path), read_only=True) as connection:
            connection.execute(f"set schema '{DATASET}'")
            return connection.execute(sql).fetchall()

    def count(self, table: str) -> int:
        return self.rows(f"select count(*) from {table}")[0][0]


@pytest.fixture(scope="module")
def demo_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    landing = tmp_path_factory.mktemp("landing")
    write_demo_workbooks(landing, PROJECT_KEYS)
    return landing


@pytest.fixture(scope="module")
def loaded_demo(tmp_path_factory: pytest.TempPathFactory, demo_landing: Path) -> Warehouse:
    """The demo workbooks loaded once; tests of this fixture must only read."""
    warehouse = Warehouse(tmp_path_factory.mktemp("warehouse"), demo_landing)
    warehouse.load()
    return warehouse


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    path = tmp_path / "landing"
    path.mkdir()
    return path


@pytest.fixture
def warehouse(tmp_path: Path, landing: Path) -> Iterator[Warehouse]:
    yield Warehouse(tmp_path, landing)


@pytest.fixture
def make_warehouse(tmp_path: Path) -> Callable[[Path], Warehouse]:
    return lambda landing_dir: Warehouse(tmp_path / "wh", landing_dir)


def survey_deleted(root: Path, **source_args: Any) -> Warehouse:
    """``a.xlsx`` (two good rows, one quarantined) and ``b.xlsx`` loaded, then ``a`` deleted."""
    landing = root / "landing"
    landing.mkdir()
    write_survey(landing / "a.xlsx", A_ROWS)
    write_survey(landing / "b.xlsx", [survey_row(4)])
    warehouse = Warehouse(root, landing)
    warehouse.load(**source_args)
    (landing / "a.xlsx").unlink()
    return warehouse


@pytest.fixture
def two_surveys(tmp_path: Path) -> Warehouse:
    """``survey_deleted``, before the load that notices the deletion."""
    return survey_deleted(tmp_path)


@pytest.fixture(scope="module")
def deletion_kept(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """``survey_deleted`` loaded again with the default policy; tests of it must only read."""
    warehouse = survey_deleted(tmp_path_factory.mktemp("kept"))
    warehouse.load()
    return warehouse


@pytest.fixture(scope="module")
def deletion_removed(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """``survey_deleted`` loaded again with ``deleted_files="remove"``; tests must only read."""
    warehouse = survey_deleted(tmp_path_factory.mktemp("removed"))
    warehouse.load(deleted_files="remove")
    return warehouse
