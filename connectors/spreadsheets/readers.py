"""Bytes to sheets of cells, safely: size and zip-bomb guards, calamine first, openpyxl fallback.

A file that cannot be read raises ``RejectedFile`` with a reason a PMO lead can act on.
Formulas are never evaluated: calamine and openpyxl (``data_only``) return cached values.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import openpyxl
from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from connectors.spreadsheets.extents import column_letters, sheet_extents_ods, sheet_extents_xlsx
from connectors.spreadsheets.settings import MAX_SHEET_CELLS

Sheets = dict[str, list[list[Any]]]
"""Sheet name to rows of cell values; row ``i`` is spreadsheet row ``i + 1``."""

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ZIP_FORMATS = (".xlsx", ".xlsm", ".ods")
LEGACY_FORMATS = {".xls": "legacy binary Excel 97-2003 workbook: save it as .xlsx"}
"""Refused with a hint: see the README for why legacy binary workbooks are not read."""
CSV_SAMPLE_BYTES = 64 * 1024


class RejectedFile(Exception):
    """The whole file is unreadable or unsafe; the message says why."""


@dataclass(frozen=True)
class ReadLimits:
    max_file_bytes: int
    max_uncompressed_bytes: int
    max_compression_ratio: float
    max_sheet_cells: int = MAX_SHEET_CELLS


def read_sheets(content: bytes, file_name: str, limits: ReadLimits) -> Sheets:
    """Read every sheet of a workbook (or the one table of a csv)."""
    if len(content) > limits.max_file_bytes:
        raise RejectedFile(f"file is {len(content)} bytes, over the {limits.max_file_bytes} limit")
    extension = PurePosixPath(file_name).suffix.lower()
    if extension == ".csv":
        return {PurePosixPath(file_name).stem: _read_csv(content)}
    if extension not in ZIP_FORMATS:
        hint = f" ({LEGACY_FORMATS[extension]})" if extension in LEGACY_FORMATS else ""
        raise RejectedFile(f"unsupported file type {extension or '(none)'!r}{hint}")
    if content.startswith(OLE_MAGIC):
        raise RejectedFile("workbook is password-protected (encrypted) or a legacy binary file")
    if not content.startswith(ZIP_MAGIC):
        raise RejectedFile(f"not a valid {extension} file (corrupt or wrong type)")
    archive = _check_zip(content, limits)
    _check_extents(archive, extension, limits.max_sheet_cells)
    return _read_workbook(content, extension)


def _check_zip(content: bytes, limits: ReadLimits) -> zipfile.ZipFile:
    """Refuse zip bombs by the sizes the archive declares, before inflating anything; the
    archive, its directory read once, for the next check."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as error:
        raise RejectedFile(f"corrupt workbook archive: {error}") from None
    members = archive.infolist()
    total = sum(member.file_size for member in members)
    if total > limits.max_uncompressed_bytes:
        raise RejectedFile(
            f"zip bomb guard: inflates to {total} bytes, over {limits.max_uncompressed_bytes}"
        )
    for member in members:
        if member.flag_bits & 0x1:
            raise RejectedFile("workbook is password-protected (encrypted)")
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1024 * 1024 and ratio > limits.max_compression_ratio:
            raise RejectedFile(
                f"zip bomb guard: {member.filename} compresses {ratio:.0f}:1, "
                f"over {limits.max_compression_ratio:g}:1"
            )
    return archive


def _check_extents(archive: zipfile.ZipFile, extension: str, max_cells: int) -> None:
    """Refuse a sheet whose used rectangle is too large, before any reader lays it out.

    calamine and openpyxl hold a sheet as the dense rectangle from A1 to its last cell: one
    number at ``XFD1048576`` asks for 512 GiB. The extent is measured by streaming the sheet's
    XML, in memory bounded by the read buffer, whatever the file declares in ``<dimension>``.
    """
    if extension == ".ods":
        extents = sheet_extents_ods(archive)
    else:
        extents = sheet_extents_xlsx(archive, max_cells)
    for sheet, (rows, columns) in extents.items():
        if rows * columns > max_cells:
            raise RejectedFile(
                f"sheet {sheet!r} spans A1:{column_letters(columns)}{rows} "
                f"({rows * columns:,} cells, over the {max_cells:,} limit of max_sheet_cells, "
                "SOURCES__SPREADSHEETS__MAX_SHEET_CELLS): delete the stray far-away cells"
            )


def _read_workbook(content: bytes, extension: str) -> Sheets:
    readers: list[Callable[[bytes], Sheets]] = [_read_with_calamine]
    if extension != ".ods":
        readers.append(_read_with_openpyxl)
    errors = []
    for reader in readers:
        try:
            return reader(content)
        except PasswordError:
            raise RejectedFile("workbook is password-protected (encrypted)") from None
        except (CalamineError, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
            errors.append(f"{reader.__name__.removeprefix('_read_with_')}: {error}")
    raise RejectedFile(f"unreadable workbook ({'; '.join(errors)})")


def _read_with_calamine(content: bytes) -> Sheets:
    with CalamineWorkbook.from_filelike(io.BytesIO(content)) as workbook:
        return {
            name: workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for name in workbook.sheet_names
        }


def _read_with_openpyxl(content: bytes) -> Sheets:
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        return {
            sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
            for sheet in workbook.worksheets
        }
    finally:
        workbook.close()


def _read_csv(content: bytes) -> list[list[Any]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise RejectedFile("csv is neither UTF-8 nor Windows-1252 text")
    if "\x00" in text:
        raise RejectedFile("csv contains binary data (wrong type?)")
    try:
        dialect = csv.Sniffer().sniff(text[:CSV_SAMPLE_BYTES], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [list(row) for row in csv.reader(io.StringIO(text), dialect)]
