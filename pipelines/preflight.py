"""Check the configuration before a run, so a missing setting is one clear line, not a trace.

Each source's settings object (`JiraSettings`, `SpreadsheetSettings`, `SmartsheetSettings`) is
read as its source would resolve it: what a source needs is said once, by the source's own
settings.
"""

from __future__ import annotations

from connectors.jira.settings import JiraSettings
from connectors.smartsheet.settings import SmartsheetSettings
from connectors.spreadsheets.settings import CONFIG_SECTIONS, SpreadsheetSettings

# What a spreadsheet load cannot do without; giving either makes spreadsheets a source.
SPREADSHEET_REQUIRED = ("landing_url", "pseudonymisation_key")


class MissingSettingError(RuntimeError):
    """A required setting is absent from the environment and from .dlt/*.toml."""


def jira_configured() -> bool:
    """Jira is a source of this install once any of its site settings is given."""
    return JiraSettings.from_config().in_use


def _missing_spreadsheet_settings() -> list[str]:
    settings = SpreadsheetSettings.from_config()
    missing = [name for name in SPREADSHEET_REQUIRED if getattr(settings, name) in (None, "")]
    return ["__".join((*CONFIG_SECTIONS, name)).upper() for name in missing]


def spreadsheets_configured() -> bool:
    """Spreadsheets are a source of this install once any of their required settings is given."""
    return len(_missing_spreadsheet_settings()) < len(SPREADSHEET_REQUIRED)


def smartsheet_configured() -> bool:
    """Smartsheet is a source of this install once any of its account settings is given."""
    return SmartsheetSettings.from_config().in_use


def missing_settings() -> list[str]:
    """Environment names of the required settings that are not set, in the order to fix them.

    Every source is optional (any one of Jira, spreadsheets, Smartsheet), but a source that
    is started on must be complete, and at least one is needed: with none, all are named.
    """
    jira, smartsheet = JiraSettings.from_config(), SmartsheetSettings.from_config()
    sources = [
        (jira.in_use, jira.missing()),
        (spreadsheets_configured(), _missing_spreadsheet_settings()),
        (smartsheet.in_use, smartsheet.missing()),
    ]
    named = [missing for in_use, missing in sources if in_use] or [m for _, m in sources]
    return [name for missing in named for name in missing]


def require_settings() -> None:
    """Raise one readable error naming every missing setting."""
    missing = missing_settings()
    if missing:
        raise MissingSettingError(
            "missing required setting(s): "
            + ", ".join(missing)
            + " (set them in the environment or in .dlt/config.toml / .dlt/secrets.toml;"
            " Data Center sites use SOURCES__JIRA__PAT instead of EMAIL + API_TOKEN;"
            " any source may be left out entirely)"
        )
