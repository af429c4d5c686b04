"""The landing scan runs in the long-lived daemon: its memory does not grow with file sizes."""

from __future__ import annotations

import hashlib
import tracemalloc
from pathlib import Path

from pipelines.events.landing import scan_landing

LARGE_FILE_BYTES = 64 * 1024 * 1024
MEMORY_BOUND_BYTES = 8 * 1024 * 1024


def test_a_large_landed_file_is_hashed_in_bounded_memory(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    landing.mkdir()
    large = landing / "export.csv"
    with large.open("wb") as handle:  # sparse: costs no disk, reads back as zeros
        handle.truncate(LARGE_FILE_BYTES)
    tracemalloc.start()
    try:
        changes = scan_landing(str(landing), {})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_BOUND_BYTES
    assert changes.current["export.csv"][1] == hashlib.sha256(large.read_bytes()).hexdigest()
