"""Settings are resolved by dlt when read (environment first, then .dlt/*.toml), not at import,
under the environment variable names users already set."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.events.settings import (
    MissingWebhookSecretError,
    spool_path,
    webhook_host,
    webhook_port,
    webhook_read_timeout,
    webhook_secret,
)
from pipelines.settings import alert_webhook_url, schedule_timezone
from quality.settings import quality_settings
from warehouse.settings import REPO_ROOT, warehouse_path

READERS = [
    ("PMO_WAREHOUSE_PATH", "/srv/pmo/other.duckdb", warehouse_path, Path("/srv/pmo/other.duckdb")),
    ("PMO_TIMEZONE", "Europe/Paris", schedule_timezone, "Europe/Paris"),
    (
        "PMO_ALERT_WEBHOOK_URL",
        "http://127.0.0.1:9/hook",
        alert_webhook_url,
        "http://127.0.0.1:9/hook",
    ),
    ("PMO_WEBHOOK_SECRET", "s3cret", webhook_secret, "s3cret"),
    ("PMO_WEBHOOK_HOST", "0.0.0.0", webhook_host, "0.0.0.0"),
    ("PMO_WEBHOOK_PORT", "9191", webhook_port, 9191),
    ("PMO_WEBHOOK_READ_TIMEOUT_SECONDS", "2.5", webhook_read_timeout, 2.5),
    ("PMO_WEBHOOK_SPOOL", "/srv/pmo/spool.sqlite3", spool_path, Path("/srv/pmo/spool.sqlite3")),
    (
        "QUALITY__FRESHNESS_MAX_HOURS",
        "12",
        lambda: quality_settings().freshness_max_hours,
        12.0,
    ),
]


@pytest.mark.parametrize(("variable", "value", "read", "expected"), READERS)
def test_a_variable_set_after_import_is_read(monkeypatch, variable, value, read, expected):
    monkeypatch.setenv(variable, value)
    assert read() == expected


def test_a_relative_warehouse_path_starts_at_the_repository(monkeypatch) -> None:
    monkeypatch.setenv("PMO_WAREHOUSE_PATH", "elsewhere/pmo.duckdb")
    assert warehouse_path() == REPO_ROOT / "elsewhere" / "pmo.duckdb"


def test_an_empty_warehouse_path_counts_as_unset(monkeypatch) -> None:
    monkeypatch.setenv("PMO_WAREHOUSE_PATH", "")
    assert warehouse_path() == REPO_ROOT / "warehouse" / "pmo.duckdb"


def test_the_spool_defaults_to_the_dagster_home(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("PMO_WEBHOOK_SPOOL", raising=False)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    assert spool_path() == tmp_path / "webhook_spool.sqlite3"


def test_the_receiver_refuses_to_start_without_a_secret(monkeypatch) -> None:
    monkeypatch.setenv("PMO_WEBHOOK_SECRET", "")
    with pytest.raises(MissingWebhookSecretError, match="PMO_WEBHOOK_SECRET is not set"):
        webhook_secret()


def test_a_zero_quality_threshold_is_kept_not_replaced_by_the_default(monkeypatch) -> None:
    monkeypatch.setenv("QUALITY__QUARANTINE_MAX_PCT", "0")
    assert quality_settings().quarantine_max_pct == 0.0


def test_gate_modes_are_case_insensitive(monkeypatch) -> None:
    monkeypatch.setenv("QUALITY__VOLUME_DROP", " Warn ")
    assert quality_settings().volume_drop == "warn"


def test_an_unknown_gate_mode_is_refused_naming_the_variable(monkeypatch) -> None:
    monkeypatch.setenv("QUALITY__QUARANTINE_OVER_LIMIT", "maybe")
    with pytest.raises(ValueError, match="QUALITY__QUARANTINE_OVER_LIMIT='maybe'"):
        quality_settings()


def _read_in(project: Path, config_toml: str, expression: str) -> subprocess.CompletedProcess:
    """``expression`` evaluated by a fresh interpreter whose dlt project is ``project``."""
    (project / ".dlt").mkdir()
    (project / ".dlt" / "config.toml").write_text(config_toml)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PMO_", "QUALITY__"))}
    module, _, function = expression.rpartition(".")
    code = f"from {module} import {function}; print({function}())"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=project,
        env=env | {"PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_config_toml_sets_what_only_the_environment_used_to(tmp_path) -> None:
    read = _read_in(tmp_path, "pmo_webhook_port = 9999\n", "pipelines.events.settings.webhook_port")
    assert read.stdout.strip() == "9999", read.stderr


def test_config_toml_may_not_hold_a_secret(tmp_path) -> None:
    read = _read_in(
        tmp_path, 'pmo_webhook_secret = "s3cret"\n', "pipelines.events.settings.webhook_secret"
    )
    assert read.returncode != 0
    assert "cannot hold secret values" in read.stderr
    assert "s3cret" not in read.stdout + read.stderr
