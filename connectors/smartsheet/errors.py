"""The connector's errors: each explains a failure in one line, never carrying the token."""

from __future__ import annotations


class SmartsheetError(RuntimeError):
    """A Smartsheet failure explained in one line, never carrying the access token."""


class SmartsheetConfigError(SmartsheetError):
    """A missing or invalid setting, or a sheet the column map cannot read; the message names
    the setting, or the sheet and the column."""
