"""Fixtures for the Superset test: `make bi`'s own script serving the end-to-end run's snapshot
on loopback, and the dashboard as a logged-in user sees it in headless Chromium."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.serving.browser import CHROMIUM, Page, headless_page
from warehouse.publishing.paths import serving_database_path
from warehouse.settings import REPO_ROOT

BI_DIR = REPO_ROOT / "warehouse" / "bi"
BI_PYTHON = BI_DIR / ".venv" / "bin" / "python"
READY = "Superset ready:"
STARTUP_SECONDS = 300
RENDER_SECONDS = 90
# A chart is drawn once its big number or its table rows are in the page.
CHARTS_DRAWN = """
Array.from(document.querySelectorAll('[data-test-chart-name]')).map(chart => [
  chart.dataset.testChartName,
  chart.querySelector('.header-line')?.textContent.trim() ?? null,
  Array.from(chart.querySelectorAll('table tbody tr'))
    .map(row => Array.from(row.querySelectorAll('td')).map(cell => cell.textContent.trim())),
  chart.innerText.includes('error'),
])
"""


@dataclass(frozen=True)
class RunningSuperset:
    """Superset serving one snapshot, as `make bi` leaves it."""

    base_url: str
    dashboard_url: str
    snapshot: Path
    password: str


@dataclass(frozen=True)
class DashboardView:
    """What the browser shows: each big number's text and each table's rows."""

    big_numbers: dict[str, str]
    tables: dict[str, list[list[str]]]


def free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def superset(pipeline_run, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSuperset]:
    """`warehouse/bi/serve.py` (what `make bi` runs) on the end-to-end run's serving snapshot,
    with a fresh Superset home; stopped (server included) at the end of the session."""
    assert pipeline_run.second.success, "the end-to-end pipeline run failed"
    subprocess.run(["make", "--quiet", "bi-install"], cwd=REPO_ROOT, check=True)  # no-op when done
    home = tmp_path_factory.mktemp("superset_home")
    snapshot = serving_database_path(pipeline_run.warehouse)
    port = free_loopback_port()
    env = {**os.environ, "PMO_BI_HOME": str(home)}
    env.pop("SUPERSET_CONFIG_PATH", None)
    process = subprocess.Popen(
        [
            str(BI_PYTHON),
            str(BI_DIR / "serve.py"),
            "--snapshot",
            str(snapshot),
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=(home / "superset.log").open("w"),
        text=True,
        start_new_session=True,
    )
    try:
        dashboard_url = wait_for_ready(process, home / "superset.log")
        yield RunningSuperset(
            base_url=f"http://127.0.0.1:{port}",
            dashboard_url=dashboard_url,
            snapshot=snapshot,
            password=(home / "admin_password").read_text().strip(),
        )
    finally:
        process.terminate()  # serve.py stops gunicorn on its way out
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def wait_for_ready(process: subprocess.Popen, log: Path) -> str:
    """The dashboard URL serve.py prints once Superset answers and the dashboard is set up."""
    deadline = time.monotonic() + STARTUP_SECONDS
    for line in process.stdout:
        if line.startswith(READY):
            return line.removeprefix(READY).strip()
        if time.monotonic() > deadline:
            break
    raise AssertionError(f"Superset did not come up: {log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def dashboard_view(
    superset: RunningSuperset, tmp_path_factory: pytest.TempPathFactory
) -> DashboardView:
    """Log in through the login form in headless Chromium, open the dashboard, read it."""
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: `make browser` installs it"
    with headless_page(tmp_path_factory.mktemp("superset_browser") / "profile") as page:
        log_in(page, superset)
        page.open(superset.dashboard_url)
        charts = wait_until_drawn(page)
    return DashboardView(
        big_numbers={name: number for name, number, _, _ in charts if number is not None},
        tables={name: rows for name, _, rows, _ in charts if rows},
    )


def log_in(page: Page, superset: RunningSuperset) -> None:
    """Post Superset's own login form (with its CSRF token) from the login page."""
    page.open(f"{superset.base_url}/login/")
    form = (
        "new URLSearchParams({csrf_token: document.getElementById('csrf_token').value, "
        f"username: 'admin', password: {json.dumps(superset.password)}}})"
    )
    landed = page.send(
        "Runtime.evaluate",
        expression=f"fetch('/login/', {{method: 'POST', body: {form}}}).then(r => r.url)",
        awaitPromise=True,
        returnByValue=True,
    )["result"]["value"]
    assert "/login" not in landed, "Superset refused the admin login"


def wait_until_drawn(page: Page) -> list[list]:
    """Every chart on the dashboard, once each shows a number, rows or an error."""
    deadline = time.monotonic() + RENDER_SECONDS
    while True:
        charts = page.evaluate(CHARTS_DRAWN)
        if charts and all(number or rows or error for _, number, rows, error in charts):
            return charts
        if time.monotonic() > deadline:
            raise AssertionError(f"the dashboard did not finish drawing: {charts}")
        time.sleep(0.5)
