"""Check the configuration before a run, so a missing setting is one clear line, not a trace."""

from __future__ import annotations

from dataclasses import dataclass

import dlt


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


JIRA_BASE_URL = Setting("sources.jira.base_url")
JIRA_PROJECTS = Setting("sources.jira.projects")
JIRA_EMAIL = Setting("sources.jira.email")
JIRA_API_TOKEN = Setting("sources.jira.api_token", secret=True)
JIRA_PAT = Setting("sources.jira.pat", secret=True)
LANDING_URL = Setting("sources.spreadsheets.landing_url")
PSEUDONYMISATION_KEY = Setting("sources.spreadsheets.pseudonymisation_key", secret=True)


def missing_settings() -> list[str]:
    """Environment names of the required settings that are not set, in the order to fix them."""
    missing = [s.env_name for s in (JIRA_BASE_URL, JIRA_PROJECTS) if not s.is_set()]
    if not JIRA_PAT.is_set():
        missing += [s.env_name for s in (JIRA_EMAIL, JIRA_API_TOKEN) if not s.is_set()]
    missing += [s.env_name for s in (LANDING_URL, PSEUDONYMISATION_KEY) if not s.is_set()]
    return missing


def require_settings() -> None:
    """Raise one readable error naming every missing setting."""
    missing = missing_settings()
    if missing:
        raise MissingSettingError(
            "missing required setting(s): "
            + ", ".join(missing)
            + " (set them in the environment or in .dlt/config.toml / .dlt/secrets.toml;"
            " Data Center sites use SOURCES__JIRA__PAT instead of EMAIL + API_TOKEN)"
        )
