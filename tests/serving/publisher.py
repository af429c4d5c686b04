"""A pipeline stand-in, run as its own process so that a test can kill it.

    python -m tests.serving.publisher WAREHOUSE loop   # publish the synthetic marts, forever
    python -m tests.serving.publisher WAREHOUSE hold   # stay inside one publish, forever

``hold`` takes the serving folder's publish lock and starts a release folder as a publish
does, then waits: a live publisher at a moment of the test's choosing.
"""

from __future__ import annotations

import sys
import time
from itertools import count
from pathlib import Path

from tests.serving.synthetic import SYNTHETIC_TABLES
from warehouse.publishing.paths import releases_dir
from warehouse.publishing.snapshot import STAGING_SUFFIX, _publish_lock, publish_snapshot


def loop(warehouse: Path) -> None:
    for number in count():
        publish_snapshot(warehouse, SYNTHETIC_TABLES, source_run=f"looping-{number}")


def hold(warehouse: Path) -> None:
    releases = releases_dir(warehouse)
    releases.mkdir(parents=True, exist_ok=True)
    with _publish_lock(releases):
        (releases / f".held{STAGING_SUFFIX}").mkdir()
        while True:
            time.sleep(1)


if __name__ == "__main__":
    {"loop": loop, "hold": hold}[sys.argv[2]](Path(sys.argv[1]))
