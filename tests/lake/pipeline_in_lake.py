"""The demo pipeline materialised once in the current environment's warehouse target, its marts
exported to Parquet: run by lake mode's interpreter for ``test_lake_matches_file``
(``python tests/lake/pipeline_in_lake.py <sandbox folder> <export folder>``)."""

from __future__ import annotations

import sys
from pathlib import Path

import dagster as dg

from pipelines.demo import demo_sources
from warehouse.connection import connect
from warehouse.settings import warehouse_path

MARTS_SCHEMA = "marts"


def materialize_demo(sandbox_dir: Path) -> dg.ExecuteInProcessResult:
    """Every asset and check of the code location on the demo sandbox, in process."""
    from pipelines.definitions import defs

    definitions = defs()
    with demo_sources(sandbox_dir):
        return dg.materialize(
            [*(definitions.assets or []), *(definitions.asset_checks or [])],
            resources=definitions.resources,
            instance=dg.DagsterInstance.ephemeral(),
            raise_on_error=False,
        )


def export_marts(folder: Path) -> list[str]:
    """Each table of the marts schema as ``<table>.parquet`` in ``folder``; their names."""
    folder.mkdir(parents=True, exist_ok=True)
    with connect(warehouse_path()) as con:
        tables = [
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables() "
                "where database_name = current_database() and schema_name = ? order by 1",
                [MARTS_SCHEMA],
            ).fetchall()
        ]
        for table in tables:
            target = str(folder / f"{table}.parquet").replace("'", "''")
            con.execute(f"copy {MARTS_SCHEMA}.\"{table}\" to '{target}' (format parquet)")
    return tables


def main(sandbox_dir: str, export_dir: str) -> int:
    result = materialize_demo(Path(sandbox_dir))
    if not result.success:
        failed = [event.step_key for event in result.get_step_failure_events()]
        print(f"the lake run failed: {failed}", file=sys.stderr)
        return 1
    print(" ".join(export_marts(Path(export_dir))))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
