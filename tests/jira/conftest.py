"""Fixtures: a fresh synthetic site served over real HTTP, and a dlt pipeline into temp DuckDB."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dlt
import duckdb
import pytest
import requests
from dlt.common.pipeline import LoadInfo

from connectors.jira import jira_source
from sandbox.jira.emulator import JiraEmulator
from sandbox.jira.messy import generate_messy_site
from sandbox.jira.site import JiraSite, generate_site

EMAIL, TOKEN, PAT = "demo@example.com", "demo-token", "demo-pat"
PROJECT_KEYS = "APOLLO,HERMES,ATLAS,ZEUS"
MESSY_PROJECT_KEYS = "MIGR,KUNDE,CLIENT,WEIXIN"
ISSUES_ONLY = ("issues", "changelog_items")
FAST_RETRIES = {"backoff_factor": 0.01, "max_retry_delay": 0.5, "max_attempts": 4}


@pytest.fixture
def site() -> JiraSite:
    """A fresh, small site per test: tests mutate it (transitions, deletes)."""
    return generate_site(issues_per_project=30)


@pytest.fixture
def emulator(site: JiraSite) -> Iterator[JiraEmulator]:
    with JiraEmulator(site, email=EMAIL, api_token=TOKEN, pat=PAT) as server:
        yield server


def http_caller(emulator: JiraEmulator) -> Callable[..., requests.Response]:
    def call(method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("auth", (EMAIL, TOKEN))
        return requests.request(method, emulator.base_url + path, timeout=10, **kwargs)

    return call


@pytest.fixture
def api(emulator: JiraEmulator) -> Callable[..., requests.Response]:
    """Authenticated raw HTTP calls to the emulator: `api("GET", path, params=...)`."""
    return http_caller(emulator)


@pytest.fixture
def warehouse_path(tmp_path: Path) -> Path:
    return tmp_path / "warehouse.duckdb"


def raw_jira_pipeline(name: str, warehouse: Path, pipelines_dir: Path) -> dlt.Pipeline:
    """A dlt pipeline loading the `raw_jira` dataset into a DuckDB file."""
    return dlt.pipeline(
        pipeline_name=name,
        destination=dlt.destinations.duckdb(str(warehouse)),
        dataset_name="raw_jira",
        pipelines_dir=str(pipelines_dir),
    )


@pytest.fixture
def pipeline(tmp_path: Path, warehouse_path: Path) -> dlt.Pipeline:
    return raw_jira_pipeline("jira_test", warehouse_path, tmp_path / "dlt")


@pytest.fixture
def other_pipeline(tmp_path: Path) -> tuple[dlt.Pipeline, Callable[[str], list[tuple[Any, ...]]]]:
    """A second pipeline into its own warehouse, and its reader: two ways to load one site."""
    path = tmp_path / "other.duckdb"
    return raw_jira_pipeline("jira_other", path, tmp_path / "dlt_other"), reader(path)


@pytest.fixture
def messy_site() -> JiraSite:
    """The real-world site (`sandbox.jira.messy`): hidden and recategorised statuses,
    localised names, absent keys, transient HTML answers (160 issues)."""
    return generate_messy_site()


@pytest.fixture
def messy_emulator(messy_site: JiraSite) -> Iterator[JiraEmulator]:
    with JiraEmulator(messy_site, email=EMAIL, api_token=TOKEN, pat=PAT) as server:
        yield server


@pytest.fixture
def messy_api(messy_emulator: JiraEmulator) -> Callable[..., requests.Response]:
    """Authenticated raw HTTP calls to the messy site's emulator."""
    return http_caller(messy_emulator)


@pytest.fixture
def messy_load(pipeline: dlt.Pipeline, messy_emulator: JiraEmulator) -> Callable[..., LoadInfo]:
    """Run the Jira source against the messy site; keyword arguments override settings."""

    def run(resources: Sequence[str] = (), **overrides: Any) -> LoadInfo:
        settings = cloud_settings(messy_emulator, projects=MESSY_PROJECT_KEYS, **overrides)
        source = jira_source(**settings)
        return pipeline.run(source.with_resources(*resources) if resources else source)

    return run


@pytest.fixture
def dc_site() -> JiraSite:
    return generate_site(projects=2, issues_per_project=60, deployment="Server")


@pytest.fixture
def dc_emulator(dc_site: JiraSite) -> Iterator[JiraEmulator]:
    with JiraEmulator(dc_site, email=EMAIL, api_token=TOKEN, pat=PAT) as server:
        yield server


def cloud_settings(emulator: JiraEmulator, **overrides: Any) -> dict[str, Any]:
    return {
        "base_url": emulator.base_url,
        "email": EMAIL,
        "api_token": TOKEN,
        "projects": PROJECT_KEYS,
        **FAST_RETRIES,
        **overrides,
    }


@pytest.fixture
def load(pipeline: dlt.Pipeline, emulator: JiraEmulator) -> Callable[..., LoadInfo]:
    """Run the Jira source against the emulator; keyword arguments override settings."""

    def run(resources: Sequence[str] = (), **overrides: Any) -> LoadInfo:
        source = jira_source(**cloud_settings(emulator, **overrides))
        return pipeline.run(source.with_resources(*resources) if resources else source)

    return run


@pytest.fixture
def query(warehouse_path: Path) -> Callable[[str], list[tuple[Any, ...]]]:
    """Read the warehouse with a short-lived connection (DuckDB is single-writer)."""
    return reader(warehouse_path)


def root_cause(error: BaseException) -> BaseException:
    """The first exception under dlt's pipeline step wrappers: what the source raised."""
    while type(error).__module__.startswith("dlt") and (error.__cause__ or error.__context__):
        error = error.__cause__ or error.__context__  # type: ignore[assignment]
    return error


def reader(warehouse: Path) -> Callable[[str], list[tuple[Any, ...]]]:
    def run(sql: str) -> list[tuple[Any, ...]]:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            return con.execute(sql).fetchall()

    return run


@dataclass(frozen=True)
class FullLoad:
    """One full load of the default site, shared by the read-only tests."""

    site: JiraSite
    request_counts: Counter[str]
    query: Callable[[str], list[tuple[Any, ...]]]


@pytest.fixture(scope="session")
def full_load(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FullLoad]:
    directory = tmp_path_factory.mktemp("full_load")
    site = generate_site()
    with JiraEmulator(site, email=EMAIL, api_token=TOKEN) as server:
        pipeline = raw_jira_pipeline("jira_full", directory / "warehouse.duckdb", directory / "dlt")
        pipeline.run(jira_source(**cloud_settings(server)))
        yield FullLoad(site, Counter(server.request_counts), reader(directory / "warehouse.duckdb"))
