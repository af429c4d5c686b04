"""The daemon's workspace in a deployment: the code location from a code server of its own."""

from pathlib import Path

import dagster as dg
from dagster._core.workspace.context import WorkspaceProcessContext
from dagster._core.workspace.load_target import WorkspaceFileTarget
from dagster._daemon.controller import create_daemon_grpc_server_registry

from sandbox.code_server import running_code_server

LOCATION = "pmo"


def test_the_daemons_workspace_refresh_keeps_its_code_server(tmp_path: Path) -> None:
    """What the daemon does every 60 s (``DagsterDaemonController.check_workspace_freshness``)
    replaces a code server it started itself: a full code-location load beside the run in
    progress. The code server the deployment runs stays."""
    with (
        dg.instance_for_test() as instance,
        running_code_server(tmp_path) as (workspace, _),
        create_daemon_grpc_server_registry(instance) as registry,
        WorkspaceProcessContext(
            instance, WorkspaceFileTarget([str(workspace)]), grpc_server_registry=registry
        ) as context,
    ):
        serving = context.create_request_context().get_code_location(LOCATION).server_id
        registry.clear_all_grpc_endpoints()
        context.refresh_workspace()
        assert context.create_request_context().get_code_location(LOCATION).server_id == serving
