"""Jira connector speed and memory: full and incremental loads from the emulator on loopback.

    uv run python benchmarks/jira_load.py [--issues 100000] [--rss-sizes 10000 100000]
        [--memory-limit 1GB]
    uv run python benchmarks/jira_load.py --latency [--issues 100000] [--budget-issues 20000]

The emulator runs in its own process (its memory does not count) and is warmed by one unmeasured
fetch, so neither measured run pays for its rendering. For each size, in a fresh
process: the raw rate of fetching the same pages the connector fetches (HTTP + JSON parse, no
processing), a full dlt load into a temporary DuckDB (time per dlt stage, requests, peak RSS),
then an incremental load after 1% of the issues changed. DuckDB runs with a memory limit
(`DUCKDB_MEMORY_LIMIT`, or `--memory-limit` to measure the load step's cost of it) and the
production Jira destination's settings (`DUCKDB_LOAD_CONFIG`).
The raw fetch is measured twice: one request at a time (the
ratio's reference), and as many requests at once as the full load's slices, over the same id
ranges (the ratio against it is printed beside). Prints the figures and the targets: ratio >= 0.8,
peak RSS <= 1 GiB and flat across sizes, incremental <= 5% of the full load's time and requests.

`--latency`: the emulator answers as Jira Cloud over the internet (`CLOUD_LATENCY`: ~1 s a
search page of 100 issues, 150 ms round trip); a full load of `--issues` beside the serial
floor (its search pages one after another), then a full load of `--budget-issues` under a
rate-limit budget that forces backoff (`--budget PER_SECOND BURST`); each compares the loaded
ids with the site's. Targets: <= 4 minutes and >= 5x under the serial floor, <= 13 requests
per 1,000 issues, no 429 left unhandled, nothing lost.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from itertools import pairwise
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import dlt
import duckdb
import requests
from dlt.common import json

from benchmarks.memory import in_child, peak_rss_mib
from connectors.gc_pause import gc_paused
from connectors.jira import jira_source
from connectors.jira.jql import id_slice_jql
from connectors.jira.settings import DEFAULT_MAX_CONCURRENCY, DUCKDB_LOAD_CONFIG, ID_PAGE_SIZE
from connectors.jira.slices import SLICES_PER_THREAD, id_edges
from sandbox.jira.emulator import (
    CLOUD_LATENCY,
    EMBEDDED_CHANGELOG_LIMIT,
    JiraEmulator,
    RateLimit,
    TokenBucket,
)
from sandbox.jira.site import generate_site

EMAIL, TOKEN = "demo@example.com", "demo-token"
ISSUES_PER_PROJECT = 5000
PAGE_SIZE = 100
CHANGED_SHARE = 0.01
TARGET_RATIO, TARGET_RSS_MIB, TARGET_INCREMENTAL = 0.8, 1024, 0.05
# DuckDB takes up to 80% of RAM by default and its load-stage memory then grows with the data;
# a limit keeps the loader flat (measured: 30,000 issues, load peak 994 -> 695 MiB, same time).
DUCKDB_MEMORY_LIMIT = "256MB"
TARGET_LATENCY_SECONDS, TARGET_SPEEDUP, TARGET_REQUESTS_PER_1000 = 240, 5, 13


def serve(connection: Connection, issues: int) -> None:
    """Emulator process: build the site, serve it, answer commands until told to stop."""
    projects = max(1, issues // ISSUES_PER_PROJECT)
    site = generate_site(
        projects=projects,
        issues_per_project=issues // projects,
        extra_histories=(5, 22),
        long_changelog_every=100,
    )
    histories = [len(i.histories) for i in site.issues.values()]
    with JiraEmulator(site, email=EMAIL, api_token=TOKEN) as emulator:
        keys = ",".join(p.key for p in site.projects)
        connection.send((emulator.base_url, keys, statistics.mean(histories), max(histories)))
        while (command := connection.recv()) != "stop":
            if command == "counts":
                connection.send(Counter(emulator.request_counts))
                emulator.reset_counts()
            elif command == "ids":
                connection.send(sorted(int(i.id) for i in site.issues.values()))
            elif command == "rate_limited":
                connection.send(emulator.rate_limited)
            elif isinstance(command, tuple) and command[0] == "as_jira_cloud":
                emulator.latency = CLOUD_LATENCY
                emulator.budget = TokenBucket(command[1]) if command[1] else None
                connection.send(True)
            elif command == "change":
                changed = list(site.issues)[:: int(1 / CHANGED_SHARE)]
                for n, key in enumerate(changed):
                    at = site.as_of + timedelta(hours=1, seconds=n)
                    site.edit_summary(key, f"changed {n}", at)
                connection.send(len(changed))


def fetch_raw(base_url: str, keys: str, threads: int = 1) -> tuple[int, int]:
    """Fetch the big pages the connector fetches (search, bulk changelog of truncated issues,
    changed worklogs by id), parsing JSON (with the same fast parser, the garbage collector
    paused as the connector pauses it) only to follow tokens and links; returns (issues,
    bytes). With `threads` > 1, the search pages come as the connector's full load fetches
    them: the ids listed, the search cut into as many id ranges as it cuts
    (`connectors.jira.slices`), paged that many at once."""
    with gc_paused():
        return fetch_pages_raw(base_url, keys, threads)


def fetch_pages_raw(base_url: str, keys: str, threads: int) -> tuple[int, int]:
    session = new_session()
    scope = f"project in ({', '.join(keys.split(','))})"
    if threads > 1:
        ids, size = list_ids_raw(session, base_url, scope)
        edges = id_edges(ids, SLICES_PER_THREAD * threads, PAGE_SIZE)
        jqls = [id_slice_jql(scope, low, high) for low, high in pairwise(edges)]
        with ThreadPoolExecutor(threads) as pool:
            searches = list(pool.map(lambda jql: search_raw(new_session(), base_url, jql), jqls))
    else:
        searches, size = (
            [search_raw(session, base_url, f"{scope} ORDER BY updated ASC, key ASC")],
            0,
        )
    issues = sum(found for found, _, _ in searches)
    size += sum(read for _, read, _ in searches)
    truncated = [issue_id for _, _, pending in searches for issue_id in pending]
    for start in range(0, len(truncated), 1000):
        bulk: dict[str, Any] = {
            "issueIdsOrKeys": truncated[start : start + 1000],
            "maxResults": 10000,
        }
        while True:
            response = session.post(f"{base_url}/rest/api/3/changelog/bulkfetch", json=bulk)
            size += len(response.content)
            token = json.loadb(response.content).get("nextPageToken")
            if not token:
                break
            bulk["nextPageToken"] = token
    return issues, size + fetch_worklogs_raw(session, base_url)


def new_session() -> requests.Session:
    session = requests.Session()
    session.auth = (EMAIL, TOKEN)
    return session


def search_raw(session: requests.Session, base_url: str, jql: str) -> tuple[int, int, list[str]]:
    """One search paged by token: (issues, bytes, ids of the issues with a truncated
    changelog)."""
    body: dict[str, Any] = {
        "jql": jql,
        "fields": ["*all"],
        "expand": "changelog",
        "maxResults": PAGE_SIZE,
    }
    issues = size = 0
    truncated: list[str] = []
    while True:
        response = session.post(f"{base_url}/rest/api/3/search/jql", json=body)
        page = json.loadb(response.content)
        size += len(response.content)
        issues += len(page["issues"])
        truncated += [
            i["id"] for i in page["issues"] if i["changelog"]["total"] > EMBEDDED_CHANGELOG_LIMIT
        ]
        if page["isLast"]:
            return issues, size, truncated
        body["nextPageToken"] = page["nextPageToken"]


def list_ids_raw(session: requests.Session, base_url: str, scope: str) -> tuple[list[int], int]:
    """Every issue id in scope, 5,000 a page, as the connector's slice planner lists them."""
    body: dict[str, Any] = {"jql": f"{scope} ORDER BY key ASC", "fields": ["id"]}
    body["maxResults"] = ID_PAGE_SIZE
    ids: list[int] = []
    size = 0
    while True:
        response = session.post(f"{base_url}/rest/api/3/search/jql", json=body)
        page = json.loadb(response.content)
        size += len(response.content)
        ids += (int(issue["id"]) for issue in page["issues"])
        if page["isLast"]:
            return sorted(ids), size
        body["nextPageToken"] = page["nextPageToken"]


