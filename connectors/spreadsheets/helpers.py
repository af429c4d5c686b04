"""Landing location to parsed files: listing, fingerprinting and per-file processing.

Each file is read and parsed at most once per extract and shared by all table resources.
A file that fails for any reason becomes a ``rejected`` row in ``source_files`` and never
stops the others.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import dlt
from dlt.common.storages.exceptions import CurrentLoadPackageStateNotAvailable
from dlt.common.storages.fsspec_filesystem import FileItemDict, glob_files
from fsspec.core import url_to_fs

from connectors.gc_pause import gc_paused
from connectors.spreadsheets.columns import Columns, Record, block_records, single_row
from connectors.spreadsheets.layouts import QUESTION_MAP, SERVICE_CATALOGUE
from connectors.spreadsheets.parsing import (
    Claims,
    Lineage,
    ParseOptions,
    parse_sheet,
    with_file_date_order,
)
from connectors.spreadsheets.question_map import QuestionMap
from connectors.spreadsheets.readers import ReadLimits, RejectedFile, Sheets, read_sheets
from connectors.spreadsheets.recognise import recognise_sheet
from connectors.spreadsheets.settings import (
    DELETED_FILES,
    DELETED_FILES_POLICIES,
    IGNORED_PREFIXES,
)
from connectors.spreadsheets.tables import RAW_TABLES

logger = logging.getLogger(__name__)
QUESTION_FIELDS = ("question", "service_id", "dimension", "scale")


@dataclass
class ParsedFile:
    """Everything one landing file contributes, table by table."""

    source_file: str
    file_hash: str
    tables: dict[str, list[Columns]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def replacing(cls, source_file: str, file_hash: str) -> ParsedFile:
        """Starts with one replace marker per table, so the file's earlier rows are dropped."""
        parsed = cls(source_file, file_hash)
        for table in RAW_TABLES.values():
            if table.replaced_per_file:
                parsed.tables[table.name].append(single_row(table.replace_marker(source_file)))
        return parsed


class LandingUnavailable(OSError):
    """The landing location itself is missing or unreadable (an unmounted share): the load
    fails and changes nothing, instead of taking every file for deleted."""


def list_landing_files(landing_url: str, file_glob: str) -> list[FileItemDict]:
    """Files under ``landing_url`` (a folder path or any fsspec URL), Excel lock files excluded.

    Raises ``LandingUnavailable`` when the folder itself is missing, not a folder or
    unreadable; an existing empty folder lists nothing.
    """
    filesystem, root = url_to_fs(landing_url)
    where = f"spreadsheet landing location {landing_url}"
    setting = "check the share is mounted and SOURCES__SPREADSHEETS__LANDING_URL"
    try:
        if filesystem.info(root)["type"] != "directory":
            raise LandingUnavailable(f"{where} is not a folder: {setting}")
        found = glob_files(filesystem, landing_url, file_glob)
    except FileNotFoundError:
        raise LandingUnavailable(f"{where} does not exist: {setting}") from None
    except OSError as error:
        if isinstance(error, LandingUnavailable):
            raise
        reason = error.strerror or type(error).__name__
        raise LandingUnavailable(f"{where} is unreadable ({reason}): {setting}") from None
    items = [
        FileItemDict(item, filesystem)
        for item in found
        if not item["file_name"].startswith(IGNORED_PREFIXES)
    ]
    return sorted(items, key=lambda item: item["relative_path"])


