"""A landing location that is not there (an unmounted share) changes nothing; an empty one is
"nothing landed yet"."""

from __future__ import annotations

from pathlib import Path

import pytest
from dlt.pipeline.exceptions import PipelineStepFailed

from connectors.spreadsheets.helpers import LandingUnavailable

from .builders import survey_row, write_survey
from .conftest import Warehouse

STORED = (
    "select (select count(*) from survey_responses), (select count(*) from survey_answers), "
    "(select count(*) from source_files where deleted_at is not null)"
)


def root_cause(failure: BaseException) -> BaseException:
    """The exception at the bottom of the chain Python would print."""
    while True:
        below = failure.__cause__ or (None if failure.__suppress_context__ else failure.__context__)
        if below is None:
            return failure
        failure = below


@pytest.fixture
def loaded(warehouse: Warehouse, landing: Path) -> Warehouse:
    """Two surveys loaded (two responses, eight answers)."""
    write_survey(landing / "a.xlsx", [survey_row(1)])
    write_survey(landing / "b.xlsx", [survey_row(2)])
    warehouse.load()
    return warehouse


@pytest.mark.parametrize("policy", ["keep", "remove"])
def test_a_missing_landing_folder_fails_and_changes_nothing(
    loaded: Warehouse, tmp_path: Path, policy: str
):
    before = loaded.rows(STORED)
    loaded.landing_dir = tmp_path / "unmounted" / "landing"
    with pytest.raises(PipelineStepFailed) as failure:
        loaded.load(deleted_files=policy)
    cause = root_cause(failure.value)
    assert isinstance(cause, LandingUnavailable)
    assert str(loaded.landing_dir) in str(cause) and "\n" not in str(cause)
    assert loaded.rows(STORED) == before == [(2, 8, 0)]


def test_after_the_share_is_back_nothing_was_lost(loaded: Warehouse, tmp_path: Path):
    landing = loaded.landing_dir
    loaded.landing_dir = tmp_path / "unmounted"
    with pytest.raises(PipelineStepFailed):
        loaded.load()
    loaded.landing_dir = landing
    loaded.load()
    assert loaded.rows(STORED) == [(2, 8, 0)]


def test_a_landing_path_that_is_a_file_fails(loaded: Warehouse, tmp_path: Path):
    loaded.landing_dir = write_survey(tmp_path / "not_a_folder.xlsx", [survey_row(3)])
    with pytest.raises(PipelineStepFailed) as failure:
        loaded.load()
    assert "not a folder" in str(root_cause(failure.value))
    assert loaded.rows(STORED) == [(2, 8, 0)]


def test_an_empty_landing_folder_loads_nothing_and_fails_nothing(warehouse: Warehouse):
    info = warehouse.load()
    assert not info.has_failed_jobs


def test_an_emptied_landing_folder_marks_nothing_deleted(loaded: Warehouse, landing: Path):
    for path in landing.iterdir():
        path.unlink()
    loaded.load(deleted_files="remove")
    assert loaded.rows(STORED) == [(2, 8, 0)]
