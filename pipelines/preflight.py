"""Check the configuration before a run, so a missing setting is one clear line, not a trace."""

from __future__ import annotations

from dataclasses import dataclass

import dlt

from connectors.jira.settings import JiraSettings


@dataclass(frozen=True)
class Setting:
    """A dlt configuration key and whether it lives in secrets."""

    key: str
    secret: bool = False

    @property
    def env_name(self) -> str:
        return self.key.upper().replace(".", "__")

    def is_set(self) -> bool:
        provider = dlt.secrets if self.secret else dlt.config
        return provider.get(self.key) not in (None, "")


class MissingSettingError(RuntimeError):
    """A required setting is absent from the environment and from .dlt/*.toml."""


LANDING_URL = Setting("sources.spreadsheets.landing_url")
PSEUDONYMISATION_KEY = Setting("sources.spreadsheets.pseudonymisation_key", secret=True)


SPREADSHEET_SETTINGS = (LANDING_URL, PSEUDONYMISATION_KEY)


def jira_configured() -> bool:
    """Jira is a source of this install once any of its site settings is given."""
    return JiraSettings.from_config().in_use


def spreadsheets_configured() -> bool:
    """Spreadsheets are a source of this install once any of their settings is given."""
    return any(s.is_set() for s in SPREADSHEET_SETTINGS)


def missing_settings() -> list[str]:
    """Environment names of the required settings that are not set, in the order to fix them.

    Every source is optional (a Jira-only or a spreadsheets-only install), but a source that
    is started on must be complete, and at least one is needed: with none, all are named.
    """
    jira, sheets = jira_configured(), spreadsheets_configured()
    missing = JiraSettings.from_config().missing() if jira or not sheets else []
    if sheets or not jira:
        missing += [s.env_name for s in SPREADSHEET_SETTINGS if not s.is_set()]
    return missing


def require_settings() -> None:
    """Raise one readable error naming every missing setting."""
    missing = missing_settings()
    if missing:
        raise MissingSettingError(
            "missing required setting(s): "
            + ", ".join(missing)
            + " (set them in the environment or in .dlt/config.toml / .dlt/secrets.toml;"
            " Data Center sites use SOURCES__JIRA__PAT instead of EMAIL + API_TOKEN;"
            " either source may be left out entirely)"
        )
