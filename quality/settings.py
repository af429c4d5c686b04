"""Quality thresholds, from dlt's configuration (``[quality]`` in .dlt/config.toml or env).

Environment variables override: ``QUALITY__VOLUME_CHANGE_MAX_PCT=80`` and so on. Read when
called, never at import.
"""

from __future__ import annotations

from dlt.common.configuration import configspec, resolve_configuration
from dlt.common.configuration.specs import BaseConfiguration

BLOCK = "block"
WARN = "warn"
GATE_MODES = (BLOCK, WARN)


@configspec
class QualitySettings(BaseConfiguration):
    """Thresholds that turn observations into failed checks, and whether those block."""

    __section__ = "quality"

    volume_change_max_pct: float = 50.0
    """A table whose row count moves more than this (up or down) since the last check warns."""
    volume_drop: str = BLOCK
    """``block``: a survey or register table that shrinks more than ``volume_change_max_pct``
    stops the marts and the publish (an unmounted share, a wrong file); ``warn``: it only
    warns."""
    quarantine_max_pct: float = 5.0
    """A file with a larger share of quarantined rows fails the quarantine check."""
    quarantine_over_limit: str = BLOCK
    """``block``: a quarantine check over the limit stops the publish (no silently smaller
    truth); ``warn``: the snapshot is published and the KPI report flags the KPIs it touches."""
    freshness_max_hours: float = 26.0
    """Ingestion and marts older than this miss the nightly SLA."""
    validation_history_days: float = 30.0
    """Stored Great Expectations results (and their Data Docs pages) older than this are deleted
    when their suite is next validated: every check stores one of each, and GE walks every
    stored result whenever it rebuilds the Data Docs index."""

    def on_resolved(self) -> None:
        """Gate modes are case-insensitive; any other word is refused, naming the setting."""
        for name in ("volume_drop", "quarantine_over_limit"):
            mode = str(getattr(self, name)).strip().lower()
            if mode not in GATE_MODES:
                raise ValueError(f"QUALITY__{name.upper()}={mode!r}: use one of {GATE_MODES}")
            setattr(self, name, mode)


def quality_settings() -> QualitySettings:
    """The configured thresholds, defaults where unset."""
    return resolve_configuration(QualitySettings())
