"""Dagster purges the sensor and schedule ticks of a DAGSTER_HOME the pipeline writes its
instance settings into: the webhook sensors tick every second."""

from __future__ import annotations

from collections.abc import Iterator

import dagster as dg
import pytest
from dagster._core.definitions.run_request import InstigatorType

from pipelines.instance import write_missing_settings

from .conftest import open_instance


@pytest.fixture(scope="module")
def instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dg.DagsterInstance]:
    home = tmp_path_factory.mktemp("dagster_home")
    write_missing_settings(home)
    with open_instance(home) as opened:
        yield opened


@pytest.mark.parametrize("instigator", [InstigatorType.SENSOR, InstigatorType.SCHEDULE])
def test_no_tick_is_kept_forever(instance: dg.DagsterInstance, instigator: InstigatorType) -> None:
    days = instance.get_tick_retention_settings(instigator)
    assert all(kept > 0 for kept in days.values()), days
