"""Smartsheet connector cost: requests per sheet and load speed against the emulator on loopback.

    uv run python benchmarks/smartsheet_load.py [--sheets 500] [--rows 1000]

The emulator runs in its own process (its CPU is not the connector's) with the portfolio's
sheet answers cached after one unmeasured fetch, so neither measured run pays for rendering.
Measured: the raw fetch of the pages a full load requests (HTTP + JSON parse, replayed in the
same order, no processing); the full dlt load into a temporary DuckDB (requests per sheet); an
incremental load after 1% of the rows changed in 5% of the sheets (requests: the target is at
most the changed sheets plus the listing requests; sheet summaries are reported beside it).
Cell history is off for the measured loads (`cell_history=off`): it costs one request per
tracked cell, reported separately for the milestones default.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import tempfile
import time
from collections import Counter
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import dlt
import requests
from dlt.common import json

from connectors.smartsheet import smartsheet_source
from sandbox.smartsheet.emulator import SmartsheetEmulator
from sandbox.smartsheet.portfolio import generate_portfolio

TOKEN = "demo-token"
CHANGED_SHEETS, CHANGED_ROWS = 0.05, 0.01
TARGET_RATIO = 0.6


def serve(connection: Connection, sheets: int, rows: int) -> None:
    """Emulator process: build the portfolio, serve it, answer commands until told to stop."""
    started = time.perf_counter()
    portfolio = generate_portfolio(projects=sheets, tasks_per_sheet=rows)
    built = time.perf_counter() - started
    with SmartsheetEmulator(portfolio, access_token=TOKEN, cache_sheets=True) as emulator:
        connection.send((emulator.base_url, portfolio.workspaces[0].id, built))
        while True:
            command = connection.recv()
            if command == "stop":
                return
            if command == "requests":
                connection.send([(r.path, r.params) for r in emulator.requests])
                emulator.reset_counts()
            elif command == "edit":
                connection.send(edit(portfolio))


def edit(portfolio: Any) -> int:
    """Change 1% of the rows (% complete) in 5% of the sheets; the number of sheets changed."""
    rng = random.Random(5)
    plans = portfolio.plans()
    changed = rng.sample(plans, max(1, round(len(plans) * CHANGED_SHEETS)))
    for sheet in changed:
        for row in rng.sample(sheet.rows, max(1, round(len(sheet.rows) * CHANGED_ROWS))):
            portfolio.update_row(sheet.id, row.id, {"% Complete": 1.0})
    return len(changed)


def raw_fetch(base_url: str, replay: list[tuple[str, dict[str, str]]]) -> tuple[float, int]:
    """Seconds and bytes to GET and parse the same pages, in the same order."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {TOKEN}"
    size = 0
    started = time.perf_counter()
    for path, params in replay:
        response = session.get(base_url + path, params=params)
        json.loadb(response.content)
        size += len(response.content)
    return time.perf_counter() - started, size


def pipeline_in(directory: Path, name: str) -> dlt.Pipeline:
    return dlt.pipeline(
        f"smartsheet_{name}",
        destination=dlt.destinations.duckdb(str(directory / f"{name}.duckdb")),
        dataset_name="raw_smartsheet",
        pipelines_dir=str(directory / name),
    )


def load(pipeline: dlt.Pipeline, base_url: str, workspace: int, history: str) -> float:
    started = time.perf_counter()
    pipeline.run(
        smartsheet_source(
            access_token=TOKEN,
            pseudonymisation_key="benchmark",
            base_url=base_url,
            workspace_ids=str(workspace),
            cell_history=history,
            requests_per_minute=0,
        )
    )
    return time.perf_counter() - started


