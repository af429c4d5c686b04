"""After an in-place upgrade the spreadsheet connector reads again the files an older release
read, so their rows take the current shape (pseudonymised response ids, per-answer quarantine
counts) although no file changed; the next load of the same release reads none of them."""

from pathlib import Path

import duckdb
import pytest

from connectors.spreadsheets import helpers
from sandbox.workbooks import write_demo_workbooks
from tests.spreadsheets.conftest import PROJECT_KEYS, Warehouse

# What the older release stored, as far as this release reads it differently.
OLDER_RELEASE_ROWS = """
update raw_spreadsheets.survey_answers set response_id = 'legacy-' || response_id;
update raw_spreadsheets.survey_responses set response_id = 'legacy-' || response_id;
update raw_spreadsheets.source_files set answers_quarantined = null;
"""


@pytest.fixture
def upgraded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Warehouse:
    landing = tmp_path / "landing"
    landing.mkdir()
    write_demo_workbooks(landing, PROJECT_KEYS)
    warehouse = Warehouse(tmp_path, landing)
    with monkeypatch.context() as older_release:
        older_release.setattr(helpers, "READER_VERSION", "older-release", raising=False)
        warehouse.load()
    with duckdb.connect(str(warehouse.path)) as con:
        con.execute(OLDER_RELEASE_ROWS)
    warehouse.load()
    return warehouse


def test_unchanged_files_an_older_release_read_are_read_again(upgraded: Warehouse):
    assert upgraded.count("survey_answers where response_id like 'legacy-%'") == 0
    assert upgraded.count("survey_responses where response_id like 'legacy-%'") == 0
    assert upgraded.count("source_files where answers_quarantined is null") == 0


def test_the_next_load_of_the_same_release_reads_no_file_again(upgraded: Warehouse):
    seen = upgraded.rows("select source_file, seen_at from source_files order by 1")
    upgraded.load()
    assert upgraded.rows("select source_file, seen_at from source_files order by 1") == seen