def fetch_worklogs_raw(session: requests.Session, base_url: str) -> int:
    """`/worklog/updated` from the start, each page's ids listed in one request; bytes read."""
    size = 0
    url: str | None = f"{base_url}/rest/api/3/worklog/updated?since=0"
    while url:
        response = session.get(url)
        page = json.loadb(response.content)
        ids = [entry["worklogId"] for entry in page["values"]]
        listed = session.post(f"{base_url}/rest/api/3/worklog/list", json={"ids": ids})
        size += len(response.content) + len(listed.content)
        url = page.get("nextPage")
    return size


@dataclass
class Figures:
    issues: int
    mean_histories: float
    raw_seconds: float
    raw_cpu: float
    raw_mib: float
    raw_side_by_side: float  # seconds of the same pages fetched as many at once as the load
    stages: dict[str, float]
    stage_cpu: dict[str, float]
    requests: int
    rss_after_raw: float
    peak_rss: float
    changelog_items: int
    incremental_stages: dict[str, float]
    incremental_requests: int
    changed: int
    load: tuple[float, float, float]  # the machine's load average when the size was done

    @property
    def full_seconds(self) -> float:
        return sum(self.stages.values())

    @property
    def incremental_seconds(self) -> float:
        return sum(self.incremental_stages.values())


