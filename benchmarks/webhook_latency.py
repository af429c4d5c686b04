"""Latency from a Jira webhook to the KPI that BI tools read, with the real Dagster daemon.

    uv run python benchmarks/webhook_latency.py [--timeout 300] [--issues 1000000] [--repeat 2]

Sets up the demo sandbox (Jira emulator + workbooks) and a temporary warehouse and Dagster
home, runs the full refresh once (not timed), starts `pmo`'s webhook receiver and
`dagster-daemon run` exactly as in production, waits until the daemon is idle, then moves one
issue to done in the emulator and sends the signed `jira:issue_updated` webhook. The clock
stops when the serving snapshot's throughput KPI counts the issue. Everything between is real:
the wait for the daemon's sensor loop, the run queue, the run worker process loading the code
location, the incremental Jira load, dbt, the publish step. The daemon loads the code location
from a code server of its own, as ``pipelines/events/README.md`` deploys it
(``pipelines/events/daemon_workspace.yaml``, on a socket here). Each webhook also prints the CPU
seconds each process of the deployment (daemon, code server, run worker, dbt) and this script
spent while it waited. Target: <= 60 s.

With ``--issues N`` the warehouse holds N issues when the webhook arrives: after the sandbox's
first refresh, synthetic issues with ~20 changelog rows each (the shape
``benchmarks/transform_scale.py`` measures) are written into ``raw_jira`` as one more dlt load
of the sandbox's projects and statuses, and a second refresh (not timed) builds them into the
marts. The webhook run then pays what it would pay on a site that size: the incremental dbt
build over the whole history, and the publish of marts built from N issues. Target at
1,000,000 issues: <= 30 s.

``--repeat N`` (default 2) sends N webhooks one after the other on the same warehouse and
daemon, each timed and reported with its run's phases and the load average. To compare two
checkouts under the same load, start both with ``PMO_BENCH_BARRIER=<folder>:2``: each sends its
webhook only once both are ready, so their measured windows coincide.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import psutil

from benchmarks.transform_scale import PROJECTS, write_raw_tables
from pipelines.demo import DemoSandbox, demo_sources
from pipelines.events.settings import SECRET_ENV, SPOOL_ENV
from pipelines.events.spool import WebhookSpool
from pipelines.runs import UNFINISHED
from sandbox.code_server import running_code_server, session, stop
from sandbox.webhooks import first_open_issue, move_to_done, running_receiver, send_signed
from warehouse.publishing.paths import serving_database_path
from warehouse.settings import REPO_ROOT, WAREHOUSE_PATH_ENV

TARGET_SECONDS = 60.0
AT_SCALE_TARGET_SECONDS = 30.0
CHANGELOG_ITEMS_PER_ISSUE = 20
# Synthetic ids start far above the sandbox's, so the two never meet.
SYNTHETIC_ID_OFFSET = 100_000_000
# benchmarks/transform_scale.py's status ids, as the sandbox's (sandbox/jira/site.py).
SANDBOX_STATUSES = """
    select * from (values ('1', '10000'), ('3', '3'), ('4', '10010'), ('5', '10001'))
        as statuses(synthetic, sandbox)
"""
IDLE_SECONDS = 20.0
SLOWEST_DBT_NODES = 8
BARRIER_ENV = "PMO_BENCH_BARRIER"
# The instance settings pipelines/events/README.md tells deployments to copy.
INSTANCE_YAML = REPO_ROOT / ".dagster" / "dagster.yaml"
POLL_SECONDS = 0.25
# Who spent the CPU while a webhook was waited for, by the command line of each process.
ROLES = {
    "dagster-daemon": "daemon",
    "code-server": "code server",
    "api grpc": "code server (gRPC)",
    "spawn_main": "run worker",
    "/dbt ": "dbt",
}
RUN_PHASES = {
    "PIPELINE_ENQUEUED": "run queued",
    "PIPELINE_STARTING": "run dequeued, run worker launching",
    "PIPELINE_START": "run worker started (code location loaded)",
    "PIPELINE_SUCCESS": "run ended",
}


def throughput(warehouse: Path, project_key: str, month: object) -> int:
    import duckdb

    path = serving_database_path(warehouse)
    if not path.exists():
        return -1
    with duckdb.connect(str(path), read_only=True) as con:
        row = con.execute(
            "select issues_done from delivery_throughput_monthly "
            "where project_key = ? and month_start = ?",
            [project_key, month],
        ).fetchone()
    return int(row[0]) if row else 0


def published_throughput(
    warehouse: Path, project_key: str, month: object
) -> Callable[[], int | None]:
    """``throughput``, read again only once the serving snapshot's file has changed (else
    None): opening it four times a second took this script's CPU from the run it measures."""
    path, seen = serving_database_path(warehouse), [None]

    def changed() -> int | None:
        with contextlib.suppress(FileNotFoundError):
            stat = path.stat()
            signature = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
            if signature != seen[0]:
                seen[0] = signature
                return throughput(warehouse, project_key, month)
        return None

    return changed


