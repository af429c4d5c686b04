"""An in-place upgrade: the current code runs on a warehouse an older release loaded and built
(incremental tables of the old machinery included), with no hand-run --full-refresh and no
file deleted, and ends with what a fresh build gives.

The old warehouse is made from a current one by ``release_2392f35_shape.sql`` (the columns and
tables added since the last deployed release dropped, a few rows set to what older logic
built), not by checking out the old commit: the test then needs nothing outside the repo and
runs in seconds, and the fixture states exactly which shape changes an upgrade must absorb.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipelines.defs.ingestion import JIRA, SPREADSHEETS, create_missing_tables, declared_tables
from pipelines.defs.resources import Warehouse
from sandbox.jira.site import generate_site
from tests.transforms.conftest import dbt, site_warehouse, snapshot
from tests.transforms.test_incremental_models import TOLERANCE

OLD_SHAPE = Path(__file__).with_name("release_2392f35_shape.sql")


@dataclass(frozen=True)
class Upgrade:
    """A fresh build, and the same warehouse made old then upgraded (twice)."""

    fresh: dict
    first_build: object
    after_first: dict
    second_build: object
    after_second: dict
    warehouse: Path


def upgrade_in_place(warehouse: Path, command: str = "build") -> object:
    """What a refresh of the current code does to the warehouse: the declared raw tables and
    columns ensured after the loads, then dbt (``build``: models, seeds and tests)."""
    for source in (JIRA, SPREADSHEETS):
        create_missing_tables(Warehouse(path=str(warehouse)), source.dataset, source.declared)
    return dbt(warehouse, command)


@pytest.fixture(scope="module")
def upgrade(tmp_path_factory: pytest.TempPathFactory) -> Upgrade:
    site = generate_site(projects=2, issues_per_project=30)
    built = site_warehouse(tmp_path_factory.mktemp("fresh"), site)
    warehouse = tmp_path_factory.mktemp("upgraded") / "pmo.duckdb"
    shutil.copy(built.path, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute(OLD_SHAPE.read_text())
    first = upgrade_in_place(warehouse)
    after_first = snapshot(warehouse)
    second = upgrade_in_place(warehouse, "run")  # the tests ran in the first build
    return Upgrade(snapshot(built.path), first, after_first, second, snapshot(warehouse), warehouse)


def test_upgraded_warehouse_builds_with_every_model_and_test_passing(upgrade: Upgrade):
    assert upgrade.first_build.returncode == 0, upgrade.first_build.stdout[-5000:]


def test_upgraded_marts_equal_a_fresh_build_new_columns_filled_old_rows_recomputed(
    upgrade: Upgrade,
):
    assert upgrade.after_first.keys() == upgrade.fresh.keys()
    for table, fresh in upgrade.fresh.items():
        pd.testing.assert_frame_equal(upgrade.after_first[table], fresh, **TOLERANCE.get(table, {}))


def test_raw_tables_hold_every_declared_column_after_the_upgrade(upgrade: Upgrade):
    with duckdb.connect(str(upgrade.warehouse), read_only=True) as con:
        held = set(
            con.execute(
                "select schema_name, table_name, column_name from duckdb_columns()"
            ).fetchall()
        )
    for source in (JIRA, SPREADSHEETS):
        for table, columns in declared_tables(source.declared).items():
            missing = {c for c in columns if (source.dataset, table, c) not in held}
            assert not missing, f"{source.dataset}.{table}: {missing}"


def test_running_the_upgraded_release_again_changes_nothing(upgrade: Upgrade):
    assert upgrade.second_build.returncode == 0, upgrade.second_build.stdout[-5000:]
    for table, fresh in upgrade.fresh.items():
        pd.testing.assert_frame_equal(
            upgrade.after_second[table], fresh, **TOLERANCE.get(table, {})
        )


def test_quarantine_by_file_builds_on_the_upgraded_warehouse(upgrade: Upgrade):
    with duckdb.connect(str(upgrade.warehouse), read_only=True) as con:
        files = con.execute("select count(*) from quality.quarantine_by_file").fetchone()[0]
    assert files > 0