def timed_stages(
    pipeline: dlt.Pipeline, source: Callable[[], Any], cpu: dict[str, float] | None = None
) -> dict[str, float]:
    """Seconds of each dlt stage of one run; with `cpu`, also its CPU seconds (`cpu_seconds`),
    which contention on a shared machine disturbs far less."""
    stages = {}
    for stage, step in (
        ("extract", lambda: pipeline.extract(source())),
        ("normalize", pipeline.normalize),
        ("load", pipeline.load),
    ):
        started, cpu_started = time.perf_counter(), cpu_seconds()
        step()
        stages[stage] = time.perf_counter() - started
        if cpu is not None:
            cpu[stage] = cpu_seconds() - cpu_started
    return stages


def cpu_seconds() -> float:
    """CPU seconds of this process (all threads, DuckDB's included) and of its ended child
    processes: the connector's page worker (the emulator ends after the measurements)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def warehouse_pipeline(
    name: str, workdir: Path, memory_limit: str = DUCKDB_MEMORY_LIMIT
) -> dlt.Pipeline:
    """A pipeline into a DuckDB file in `workdir` with the production Jira destination's
    settings and a memory limit."""
    warehouse = duckdb.connect(
        str(workdir / "warehouse.duckdb"),
        config={"memory_limit": memory_limit, **DUCKDB_LOAD_CONFIG},
    )
    return dlt.pipeline(
        pipeline_name=name,
        destination=dlt.destinations.duckdb(warehouse),
        dataset_name="raw_jira",
        pipelines_dir=str(workdir / "dlt"),
    )


def measure(issues: int, workdir: Path, memory_limit: str) -> Figures:
    """One size, end to end, in this process (run it in a fresh process per size)."""
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.get_context("fork").Process(target=serve, args=(child, issues))
    server.start()
    base_url, keys, mean_histories, _ = parent.recv()
    try:
        fetch_raw(base_url, keys)  # the emulator renders each issue once: warm it for both runs
        started, cpu_started = time.perf_counter(), cpu_seconds()
        fetched, size = fetch_raw(base_url, keys)
        raw_seconds = time.perf_counter() - started
        raw_cpu = cpu_seconds() - cpu_started
        started = time.perf_counter()
        fetch_raw(base_url, keys, threads=DEFAULT_MAX_CONCURRENCY)
        raw_side_by_side = time.perf_counter() - started
        parent.send("counts")
        parent.recv()
        rss_after_raw = peak_rss_mib()
        pipeline = warehouse_pipeline("jira_benchmark", workdir, memory_limit)

        def source() -> Any:
            return jira_source(base_url=base_url, email=EMAIL, api_token=TOKEN, projects=keys)

        stage_cpu: dict[str, float] = {}
        stages = timed_stages(pipeline, source, stage_cpu)
        parent.send("counts")
        full_requests = sum(parent.recv().values())
        with pipeline.sql_client() as client:
            items = client.execute_sql("select count(*) from changelog_items")[0][0]
        parent.send("change")
        changed = parent.recv()
        incremental_stages = timed_stages(pipeline, source)
        parent.send("counts")
        incremental_requests = sum(parent.recv().values())
    finally:
        parent.send("stop")
        server.join()
    return Figures(
        fetched,
        mean_histories,
        raw_seconds,
        raw_cpu,
        size / 2**20,
        raw_side_by_side,
        stages,
        stage_cpu,
        full_requests,
        rss_after_raw,
        peak_rss_mib(),
        items,
        incremental_stages,
        incremental_requests,
        changed,
        os.getloadavg(),
    )


def _measure_in_tmp(issues: int, memory_limit: str) -> Figures:
    with tempfile.TemporaryDirectory() as workdir:
        return measure(issues, Path(workdir), memory_limit)


def measure_fresh(issues: int, memory_limit: str) -> Figures:
    """`measure` in a fresh (spawned) process, so each size's peak RSS is its own."""
    return in_child(_measure_in_tmp, issues, memory_limit)