def fingerprint(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@dataclass
class ReadFile:
    """A landing file's bytes turned into cells, or the reason it cannot be."""

    path: str
    file_hash: str
    size: int
    sheets: Sheets | None = None
    error: str | None = None


@dataclass(frozen=True)
class References:
    """What validating and mapping the other files needs from the reference workbooks."""

    service_ids: frozenset[str] | None
    question_map: QuestionMap


def _version(item: FileItemDict) -> str:
    return f"{item.get('size_in_bytes')}|{item['modification_date'].isoformat()}"


def _reader_version() -> str:
    """This connector's code, hashed: a file read by another release is read again, so its
    rows get the current shape (new columns filled, ids pseudonymised, answers quarantined)
    after an in-place upgrade, not only once the file changes."""
    digest = hashlib.sha256()
    for module in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(module.read_bytes())
    return digest.hexdigest()[:16]


READER_VERSION = _reader_version()


def read_file(item: FileItemDict, limits: ReadLimits) -> ReadFile:
    """Read and fingerprint one file; oversized files are refused before download."""
    path, size = item["relative_path"], item.get("size_in_bytes")
    if size is not None and size > limits.max_file_bytes:
        unread_hash = fingerprint(f"{path}|{size}|{item['modification_date']}".encode())
        return ReadFile(path, unread_hash, size, error=f"file is {size} bytes, over the limit")
    content = item.read_bytes()
    read = ReadFile(path, fingerprint(content), len(content))
    try:
        read.sheets = read_sheets(content, item["file_name"], limits)
    except RejectedFile as error:
        read.error = str(error)
    except Exception as error:  # one broken file must never stop the others
        logger.exception("spreadsheet %s unreadable", path)
        read.error = f"unreadable ({type(error).__name__}: {error})"
    return read


class LandingBatch:
    """One extract's view of the landing location, shared by the table resources."""

    def __init__(
        self,
        landing_url: str,
        file_glob: str,
        limits: ReadLimits,
        options: ParseOptions,
        deleted_files: str = DELETED_FILES,
    ) -> None:
        if deleted_files not in DELETED_FILES_POLICIES:
            raise ValueError(
                f"deleted_files must be one of {', '.join(DELETED_FILES_POLICIES)}, "
                f"not {deleted_files!r} (SOURCES__SPREADSHEETS__DELETED_FILES)"
            )
        if not landing_url or not options.pseudonymisation_key:
            # a configuration error fails the run instead of rejecting every file
            raise ValueError(
                "spreadsheet source needs landing_url and pseudonymisation_key "
                "(SOURCES__SPREADSHEETS__LANDING_URL, SOURCES__SPREADSHEETS__PSEUDONYMISATION_KEY)"
            )
        self.landing_url = landing_url
        self.file_glob = file_glob
        self.limits = limits
        self.options = options
        self.deleted_files = deleted_files
        self.seen_at = datetime.now(UTC)
        self._parsed: dict[str, ParsedFile] = {}
        self._gone: dict[str, ParsedFile] = {}
        self._reads: dict[str, ReadFile] = {}
        self._warned_empty = False
        self._response_claims: Claims = {}
        """Response ids loaded by this batch's files: the survey tables never stage one twice."""

    @cached_property
    def files(self) -> list[FileItemDict]:
        return list_landing_files(self.landing_url, self.file_glob)

    def changed_files(self, seen: dict[str, dict[str, str]]) -> Iterator[ParsedFile]:
        """Files whose content differs from ``seen`` (a table's state), which is updated.

        Size and modification time decide whether to read at all; the content hash decides
        whether anything changed, so a re-saved but identical file adds nothing.
        """
        for item in self.files:
            path = item["relative_path"]
            version = _version(item)
            known = seen.get(path, {})
            stale = known.get("deleted") or known.get("reader") != READER_VERSION
            if known.get("version") == version and not stale:
                continue
            parsed = self.parse(item)
            seen[path] = {
                "file_hash": parsed.file_hash,
                "version": version,
                "reader": READER_VERSION,
            }
            if known.get("file_hash") != parsed.file_hash or stale:
                yield parsed

    def removed_files(self, seen: dict[str, dict[str, Any]]) -> Iterator[ParsedFile]:
        """Files in ``seen`` (a table's state) no longer listed, each reported once.

        A deleted file is recorded in ``source_files`` (``deleted_at``). Its rows stay
        (``deleted_files = "keep"``, status ``deleted``) or are removed by replace markers
        (``"remove"``, status ``removed``). A file that comes back loads again. An empty
        listing deletes nothing.
        """
        listed = {item["relative_path"] for item in self.files}
        if not listed:
            self._warn_emptied(seen)
            return
        for path, known in sorted(seen.items()):
            if path in listed or known.get("deleted"):
                continue
            known["deleted"] = True
            if path not in self._gone:
                self._gone[path] = self._tombstone(path, known["file_hash"])
            yield self._gone[path]

    def _warn_emptied(self, seen: dict[str, dict[str, Any]]) -> None:
        """An empty landing folder is "nothing landed yet", never "every file deleted": an
        unmounted share often leaves its empty mount point behind."""
        kept = [path for path, known in seen.items() if not known.get("deleted")]
        if kept and not self._warned_empty:
            self._warned_empty = True
            logger.warning(
                "spreadsheet landing location %s is empty; the %d file(s) loaded from it "
                "before are not taken for deleted (delete them one by one to retire them)",
                self.landing_url,
                len(kept),
            )

    def _tombstone(self, path: str, file_hash: str) -> ParsedFile:
        remove = self.deleted_files == "remove"
        parsed = ParsedFile.replacing(path, file_hash) if remove else ParsedFile(path, file_hash)
        last = self._file_records.pop(path, {})
        record = {
            **last,
            "file_hash": file_hash,
            "source_file": path,
            "status": "removed" if remove else "deleted",
            "seen_at": datetime.fromisoformat(last["seen_at"]) if last else self.seen_at,
            "deleted_at": self.seen_at,
        }
        parsed.tables["source_files"].append(single_row(record))
        return parsed

    @cached_property
    def _file_records(self) -> dict[str, Record]:
        """The last ``source_files`` row of each file, what its deletion record repeats."""
        return dlt.current.source_state().setdefault("file_records", {})

    def parse(self, item: FileItemDict) -> ParsedFile:
        """Parse a landing file once per batch, whichever table asks first."""
        path = item["relative_path"]
        if path not in self._parsed:
            with gc_paused():
                self._parsed[path] = self._parse(self._read(item))
            self._reads.pop(path, None)  # the cells are no longer needed
        return self._parsed[path]

    @cached_property
    def references(self) -> References:
        """Service ids and survey question map from every listed reference workbook.

        Unchanged files' references come from source state, so they are not read again;
        files no longer listed are forgotten.
        """
        state = dlt.current.source_state()
        known = state.get("reference_files", {})
        current = {}
        for item in self.files:
            path, version = item["relative_path"], _version(item)
            entry = known.get(path)
            if entry is None or entry["version"] != version:
                entry = {"version": version, **self._reference_rows(self._read(item))}
            current[path] = entry
        state["reference_files"] = current
        service_ids = {sid for entry in current.values() for sid in entry.get("service_ids", [])}
        questions = [row for entry in current.values() for row in entry.get("questions", [])]
        return References(frozenset(service_ids) or None, QuestionMap(questions))

    def _reference_rows(self, read: ReadFile) -> dict[str, list[Any]]:
        found: dict[str, list[Any]] = {"service_ids": [], "questions": []}
        sheets = read.sheets or {}
        matches = [
            match
            for sheet, rows in sheets.items()
            if (match := recognise_sheet(sheet, rows)) is not None
            and match.layout in (SERVICE_CATALOGUE, QUESTION_MAP)
        ]
        options = with_file_date_order(self.options, matches, sheets)
        for match in matches:
            lineage = Lineage(read.path, read.file_hash, self.seen_at)
            result = parse_sheet(match, sheets[match.sheet], lineage, options)
            for block in result.tables["service_catalogue"]:
                found["service_ids"] += block["service_id"]
            for block in result.tables["survey_question_map"]:
                found["questions"] += block_records(block, QUESTION_FIELDS)
        return found

    def _read(self, item: FileItemDict) -> ReadFile:
        path = item["relative_path"]
        if path not in self._reads:
            self._reads[path] = read_file(item, self.limits)
        return self._reads[path]

    def _parse(self, read: ReadFile) -> ParsedFile:
        if read.error is None:
            try:
                return self._parse_sheets(read)
            except RejectedFile as error:
                read.error = str(error)
            except Exception as error:  # one broken file must never stop the others
                logger.exception("spreadsheet %s failed", read.path)
                read.error = f"unexpected {type(error).__name__}: {error}"
        logger.warning("spreadsheet %s rejected: %s", read.path, read.error)
        parsed = ParsedFile.replacing(read.path, read.file_hash)
        parsed.tables["source_files"].append(
            single_row(self._file_record(read, "rejected", None, {}))
        )
        return parsed

    def _parse_sheets(self, read: ReadFile) -> ParsedFile:
        references = self.references
        sheets = read.sheets or {}
        matches = [
            match
            for name, rows in sheets.items()
            if (match := recognise_sheet(name, rows, references.question_map)) is not None
        ]
        if not matches:
            raise RejectedFile(
                "no sheet with a recognised PMO workbook header (see connectors/spreadsheets/"
                "templates)"
            )
        options = with_file_date_order(
            replace(self.options, known_services=references.service_ids), matches, sheets
        )
        parsed = ParsedFile.replacing(read.path, read.file_hash)
        lineage = Lineage(read.path, read.file_hash, self.seen_at)
        totals: dict[str, int] = defaultdict(int)
        claims = dict(self._response_claims)  # kept only if the whole file parses
        for match in matches:
            result = parse_sheet(match, sheets[match.sheet], lineage, options, claims)
            for table, blocks in result.tables.items():
                parsed.tables[table].extend(blocks)
            totals["rows_loaded"] += result.rows_loaded
            totals["rows_quarantined"] += result.rows_quarantined
            totals["rows_skipped"] += result.rows_skipped
            totals["answers_quarantined"] += result.answers_quarantined
        self._response_claims = claims
        workbooks = ";".join(sorted({match.layout.workbook for match in matches}))
        parsed.tables["source_files"].append(
            single_row(self._file_record(read, "loaded", workbooks, totals))
        )
        return parsed

    def _file_record(
        self, read: ReadFile, status: str, workbook: str | None, totals: dict[str, int]
    ) -> Record:
        record = {
            "file_hash": read.file_hash,
            "source_file": read.path,
            "workbook": workbook,
            "status": status,
            "error": f"{read.path}: {read.error}" if read.error else None,
            "rows_loaded": totals.get("rows_loaded", 0),
            "rows_quarantined": totals.get("rows_quarantined", 0),
            "rows_skipped": totals.get("rows_skipped", 0),
            "answers_quarantined": totals.get("answers_quarantined", 0),
            "size_bytes": read.size,
            "seen_at": self.seen_at,
        }
        self._file_records[read.path] = {**record, "seen_at": self.seen_at.isoformat()}
        return record


class BatchPerLoad:
    """One ``LandingBatch`` per dlt load: a source object reused across runs never serves
    the files, parses or timestamps of an earlier run."""

    def __init__(self, make: Callable[[], LandingBatch]) -> None:
        self._make = make
        self._batch: LandingBatch | None = None
        self.load_id: str | None = None
        """The current batch's dlt load id; None when iterated outside a pipeline."""

    def current(self) -> LandingBatch:
        try:
            load_id = dlt.current.load_package_state()["load_id"]
        except CurrentLoadPackageStateNotAvailable:  # iterated outside a pipeline
            load_id = self.load_id
        if self._batch is None or load_id != self.load_id:
            self._batch, self.load_id = self._make(), load_id
        return self._batch
