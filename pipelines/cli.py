"""The ``pmo`` command: ``pmo demo``, ``pmo refresh`` and ``pmo webhooks serve``."""

from __future__ import annotations

import argparse
import sys
import time

from pipelines.preflight import MissingSettingError
from pipelines.refresh import RefreshOutcome, refresh
from pipelines.summary import kpi_summary
from warehouse.settings import warehouse_path


def _report(outcome: RefreshOutcome, seconds: float) -> int:
    print(
        f"Dagster run {outcome.run_id}: {'succeeded' if outcome.success else 'FAILED'} "
        f"in {seconds:.1f} s, {len(outcome.materialized)} assets materialised "
        f"(details: {outcome.log_file})"
    )
    for check in outcome.failed_checks:
        print(f"  failed check: {check}")
    for error in outcome.errors:
        print(f"  error: {error}", file=sys.stderr)
    return 0 if outcome.success else 1


def _refresh_and_report() -> int:
    started = time.monotonic()
    try:
        outcome = refresh()
    except MissingSettingError as error:
        print(f"pmo: {error}", file=sys.stderr)
        return 2
    return _report(outcome, time.monotonic() - started)


def cmd_refresh(_: argparse.Namespace) -> int:
    """Materialise every asset against the configured sources."""
    return _refresh_and_report()


def cmd_demo(_: argparse.Namespace) -> int:
    """Generate the sandbox, serve its Jira on loopback, refresh, then summarise the KPIs."""
    from pipelines.demo import demo_sources

    with demo_sources() as sandbox:
        settings = sandbox.settings
        print(
            f"Jira emulator at {settings['SOURCES__JIRA__BASE_URL']}, "
            f"projects {settings['SOURCES__JIRA__PROJECTS']}"
        )
        print(f"Spreadsheets from {settings['SOURCES__SPREADSHEETS__LANDING_URL']}")
        status = _refresh_and_report()
    if status == 0:
        print()
        print(kpi_summary(warehouse_path()))
    print()
    print(f"Warehouse: {warehouse_path()}")
    print("See the runs and the asset graph: make ui")
    return status


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pmo", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help=cmd_demo.__doc__).set_defaults(run=cmd_demo)
    commands.add_parser("refresh", help=cmd_refresh.__doc__).set_defaults(run=cmd_refresh)
    webhooks = commands.add_parser("webhooks", help="Jira webhook receiver").add_subparsers(
        dest="webhooks_command", required=True
    )
    serve = webhooks.add_parser("serve", help=cmd_webhooks_serve.__doc__)
    serve.add_argument("--host", help="default PMO_WEBHOOK_HOST or 127.0.0.1")
    serve.add_argument("--port", type=int, help="default PMO_WEBHOOK_PORT or 8090")
    serve.set_defaults(run=cmd_webhooks_serve)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
