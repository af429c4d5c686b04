"""A source's settings object is what the Dagster code reads too, so both see the same values."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from pipelines.defs.sensors import spreadsheet_landing_sensor


@pytest.fixture
def landing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A landing folder holding one workbook the source loads and one file it is told to skip."""
    folder = tmp_path / "landing"
    (folder / "surveys").mkdir(parents=True)
    (folder / "surveys" / "value_survey_2026-Q3.csv").write_text("Wave,Score\n2026-Q3,4\n")
    (folder / "notes.txt").write_text("not a workbook\n")
    monkeypatch.setenv("SOURCES__SPREADSHEETS__LANDING_URL", str(folder))
    return folder


def test_the_landing_sensor_watches_the_files_the_source_is_configured_to_read(
    landing, monkeypatch
) -> None:
    monkeypatch.setenv("SOURCES__SPREADSHEETS__FILE_GLOB", "surveys/*.csv")
    with dg.DagsterInstance.ephemeral() as instance:
        context = dg.build_sensor_context(instance=instance, cursor=None)
        result = spreadsheet_landing_sensor(context)
    (request,) = result.run_requests
    assert request.tags["pmo/changed_files"] == "1"
