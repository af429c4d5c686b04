"""Unreadable or unsafe files are rejected, named and recorded; the other files still load."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from connectors.spreadsheets.layouts import STRATEGIC_OBJECTIVES
from connectors.spreadsheets.template_writer import write_workbook
from sandbox.workbooks import build_portfolio

from .builders import write_csv, write_sheet
from .conftest import Warehouse

LIMIT = 1024 * 1024


def corrupt(path: Path) -> None:
    path.write_bytes(b"this is not a workbook at all" * 10)


def truncated(path: Path) -> None:
    write_workbook(path, STRATEGIC_OBJECTIVES, build_portfolio(["APOLLO"]).objectives)
    path.write_bytes(path.read_bytes()[:1500])


def encrypted(path: Path) -> None:
    """What Excel writes for a password-protected xlsx: an OLE container, not a zip."""
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16le")
    )


def zip_bomb(path: Path) -> None:
    """A small archive that inflates far beyond the configured limit."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (3 * LIMIT))
    path.write_bytes(buffer.getvalue())


def legacy_xls(path: Path) -> None:
    """A BIFF8 workbook starts like any OLE container."""
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + b"Workbook")


def wrong_type(path: Path) -> None:
    path.write_bytes(b"%PDF-1.7 not a spreadsheet")


def binary_csv(path: Path) -> None:
    path.write_bytes(b"Objective ID,Objective name\n\x00\x01\x02\x00")


def unrecognised(path: Path) -> None:
    write_sheet(path, "Sheet1", [["Foo", "Bar"], [1, 2]])


def oversized(path: Path) -> None:
    write_csv(path, [["Objective ID", "Objective name", "Weight"]] + [["O", "x" * 100, 1]] * 20_000)


CORPUS: dict[str, tuple[str, Callable[[Path], None], str]] = {
    "corrupt": ("corrupt.xlsx", corrupt, "not a valid .xlsx file"),
    "truncated": ("truncated.xlsx", truncated, "corrupt workbook archive"),
    "encrypted": ("secret.xlsx", encrypted, "password-protected"),
    "zip bomb": ("bomb.xlsx", zip_bomb, "zip bomb guard"),
    "wrong type": ("report.pdf", wrong_type, "unsupported file type '.pdf'"),
    "legacy xls": ("register.xls", legacy_xls, "unsupported file type '.xls' (legacy binary"),
    "binary csv": ("objectives.csv", binary_csv, "binary data"),
    "no recognised sheet": ("other.xlsx", unrecognised, "no sheet with a recognised"),
    "over the maximum size": ("huge.csv", oversized, "over the limit"),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """Every bad file next to one good file, loaded in one run."""
    landing = tmp_path_factory.mktemp("corpus")
    for name, build, _ in CORPUS.values():
        build(landing / name)
    write_workbook(
        landing / "objectives.xlsx", STRATEGIC_OBJECTIVES, build_portfolio(["APOLLO"]).objectives
    )
    warehouse = Warehouse(tmp_path_factory.mktemp("warehouse"), landing)
    warehouse.load(max_file_bytes=LIMIT, max_uncompressed_bytes=LIMIT)
    return warehouse


@pytest.mark.parametrize("case", CORPUS, ids=str)
def test_a_bad_file_is_rejected_with_a_reason_naming_it(corpus: Warehouse, case: str):
    name, _, reason = CORPUS[case]
    rejected = corpus.rows(f"select status, error from source_files where source_file = '{name}'")
    assert len(rejected) == 1
    status, error = rejected[0]
    assert status == "rejected"
    assert error.startswith(f"{name}: ")
    assert reason in error


def test_bad_files_never_stop_the_good_one(corpus: Warehouse):
    assert corpus.count("strategic_objectives") == 4
    assert corpus.rows("select status from source_files where source_file = 'objectives.xlsx'") == [
        ("loaded",)
    ]


def test_excel_lock_files_are_ignored_not_rejected(landing: Path, warehouse: Warehouse):
    corrupt(landing / "~$objectives.xlsx")
    write_workbook(
        landing / "objectives.xlsx", STRATEGIC_OBJECTIVES, build_portfolio(["APOLLO"]).objectives
    )
    warehouse.load()
    assert warehouse.rows("select source_file, status from source_files") == [
        ("objectives.xlsx", "loaded")
    ]


def test_a_rejected_file_that_is_fixed_loads_next_time(landing: Path, warehouse: Warehouse):
    corrupt(landing / "objectives.xlsx")
    warehouse.load()
    write_workbook(
        landing / "objectives.xlsx", STRATEGIC_OBJECTIVES, build_portfolio(["APOLLO"]).objectives
    )
    warehouse.load()
    assert warehouse.count("strategic_objectives") == 4
    assert sorted(warehouse.rows("select status from source_files")) == [
        ("loaded",),
        ("rejected",),
    ]
