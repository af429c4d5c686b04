"""The spreadsheet source's settings, declared once, and its fixed limits.

``SpreadsheetSettings`` is the source's dlt spec: dlt resolves each field from
``SOURCES__SPREADSHEETS__*`` or ``[sources.spreadsheets]`` (docs/configuration.md), and the
landing sensor and the preflight read the same values with ``SpreadsheetSettings.from_config()``.
The constants no field takes (the compression ratio, ignored prefixes, the marker column) are
not settings.
"""

from __future__ import annotations

from dlt.common.configuration import configspec, resolve_configuration
from dlt.common.configuration.specs import BaseConfiguration
from dlt.common.typing import TSecretStrValue

CONFIG_SECTIONS = ("sources", "spreadsheets")

MAX_FILE_BYTES = 50 * 1024 * 1024
"""Files larger than this are rejected unread."""

MAX_UNCOMPRESSED_BYTES = 500 * 1024 * 1024
"""Zip-based workbooks (xlsx, xlsm, ods) that inflate beyond this are rejected as zip bombs."""

MAX_COMPRESSION_RATIO = 200
"""A zip member inflating more than this many times its stored size is treated as a zip bomb."""

MAX_SHEET_CELLS = 5_000_000
"""A sheet whose used rectangle (A1 to its last row and column) is larger is rejected before it
is read: readers lay the rectangle out in memory whatever is in it."""

FILE_GLOB = "**/*"
IGNORED_PREFIXES = ("~$", ".")
"""Excel lock files and hidden files are skipped, not rejected."""

DEFAULT_TIMEZONE = "UTC"
"""Time zone of naive timestamps (Excel has none)."""

DAY_FIRST: bool | None = None
"""How to read text dates like 03/04/2026 in a file whose own dates cannot tell (every one fits
both orders): True day/month, False month/day, None (default) quarantine them with a hint.
A file with a date such as 13/03/2026 or 3/14/2026 settles its own order."""

MASK_COMMENT_EMAILS = True
"""E-mail addresses typed into survey comments are stored as ``[email]``."""

REQUIRE_RESPONDENT = True
"""A survey row without respondent email or name is quarantined."""

REPLACE_MARKER_COLUMN = "is_replace_marker"
"""Hard-delete column: marker rows clear a file's previous rows and are never stored."""

DELETED_FILES_POLICIES = ("keep", "remove")
DELETED_FILES = "keep"
"""What a file deleted from the landing location does to its rows: ``keep`` them (the
warehouse keeps history a PMO may still report on) or ``remove`` them. Either way
``source_files`` records the deletion (``deleted_at``)."""


@configspec
class SpreadsheetSettings(BaseConfiguration):
    """Every setting of the spreadsheet source; ``landing_url`` and the secret
    ``pseudonymisation_key`` are required to load (dlt names them when missing)."""

    landing_url: str = None
    pseudonymisation_key: TSecretStrValue = None
    file_glob: str = FILE_GLOB
    max_file_bytes: int = MAX_FILE_BYTES
    max_uncompressed_bytes: int = MAX_UNCOMPRESSED_BYTES
    max_sheet_cells: int = MAX_SHEET_CELLS
    default_timezone: str = DEFAULT_TIMEZONE
    day_first: bool | None = DAY_FIRST
    require_respondent: bool = REQUIRE_RESPONDENT
    deleted_files: str = DELETED_FILES
    mask_comment_emails: bool = MASK_COMMENT_EMAILS

    @classmethod
    def from_config(cls) -> SpreadsheetSettings:
        """The settings as the source would resolve them now; unset required ones stay None."""
        return resolve_configuration(cls(), sections=CONFIG_SECTIONS, accept_partial=True)
