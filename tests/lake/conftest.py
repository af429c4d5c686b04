"""Lake mode's fixtures: its environment (.venv-lake, where the extension wheels are), a
catalog database of its own per test on the test PostgreSQL, and a data folder in tmp or in the
bucket of an S3 server on loopback."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from sandbox.postgres import create_database
from sandbox.warehouse_modes import LAKE_PYTHON, checkout_environment, lake_settings
from tests.lake.lake_process import run_in_lake_process

if TYPE_CHECKING:
    from tests.lake.s3_server import S3Server

WRITE_LAKE_ON_S3 = Path(__file__).with_name("write_lake_on_s3.py")

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


def _lake_runner(lake_python: Path, environment: dict[str, str]) -> LakeRun:
    def run(script: str, extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return run_in_lake_process(
            [str(lake_python), "-c", script], checkout_environment(environment, **(extra or {}))
        )

    return run


@pytest.fixture
def run_in_lake(lake_python: Path, lake_environment: dict[str, str]) -> LakeRun:
    """Run a Python script with lake mode's interpreter, this checkout's code and the lake
    settings (plus ``extra`` variables); its result, output captured."""
    return _lake_runner(lake_python, lake_environment)


@pytest.fixture(scope="module")
def run_in_module_lake(
    lake_python: Path, postgres, tmp_path_factory: pytest.TempPathFactory
) -> LakeRun:
    """``run_in_lake`` on a lake of the module's own: for tests that all read what one script
    did, run once by a module fixture."""
    catalog = create_database(postgres, f"lake_{uuid.uuid4().hex[:12]}")
    return _lake_runner(lake_python, lake_settings(catalog, tmp_path_factory.mktemp("lake")))


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Server]:
    """An S3 server on loopback, credentials checked (``tests/lake/s3_server.py``; imported
    here: moto and boto3 load only for the modules using it)."""
    from tests.lake.s3_server import s3_server

    with s3_server() as server:
        yield server


@pytest.fixture
def s3_folder(s3: S3Server) -> dict[str, str]:
    """The storage settings of a lake whose data go to a folder of this test's own in the S3
    server's bucket (``run_in_lake``'s ``extra``)."""
    return s3.lake_settings(f"lake-{uuid.uuid4().hex[:12]}")


@pytest.fixture(scope="module")
def lake_on_s3(postgres, s3: S3Server, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Lake mode's settings on a catalog of this module's own, its data in the S3 server's
    bucket: one lake that the module's tests write once and then read."""
    folder = tmp_path_factory.mktemp("lake-on-s3")
    catalog = create_database(postgres, f"lake_{uuid.uuid4().hex[:12]}")
    return lake_settings(catalog, folder) | s3.lake_settings(folder.name)


@pytest.fixture(scope="module")
def written_lake_on_s3(
    lake_python: Path, lake_on_s3: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list]:
    """The lake on S3 after a table written through the pipeline's connection and a dlt load
    through its destination (``tests/lake/write_lake_on_s3.py``): what each reads back."""
    dlt_folder = tmp_path_factory.mktemp("dlt-on-s3")
    result = run_in_lake_process(
        [str(lake_python), str(WRITE_LAKE_ON_S3), str(dlt_folder)],
        checkout_environment(lake_on_s3),
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def dbt_probe_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dbt project of no models on the project's profile (``transforms/profiles.yml``): dbt's
    connection to the lake without parsing every model first."""
    folder = tmp_path_factory.mktemp("dbt-probe")
    (folder / "dbt_project.yml").write_text('name: lake_probe\nversion: "1.0"\nprofile: pmo\n')
    return folder
