"""Lake mode's fixtures: its environment (.venv-lake, where the extension wheels are), a
catalog database of its own per test on the test PostgreSQL, and a data folder in tmp."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from sandbox.postgres import create_database
from sandbox.warehouse_modes import LAKE_PYTHON, checkout_environment, lake_settings
from warehouse.settings import REPO_ROOT

LAKE_TIMEOUT_SECONDS = 900

LakeRun = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="session")
def lake_python() -> Path:
    """Lake mode's interpreter; `make test` installs it (`make lake-install`)."""
    assert LAKE_PYTHON.exists(), f"{LAKE_PYTHON} is missing: make lake-install"
    return LAKE_PYTHON


@pytest.fixture
def lake_catalog(postgres) -> str:
    """An empty catalog database of this test's own, as a postgresql:// URI."""
    return create_database(postgres, f"lake_{uuid.uuid4().hex[:12]}")


@pytest.fixture
def lake_environment(lake_catalog: str, tmp_path: Path) -> dict[str, str]:
    """The settings of lake mode on the test catalog, data under tmp."""
    return lake_settings(lake_catalog, tmp_path)


@pytest.fixture
def run_in_lake(lake_python: Path, lake_environment: dict[str, str]) -> LakeRun:
    """Run a Python script with lake mode's interpreter, this checkout's code and the lake
    settings (plus ``extra`` variables); its result, output captured."""

    def run(script: str, extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(lake_python), "-c", script],
            env=checkout_environment(lake_environment, **(extra or {})),
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=LAKE_TIMEOUT_SECONDS,
            check=False,
        )

    return run
