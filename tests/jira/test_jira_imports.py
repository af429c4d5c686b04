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
