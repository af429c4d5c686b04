"""The serving file opens in DuckDB 1.x, the version many BI drivers still bundle."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from warehouse.publishing.snapshot import PUBLISH_INFO

OLD_DUCKDB = "duckdb<1.2"
READ_WITH_OLD_DUCKDB = """
import json, sys
import duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
counts = dict(con.execute("select table_name, row_count from publish_info").fetchall())
read = {name: con.execute(f'select count(*) from "{name}"').fetchone()[0] for name in counts}
comments = con.execute(
    "select count(*) from duckdb_columns() where comment is not null and comment <> ''"
).fetchone()[0]
print(json.dumps({"version": duckdb.__version__, "read": read, "comments": comments}))
"""
DOWNLOAD_FAILURES = ("Failed to download", "Failed to fetch", "error sending request", "dns error")


@pytest.fixture(scope="module")
def old_client_view(published) -> dict:
    """What a DuckDB 1.1 client (own throwaway environment from PyPI) reads from the file."""
    uv = os.environ.get("UV") or shutil.which("uv")  # `uv run` exports its own path as UV
    if uv is None:
        pytest.skip("uv is not on PATH: cannot build the DuckDB 1.x environment")
    isolated_python = [uv, "run", "--isolated", "--no-project", "--with", OLD_DUCKDB, "python"]
    result = subprocess.run(
        [*isolated_python, "-c", READ_WITH_OLD_DUCKDB, str(published.database)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0 and any(m in result.stderr for m in DOWNLOAD_FAILURES):
        pytest.skip(f"cannot download {OLD_DUCKDB} from PyPI: {result.stderr[-300:]}")
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.splitlines()[-1])


def test_the_client_really_is_duckdb_1x(old_client_view):
    assert old_client_view["version"].startswith("1.")


def test_duckdb_1x_reads_every_table_in_full(old_client_view, published):
    tables = published.manifest["tables"]
    expected = {t["name"]: t["rows"] for t in tables if t["name"] != PUBLISH_INFO}
    assert old_client_view["read"] == expected


def test_duckdb_1x_sees_the_column_comments(old_client_view):
    assert old_client_view["comments"] > 100
