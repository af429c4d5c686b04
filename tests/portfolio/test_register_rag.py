"""The register's RAG label means what the seed portfolio_rag_labels says, wherever it shows: a
letter or a localised word is its RAG, a label the seed does not list is unknown (and the
register's GX suite warns about that label, and only that one), never a colour of its own."""

from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from quality.tables import TABLE_SUITES
from quality.validate import validate_table
from tests.transforms.conftest import dbt

from . import oracle

# Labels as people type them into the register, one per project.
LABELS = ("R", " Rot ", "at risk", "Violet", "")
READERS = (
    "stg_spreadsheets__project_register int_portfolio__rag_labels int_portfolio__plan_items "
    "mart_portfolio_health mart_portfolio_rag_distribution"
)


@dataclass(frozen=True)
class Relabelled:
    """A warehouse whose register projects were given these labels."""

    warehouse: Path
    labels: dict[str, str]

    def query(self, sql: str) -> dict:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return dict(con.sql(sql).fetchall())


@pytest.fixture(scope="module")
def relabelled(portfolio_build, tmp_path_factory: pytest.TempPathFactory) -> Relabelled:
    """The portfolio warehouse with register projects relabelled and the models reading the
    register's RAG rebuilt."""
    warehouse = tmp_path_factory.mktemp("relabelled") / "pmo.duckdb"
    shutil.copyfile(portfolio_build.warehouse, warehouse)
    keys = sorted(project["project_key"] for project in portfolio_build.register)
    assert len(keys) >= len(LABELS)
    labels = dict(zip(keys, LABELS, strict=False))
    with duckdb.connect(str(warehouse)) as con:
        con.executemany(
            "update raw_spreadsheets.project_register set rag = ? where project_key = ?",
            [(label, key) for key, label in labels.items()],
        )
    result = dbt(warehouse, "run", "--select", READERS)
    assert result.returncode == 0, result.stdout[-5000:]
    return Relabelled(warehouse, labels)


def test_portfolio_health_reads_the_register_label_through_the_seed(relabelled):
    health = relabelled.query("select project_key, rag from marts.mart_portfolio_health")
    expected = {key: oracle.rag_of(label) for key, label in relabelled.labels.items()}
    assert {key: health[key] for key in expected} == expected
    assert set(expected.values()) == {"red", "amber", "unknown", "unrated"}


def test_the_rag_distribution_counts_the_register_as_the_plan_items_read_it(relabelled):
    distribution = relabelled.query(
        "select rag, projects from marts.mart_portfolio_rag_distribution"
    )
    items = relabelled.query(
        "select plan_item_id, rag from intermediate.int_portfolio__plan_items "
        "where source_system = 'project_register'",
    )
    assert distribution == Counter(items.values())
    for key, label in relabelled.labels.items():
        assert items[f"register:{key}"] == oracle.rag_of(label)


def test_the_register_suite_warns_only_about_labels_the_seed_does_not_list(relabelled):
    suite = next(s for s in TABLE_SUITES if s.name == "raw_spreadsheets.project_register")
    summary = validate_table(relabelled.warehouse, suite)
    (failure,) = [f for f in summary.failures if f.column == "rag_label"]
    assert (failure.severity, failure.unexpected_count, failure.sample) == (
        "warning",
        1,
        ["violet"],
    )
