"""Quality thresholds, from dlt's configuration (``[quality]`` in .dlt/config.toml or env).

Environment variables override: ``QUALITY__VOLUME_CHANGE_MAX_PCT=80`` and so on.
"""

from __future__ import annotations

from dataclasses import dataclass

import dlt


@dataclass(frozen=True)
class QualitySettings:
    """Thresholds that turn observations into failed checks."""

    volume_change_max_pct: float = 50.0
    """A table whose row count moves more than this (up or down) since the last check warns."""
    quarantine_max_pct: float = 5.0
    """A file with a larger share of quarantined rows fails the quarantine check."""
    freshness_max_hours: float = 26.0
    """Ingestion and marts older than this miss the nightly SLA."""
    validation_history_days: float = 30.0
    """Stored Great Expectations results (and their Data Docs pages) older than this are deleted
    when their suite is next validated: every check stores one of each, and GE walks every
    stored result whenever it rebuilds the Data Docs index."""


def quality_settings() -> QualitySettings:
    """The configured thresholds, defaults where unset."""
    defaults = QualitySettings()
    values = {
        name: float(dlt.config.get(f"quality.{name}") or getattr(defaults, name))
        for name in QualitySettings.__dataclass_fields__
    }
    return QualitySettings(**values)
