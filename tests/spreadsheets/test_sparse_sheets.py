"""A nearly empty sheet whose one cell sits far away (``CV1000000``, ``XFD1048576``) is refused
by its extent before any reader lays out the empty rectangle; the other files still load.

Peak memory is measured in a child process (``ru_maxrss``) that loads the landing folder with a
real dlt pipeline; an address-space limit keeps a regression from exhausting the machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from connectors.spreadsheets.readers import ReadLimits, RejectedFile, read_sheets

from .builders import survey_row, write_ods, write_survey

PEAK_RSS_LIMIT_MIB = 400
"""Loading a small survey alone peaks at about 230 MiB (Python, dlt, DuckDB, pyarrow)."""
ADDRESS_SPACE_MIB = 4096
LIMITS = ReadLimits(50 * 2**20, 500 * 2**20, 200, max_sheet_cells=1_000_000)
LOAD_IN_CHILD = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({address_space} * 2**20,) * 2)
import dlt
from connectors.spreadsheets import spreadsheet_source
pipeline = dlt.pipeline("sparse", destination=dlt.destinations.duckdb(sys.argv[2]),
                        dataset_name="raw_spreadsheets", pipelines_dir=sys.argv[3])
pipeline.run(spreadsheet_source(landing_url=sys.argv[1], pseudonymisation_key="key"))
with pipeline.sql_client() as client:
    rows = client.execute_sql(
        "select source_file, status, error from source_files order by source_file")
print(json.dumps({{"peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "files": rows}}))
"""


def write_far_cell(path: Path, cell: str) -> Path:
    """A header row the connector recognises, and one number far away."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Service ID", "Service name"])
    sheet[cell] = 1
    workbook.save(path)
    return path


@pytest.mark.parametrize("cell", ["CV1000000", "XFD1048576"])
def test_a_far_cell_is_rejected_by_the_sheets_extent(tmp_path: Path, cell: str):
    path = write_far_cell(tmp_path / "sparse.xlsx", cell)
    with pytest.raises(RejectedFile, match=rf"sheet 'Sheet' spans A1:{cell} .* max_sheet_cells"):
        read_sheets(path.read_bytes(), path.name, LIMITS)


def test_a_far_cell_of_an_ods_sheet_is_rejected(tmp_path: Path):
    rows = [["Service ID", "Service name"], *[[] for _ in range(2000)], [*[""] * 600, 1]]
    path = write_ods(tmp_path / "sparse.ods", "Services", rows)
    with pytest.raises(RejectedFile, match="sheet 'Services' spans A1:"):
        read_sheets(path.read_bytes(), path.name, LIMITS)


def test_a_sheet_within_the_limit_reads(tmp_path: Path):
    path = write_far_cell(tmp_path / "near.xlsx", "J1000")
    assert len(read_sheets(path.read_bytes(), path.name, LIMITS)["Sheet"]) == 1000


def test_sparse_files_are_rejected_within_a_fixed_memory_bound_while_others_load(
    tmp_path: Path,
):
    landing = tmp_path / "landing"
    landing.mkdir()
    write_far_cell(landing / "far_cv.xlsx", "CV1000000")
    write_far_cell(landing / "far_xfd.xlsx", "XFD1048576")
    write_survey(landing / "survey.xlsx", [survey_row(1), survey_row(2)])
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            LOAD_IN_CHILD.format(address_space=ADDRESS_SPACE_MIB),
            str(landing),
            str(tmp_path / "warehouse.duckdb"),
            str(tmp_path / "pipelines"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert child.returncode == 0, child.stderr[-3000:]
    result = json.loads(child.stdout.splitlines()[-1])
    statuses = {name: status for name, status, _ in result["files"]}
    assert statuses == {
        "far_cv.xlsx": "rejected",
        "far_xfd.xlsx": "rejected",
        "survey.xlsx": "loaded",
    }
    print(f"peak RSS of the load: {result['peak_mib']:.0f} MiB")
    assert result["peak_mib"] < PEAK_RSS_LIMIT_MIB


def test_styled_empty_cells_far_away_do_not_count(tmp_path: Path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Service ID", "Service name"])
    sheet["XFD1048576"].font = openpyxl.styles.Font(bold=True)  # formatted, no value
    path = tmp_path / "styled.xlsx"
    workbook.save(path)
    assert read_sheets(path.read_bytes(), path.name, LIMITS)["Sheet"][0][:2] == [
        "Service ID",
        "Service name",
    ]
