"""Defaults of the spreadsheet source's settings, and its fixed limits.

The source's arguments are its settings: dlt resolves each from ``SOURCES__SPREADSHEETS__*`` or
``[sources.spreadsheets]`` (docs/configuration.md); the constants below that no argument takes
(the compression ratio, ignored prefixes, the marker column) are not settings.
"""

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
