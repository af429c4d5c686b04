"""The nightly SLA: ingestion tables and KPI marts must be refreshed at least once a day.

Attached as Dagster freshness policies (evaluated by the daemon, shown in the UI); a change to
FAIL is alerted by ``alerting.py``. ``quality.freshness_max_hours`` sets the window.
"""

from datetime import timedelta

import dagster as dg

from quality.settings import quality_settings

WARN_SHARE_OF_WINDOW = 0.9


def nightly_sla() -> dg.FreshnessPolicy:
    """Fail after the configured hours without an update, warn a little before."""
    hours = quality_settings().freshness_max_hours
    return dg.FreshnessPolicy.time_window(
        fail_window=timedelta(hours=hours),
        warn_window=timedelta(hours=hours * WARN_SHARE_OF_WINDOW),
    )
