"""The ``pmo`` command: ``pmo demo``, ``pmo refresh``, ``pmo kpis``, ``pmo publish``,
``pmo prune-history``, ``pmo webhooks serve`` and ``pmo webhooks register smartsheet``."""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pipelines.advice import explain
from pipelines.instance import InstanceSettingsError
from pipelines.preflight import MissingSettingError
from pipelines.refresh import INTERRUPTED_EXIT, RefreshOutcome, refresh
from pipelines.settings import schedule_timezone
from pipelines.summary import kpi_summary
from pipelines.warehouse_lock import WarehouseInUseError
from warehouse.connection import PastStateUnavailableError
from warehouse.settings import warehouse_path

# Refused before anything runs: the message says what to change.
CONFIGURATION_ERRORS = (
    MissingSettingError,
    InstanceSettingsError,
    WarehouseInUseError,
    PastStateUnavailableError,
)


def _report(outcome: RefreshOutcome, seconds: float) -> int:
    print(
        f"Dagster run {outcome.run_id}: {'succeeded' if outcome.success else 'FAILED'} "
        f"in {seconds:.1f} s, {len(outcome.materialized)} assets materialised "
        f"(details: {outcome.log_file})"
    )
    for failure in outcome.failed_checks:
        print(f"  failed check: {failure.check} ({failure.severity})")
        for reason in failure.reasons:
            print(f"    {reason}")
    for error, steps in _grouped(outcome.errors).items():
        print(f"  error: {', '.join(steps)}: {error}", file=sys.stderr)
    return 0 if outcome.success else 1


def _grouped(errors: list[str]) -> dict[str, list[str]]:
    """Steps by explained error: one cause failing several steps is said once."""
    steps: dict[str, list[str]] = defaultdict(list)
    for error in errors:
        step, _, message = error.partition(": ")
        steps[explain(message)].append(step)
    return steps


def _refresh_and_report(verbose: bool) -> int:
    started = time.monotonic()
    outcome = refresh(verbose)
    return _report(outcome, time.monotonic() - started)


def cmd_refresh(args: argparse.Namespace) -> int:
    """Materialise every asset against the configured sources."""
    return _refresh_and_report(args.verbose)


def cmd_demo(args: argparse.Namespace) -> int:
    """Generate the sandbox, serve its Jira and Smartsheet on loopback, refresh, then
    summarise the KPIs."""
    from pipelines.demo import demo_sources

    with demo_sources() as sandbox:
        settings = sandbox.settings
        print(
            f"Jira emulator at {settings['SOURCES__JIRA__BASE_URL']}, "
            f"projects {settings['SOURCES__JIRA__PROJECTS']}"
        )
        print(f"Spreadsheets from {settings['SOURCES__SPREADSHEETS__LANDING_URL']}")
        print(
            f"Smartsheet emulator at {settings['SOURCES__SMARTSHEET__BASE_URL']}, "
            f"{len(sandbox.portfolio.plans())} project plans"
        )
        status = _refresh_and_report(args.verbose)
    if status == 0:
        print()
        print(kpi_summary(warehouse_path()))
    print()
    print(f"Warehouse: {warehouse_path()}")
    print("See the runs and the asset graph: make ui")
    return status


def cmd_kpis(args: argparse.Namespace) -> int:
    """Print the KPI summary of the warehouse; with --as-of, as the lake held it then."""
    print(kpi_summary(warehouse_path(), args.as_of))
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    """Publish the serving snapshot and the KPI report as the lake held them at a past time
    (lake mode), into a folder of their own; the pipeline publishes the latest itself."""
    from pipelines.past_snapshot import publish_past_snapshot

    past = publish_past_snapshot(warehouse_path(), args.as_of, args.to)
    publication = past.publication
    print(
        f"Published {len(publication.tables)} tables as of {args.as_of.isoformat()} "
        f"({sum(publication.row_counts.values())} rows) into {publication.database.parent}"
    )
    print(f"KPI report: {past.report.path}")
    return 0


def as_of_time(text: str) -> datetime:
    """``--as-of``: a date means the end of that day in PMO_TIMEZONE (a quarter's close);
    a timestamp without an offset is taken in PMO_TIMEZONE too."""
    zone = ZoneInfo(schedule_timezone())
    try:
        day = date.fromisoformat(text)
    except ValueError:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is neither a date (2026-09-30) nor a timestamp (2026-09-30T18:00)"
            ) from None
        return moment if moment.tzinfo else moment.replace(tzinfo=zone)
    next_day = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    return next_day - timedelta(microseconds=1)


def cmd_prune_history(args: argparse.Namespace) -> int:
    """Delete finished Dagster runs older than PMO_RUN_HISTORY_DAYS (or --keep-days), with
    their event and compute logs, and dlt's loaded packages as old; runs holding an asset's or
    a check's latest result stay. In lake mode, expire the lake's snapshots older than
    PMO_LAKE_SNAPSHOT_DAYS."""
    import dagster as dg

    from pipelines.defs.resources import DBT_TARGET_DIR
    from pipelines.housekeeping import (
        expire_configured_lake,
        lake_snapshot_days,
        prune_dbt_run_folders,
        prune_loaded_packages,
        prune_run_history,
        run_history_days,
    )
    from pipelines.instance import check_postgres_url, dagster_home
    from warehouse.settings import dlt_pipelines_dir

    keep_days = run_history_days() if args.keep_days is None else args.keep_days
    check_postgres_url()
    with dagster_home() as home, dg.DagsterInstance.from_config(str(home)) as instance:
        folders = prune_dbt_run_folders(instance, DBT_TARGET_DIR)
        pruned = prune_run_history(instance, keep_days)
    packages = prune_loaded_packages(dlt_pipelines_dir(warehouse_path()), keep_days)
    print(
        f"{len(pruned.deleted)} finished runs deleted ({pruned.freed_bytes / 2**20:.1f} MiB "
        f"freed); {len(pruned.kept)} older than {keep_days} days kept for an asset's or a "
        f"check's latest result; {len(packages)} loaded dlt packages deleted; {len(folders)} "
        "dbt folders of killed runs deleted"
    )
    expired = expire_configured_lake()
    if expired:
        print(expired.describe(lake_snapshot_days()))
    return 0