class CpuLedger:
    """CPU seconds spent by role (``ROLES``) from the first sample on: the processes of the
    given sessions, their descendants (run workers, dbt) and this script. A process first seen
    after the first sample started since, and counts from zero."""

    def __init__(self, sessions: list[int]) -> None:
        self.sessions, self.sampled = sessions, False
        self.first: dict[int, float] = {}
        self.last: dict[int, tuple[str, float]] = {}

    def sample(self) -> None:
        processes = [psutil.Process()]
        for pid in self.sessions:
            with contextlib.suppress(psutil.Error):
                root = psutil.Process(pid)
                processes += [root, *root.children(recursive=True)]
        for process in processes:
            with contextlib.suppress(psutil.Error):
                times, role = process.cpu_times(), self.role(process)
                self.first.setdefault(
                    process.pid, times.user + times.system if not self.sampled else 0.0
                )
                self.last[process.pid] = (role, times.user + times.system)
        self.sampled = True

    @staticmethod
    def role(process: psutil.Process) -> str:
        if process.pid == os.getpid():
            return "this script"
        command = " ".join(process.cmdline())
        return next((role for key, role in ROLES.items() if key in command), "other")

    def by_role(self) -> dict[str, float]:
        spent: dict[str, float] = {}
        for pid, (role, cpu) in self.last.items():
            spent[role] = spent.get(role, 0.0) + cpu - self.first[pid]
        return spent


def add_synthetic_issues(warehouse: Path, issues: int) -> None:
    """``issues`` more issues, the raw tables ``benchmarks/transform_scale.py`` writes, moved
    onto the sandbox's projects and statuses in a new dlt load: the next build takes them in
    as it takes any load. The connector's cursor never listed them, so no load deletes them."""
    import duckdb

    offset, load_id = SYNTHETIC_ID_OFFSET, f"{time.time():.6f}"
    with tempfile.TemporaryDirectory(prefix="pmo-synthetic-") as tmp:
        synthetic = Path(tmp) / "synthetic.duckdb"
        write_raw_tables(synthetic, issues, CHANGELOG_ITEMS_PER_ISSUE)
        with duckdb.connect(str(warehouse)) as con:
            con.execute("set enable_progress_bar = false")
            con.execute(f"attach '{synthetic}' as synthetic (read_only)")
            con.execute(f"create temp table statuses as {SANDBOX_STATUSES}")
            con.execute(
                "create temp table slots as select row_number() over (order by key) - 1 "
                "as slot, id, key from raw_jira.projects"
            )
            # The synthetic project of an issue is its id modulo PROJECTS: one sandbox project
            # per synthetic one, modulo the sandbox's count.
            slot = "(({issue}::bigint % " + str(PROJECTS) + ") % (select count(*) from slots))"
            con.execute(
                f"""
                insert into raw_jira.issues (
                    id, key, project_id, project_key, summary, issue_type, is_subtask,
                    status_id, status_name, status_category_key, created, updated, due_date,
                    story_points, _dlt_load_id, _dlt_id
                )
                select
                    ({offset} + i.id::bigint)::varchar, p.key || '-' || ({offset} + i.id::bigint),
                    p.id, p.key, i.summary, i.issue_type, i.is_subtask, s.sandbox,
                    i.status_name, i.status_category_key, i.created, i.updated, i.due_date,
                    i.story_points, '{load_id}', 'synthetic-' || i.id
                from synthetic.raw_jira.issues i
                join statuses s on s.synthetic = i.status_id
                join slots p on p.slot = {slot.format(issue="i.id")}
                """
            )
            con.execute(
                f"""
                insert into raw_jira.changelog_items (
                    history_id, item_index, issue_id, issue_key, changed_at, field, field_id,
                    from_value, to_value, _dlt_load_id, _dlt_id
                )
                select
                    'synthetic-' || c.history_id, c.item_index,
                    ({offset} + c.issue_id::bigint)::varchar,
                    p.key || '-' || ({offset} + c.issue_id::bigint), c.changed_at, c.field,
                    c.field_id, coalesce(f.sandbox, c.from_value), coalesce(t.sandbox, c.to_value),
                    '{load_id}', 'synthetic-' || c.history_id
                from synthetic.raw_jira.changelog_items c
                join slots p on p.slot = {slot.format(issue="c.issue_id")}
                left join statuses f on c.field = 'status' and f.synthetic = c.from_value
                left join statuses t on c.field = 'status' and t.synthetic = c.to_value
                """
            )
            con.execute("checkpoint")