def process_cpu() -> float:
    """CPU seconds of this process, all threads, and of its finished children: the load's
    worker processes, stopped when its sheets are read (the emulator's process, running
    until the end, is not counted)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def loads(averages: tuple[float, float, float]) -> str:
    """The 1, 5 and 15 minute load averages. Above the core count the seconds are noisy and
    favour the load, whose fetch and build threads get two shares of the cores against the
    raw fetch's one: compare CPU seconds then."""
    return "/".join(f"{average:.1f}" for average in averages) + f" on {os.cpu_count()} cores"


def by_kind(paths: list[str]) -> Counter[str]:
    kinds: Counter[str] = Counter()
    for path in paths:
        if path == "/sheets" or path.startswith("/workspaces/"):
            kinds["listing"] += 1
        elif path.endswith("/summary"):
            kinds["summary"] += 1
        elif "/history" in path:
            kinds["history"] += 1
        else:
            kinds["sheet"] += 1
    return kinds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheets", type=int, default=500)
    parser.add_argument("--rows", type=int, default=1000)
    args = parser.parse_args()
    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.Process(target=serve, args=(theirs, args.sheets, args.rows))
    server.start()
    base_url, workspace, built = ours.recv()
    print(f"portfolio: {args.sheets} sheets x {args.rows} rows, built in {built:.1f} s")
    with tempfile.TemporaryDirectory() as directory:
        warm = pipeline_in(Path(directory), "warm")
        # Unmeasured: renders and caches every sheet answer; the default cell history's cost.
        milestones_seconds = load(warm, base_url, workspace, "milestones")
        ours.send("requests")
        warmed = ours.recv()
        history = by_kind([path for path, _params in warmed])["history"]
        replay = [(path, params) for path, params in warmed if "/history" not in path]
        raw_cpu = process_cpu()
        raw_seconds, size = raw_fetch(base_url, replay)
        raw_cpu, raw_load = process_cpu() - raw_cpu, os.getloadavg()
        ours.send("requests")
        ours.recv()
        pipeline = pipeline_in(Path(directory), "bench")
        full_cpu = process_cpu()
        full_seconds = load(pipeline, base_url, workspace, "off")
        full_cpu, full_load = process_cpu() - full_cpu, os.getloadavg()
        ours.send("requests")
        full = by_kind([path for path, _params in ours.recv()])
        ours.send("edit")
        changed = ours.recv()
        incremental_seconds = load(pipeline, base_url, workspace, "off")
        ours.send("requests")
        incremental = by_kind([path for path, _params in ours.recv()])
    ours.send("stop")
    server.join()
    rows = args.sheets * args.rows
    ratio = raw_seconds / full_seconds
    mib = size / 2**20
    print(
        f"raw fetch of the full load's {len(replay)} pages (one at a time, as the load reads "
        f"them): {raw_seconds:.1f} s, {mib:,.0f} MiB, {raw_cpu:.1f} CPU s in this process; "
        f"load average after {loads(raw_load)}"
    )
    print(
        f"full dlt load into DuckDB: {full_seconds:.1f} s ({rows / full_seconds:,.0f} rows/s), "
        f"{full_cpu:.1f} CPU s in this process and its workers; load average after "
        f"{loads(full_load)}"
    )
    per_sheet = sum(full.values()) / args.sheets
    print(f"   requests {sum(full.values())} = {dict(full)}, {per_sheet:.2f} per sheet")
    print(f"ratio raw / full: {ratio:.2f} (target >= {TARGET_RATIO})")
    budget = changed + incremental["listing"]
    print(f"incremental after 1% of rows changed in {changed} sheets: {incremental_seconds:.1f} s")
    print(f"   requests {sum(incremental.values())} = {dict(incremental)}")
    print(
        f"   sheet and listing requests {incremental['sheet'] + incremental['listing']} "
        f"(target <= changed sheets + listing = {budget}); summaries +{incremental['summary']}"
    )
    print(
        f"full load with the default cell_history=milestones (first, unmeasured run): "
        f"{milestones_seconds:.1f} s, {history} more requests (one per tracked milestone cell)"
    )


if __name__ == "__main__":
    main()
