"""BI tools read the serving snapshot while publishes replace it: never an error, never a mix."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from warehouse.publishing.paths import serving_database_path
from warehouse.publishing.snapshot import publish_snapshot

READER = Path(__file__).with_name("snapshot_reader.py")
PUBLISHES = 8
SIZES = (10_000, 30_000)  # alternate, so that two consecutive snapshots always differ


def start_reader(database: Path, mode: str, folder: Path) -> tuple[subprocess.Popen, Path]:
    out = folder / f"{mode}.jsonl"
    process = subprocess.Popen(
        [sys.executable, str(READER), str(database), mode, str(folder / "stop"), str(out)]
    )
    deadline = time.monotonic() + 60
    while not (out.exists() and out.read_text().strip()):
        assert process.poll() is None, f"{mode} reader exited early"
        assert time.monotonic() < deadline, f"{mode} reader never read the snapshot"
        time.sleep(0.05)
    return process, out


def wait_until_read(out: Path, run: str) -> None:
    """Block until a reader's log shows it read the snapshot of ``run``."""
    deadline = time.monotonic() + 60
    while f'"run": "{run}"' not in out.read_text():
        assert time.monotonic() < deadline, f"the reader never saw {run}"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def observations(
    synthetic_warehouse, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, object]:
    """Two reader processes (one holding its connection, one reconnecting) during publishes."""
    tmp_path = tmp_path_factory.mktemp("readers")
    warehouse, tables = synthetic_warehouse(SIZES[0])
    publish_snapshot(warehouse, tables, source_run="run-0")
    expected = {"run-0": SIZES[0]}
    database = serving_database_path(warehouse)
    readers = [start_reader(database, mode, tmp_path) for mode in ("hold", "reconnect")]
    for number in range(1, PUBLISHES + 1):
        rows = SIZES[number % 2]
        warehouse, tables = synthetic_warehouse(rows)
        publish_snapshot(warehouse, tables, source_run=f"run-{number}")
        expected[f"run-{number}"] = rows
        time.sleep(0.05)
    wait_until_read(readers[1][1], f"run-{PUBLISHES}")
    (tmp_path / "stop").touch()
    for process, _ in readers:
        assert process.wait(timeout=60) == 0
    hold, reconnect = (
        [json.loads(line) for line in out.read_text().splitlines()] for _, out in readers
    )
    return {"hold": hold, "reconnect": reconnect, "expected": expected}


def whole_snapshot(observation: dict, expected: dict[str, int]) -> bool:
    """Every table as the named publish wrote it: recorded = read = what that run published."""
    rows = expected[observation["run"]]
    tables = observation["tables"]
    return (
        all(recorded == read for recorded, read in tables.values())
        and tables["orders_by_day"][1] == rows
        and tables["orders_by_hour"][1] == 2 * rows
    )


def test_readers_never_see_an_error_during_publishes(observations):
    errors = [o for mode in ("hold", "reconnect") for o in observations[mode] if "error" in o]
    assert errors == []


def test_every_answer_is_one_whole_snapshot(observations):
    answers = observations["hold"] + observations["reconnect"]
    assert all(whole_snapshot(o, observations["expected"]) for o in answers)


def test_a_reader_holding_the_file_keeps_the_snapshot_it_opened(observations):
    assert {o["run"] for o in observations["hold"]} == {"run-0"}


def test_a_reconnecting_reader_follows_the_publishes(observations):
    runs = {o["run"] for o in observations["reconnect"]}
    assert len(runs) > 2
