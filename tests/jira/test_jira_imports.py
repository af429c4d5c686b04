"""The connectors are plain dlt sources: importing any of their modules loads no Dagster."""

from __future__ import annotations

import subprocess
import sys

IMPORT_EVERY_CONNECTOR_MODULE = """
import importlib, pkgutil, sys
import connectors
for module in pkgutil.walk_packages(connectors.__path__, "connectors."):
    importlib.import_module(module.name)
print(sorted(name for name in sys.modules if name.split(".")[0] in ("dagster", "dagster_dlt")))
"""


def test_no_connector_module_imports_dagster() -> None:
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERY_CONNECTOR_MODULE],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "[]"


FIRST_ARRAY_IN_A_THREAD = """
import sys, threading
import connectors.jira
import pyarrow as pa
before = set(sys.modules)
thread = threading.Thread(target=lambda: pa.array([1]))
thread.start()
thread.join()
print(sorted(name for name in set(sys.modules) - before if name.split(".")[0] == "pandas"))
"""


def test_an_arrow_table_built_in_a_thread_imports_no_pandas_for_dlt_to_see_half_imported() -> None:
    """dlt's main thread reads `sys.modules["pandas"]` while extract threads build Arrow
    tables: pandas must be imported whole before, not by pyarrow's first array in a thread."""
    result = subprocess.run(
        [sys.executable, "-c", FIRST_ARRAY_IN_A_THREAD],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "[]"