def rate(seconds: float, per_second: float) -> str:
    return f"{seconds:7.1f} s  {per_second:8.0f} issues/s"


def report(f: Figures) -> None:
    raw_rate = f.issues / f.raw_seconds
    full_rate = f.issues / f.full_seconds
    ratio = full_rate / raw_rate
    share_time = f.incremental_seconds / f.full_seconds
    share_requests = f.incremental_requests / f.requests
    print(f"\n== {f.issues:,} issues, {f.mean_histories:.1f} histories each on average")
    print(
        f"raw fetch (HTTP + JSON, no processing): {f.raw_seconds:7.1f} s  {raw_rate:8.0f} issues/s"
        f"  (CPU {f.raw_cpu:.1f} s)"
    )
    print(f"   {f.raw_mib:,.0f} MiB of responses")
    side_rate = f.issues / f.raw_side_by_side
    print(
        f"raw fetch, {DEFAULT_MAX_CONCURRENCY} requests at once as the load's slices: "
        f"{rate(f.raw_side_by_side, side_rate)}"
    )
    print(f"full dlt load into DuckDB:              {rate(f.full_seconds, full_rate)}")
    for stage, seconds in f.stages.items():
        print(f"   {stage:<10} {seconds:7.1f} s  (CPU {f.stage_cpu[stage]:.1f} s)")
    print(f"   {f.changelog_items:,} changelog items")
    print(f"   {f.requests:,} requests, {1000 * f.requests / f.issues:.1f} per 1,000 issues")
    print(f"   peak RSS {f.peak_rss:,.0f} MiB (after the raw fetch: {f.rss_after_raw:,.0f} MiB)")
    cpu_ratio = f.raw_cpu / sum(f.stage_cpu.values())
    print(f"ratio full / raw: {ratio:.2f} (target >= {TARGET_RATIO}); in CPU time {cpu_ratio:.2f}")
    print(f"ratio full / raw fetched side by side: {full_rate / side_rate:.2f}")
    print(
        f"incremental after {f.changed:,} issues changed: {f.incremental_seconds:.1f} s "
        f"({share_time:.1%} of full), {f.incremental_requests} requests ({share_requests:.1%}); "
        f"target <= {TARGET_INCREMENTAL:.0%}"
    )
    for stage, seconds in f.incremental_stages.items():
        print(f"   {stage:<10} {seconds:7.1f} s")
    print(f"load average (1, 5, 15 min) at the end: {', '.join(f'{x:.2f}' for x in f.load)}")


