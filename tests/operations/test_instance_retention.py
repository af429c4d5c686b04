"""Dagster purges the sensor and schedule ticks of a DAGSTER_HOME the pipeline writes its
instance settings into: the webhook sensors tick every second."""

from __future__ import annotations

from pathlib import Path

import pytest
from dagster._core.definitions.run_request import InstigatorType

from pipelines.instance import write_missing_settings

from .conftest import open_instance


@pytest.mark.parametrize("instigator", [InstigatorType.SENSOR, InstigatorType.SCHEDULE])
def test_no_tick_is_kept_forever(instigator: InstigatorType, tmp_path: Path) -> None:
    write_missing_settings(tmp_path)
    with open_instance(tmp_path) as instance:
        days = instance.get_tick_retention_settings(instigator)
    assert all(kept > 0 for kept in days.values()), days