def refresh() -> None:
    """``pmo refresh`` in a child process: dbt's in-process adapter would keep the warehouse
    locked here."""
    subprocess.run([sys.executable, "-m", "pipelines.cli", "refresh"], cwd=REPO_ROOT, check=True)


def wait_until_idle(instance: dg.DagsterInstance, timeout: float) -> None:
    """Let the daemon's first ticks finish before timing: the landing sensor's first tick
    always asks for a run (every file is new to it), then nothing may run for a while."""
    deadline, quiet_since = time.monotonic() + timeout, time.monotonic()
    first_landing_run = dg.RunsFilter(tags={"pmo/trigger": "spreadsheet_landing"})
    while time.monotonic() < deadline:
        busy = not instance.get_runs(filters=first_landing_run, limit=1)
        if busy or instance.get_runs(filters=dg.RunsFilter(statuses=UNFINISHED), limit=1):
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > IDLE_SECONDS:
            return
        time.sleep(1)
    raise TimeoutError("the daemon never became idle")


def webhook_run(instance: dg.DagsterInstance) -> dg.RunRecord | None:
    records = instance.get_run_records(
        filters=dg.RunsFilter(tags={"pmo/trigger": "jira_webhook"}), limit=1
    )
    return records[0] if records else None


def start_daemon(workspace: Path, log: Path) -> subprocess.Popen[bytes]:
    daemon = Path(sys.executable).parent / "dagster-daemon"
    return session([str(daemon), "run", "-w", str(workspace)], log)