@dataclass
class LatencyFigures:
    issues: int
    seconds: float
    requests: int
    rate_limited: int
    lost: int
    doubled: int
    budget: RateLimit | None
    load: tuple[float, float, float]  # the machine's load average when the run ended

    @property
    def serial_floor(self) -> float:
        """Seconds of the search pages alone, one after another."""
        pages = -(-self.issues // PAGE_SIZE)
        server = CLOUD_LATENCY.per_request + PAGE_SIZE * CLOUD_LATENCY.per_issue
        return pages * (CLOUD_LATENCY.round_trip + server)


def measure_latency(issues: int, budget: RateLimit | None, workdir: Path) -> LatencyFigures:
    """A full load from an emulator answering as Jira Cloud (warmed first, without latency,
    so that its rendering is not measured), then the loaded ids against the site's."""
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.get_context("fork").Process(target=serve, args=(child, issues))
    server.start()
    base_url, keys, _, _ = parent.recv()
    try:
        fetch_raw(base_url, keys)
        parent.send(("as_jira_cloud", budget))
        parent.recv()
        parent.send("counts")
        parent.recv()
        pipeline = warehouse_pipeline("jira_latency", workdir)
        started = time.perf_counter()
        pipeline.run(jira_source(base_url=base_url, email=EMAIL, api_token=TOKEN, projects=keys))
        seconds = time.perf_counter() - started
        parent.send("rate_limited")  # before "counts", which resets it
        rate_limited = parent.recv()
        parent.send("counts")
        requests_made = sum(parent.recv().values())
        parent.send("ids")
        expected = set(parent.recv())
        with pipeline.sql_client() as client:
            rows = client.execute_sql("select id from issues")
        loaded = [int(row[0]) for row in rows]
    finally:
        parent.send("stop")
        server.join()
    return LatencyFigures(
        len(expected),
        seconds,
        requests_made,
        rate_limited,
        len(expected - set(loaded)),
        len(loaded) - len(set(loaded)),
        budget,
        os.getloadavg(),
    )


def _measure_latency_in_tmp(issues: int, budget: RateLimit | None) -> LatencyFigures:
    with tempfile.TemporaryDirectory() as workdir:
        return measure_latency(issues, budget, Path(workdir))


def report_latency(f: LatencyFigures) -> None:
    limit = f"budget {f.budget.per_second:g}/s, burst {f.budget.burst}" if f.budget else "no budget"
    per_1000 = 1000 * f.requests / f.issues
    print(f"\n== {f.issues:,} issues as Jira Cloud over the internet ({limit})")
    print(
        f"full load {f.seconds:.1f} s ({f.seconds / 60:.1f} min); serial floor "
        f"{f.serial_floor:.0f} s ({f.serial_floor / 60:.1f} min): {f.serial_floor / f.seconds:.1f}x"
    )
    print(
        f"   {f.requests:,} requests, {per_1000:.1f} per 1,000 issues; {f.rate_limited} answered "
        f"429 (all retried: the load completed)"
    )
    print(f"   ids: {f.lost} lost, {f.doubled} doubled")
    print(f"   load average (1, 5, 15 min) at the end: {', '.join(f'{x:.2f}' for x in f.load)}")
    if f.budget is None:
        print(
            f"targets: <= {TARGET_LATENCY_SECONDS} s, >= {TARGET_SPEEDUP}x the serial floor, "
            f"<= {TARGET_REQUESTS_PER_1000} requests per 1,000 issues, nothing lost"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=100_000)
    parser.add_argument(
        "--latency", action="store_true", help="as Jira Cloud over the internet (see above)"
    )
    parser.add_argument("--budget-issues", type=int, default=20_000, help="0: no budget run")
    parser.add_argument(
        "--budget", type=float, nargs=2, default=(2, 4), metavar=("PER_SECOND", "BURST")
    )
    parser.add_argument(
        "--rss-sizes", type=int, nargs="*", default=[10_000], help="extra sizes for RSS flatness"
    )
    parser.add_argument(
        "--memory-limit",
        default=DUCKDB_MEMORY_LIMIT,
        help="DuckDB's memory limit in the loopback mode (report a changed one beside the default)",
    )
    args = parser.parse_args()
    if args.latency:
        budget = RateLimit(args.budget[0], int(args.budget[1]))
        report_latency(in_child(_measure_latency_in_tmp, args.issues, None))
        if args.budget_issues:
            report_latency(in_child(_measure_latency_in_tmp, args.budget_issues, budget))
        return
    sizes = sorted({*args.rss_sizes, args.issues})
    results = {size: measure_fresh(size, args.memory_limit) for size in sizes}
    for size in sizes:
        report(results[size])
    print(
        "\npeak RSS by size: " + ", ".join(f"{s:,}: {results[s].peak_rss:,.0f} MiB" for s in sizes)
    )
    print(f"target: <= {TARGET_RSS_MIB} MiB and flat across sizes")
    print(
        f"DuckDB memory limit of the loads: {args.memory_limit}"
        f" (the benchmark's: {DUCKDB_MEMORY_LIMIT})"
    )


if __name__ == "__main__":
    main()
