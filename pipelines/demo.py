"""``pmo demo``: the whole pipeline on the embedded sandbox, from nothing to a KPI summary.

The sandbox is the Jira site, the landed workbooks and the Smartsheet account with one plan
per Jira project (same keys), each served on loopback by its emulator. Everything generated is
the same on every run, so a second demo on the same warehouse loads nothing new.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dlt

from sandbox.jira.emulator import JiraEmulator
from sandbox.jira.site import JiraSite, generate_site
from sandbox.smartsheet.emulator import SmartsheetEmulator
from sandbox.smartsheet.portfolio import Portfolio, build_day, generate_portfolio
from sandbox.workbooks import build_portfolio, write_demo_workbooks
from warehouse.settings import REPO_ROOT

GENERATED_DIR = REPO_ROOT / "sandbox" / "generated"
# Demo-only credentials: the emulator checks them like a real site would. Real keys belong in
# the environment or .dlt/secrets.toml, never in code.
DEMO_EMAIL = "pmo-demo@example.com"
DEMO_API_TOKEN = "demo-api-token"
DEMO_SMARTSHEET_TOKEN = "demo-smartsheet-token"
DEMO_PSEUDONYMISATION_KEY = "demo-only-pseudonymisation-key"


@dataclass(frozen=True)
class DemoSandbox:
    """The generated portfolio, where it is served from, and the settings that point at it."""

    site: JiraSite
    landing_dir: Path
    portfolio: Portfolio
    settings: dict[str, str]


@contextmanager
def demo_sources(generated_dir: Path = GENERATED_DIR) -> Iterator[DemoSandbox]:
    """Generate the sandbox portfolio, serve its Jira site and Smartsheet account on loopback,
    yield where they are.

    The settings are exported as environment variables for the duration (dlt reads them), and
    the previous environment is restored afterwards.
    """
    site = generate_site()
    project_keys = [project.key for project in site.projects]
    landing = generated_dir / "landing"
    write_demo_workbooks(landing, project_keys)
    # Plans mid-flight on the build day, with the register's budget and RAG for its projects.
    register = build_portfolio(project_keys).projects
    portfolio = generate_portfolio(projects=len(project_keys), as_of=build_day(), register=register)
    key = dlt.secrets.get("sources.spreadsheets.pseudonymisation_key") or DEMO_PSEUDONYMISATION_KEY
    with (
        JiraEmulator(site, email=DEMO_EMAIL, api_token=DEMO_API_TOKEN) as emulator,
        SmartsheetEmulator(portfolio, access_token=DEMO_SMARTSHEET_TOKEN) as smartsheet,
    ):
        settings = {
            "SOURCES__JIRA__BASE_URL": emulator.base_url,
            "SOURCES__JIRA__EMAIL": DEMO_EMAIL,
            "SOURCES__JIRA__API_TOKEN": DEMO_API_TOKEN,
            "SOURCES__JIRA__PROJECTS": ",".join(project_keys),
            "SOURCES__SPREADSHEETS__LANDING_URL": str(landing),
            "SOURCES__SPREADSHEETS__PSEUDONYMISATION_KEY": key,
            "SOURCES__SMARTSHEET__BASE_URL": smartsheet.base_url,
            "SOURCES__SMARTSHEET__ACCESS_TOKEN": DEMO_SMARTSHEET_TOKEN,
            "SOURCES__SMARTSHEET__WORKSPACE_IDS": str(portfolio.workspaces[0].id),
            # the same key: an assignee gets the same pseudonym as in the surveys
            "SOURCES__SMARTSHEET__PSEUDONYMISATION_KEY": key,
            "SOURCES__SMARTSHEET__REQUESTS_PER_MINUTE": "0",  # the emulator has no limit
        }
        with _environment(settings):
            yield DemoSandbox(site, landing, portfolio, settings)


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
