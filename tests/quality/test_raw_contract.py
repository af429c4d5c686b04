"""The empty raw tables of tests, benchmarks and first installs all come from one declaration:
the columns the dlt resources declare."""

from pipelines.defs.ingestion import raw_contract_sql
from warehouse.settings import REPO_ROOT

RAW_CONTRACT = REPO_ROOT / "transforms" / "scripts" / "raw_contract.sql"


def test_raw_contract_sql_is_generated_from_the_declared_columns() -> None:
    assert RAW_CONTRACT.read_text() == raw_contract_sql(), (
        "run `uv run python transforms/scripts/raw_contract.py`"
    )
