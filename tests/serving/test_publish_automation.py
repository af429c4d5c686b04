"""The publish step follows the marts; automation never publishes past a blocking check that
failed with ERROR, and is never held back by one that only warned."""

import dagster as dg
import pytest

from pipelines.defs.automation import FOLLOW_VALID_UPSTREAMS, pmo_automation
from pipelines.defs.serving import SNAPSHOT_KEY

MART = dg.AssetKey(["marts", "mart_example"])
PUBLISH = dg.AssetKey(["serving", "example_snapshot"])


def test_snapshot_depends_on_every_kpi_mart():
    from pipelines.definitions import defs

    graph = defs().resolve_asset_graph()
    marts = {key for key in graph.get_all_asset_keys() if graph.get(key).group_name == "kpi_marts"}
    assert marts
    assert marts <= set(graph.get(SNAPSHOT_KEY).parent_keys)


@pytest.fixture
def example_graph() -> list[dg.AssetsDefinition | dg.AssetChecksDefinition]:
    """A mart with a blocking check whose outcome the test sets, and a publish step after it."""

    @dg.asset(
        key=MART,
        config_schema={"check_passes": bool, "severity": str},
        check_specs=[dg.AssetCheckSpec("example_test", asset=MART, blocking=True)],
    )
    def mart(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        return dg.MaterializeResult(
            check_results=[
                dg.AssetCheckResult(
                    passed=context.op_config["check_passes"],
                    severity=dg.AssetCheckSeverity(context.op_config["severity"]),
                )
            ]
        )

    @dg.asset(key=PUBLISH, deps=[MART], automation_condition=FOLLOW_VALID_UPSTREAMS)
    def publish() -> None:
        """Stands for serving/snapshot."""

    return [mart, publish]


def build_mart(
    graph,
    instance: dg.DagsterInstance,
    *,
    check_passes: bool,
    severity: dg.AssetCheckSeverity = dg.AssetCheckSeverity.ERROR,
) -> None:
    config = {"check_passes": check_passes, "severity": severity.value}
    dg.materialize(
        graph,
        selection=[MART],
        instance=instance,
        run_config={"ops": {"marts__mart_example": {"config": config}}},
        raise_on_error=False,
    )


def publish_requested_after_build(graph, instance: dg.DagsterInstance, **build) -> bool:
    """Whether our automation sensor, ticking before and after the mart is rebuilt, requests
    the publish; it ticks as in the code server, where our conditions' Python runs."""
    definitions = dg.Definitions(assets=graph, sensors=[pmo_automation])
    repository = definitions.get_repository_def()
    sensor = definitions.resolve_sensor_def(pmo_automation.name)
    first = sensor(dg.build_sensor_context(instance=instance, repository_def=repository))
    build_mart(graph, instance, **build)
    context = dg.build_sensor_context(
        instance=instance, repository_def=repository, cursor=first.cursor
    )
    return any(PUBLISH in request.asset_selection for request in sensor(context).run_requests)


def test_automation_does_not_publish_after_a_blocking_check_failed_with_error(example_graph):
    instance = dg.DagsterInstance.ephemeral()
    assert not publish_requested_after_build(example_graph, instance, check_passes=False)


def test_automation_publishes_past_a_blocking_check_that_only_warned(example_graph):
    instance = dg.DagsterInstance.ephemeral()
    warned = dict(check_passes=False, severity=dg.AssetCheckSeverity.WARN)
    assert publish_requested_after_build(example_graph, instance, **warned)


def test_automation_publishes_once_the_blocking_checks_pass(example_graph):
    instance = dg.DagsterInstance.ephemeral()
    build_mart(example_graph, instance, check_passes=False)
    assert publish_requested_after_build(example_graph, instance, check_passes=True)
