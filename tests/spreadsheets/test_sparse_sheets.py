"""A nearly empty sheet whose one cell sits far away (``CV1000000``, ``XFD1048576``) is refused
by its extent before any reader lays out the empty rectangle; the other files still load.

Peak memory is measured in child processes that load a landing folder with a real dlt pipeline,
once with the sparse files beside a survey and once with the survey alone: the sparse files may
cost only what their few cells cost. The peak is the child's own ``VmHWM``, not ``ru_maxrss``:
Python starts a child with vfork and exec, and Linux carries the parent's high-water mark across
exec into the child's ``ru_maxrss`` (late in the full suite, that is pytest's own peak, not
the load's). An address-space limit keeps a regression from exhausting the machine.
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

SPARSE_FILES_MIB = 48
"""What the two sparse files may add to the peak of loading the survey alone (mostly Python, dlt,
DuckDB and pyarrow): room for the noise between repeated loads, far below what a sheet at the
default cell limit adds, let alone a laid-out ``CV1000000`` (100 million cells)."""
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
with open("/proc/self/status") as status:
    peak_kib = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({{"peak_mib": peak_kib / 1024, "files": rows}}))
"""


def load_in_child(work: Path) -> tuple[float, dict[str, str]]:
    """Load ``work/landing``: the child's peak resident memory in MiB, each file's status."""
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            LOAD_IN_CHILD.format(address_space=ADDRESS_SPACE_MIB),
            str(work / "landing"),
            str(work / "warehouse.duckdb"),
            str(work / "pipelines"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert child.returncode == 0, shortened(child.stderr)
    result = json.loads(child.stdout.splitlines()[-1])
    return result["peak_mib"], {name: status for name, status, _ in result["files"]}


def shortened(text: str, keep: int = 1500) -> str:
    """Both ends of a long stderr: a failed allocation is named first, a traceback ends last."""
    return text if len(text) <= 2 * keep else f"{text[:keep]}\n[...]\n{text[-keep:]}"


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


def test_sparse_files_are_rejected_in_the_memory_of_their_cells_while_others_load(
    tmp_path: Path,
):
    survey_only, with_sparse = tmp_path / "survey_only", tmp_path / "with_sparse"
    for landing in survey_only, with_sparse:
        (landing / "landing").mkdir(parents=True)
        write_survey(landing / "landing" / "survey.xlsx", [survey_row(1), survey_row(2)])
    write_far_cell(with_sparse / "landing" / "far_cv.xlsx", "CV1000000")
    write_far_cell(with_sparse / "landing" / "far_xfd.xlsx", "XFD1048576")
    survey_peak, _ = load_in_child(survey_only)
    peak, statuses = load_in_child(with_sparse)
    assert statuses == {
        "far_cv.xlsx": "rejected",
        "far_xfd.xlsx": "rejected",
        "survey.xlsx": "loaded",
    }
    print(f"peak RSS of the load: {peak:.0f} MiB, of the survey alone: {survey_peak:.0f} MiB")
    assert peak - survey_peak < SPARSE_FILES_MIB


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