def cmd_webhooks_serve(args: argparse.Namespace) -> int:
    """Receive signed Jira webhooks into the spool the Dagster sensor reads."""
    from pipelines.events.server import serve
    from pipelines.events.settings import MissingWebhookSecretError

    try:
        serve(args.host, args.port)
    except MissingWebhookSecretError as error:
        print(f"pmo: {error}", file=sys.stderr)
        return 2
    return 0


def cmd_webhooks_register_smartsheet(args: argparse.Namespace) -> int:
    """Create and enable a Smartsheet webhook on every sheet the source reads."""
    from pipelines.events.settings import smartsheet_callback_url
    from pipelines.events.smartsheet_register import register_webhooks
    from pipelines.events.smartsheet_spool import SmartsheetSpool, smartsheet_spool_path

    url = args.callback_url or smartsheet_callback_url()
    if not url:
        print("pmo: give --callback-url or set PMO_SMARTSHEET_CALLBACK_URL", file=sys.stderr)
        return 2
    with SmartsheetSpool(smartsheet_spool_path()) as spool:
        registered = register_webhooks(url, spool)
    for hook in registered:
        action = "created" if hook.created else "kept"
        print(f"sheet {hook.sheet_id}: webhook {hook.webhook_id} {action}, {hook.status}")
    print(f"{len(registered)} sheet webhook(s) calling {url}")
    return 0


def _run(args: argparse.Namespace) -> int:
    """Run the command; errors become one line saying what to do (``--verbose``: the trace)."""
    try:
        return args.run(args)
    except CONFIGURATION_ERRORS as error:
        print(f"pmo: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("pmo: interrupted", file=sys.stderr)
        return INTERRUPTED_EXIT
    except Exception as error:
        if args.verbose:
            raise
        print(f"pmo: {explain(_innermost(error))} (the traceback: pmo --verbose)", file=sys.stderr)
        return 1


def _innermost(error: BaseException) -> str:
    """The message of the error at the root of a chain (library errors wrap the cause)."""
    while (cause := error.__cause__ or error.__context__) is not None:
        error = cause
    return f"{type(error).__name__}: {error}"


def _add_verbose(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--verbose",
        action="store_true",
        default=default,
        help="show Dagster's log and tracebacks on the terminal",
    )


def main(argv: list[str] | None = None) -> int:
    # SIGTERM (systemd, docker stop) unwinds like Ctrl-C, so that cleanups run.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    parser = argparse.ArgumentParser(prog="pmo", description=__doc__)
    _add_verbose(parser, default=False)
    # the subcommands take it too, without overriding `pmo --verbose refresh`
    verbose = argparse.ArgumentParser(add_help=False)
    _add_verbose(verbose, default=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, command in (("demo", cmd_demo), ("refresh", cmd_refresh)):
        commands.add_parser(name, help=command.__doc__, parents=[verbose]).set_defaults(run=command)
    kpis = commands.add_parser("kpis", help=cmd_kpis.__doc__, parents=[verbose])
    as_of_help = "a date (the end of that day) or a timestamp, in PMO_TIMEZONE; lake mode only"
    kpis.add_argument("--as-of", type=as_of_time, help=as_of_help)
    kpis.set_defaults(run=cmd_kpis)
    publish = commands.add_parser("publish", help=cmd_publish.__doc__, parents=[verbose])
    publish.add_argument("--as-of", type=as_of_time, required=True, help=as_of_help)
    publish.add_argument(
        "--to", type=Path, help="the folder to publish into (default: serving/as-of/<time>)"
    )
    publish.set_defaults(run=cmd_publish)
    prune = commands.add_parser("prune-history", help=cmd_prune_history.__doc__, parents=[verbose])
    prune.add_argument(
        "--keep-days", type=int, help="default: the PMO_RUN_HISTORY_DAYS setting (30)"
    )
    prune.set_defaults(run=cmd_prune_history)
    webhooks = commands.add_parser(
        "webhooks", help="webhook receiver (Jira, Smartsheet)"
    ).add_subparsers(dest="webhooks_command", required=True)
    serve = webhooks.add_parser("serve", help=cmd_webhooks_serve.__doc__)
    serve.add_argument("--host", help="default: the PMO_WEBHOOK_HOST setting")
    serve.add_argument("--port", type=int, help="default: the PMO_WEBHOOK_PORT setting")
    serve.set_defaults(run=cmd_webhooks_serve)
    register = webhooks.add_parser("register", help="register webhooks in a source").add_subparsers(
        dest="webhooks_source", required=True
    )
    smartsheet = register.add_parser("smartsheet", help=cmd_webhooks_register_smartsheet.__doc__)
    smartsheet.add_argument(
        "--callback-url", help="default: the PMO_SMARTSHEET_CALLBACK_URL setting"
    )
    smartsheet.set_defaults(run=cmd_webhooks_register_smartsheet)
    return _run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
