"""The Smartsheet source's settings, declared once, and the constants of Smartsheet's API 2.0."""

from __future__ import annotations

from dlt.common.configuration import configspec, resolve_configuration
from dlt.common.configuration.specs import BaseConfiguration
from dlt.common.typing import TSecretStrValue

from connectors.smartsheet.errors import SmartsheetConfigError

CONFIG_SECTIONS = ("sources", "smartsheet")
# Smartsheet hosts each region's accounts on its own API host.
REGION_URLS = {
    "us": "https://api.smartsheet.com/2.0",
    "eu": "https://api.smartsheet.eu/2.0",
    "au": "https://api.smartsheet.au/2.0",
}
DEFAULT_REGION = "us"
DEFAULT_PAGE_SIZE = 100
DEFAULT_REQUESTS_PER_MINUTE = 300  # Smartsheet's limit per access token
DEFAULT_MAX_ATTEMPTS = 6
DEFAULT_BACKOFF_FACTOR = 1.0
DEFAULT_MAX_RETRY_DELAY = 120.0
REQUEST_TIMEOUT_SECONDS = 60.0
DEFAULT_COLUMN_MAPS = "project_online,gantt"
# A full load of this many sheets reads them in worker processes (see `sheet_worker`).
DEFAULT_BUILD_IN_WORKER_FROM = 50
CELL_HISTORY_MODES = ("off", "milestones", "all")
DEFAULT_CELL_HISTORY = "milestones"
# Settings that name the account or what to read in it: giving any makes Smartsheet a source.
ACCOUNT_SETTINGS = ("access_token", "base_url", "workspace_ids", "folder_ids", "sheet_ids")
# What a run cannot do without.
REQUIRED_SETTINGS = ("access_token", "pseudonymisation_key")


@configspec
class SmartsheetSettings(BaseConfiguration):
    """Every setting of the Smartsheet source, resolved by dlt from `SOURCES__SMARTSHEET__*`
    environment variables and `[sources.smartsheet]` in `.dlt/config.toml` / `secrets.toml`.

    `pseudonymisation_key` may also be given once for every source as
    `[sources] pseudonymisation_key` (dlt looks there too): contacts then get the same
    pseudonym as the same person's survey responses."""

    access_token: TSecretStrValue | None = None
    pseudonymisation_key: TSecretStrValue | None = None
    region: str = DEFAULT_REGION
    base_url: str | None = None
    workspace_ids: str | None = None
    folder_ids: str | None = None
    sheet_ids: str | None = None
    column_maps: str = DEFAULT_COLUMN_MAPS
    cell_history: str = DEFAULT_CELL_HISTORY
    page_size: int = DEFAULT_PAGE_SIZE
    requests_per_minute: int = DEFAULT_REQUESTS_PER_MINUTE
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    backoff_factor: float = DEFAULT_BACKOFF_FACTOR
    max_retry_delay: float = DEFAULT_MAX_RETRY_DELAY
    request_timeout: float = REQUEST_TIMEOUT_SECONDS
    build_in_worker_from: int = DEFAULT_BUILD_IN_WORKER_FROM

    @classmethod
    def from_config(cls) -> SmartsheetSettings:
        """The settings as the source would resolve them now; unset ones stay None."""
        return resolve_configuration(cls(), sections=CONFIG_SECTIONS, accept_partial=True)

    @property
    def in_use(self) -> bool:
        """Smartsheet is a source of this install once any account setting is given."""
        return any(getattr(self, name) not in (None, "") for name in ACCOUNT_SETTINGS)

    @property
    def api_url(self) -> str:
        """`base_url` when given (a proxy, the emulator), else the region's API host."""
        if self.base_url:
            return self.base_url.rstrip("/")
        if self.region not in REGION_URLS:
            raise SmartsheetConfigError(
                f"{SETTING_NAMES['region']}={self.region!r} is not a Smartsheet region: "
                f"use one of {', '.join(REGION_URLS)}"
            )
        return REGION_URLS[self.region]

    def ids(self, name: str) -> list[int]:
        """The comma-separated ids of setting `name` (`workspace_ids`, `folder_ids`,
        `sheet_ids`), checked to be numbers."""
        raw = getattr(self, name) or ""
        parts = [part.strip() for part in str(raw).split(",") if part.strip()]
        invalid = [part for part in parts if not part.isdigit()]
        if invalid:
            raise SmartsheetConfigError(
                f"{SETTING_NAMES[name]} holds {invalid}: Smartsheet ids are numbers "
                "(the sheet, workspace or folder URL's properties show them)"
            )
        return [int(part) for part in parts]

    def missing(self) -> list[str]:
        """Names of the settings a run needs that are not set, in the order to fix them."""
        return [SETTING_NAMES[name] for name in REQUIRED_SETTINGS if not getattr(self, name)]

    def check(self) -> None:
        """Refuse a run that cannot work, naming the setting to fix."""
        for name in self.missing():
            raise SmartsheetConfigError(f"Smartsheet setting {name} is not set")
        if self.cell_history not in CELL_HISTORY_MODES:
            raise SmartsheetConfigError(
                f"{SETTING_NAMES['cell_history']}={self.cell_history!r}: use one of "
                f"{', '.join(CELL_HISTORY_MODES)}"
            )


SETTING_NAMES = {
    name: "__".join((*CONFIG_SECTIONS, name)).upper()
    for name in SmartsheetSettings.get_resolvable_fields()
}
