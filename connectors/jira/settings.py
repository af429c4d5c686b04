"""The Jira source's settings, declared once: what the source, the polling sensor and the
preflight read, and the constants of the Jira REST APIs."""

from __future__ import annotations

import re
from collections.abc import Sequence

from dlt.common.configuration import configspec, resolve_configuration
from dlt.common.configuration.specs import BaseConfiguration
from dlt.common.typing import TSecretStrValue

from connectors.jira.errors import JiraConfigError

# Jira project keys: an uppercase letter, then uppercase letters, digits or underscores.
# Anything else is refused before it can reach a JQL string.
PROJECT_KEY_PATTERN = re.compile(r"[A-Z][A-Z0-9_]{0,254}")

SEARCH_PAGE_SIZE = 100
ID_PAGE_SIZE = 5000
BULK_CHANGELOG_ISSUES = 1000
BULK_CHANGELOG_PAGE = 10000
CHANGELOG_PAGE_SIZE = 100
PROJECT_PAGE_SIZE = 50
AGILE_PAGE_SIZE = 50

DEFAULT_LOOKBACK_MINUTES = 15
DEFAULT_MAX_ATTEMPTS = 6
DEFAULT_BACKOFF_FACTOR = 1.0
DEFAULT_MAX_RETRY_DELAY = 120.0
REQUEST_TIMEOUT_SECONDS = 60.0

JQL_DATETIME_FORMAT = "%Y-%m-%d %H:%M"

# Custom field types that identify a field's role, whatever the site called it.
FLOAT_FIELD = "com.atlassian.jira.plugin.system.customfieldtypes:float"
SPRINT_FIELD = "com.pyxis.greenhopper.jira:gh-sprint"
DATE_FIELD = "com.atlassian.jira.plugin.system.customfieldtypes:datepicker"
STORY_POINT_NAMES = ("story point estimate", "story points", "story point")
START_DATE_NAMES = ("start date",)

USER_PAGE_SIZE = 100
WORKLOG_LIST_SIZE = 1000
DEFAULT_RECONCILE_HOURS = 24.0
# Full loads of at least this many issues read and build their pages in worker processes;
# below, the workers' start costs more than it saves (benchmarks/jira_load.py).
BUILD_IN_WORKER_FROM = 5000
# Search requests in flight at once in a large load (halved on each 429, see `concurrency`),
# and the approximate count from which a search is cut into concurrent slices (`slices`).
DEFAULT_MAX_CONCURRENCY = 8
DEFAULT_SLICE_FROM = 5000

# DuckDB settings for the destination the Jira tables load into (production and benchmark):
# raw rows have no inherent order, so DuckDB may insert them in parallel (faster, see the
# connector's README).
DUCKDB_LOAD_CONFIG = {"preserve_insertion_order": False}

CONFIG_SECTIONS = ("sources", "jira")
# Settings that name the Jira site, its projects or its credentials: giving any of them makes
# Jira a source of this install.
SITE_SETTINGS = ("base_url", "projects", "email", "api_token", "pat")


@configspec
class JiraSettings(BaseConfiguration):
    """Every setting of the Jira source, resolved by dlt from `SOURCES__JIRA__*` environment
    variables and `[sources.jira]` in `.dlt/config.toml` / `.dlt/secrets.toml` (credentials are
    secrets). The source declares it as its spec; the polling sensor and the preflight
    `resolve` it outside a pipeline, so all three read the same values."""

    base_url: str | None = None
    email: str | None = None
    api_token: TSecretStrValue | None = None
    pat: TSecretStrValue | None = None
    projects: str | None = None
    jql_filter: str | None = None
    lookback_minutes: int = DEFAULT_LOOKBACK_MINUTES
    reconcile_hours: float = DEFAULT_RECONCILE_HOURS
    page_size: int = SEARCH_PAGE_SIZE
    story_points_field: str | None = None
    sprint_field: str | None = None
    start_date_field: str | None = None
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    backoff_factor: float = DEFAULT_BACKOFF_FACTOR
    max_retry_delay: float = DEFAULT_MAX_RETRY_DELAY
    request_timeout: float = REQUEST_TIMEOUT_SECONDS
    build_in_worker_from: int = BUILD_IN_WORKER_FROM
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY
    slice_from: int = DEFAULT_SLICE_FROM

    @classmethod
    def from_config(cls) -> JiraSettings:
        """The settings as the source would resolve them now (outside a pipeline)."""
        return resolve_configuration(cls(), sections=CONFIG_SECTIONS)

    @property
    def project_keys(self) -> list[str]:
        return parse_project_keys(self.projects)

    @property
    def in_use(self) -> bool:
        """Jira is a source of this install once any site setting is given."""
        return any(getattr(self, name) not in (None, "") for name in SITE_SETTINGS)

    def missing(self) -> list[str]:
        """Names of the settings a run needs that are not set, in the order to fix them."""
        required = [name for name in ("base_url", "projects") if not getattr(self, name)]
        credentials = missing_credentials(self.email, self.api_token, self.pat)
        return [SETTING_NAMES[name] for name in required + credentials]


SETTING_NAMES = {
    name: "__".join((*CONFIG_SECTIONS, name)).upper()
    for name in JiraSettings.get_resolvable_fields()
}


def missing_setting(name: str, hint: str = "") -> JiraConfigError:
    return JiraConfigError(f"Jira setting {SETTING_NAMES[name]} is not set{hint}")


def parse_project_keys(projects: str | Sequence[str] | None) -> list[str]:
    """Comma-separated or listed keys, each checked so that none can smuggle JQL in."""
    if projects is None:
        raise missing_setting("projects", " (comma-separated project keys, e.g. APOLLO,HERMES)")
    raw = projects.split(",") if isinstance(projects, str) else list(projects)
    keys = [str(k).strip() for k in raw if str(k).strip()]
    if not keys:
        raise missing_setting("projects", " (it is empty)")
    invalid = [k for k in keys if not PROJECT_KEY_PATTERN.fullmatch(k)]
    if invalid:
        raise JiraConfigError(
            f"{SETTING_NAMES['projects']} holds invalid Jira project keys {invalid}: keys are "
            "an uppercase letter followed by uppercase letters, digits or underscores"
        )
    return keys


def missing_credentials(email: str | None, api_token: str | None, pat: str | None) -> list[str]:
    """The credential settings still needed: a personal access token (Data Center) replaces
    the email and API token (Cloud)."""
    if pat:
        return []
    return [name for name, value in (("email", email), ("api_token", api_token)) if not value]
