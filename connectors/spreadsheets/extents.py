"""How far each sheet of a workbook reaches (last row, last column), read by streaming its XML.

Readers build a sheet as the dense rectangle from A1 to its last cell, so the rectangle, not
the number of cells, is what a file costs in memory. Measuring it needs only the cell
references (xlsx) or the repeat counts (ods), never the rectangle.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from xml.etree import ElementTree

CHUNK_BYTES = 1 << 20
COLUMN_OF_REF = re.compile(rb' r="([A-Z]{1,3})\d')
ROW_OF_REF = re.compile(rb' r="[A-Z]{0,3}(\d{1,9})"')
"""The ``r`` attribute of ``<row r="7">`` and ``<c r="B7">`` (the only worksheet elements with
one); distinct values are collected with ``findall``, a third of the time of a match loop."""
COLUMN_OF_VALUE = re.compile(rb'<(?:\w+:)?c\b[^>]*?\sr="([A-Z]{1,3})\d+"[^>]*(?<!/)>')
ROW_OF_VALUE = re.compile(rb'<(?:\w+:)?c\b[^>]*?\sr="[A-Z]{1,3}(\d{1,9})"[^>]*(?<!/)>')
"""Only cells that may hold a value: a styled empty cell (``<c r="A9" s="1"/>``) or row, which
readers skip, does not count. Twice as slow, so used only to confirm an extent over the limit."""
TAG_OVERLAP = 1024
"""Bytes kept from the end of one chunk for the next: a tag split between them is seen whole."""
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE_RELATIONSHIPS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"

Extent = tuple[int, int]
"""Rows and columns from A1 to a sheet's last row and last column."""


def column_letters(number: int) -> str:
    """1 -> A, 100 -> CV, 16384 -> XFD."""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters or "A"


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number


def sheet_extents_xlsx(archive: zipfile.ZipFile, max_cells: int) -> dict[str, Extent]:
    """Each worksheet's extent by name (by part name when the workbook does not say).

    Every row and cell reference counts, unless that makes the sheet larger than
    ``max_cells``: then only the cells that may hold a value do.
    """
    extents = {}
    for name, part in _worksheet_parts(archive).items():
        rows, columns = _xlsx_extent(archive, part, COLUMN_OF_REF, ROW_OF_REF)
        if rows * columns > max_cells:
            rows, columns = _xlsx_extent(archive, part, COLUMN_OF_VALUE, ROW_OF_VALUE)
        extents[name] = rows, columns
    return extents


def _worksheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    members = set(archive.namelist())
    parts = sorted(
        name for name in members if name.startswith("xl/worksheets/") and name.endswith(".xml")
    )
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {part: part for part in parts}
    targets = {
        relation.get("Id"): posixpath.normpath(
            posixpath.join("xl", relation.get("Target", "").removeprefix("/xl/"))
        )
        for relation in relations.iter(f"{RELATIONSHIPS}Relationship")
    }
    named = {
        targets.get(sheet.get(f"{OFFICE_RELATIONSHIPS}id")): sheet.get("name", "")
        for sheet in workbook.iter(f"{MAIN}sheet")
    }
    return {named.get(part, part): part for part in parts}


def _xlsx_extent(
    archive: zipfile.ZipFile, part: str, column_of: re.Pattern[bytes], row_of: re.Pattern[bytes]
) -> Extent:
    letters: set[bytes] = set()
    numbers: set[bytes] = set()
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(CHUNK_BYTES):
            text = tail + chunk
            letters.update(column_of.findall(text))
            numbers.update(row_of.findall(text))
            tail = text[-TAG_OVERLAP:]
    return max(map(int, numbers), default=0), max(map(_column_number, letters), default=0)


def sheet_extents_ods(archive: zipfile.ZipFile) -> dict[str, Extent]:
    """Each table's extent: rows and columns up to its last non-empty cell, repeats counted."""
    extents: dict[str, Extent] = {}
    try:
        stream = archive.open("content.xml")
    except KeyError:
        return extents
    with stream:
        row = rows = columns = 0
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            if event == "start":
                if element.tag == f"{TABLE}table":
                    row = rows = columns = 0
                continue
            if element.tag == f"{TABLE}table-row":
                repeat = int(element.get(f"{TABLE}number-rows-repeated", 1))
                last = _last_filled_column(element)
                if last:
                    rows, columns = row + repeat, max(columns, last)
                row += repeat
                element.clear()
            elif element.tag == f"{TABLE}table":
                extents[element.get(f"{TABLE}name", "")] = (rows, columns)
                element.clear()
    return extents


def _last_filled_column(row: ElementTree.Element) -> int:
    column = last = 0
    for cell in row:
        column += int(cell.get(f"{TABLE}number-columns-repeated", 1))
        if cell.get(f"{OFFICE}value-type") is not None or len(cell):
            last = column
    return last
