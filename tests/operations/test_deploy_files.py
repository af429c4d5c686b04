"""The deployment files of docs/deploy/ (Docker Compose, Dockerfile, Helm values) ship the
instance settings the tests run with: docs/deploy/dagster.yaml, which ``pmo`` writes when
PostgreSQL is selected (test_dagster_on_postgres.py), and which is the repository's embedded
.dagster/dagster.yaml but for its storage. Docker and Helm do not run here: these read the files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from pipelines.instance import (
    INSTANCE_SETTINGS,
    POSTGRES_INSTANCE_SETTINGS,
    POSTGRES_URL_ENV,
    POSTGRES_URL_SCHEME,
)

DEPLOY = POSTGRES_INSTANCE_SETTINGS.parent
DAGSTER_SERVICES = ["code-server", "daemon", "webserver", "receiver"]
DAGSTER_HOME = "/opt/dagster/home"


def load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text())


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return load(DEPLOY / "compose.yaml")


@pytest.fixture(scope="module")
def helm() -> dict[str, Any]:
    return load(DEPLOY / "helm-values.yaml")


def test_the_postgresql_settings_are_the_embedded_ones_but_for_the_storage() -> None:
    postgres, embedded = load(POSTGRES_INSTANCE_SETTINGS), load(INSTANCE_SETTINGS)
    assert postgres.pop("storage") == {"postgres": {"postgres_url": {"env": POSTGRES_URL_ENV}}}
    embedded.pop("storage")
    assert postgres == embedded


def test_the_run_queue_has_a_limit() -> None:
    settings = load(POSTGRES_INSTANCE_SETTINGS)
    assert settings["run_coordinator"]["class"] == "QueuedRunCoordinator"
    assert settings["concurrency"]["runs"]["max_concurrent_runs"] > 0


def test_compose_runs_the_services_of_a_deployment(compose: dict[str, Any]) -> None:
    assert sorted(compose["services"]) == sorted(["postgres", *DAGSTER_SERVICES])


@pytest.mark.parametrize("service", DAGSTER_SERVICES)
def test_every_dagster_service_reads_the_tested_settings(
    compose: dict[str, Any], service: str
) -> None:
    settings = compose["services"][service]
    assert settings["environment"]["DAGSTER_HOME"] == DAGSTER_HOME
    mount = f"./{POSTGRES_INSTANCE_SETTINGS.name}:{DAGSTER_HOME}/dagster.yaml:ro"
    assert mount in settings["volumes"]


@pytest.mark.parametrize("service", DAGSTER_SERVICES)
def test_every_dagster_service_gets_the_url_with_its_driver_and_no_password_in_the_file(
    compose: dict[str, Any], service: str
) -> None:
    url = compose["services"][service]["environment"][POSTGRES_URL_ENV]
    assert url.startswith(f"{POSTGRES_URL_SCHEME}://")
    assert ":${DAGSTER_PG_PASSWORD:?" in url


@pytest.mark.parametrize("service", DAGSTER_SERVICES)
def test_every_dagster_service_reads_its_settings_and_secrets_from_an_uncommitted_file(
    compose: dict[str, Any], service: str
) -> None:
    assert compose["services"][service]["env_file"] == "pmo.env"
    assert (DEPLOY / "pmo.env.example").is_file()
    assert not (DEPLOY / "pmo.env").exists()


def test_postgresql_takes_its_password_from_the_same_uncommitted_file(
    compose: dict[str, Any],
) -> None:
    password = compose["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"]
    assert password.startswith("${DAGSTER_PG_PASSWORD:?")


def test_the_daemon_and_webserver_load_the_code_server(compose: dict[str, Any]) -> None:
    services = compose["services"]
    serve = services["code-server"]["command"]
    port = int(serve[serve.index("--port") + 1])
    location = serve[serve.index("--location-name") + 1]
    workspaces = {
        name: services[name]["command"][services[name]["command"].index("-w") + 1]
        for name in ("daemon", "webserver")
    }
    assert set(workspaces.values()) == {"docs/deploy/workspace.yaml"}
    (server,) = load(DEPLOY / "workspace.yaml")["load_from"]
    assert server["grpc_server"] == {"host": "code-server", "port": port, "location_name": location}


def test_the_image_is_built_from_the_lock_with_the_dbt_manifest(compose: dict[str, Any]) -> None:
    build = compose["services"]["code-server"]["build"]
    root = (DEPLOY / build["context"]).resolve()
    dockerfile = (root / build["dockerfile"]).read_text()
    assert root == INSTANCE_SETTINGS.parent.parent
    assert "uv sync --locked --no-dev" in dockerfile
    assert "dagster-dbt project prepare-and-package" in dockerfile


def helm_instance_settings(values: dict[str, Any]) -> dict[str, Any]:
    """The sections of dagster.yaml the chart renders from ``values`` (its templates
    configmap-instance.yaml and helpers/instance/*.tpl), for the values this project sets."""
    daemon = values["dagsterDaemon"]
    queued = daemon["runCoordinator"]["config"]["queuedRunCoordinator"]
    retention = values["retention"]
    return {
        "concurrency": {
            "pools": {"default_limit": values["concurrency"]["pools"]["defaultLimit"]},
            "runs": {"max_concurrent_runs": values["concurrency"]["runs"]["maxConcurrentRuns"]},
        },
        "telemetry": {"enabled": values["telemetry"]["enabled"]},
        "sensors": {
            "use_threads": daemon["sensors"]["useThreads"],
            "num_workers": daemon["sensors"]["numWorkers"],
        },
        "run_coordinator": {
            "module": "dagster.core.run_coordinator",
            "class": daemon["runCoordinator"]["type"],
            "config": {"dequeue_interval_seconds": queued["dequeueIntervalSeconds"]},
        },
        "run_monitoring": {
            "enabled": daemon["runMonitoring"]["enabled"],
            "free_slots_after_run_end_seconds": daemon["runMonitoring"][
                "freeSlotsAfterRunEndSeconds"
            ],
        },
        "run_retries": {"enabled": daemon["runRetries"]["enabled"]},
        "retention": {
            "schedule": {"purge_after_days": retention["schedule"]["purgeAfterDays"]},
            "sensor": {"purge_after_days": retention["sensor"]["purgeAfterDays"]},
        },
    }


def test_the_helm_values_give_the_tested_settings(helm: dict[str, Any]) -> None:
    settings = load(POSTGRES_INSTANCE_SETTINGS)
    settings.pop("storage")
    assert helm["retention"]["enabled"] and helm["dagsterDaemon"]["runCoordinator"]["enabled"]
    assert helm_instance_settings(helm) == settings


def test_the_helm_values_store_in_postgresql_with_the_password_in_a_secret(
    helm: dict[str, Any],
) -> None:
    postgres = helm["postgresql"]
    assert postgres["postgresqlScheme"] == POSTGRES_URL_SCHEME
    assert "postgresqlPassword" not in postgres
    assert helm["global"]["postgresqlSecretName"]
    assert helm["generatePostgresqlPasswordSecret"] is False


def test_the_helm_values_run_the_user_code_image_with_the_k8s_run_launcher(
    helm: dict[str, Any],
) -> None:
    (deployment,) = helm["dagster-user-deployments"]["deployments"]
    assert deployment["dagsterApiGrpcArgs"] == ["--module-name", "pipelines.definitions"]
    assert deployment["includeConfigInLaunchedRuns"]["enabled"] is True
    assert helm["runLauncher"]["type"] == "K8sRunLauncher"


def test_the_image_leaves_out_the_secrets_and_local_state() -> None:
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
    assert {".dlt/secrets.toml", "docs/deploy/pmo.env", "docs/deploy/.env", ".venv"} <= set(ignored)
    assert {".dagster/*", "!.dagster/dagster.yaml"} <= set(ignored)
