"""`make bi`: Superset on loopback with the PMO value scorecard on the serving snapshot.

    warehouse/bi/.venv/bin/python warehouse/bi/serve.py --snapshot PATH [--port 8088] [--setup-only]

Runs in Superset's own environment. Prepares the metadata database on first use (migrations,
roles, an admin user with a generated password), starts Superset under gunicorn, creates or
updates the dashboard through the REST API and serves until Ctrl-C. ``--setup-only`` stops
the server again once the dashboard is in place.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import requests

BI_DIR = Path(__file__).resolve().parent
os.environ.setdefault("SUPERSET_CONFIG_PATH", str(BI_DIR / "superset_config.py"))
sys.path.insert(0, str(BI_DIR))

import superset_config  # noqa: E402  (reads the environment set above)
from dashboard import SupersetClient, set_up_dashboard  # noqa: E402

ADMIN = "admin"
ADMIN_PASSWORD_ENV = "PMO_BI_ADMIN_PASSWORD"
LOOPBACK = ("127.0.0.1", "localhost")
STARTUP_TIMEOUT_SECONDS = 180
READY = "Superset ready:"


def admin_password() -> str:
    return os.environ.get(ADMIN_PASSWORD_ENV) or superset_config.home_secret("admin_password")


def prepare_metadata() -> None:
    """Migrate the metadata database, sync roles, add the admin: once per Superset version."""
    superset_version = version("apache-superset")
    marker = superset_config.BI_HOME / "prepared"
    if marker.exists() and marker.read_text() == superset_version:
        return
    from flask_migrate import upgrade
    from superset.app import create_app

    # Migrations chat on stdout: keep it for serve.py's status lines only.
    with contextlib.redirect_stdout(sys.stderr), create_app().app_context():
        from superset import appbuilder, security_manager

        upgrade()
        appbuilder.add_permissions(update_perms=True)
        security_manager.sync_role_definitions()
        if security_manager.find_user(username=ADMIN) is None:
            security_manager.add_user(
                ADMIN,
                "PMO",
                "Admin",
                "admin@localhost",
                security_manager.find_role("Admin"),
                password=admin_password(),
            )
    marker.write_text(superset_version)


def start_server(host: str, port: int) -> subprocess.Popen:
    """Superset under gunicorn: one process, a few threads, bound to ``host`` only."""
    command = [
        sys.executable, "-m", "gunicorn", "--workers", "1", "--worker-class", "gthread",
        "--threads", "8", "--timeout", "120", "--bind", f"{host}:{port}",
        "superset.app:create_app()",
    ]  # fmt: skip
    # The server logs to stderr; stdout carries only serve.py's own status lines.
    return subprocess.Popen(command, stdout=sys.stderr, env=os.environ.copy())


def wait_until_healthy(server: subprocess.Popen, base_url: str) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"Superset exited with {server.returncode} (is the port taken?)")
        try:
            if requests.get(f"{base_url}/health", timeout=30, proxies={}).ok:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.5)
    raise SystemExit(f"Superset did not answer on {base_url} in {STARTUP_TIMEOUT_SECONDS} s")


def stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGINT)  # gunicorn: quick shutdown (TERM waits for keep-alives)
    server.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshot", type=Path, required=True, help="serving/pmo.duckdb")
    parser.add_argument("--host", default="127.0.0.1", choices=LOOPBACK)
    parser.add_argument("--port", type=int, default=8088)
    parser.add_argument("--setup-only", action="store_true", help="stop once set up")
    args = parser.parse_args()
    if not args.snapshot.exists():
        raise SystemExit(f"No serving snapshot at {args.snapshot}: run `make demo` first.")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop the server on the way out
    prepare_metadata()
    base_url = f"http://{args.host}:{args.port}"
    server = start_server(args.host, args.port)
    try:
        wait_until_healthy(server, base_url)
        path = set_up_dashboard(SupersetClient(base_url, ADMIN, admin_password()), args.snapshot)
        password_from = (
            ADMIN_PASSWORD_ENV
            if os.environ.get(ADMIN_PASSWORD_ENV)
            else (superset_config.BI_HOME / "admin_password")
        )
        print(f"{READY} {base_url}{path}", flush=True)
        print(f"Log in as {ADMIN}, password in {password_from}. Ctrl-C stops it.", flush=True)
        if not args.setup_only:
            server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        if server.poll() is None:
            stop(server)


if __name__ == "__main__":
    main()