def wait_for_run_end(instance: dg.DagsterInstance, timeout: float) -> None:
    """The KPI is published before the run's last step (the HTML report) ends."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        record = webhook_run(instance)
        if record is not None and record.dagster_run.is_finished:
            return
        time.sleep(1)


def measure(root: Path, timeout: float, issues: int | None, repeat: int) -> int:
    home, warehouse, spool_file = root / "dagster_home", root / "pmo.duckdb", root / "spool.sqlite3"
    home.mkdir()
    shutil.copy(INSTANCE_YAML, home / "dagster.yaml")
    secret = secrets.token_hex(16)
    os.environ.update(
        {
            "DAGSTER_HOME": str(home),
            WAREHOUSE_PATH_ENV: str(warehouse),
            SPOOL_ENV: str(spool_file),
            SECRET_ENV: secret,
        }
    )
    with demo_sources(root / "sandbox") as sandbox:
        started = time.monotonic()
        refresh()
        print(f"initial full refresh: {time.monotonic() - started:.1f} s")
        if issues:
            started = time.monotonic()
            synthetic = max(0, issues - len(sandbox.site.issues))
            add_synthetic_issues(warehouse, synthetic)
            print(f"{synthetic} synthetic issues written: {time.monotonic() - started:.1f} s")
            started = time.monotonic()
            refresh()
            print(f"refresh building them (not timed): {time.monotonic() - started:.1f} s")
        with (
            WebhookSpool(spool_file) as spool,
            running_receiver(spool, secret) as receiver_url,
            dg.DagsterInstance.get() as instance,
            running_code_server(root) as (workspace, code_server),
        ):
            daemon = start_daemon(workspace, root / "daemon.log")
            outcomes: list[Outcome | None] = []
            try:
                while len(outcomes) < repeat and None not in outcomes:
                    outcomes.append(
                        one_webhook(
                            instance,
                            sandbox,
                            receiver_url,
                            secret,
                            warehouse,
                            timeout,
                            len(outcomes),
                            [daemon.pid, code_server.pid],
                        )
                    )
            finally:
                stop(daemon)
    if any(outcome is None for outcome in outcomes):
        log_tail = (root / "daemon.log").read_text().splitlines()[-40:]
        print("\n".join(["TIMEOUT; daemon log tail:", *log_tail]))
        return 1
    target = AT_SCALE_TARGET_SECONDS if issues else TARGET_SECONDS
    results = [report(outcome, target) for outcome in outcomes if outcome is not None]
    latencies = ", ".join(f"{outcome.latency:.1f}" for outcome in outcomes if outcome)
    print(f"webhook -> published KPI, each webhook: {latencies} s (target <= {target:.0f} s)")
    return max(results)


@dataclass(frozen=True)
class Outcome:
    """One webhook's measurement: its latency, the run it started and that run's phases."""

    turn: int
    latency: float
    ack: float
    status: int
    record: dg.RunRecord | None
    phases: list[tuple[float, str]]
    dbt_nodes: list[DbtNode]
    sent: float
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    cpu: dict[str, float]


def one_webhook(
    instance: dg.DagsterInstance,
    sandbox: DemoSandbox,
    receiver_url: str,
    secret: str,
    warehouse: Path,
    timeout: float,
    turn: int,
    sessions: list[int],
) -> Outcome | None:
    """Wait until the daemon is idle, move an open issue to done, send its signed webhook and
    wait until the serving snapshot counts it (None on timeout), sampling who spends the CPU
    meanwhile (the processes of ``sessions`` and this script)."""
    wait_until_idle(instance, timeout)
    await_barrier(turn)
    site = sandbox.site
    issue = first_open_issue(site)
    moved_at = datetime.now(UTC)
    month = moved_at.date().replace(day=1)
    published_count = published_throughput(warehouse, issue.project.key, month)
    before = published_count()
    body = move_to_done(site, sandbox.settings["SOURCES__JIRA__BASE_URL"], issue, moved_at)
    ledger = CpuLedger(sessions)
    ledger.sample()
    load_before = os.getloadavg()
    sent = time.time()
    status = send_signed(receiver_url, secret, body).status_code
    acked = time.time()
    while published_count() != (before or 0) + 1:
        if time.time() - sent > timeout:
            return None
        ledger.sample()
        time.sleep(POLL_SECONDS)
    published = time.time()
    ledger.sample()
    load_after = os.getloadavg()
    wait_for_run_end(instance, timeout)
    record = webhook_run(instance)
    phases = run_phases(instance, record) if record else []
    nodes = dbt_nodes(instance, record.dagster_run.run_id) if record else []
    return Outcome(
        turn,
        published - sent,
        acked - sent,
        status,
        record,
        phases,
        nodes,
        sent,
        load_before,
        load_after,
        ledger.by_role(),
    )


def await_barrier(turn: int) -> None:
    """With ``PMO_BENCH_BARRIER=<folder>:<parties>``, send each webhook only once that many
    benchmark processes are ready to send theirs: two versions measured side by side under the
    same load."""
    setting = os.environ.get(BARRIER_ENV)
    if not setting:
        return
    folder, parties = setting.rsplit(":", 1)
    ready = Path(folder) / f"turn{turn}"
    ready.mkdir(parents=True, exist_ok=True)
    (ready / str(os.getpid())).touch()
    while len(list(ready.iterdir())) < int(parties):
        time.sleep(0.5)


def run_phases(instance: dg.DagsterInstance, record: dg.RunRecord) -> list[tuple[float, str]]:
    """When each phase of the run ended, from its event log: created (the sensor's tick),
    queued (after the planned-asset events), launched, started (the run worker has loaded the
    code location), each step's start and end, and the dbt process's start and end."""
    phases = [(record.create_timestamp.timestamp(), "run created by the sensor")]
    stored = 0  # events Dagster stored since the phase before: its bookkeeping per phase
    for entry in instance.all_logs(record.dagster_run.run_id):
        event, step = entry.dagster_event, entry.step_key or ""
        message = entry.user_message or ""
        stored += 1
        if event is None:
            if message.startswith(("Running dbt command", "Finished dbt command")):
                phases.append((entry.timestamp, f"  {message.split(':')[0]} [{stored} events]"))
                stored = 0
        elif event.event_type_value in RUN_PHASES:
            phases.append((entry.timestamp, f"{RUN_PHASES[event.event_type_value]} [{stored}]"))
            stored = 0
        elif event.event_type in (dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_SUCCESS):
            phases.append((entry.timestamp, f"{event.event_type_value.lower()} {step} [{stored}]"))
            stored = 0
    return phases


@dataclass(frozen=True)
class DbtNode:
    """One model or test of the run's dbt command, as dbt timed it."""

    name: str
    seconds: float


def dbt_nodes(instance: dg.DagsterInstance, run_id: str) -> list[DbtNode]:
    """The models and tests of the run's dbt command with dbt's own timings, from the
    ``Execution Duration`` dagster-dbt puts on each materialisation and check evaluation (the
    run's dbt target folder, with dbt's log, is removed once the step has streamed it)."""
    nodes = []
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None:
            continue
        if event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
            metadata = event.step_materialization_data.materialization.metadata
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            metadata = event.event_specific_data.metadata
        else:
            continue
        duration, unique_id = metadata.get("Execution Duration"), metadata.get("unique_id")
        if duration is not None and unique_id is not None:
            nodes.append(DbtNode(str(unique_id.value).split(".")[2], float(duration.value)))
    return nodes


def report(outcome: Outcome, target: float) -> int:
    print(f"webhook {outcome.turn + 1}:")
    print(
        f"  load average (1, 5, 15 min): {outcome.load_before} when sent, "
        f"{outcome.load_after} when published"
    )
    print(f"  webhook answered {outcome.status} in {1000 * outcome.ack:.0f} ms")
    spent = sorted(outcome.cpu.items(), key=lambda item: item[1], reverse=True)
    print(
        f"  CPU seconds spent until published ({outcome.latency:.1f} s on "
        f"{os.cpu_count()} cores): " + ", ".join(f"{role} {seconds:.1f}" for role, seconds in spent)
    )
    record, sent = outcome.record, outcome.sent
    if record is not None:
        run, created = record.dagster_run, record.create_timestamp.timestamp()
        started, ended = record.start_time or created, record.end_time or created
        print(f"  run {run.run_id} ({run.job_name}), tags {dict(run.tags)}")
        print(f"  run queued -> started:  {started - created:5.1f} s")
        print(f"  run started -> ended:   {ended - started:5.1f} s")
        print(
            "  phases (seconds after the webhook was sent; the gap since the line before; "
            "[events Dagster stored in that gap]):"
        )
        previous = sent
        for at, phase in outcome.phases:
            print(f"    {at - sent:6.1f} {at - previous:+6.1f}  {phase}")
            previous = at
    if outcome.dbt_nodes:
        nodes = outcome.dbt_nodes
        print(
            f"  dbt: {len(nodes)} nodes, {sum(n.seconds for n in nodes):.1f} s of node work; "
            "slowest (seconds):"
        )
        for node in sorted(nodes, key=lambda n: n.seconds, reverse=True)[:SLOWEST_DBT_NODES]:
            print(f"    {node.seconds:6.2f}  {node.name}")
    print(
        f"  webhook -> published KPI: {outcome.latency:.1f} s "
        f"(the wait for the daemon's sensor loop included; target <= {target:.0f} s)"
    )
    return 0 if outcome.latency <= target else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--workdir", type=Path, help="keep warehouse, logs and runs here")
    parser.add_argument(
        "--issues", type=int, help="issues in the warehouse (the sandbox's plus synthetic ones)"
    )
    parser.add_argument(
        "--repeat", type=int, default=2, help="webhooks sent one after the other, each timed"
    )
    args = parser.parse_args()
    if args.workdir:
        args.workdir.mkdir(parents=True)
        return measure(args.workdir, args.timeout, args.issues, args.repeat)
    with tempfile.TemporaryDirectory(prefix="pmo-webhook-latency-") as tmp:
        return measure(Path(tmp), args.timeout, args.issues, args.repeat)


if __name__ == "__main__":
    sys.exit(main())
