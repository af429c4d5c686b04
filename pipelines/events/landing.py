"""Content fingerprints of the spreadsheet landing location, for the new-or-changed-file sensor.

A file is re-hashed only when its size or modification time moved, so a quiet folder costs one
listing per tick; the decision itself is by content hash, so a touched but unchanged file
triggers nothing and a replaced file with the same size does. Files are hashed in chunks: the
sensor runs in the long-lived daemon, whose memory must not grow with what lands.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from dlt.common.storages.fsspec_filesystem import FileItemDict

from connectors.spreadsheets.helpers import list_landing_files
from connectors.spreadsheets.settings import FILE_GLOB

# path -> [size|mtime, sha256 of content]
Fingerprints = dict[str, list[str]]


@dataclass(frozen=True)
class LandingChanges:
    """The landing folder now, and which files are new or have new content since ``previous``."""

    current: Fingerprints
    changed: tuple[str, ...]

    def run_key(self, previous_cursor: str | None) -> str:
        """Depends on the previous state too, so content changed back to an old version runs."""
        changes = sorted((path, self.current[path][1]) for path in self.changed)
        raw = json.dumps([previous_cursor or "", changes]).encode()
        return f"landing-{hashlib.sha256(raw).hexdigest()[:32]}"


def scan_landing(
    landing_url: str, previous: Fingerprints, file_glob: str = FILE_GLOB
) -> LandingChanges:
    """Fingerprint every landing file, re-reading only those whose size or mtime changed."""
    current: Fingerprints = {}
    for item in list_landing_files(landing_url, file_glob):
        path = item["relative_path"]
        version = f"{item.get('size_in_bytes')}|{item['modification_date'].isoformat()}"
        known = previous.get(path)
        if known and known[0] == version:
            current[path] = known
        else:
            current[path] = [version, content_sha256(item)]
    changed = tuple(
        path
        for path, (_, digest) in sorted(current.items())
        if previous.get(path, ["", ""])[1] != digest
    )
    return LandingChanges(current, changed)


def content_sha256(item: FileItemDict) -> str:
    """The file's SHA-256 (as ``connectors.spreadsheets.helpers.fingerprint`` of its bytes),
    read a buffer at a time by ``hashlib.file_digest``."""
    with item.open(mode="rb", compression="disable") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
