"""Lake mode's DuckDB extensions, installed from their PyPI wheels: never from the network.

``duckdb-extension-ducklake`` and ``duckdb-extension-postgres-scanner``, and for a data path on
S3 ``duckdb-extension-httpfs`` and ``duckdb-extension-aws`` (the ``warehouse-lake`` dependency
group, ``.venv-lake``), carry the extension files built for one DuckDB version.
Installing them from those files puts them in DuckDB's extension directory, from where every
connection of this environment (ours, dbt's, dlt's) loads them when it attaches
``ducklake:postgres:...``, instead of ``INSTALL ducklake`` fetching them from the internet,
which the machines that build and run this project cannot reach.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import duckdb

LAKE_EXTENSIONS = ("ducklake", "postgres_scanner")
# A data path on S3: DuckDB's S3 client, and the AWS credential chain for its secret.
S3_EXTENSIONS = ("httpfs", "aws")
LAKE_INSTALL_HINT = "lake mode runs from .venv-lake: make lake-install"


class LakeExtensionsMissingError(RuntimeError):
    """Lake mode was asked for in an environment without the extension wheels for its DuckDB."""


def extension_file(name: str) -> Path:
    """The extension's file in its wheel, for the running DuckDB's version."""
    spec = importlib.util.find_spec(f"duckdb_extension_{name}")
    if spec is None or not spec.submodule_search_locations:
        raise LakeExtensionsMissingError(
            f"DuckDB's {name} extension is not installed in this environment: {LAKE_INSTALL_HINT}"
        )
    package = Path(next(iter(spec.submodule_search_locations)))
    path = package / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    if not path.is_file():
        built_for = sorted(p.name for p in (package / "extensions").glob("v*"))
        raise LakeExtensionsMissingError(
            f"DuckDB's {name} extension here is built for {', '.join(built_for) or 'no version'},"
            f" not for DuckDB v{duckdb.__version__}: {LAKE_INSTALL_HINT}"
        )
    return path


def install_lake_extensions(
    con: duckdb.DuckDBPyConnection, names: tuple[str, ...] = LAKE_EXTENSIONS
) -> None:
    """Install (a copy into DuckDB's extension directory, a no-op when there) and load the
    lake's extensions from their wheels."""
    for name in names:
        if not _loaded(con, name):
            path = extension_file(name)
            con.execute(f"install '{path}'")
            con.execute(f"load {name}")


def _loaded(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = con.execute(
        "select installed and loaded from duckdb_extensions() where extension_name = ?", [name]
    ).fetchone()
    return bool(row and row[0])
