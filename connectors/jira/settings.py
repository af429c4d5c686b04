"""Constants of the Jira REST APIs and of this connector's defaults."""

import re

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

SETTING_NAMES = {
    "base_url": "SOURCES__JIRA__BASE_URL",
    "email": "SOURCES__JIRA__EMAIL",
    "api_token": "SOURCES__JIRA__API_TOKEN",
    "pat": "SOURCES__JIRA__PAT",
    "projects": "SOURCES__JIRA__PROJECTS",
}
USER_PAGE_SIZE = 100
WORKLOG_LIST_SIZE = 1000
DEFAULT_RECONCILE_HOURS = 24.0
# Full loads of at least this many issues build their tables in a worker process; below, the
# worker's start (about a second) costs more than it saves.
BUILD_IN_WORKER_FROM = 5000

# DuckDB settings for the destination the Jira tables load into (production and benchmark):
# raw rows have no inherent order, so DuckDB may insert them in parallel (a full load's load
# stage a quarter faster, measured in benchmarks/jira_load.py).
DUCKDB_LOAD_CONFIG = {"preserve_insertion_order": False}
